package dev.flynn.spark;

import org.apache.spark.sql.SparkSessionExtensions;
import scala.Function1;
import scala.runtime.BoxedUnit;

/**
 * Flynn's planner strategy for Spark sessions, the way accelerator plugins install theirs:
 * {@code --conf spark.sql.extensions=dev.flynn.spark.SparkExtensions}. Optional: without it,
 * {@link SparkKernels#withColumn} installs the same strategy on first use.
 */
public final class SparkExtensions implements Function1<SparkSessionExtensions, BoxedUnit> {
    /** Spark creates the extensions from their class name, {@code spark.sql.extensions}. */
    public SparkExtensions() {
    }

    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        extensions.injectPlannerStrategy(session -> new SparkMapStrategy());
        return BoxedUnit.UNIT;
    }
}
