package dev.flynn.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.vectorized.ColumnarBatch;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Where a Dataset's data comes from, as Flynn reads it: the {@code ColumnarBatch}es of the plan's
 * columnar part when the plan below the final row conversion can produce them (Spark's in-memory
 * cache, vectorized Parquet and ORC scans, Arrow-backed sources), otherwise the plan's
 * {@code InternalRow}s. Both give the same rows in the same partitions in the same order: Spark's
 * {@code ColumnarToRowExec} converts batch by batch, within a partition.
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

    private SparkInput(SparkPlan plan, SparkPlan columnar) {
        this.plan = plan;
        this.columnar = columnar;
    }

    /** The input of {@code ds}: planned now, read when a job runs. */
    static SparkInput of(Dataset<Row> ds) {
        SparkPlan plan = ds.queryExecution().executedPlan();
        return new SparkInput(plan, columnarBelow(plan));
    }

    // the plan itself where it produces both (an in-memory scan), or the columnar plan that the row plan only
    // converts (ColumnarToRow, inside whole-stage code or not); null where no part of it is columnar
    private static SparkPlan columnarBelow(SparkPlan plan) {
        SparkPlan p = plan;
        while (true) {
            if (p instanceof WholeStageCodegenExec w) {
                p = w.child();
            } else if (p instanceof InputAdapter a) {
                p = a.child();
            } else if (p instanceof ColumnarToRowExec c) {
                p = c.child();
            } else {
                break;
            }
        }
        return p.supportsColumnar() ? p : null;
    }

    Path path() {
        return columnar != null ? Path.COLUMNAR : Path.ROWS;
    }

    /** The columnar plan below the rows (its output is the Dataset's columns, in order); null for ROWS. */
    SparkPlan columnarPlan() {
        return columnar;
    }

    /** The batches; only for {@link Path#COLUMNAR}. */
    JavaRDD<ColumnarBatch> batches() {
        if (columnar == null) {
            throw new IllegalStateException("the plan does not produce columnar batches:\n" + plan);
        }
        return columnar.executeColumnar().toJavaRDD();
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
