package dev.flynn.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.Seq;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Where a Dataset's data comes from, as Flynn reads it: the {@code ColumnarBatch}es of the plan's
 * columnar part when the plan below the final row conversion can produce them (Spark's in-memory
 * cache, vectorized Parquet and ORC scans, Arrow-backed sources), otherwise the plan's
 * {@code InternalRow}s. Both give the same rows in the same partitions in the same order: Spark's
 * {@code ColumnarToRowExec} converts batch by batch, within a partition. A projection that only picks
 * columns (the {@code select} of a reduction over a Flynn map's output) is looked through: its
 * batches are the columnar plan's with the picked vectors.
 */
final class SparkInput {
    /** How a task read its partition. */
    enum Path {
        /** {@code ColumnarBatch}es, columns read in bulk. */
        COLUMNAR,
        /** {@code InternalRow}s, a field at a time. */
        ROWS
    }

    // partitions read per path in this JVM: lets a local-mode test see which path its tasks took
    private static final AtomicLongArray READ = new AtomicLongArray(Path.values().length);

    private final SparkPlan plan;
    private final SparkPlan columnar;
    /** For each of the Dataset's columns, its vector in the columnar plan's batches; null: the same order. */
    private final int[] pick;

    private SparkInput(SparkPlan plan, SparkPlan columnar, int[] pick) {
        this.plan = plan;
        this.columnar = columnar;
        this.pick = pick;
    }

    /** The input of {@code ds}: planned now, read when a job runs. */
    static SparkInput of(Dataset<Row> ds) {
        SparkPlan plan = ds.queryExecution().executedPlan();
        // the plan itself where it produces both (an in-memory scan), or the columnar plan that the row plan
        // only converts (ColumnarToRow, inside whole-stage code or not) and picks columns of (a projection of
        // plain columns); no columnar plan where another operator comes first
        SparkPlan p = plan;
        int[] pick = null;
        while (true) {
            if (p instanceof WholeStageCodegenExec w) {
                p = w.child();
            } else if (p instanceof InputAdapter a) {
                p = a.child();
            } else if (p instanceof ColumnarToRowExec c) {
                p = c.child();
            } else if (p instanceof ProjectExec proj && picks(proj)) {
                pick = compose(pick, proj);
                p = proj.child();
            } else {
                break;
            }
        }
        return p.supportsColumnar() ? new SparkInput(plan, p, pick) : new SparkInput(plan, null, null);
    }

    // whether every column of the projection is a column of its child, as it is
    private static boolean picks(ProjectExec proj) {
        Seq<NamedExpression> list = proj.projectList();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.apply(i) instanceof Attribute a) || indexOf(proj.child().output(), a) < 0) {
                return false;
            }
        }
        return true;
    }

    // the vectors of proj's child that the columns picked so far (pick, into proj's output) are
    private static int[] compose(int[] pick, ProjectExec proj) {
        Seq<NamedExpression> list = proj.projectList();
        int n = pick == null ? list.size() : pick.length;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = indexOf(proj.child().output(), (Attribute) list.apply(pick == null ? i : pick[i]));
        }
        return out;
    }

    private static int indexOf(Seq<Attribute> attrs, Attribute a) {
        for (int j = 0; j < attrs.size(); j++) {
            if (attrs.apply(j).exprId().equals(a.exprId())) {
                return j;
            }
        }
        return -1;
    }

    Path path() {
        return columnar != null ? Path.COLUMNAR : Path.ROWS;
    }

    /** The batches, with the Dataset's columns in order; only for {@link Path#COLUMNAR}. */
    JavaRDD<ColumnarBatch> batches() {
        if (columnar == null) {
            throw new IllegalStateException("the plan does not produce columnar batches:\n" + plan);
        }
        JavaRDD<ColumnarBatch> all = columnar.executeColumnar().toJavaRDD();
        int[] at = pick;
        if (at == null) {
            return all;
        }
        // a new batch over the same vectors: nothing is copied
        return all.map(b -> {
            ColumnVector[] v = new ColumnVector[at.length];
            for (int i = 0; i < at.length; i++) {
                v[i] = b.column(at[i]);
            }
            return new ColumnarBatch(v, b.numRows());
        });
    }

    /** The rows. */
    JavaRDD<InternalRow> rows() {
        return plan.execute().toJavaRDD();
    }

    /** Counts a partition read on {@code path} in this JVM. */
    static void read(Path path) {
        READ.incrementAndGet(path.ordinal());
    }

    /** Partitions read on {@code path} in this JVM so far. */
    static long partitionsRead(Path path) {
        return READ.get(path.ordinal());
    }
}
