package dev.flynn.spark;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.vectorized.ColumnarBatch;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A partition's rows as chunks of {@link SparkKernels#BATCH} values per column (the last one shorter):
 * a primitive array for one column, an {@code Object[]} of arrays for several. Rows with a null in any
 * of the columns are left out. Reads columnar batches in bulk where the plan has them, like the
 * reductions do.
 */
final class SparkChunks {
    private static final int CHUNK = SparkKernels.BATCH;

    private SparkChunks() {
    }

    static Iterator<Object> fromRows(Iterator<InternalRow> rows, SparkColumns cols) {
        SparkInput.read(SparkInput.Path.ROWS);
        return new Chunks(cols) {
            @Override
            void fill() {
                while (n < CHUNK && rows.hasNext()) {
                    InternalRow row = rows.next();
                    if (!cols.anyNull(row)) {
                        cols.read(row, arrays, n++);
                    }
                }
            }
        };
    }

    static Iterator<Object> fromBatches(Iterator<ColumnarBatch> batches, SparkColumns cols) {
        SparkInput.read(SparkInput.Path.COLUMNAR);
        return new Chunks(cols) {
            private ColumnarBatch batch;
            private int at;

            @Override
            void fill() {
                while (n < CHUNK) {
                    if (batch == null || at == batch.numRows()) {
                        if (!batches.hasNext()) {
                            return;
                        }
                        batch = batches.next();
                        at = 0;
                        continue;
                    }
                    int take = Math.min(CHUNK - n, batch.numRows() - at);
                    if (!cols.anyNull(batch)) {
                        cols.read(batch, at, take, arrays, n);
                        n += take;
                    } else {
                        for (int j = at; j < at + take; j++) {
                            if (!cols.anyNull(batch, j)) {
                                cols.read(batch, j, arrays, n++);
                            }
                        }
                    }
                    at += take;
                }
            }
        };
    }

    // a chunk that owns its arrays: the filled ones as they are, a short last one copied to its length
    private static Object chunk(Object[] arrays, int n) {
        Object[] out = new Object[arrays.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = n == CHUNK ? arrays[i] : trim(arrays[i], n);
        }
        return out.length == 1 ? out[0] : out;
    }

    private static Object trim(Object a, int n) {
        return switch (a) {
            case double[] d -> Arrays.copyOf(d, n);
            case float[] f -> Arrays.copyOf(f, n);
            case int[] i -> Arrays.copyOf(i, n);
            case long[] l -> Arrays.copyOf(l, n);
            default -> throw new IllegalStateException("chunk array " + a.getClass());
        };
    }

    /** Chunks filled from a partition until full or until the partition ends. */
    private abstract static class Chunks implements Iterator<Object> {
        private final SparkColumns cols;
        Object[] arrays;
        int n;

        Chunks(SparkColumns cols) {
            this.cols = cols;
            this.arrays = cols.arrays(CHUNK);
        }

        /** Adds values at {@code n} until the chunk holds {@link #CHUNK} or the partition ends. */
        abstract void fill();

        @Override
        public boolean hasNext() {
            fill();
            return n > 0;
        }

        @Override
        public Object next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Object chunk = chunk(arrays, n);
            arrays = cols.arrays(CHUNK);
            n = 0;
            return chunk;
        }
    }
}
