package dev.flynn.spark;

import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SparkStrategy;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

import java.util.List;

/**
 * Plans {@link SparkMapPlan} as {@link SparkMapExec}. Installed by {@link SparkExtensions}
 * ({@code spark.sql.extensions}), or by {@link SparkKernels#withColumn} into the session's
 * {@code experimental().extraStrategies} the first time it is used in a session without it.
 */
public final class SparkMapStrategy extends SparkStrategy {
    private static final long serialVersionUID = 1L;

    /** The strategy; it holds no state. */
    public SparkMapStrategy() {
    }

    @Override
    public Seq<SparkPlan> apply(LogicalPlan plan) {
        if (plan instanceof SparkMapPlan m) {
            return CollectionConverters.asScala(List.<SparkPlan>of(m.plan(planLater(m.child())))).toSeq();
        }
        return CollectionConverters.asScala(List.<SparkPlan>of()).toSeq();
    }

    /** Makes sure the session plans Flynn maps. */
    static void install(SparkSession session) {
        var experimental = session.experimental();
        synchronized (experimental) {
            boolean known = session.sessionState().planner().strategies().exists(s -> s instanceof SparkMapStrategy);
            if (!known) {
                List<SparkStrategy> all = new java.util.ArrayList<>(CollectionConverters.asJava(experimental.extraStrategies()));
                all.add(new SparkMapStrategy());
                experimental.extraStrategies_$eq(CollectionConverters.asScala(all).toSeq());
            }
        }
    }
}
