package dev.flynn.spark;

import dev.flynn.DType;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.util.TaskCompletionListener;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

import java.util.Iterator;

/**
 * A map over {@code ColumnarBatch}es: the kernel's columns of each batch read in bulk, mapped in one
 * Flynn call, and the batch passed on with the child's vectors as they are and the result as one more
 * vector (null where one of the kernel's columns is null). The result vector is reused from batch to
 * batch, as Spark's own readers reuse theirs: a consumer is done with a batch before it asks for the next.
 */
final class SparkMapBatches implements Iterator<ColumnarBatch> {
    private final Iterator<ColumnarBatch> batches;
    private final SparkKernel kernel;
    private final SparkColumns in;
    private final DType type;
    /** For each output column: the child's vector it is, or -1 for the result. */
    private final int[] layout;
    private final OnHeapColumnVector vector;
    private Object[] inputs;
    private Object values;
    private int[] rowOf;

    SparkMapBatches(Iterator<ColumnarBatch> batches, byte[] bytes, SparkColumns in, int[] layout) {
        this.batches = batches;
        this.kernel = SparkKernelCache.get(bytes);
        this.in = in;
        this.type = kernel.kernel.resultType();
        this.layout = layout;
        this.vector = new OnHeapColumnVector(4096, SparkColumns.sparkType(type));
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) context -> vector.close());
        }
        grow(4096);
    }

    private void grow(int rows) {
        inputs = in.arrays(rows);
        values = java.lang.reflect.Array.newInstance(type.javaType(), rows);
        rowOf = new int[rows];
    }

    @Override
    public boolean hasNext() {
        return batches.hasNext();
    }

    @Override
    public ColumnarBatch next() {
        ColumnarBatch b = batches.next();
        int rows = b.numRows();
        if (rows > rowOf.length) {
            grow(rows);
        }
        vector.reset();
        vector.reserve(rows);
        if (!in.anyNull(b)) {
            if (rows > 0) {
                kernel.map(SparkKernelCache.flynn(), values, in.columns(b, rows, inputs), rows);
            }
            putAll(rows);
        } else {
            int n = 0;
            for (int j = 0; j < rows; j++) {
                if (!in.anyNull(b, j)) {
                    in.read(b, j, inputs, n);
                    rowOf[n++] = j;
                }
            }
            if (n > 0) {
                kernel.map(SparkKernelCache.flynn(), values, inputs, n);
            }
            int k = 0;
            for (int j = 0; j < rows; j++) {
                if (k < n && rowOf[k] == j) {
                    put(j, k++);
                } else {
                    vector.putNull(j);
                }
            }
        }
        ColumnVector[] out = new ColumnVector[layout.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = layout[j] < 0 ? vector : b.column(layout[j]);
        }
        return new ColumnarBatch(out, rows);
    }

    private void putAll(int rows) {
        switch (type) {
            case F64 -> vector.putDoubles(0, rows, (double[]) values, 0);
            case F32 -> vector.putFloats(0, rows, (float[]) values, 0);
            case I32 -> vector.putInts(0, rows, (int[]) values, 0);
            case I64 -> vector.putLongs(0, rows, (long[]) values, 0);
            case BOOL -> throw new IllegalStateException("a mask column");
        }
    }

    private void put(int row, int at) {
        switch (type) {
            case F64 -> vector.putDouble(row, ((double[]) values)[at]);
            case F32 -> vector.putFloat(row, ((float[]) values)[at]);
            case I32 -> vector.putInt(row, ((int[]) values)[at]);
            case I64 -> vector.putLong(row, ((long[]) values)[at]);
            case BOOL -> throw new IllegalStateException("a mask column");
        }
    }
}
