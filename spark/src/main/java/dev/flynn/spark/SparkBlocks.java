package dev.flynn.spark;

import dev.flynn.Flynn;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.vectorized.ColumnarBatch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The reductions of one partition: its rows cut into blocks of {@link SparkKernels#BATCH} rows (nulls
 * included), each block's values gathered into primitive arrays and reduced in one Flynn pass to an
 * unfinished state, the block states merged in a fixed pairwise tree. Blocks are counted in rows, not
 * in Spark's batches, so rows and columnar batches of the same partition give the same bits.
 * Reductions over the same columns read as the same types (sum, mean, variance and min of one column)
 * share one set of arrays: the column is copied once per block, not once per reduction.
 */
final class SparkBlocks {
    private static final int BLOCK = SparkKernels.BATCH;

    private final Flynn flynn = SparkKernelCache.flynn();
    private final SparkKernel[] kernels;
    private final SparkColumns[] cols;
    /** For each reduction, the first reduction over the same columns: whose arrays, counts and rows it reads. */
    private final int[] source;
    private final Object[][] arrays;
    /** The row (from the block's start) of each value; kept only once a row of the block was skipped. */
    private final int[][] rowOf;
    private final int[] count;
    private final boolean[] skipped;
    private final List<List<SparkPartial>> blocks = new ArrayList<>();
    /** Rows in the current block. */
    private int size;

    private SparkBlocks(byte[][] bytes, SparkColumns[] cols) {
        int nr = bytes.length;
        this.cols = cols;
        kernels = new SparkKernel[nr];
        arrays = new Object[nr][];
        rowOf = new int[nr][];
        count = new int[nr];
        skipped = new boolean[nr];
        source = new int[nr];
        for (int r = 0; r < nr; r++) {
            kernels[r] = SparkKernelCache.get(bytes[r]);
            source[r] = r;
            for (int q = 0; q < r; q++) {
                if (cols[q].equals(cols[r])) {
                    source[r] = q;
                    break;
                }
            }
            if (source[r] == r) {
                arrays[r] = cols[r].arrays(BLOCK);
                rowOf[r] = new int[BLOCK];
            }
            blocks.add(new ArrayList<>());
        }
    }

    /** Reduces a partition given as rows. */
    static SparkPartitionState rows(int partition, Iterator<InternalRow> rows, byte[][] bytes, SparkColumns[] cols) {
        SparkInput.read(SparkInput.Path.ROWS);
        SparkBlocks b = new SparkBlocks(bytes, cols);
        while (rows.hasNext()) {
            b.add(rows.next());
        }
        return b.finish(partition);
    }

    /** Reduces a partition given as columnar batches. */
    static SparkPartitionState batches(int partition, Iterator<ColumnarBatch> batches, byte[][] bytes,
                                       SparkColumns[] cols) {
        SparkInput.read(SparkInput.Path.COLUMNAR);
        SparkBlocks b = new SparkBlocks(bytes, cols);
        while (batches.hasNext()) {
            b.add(batches.next());
        }
        return b.finish(partition);
    }

    private void add(InternalRow row) {
        for (int r = 0; r < kernels.length; r++) {
            if (source[r] != r) {
                continue;
            }
            if (cols[r].anyNull(row)) {
                skip(r);
            } else {
                cols[r].read(row, arrays[r], count[r]);
                value(r, size);
            }
        }
        if (++size == BLOCK) {
            flush();
        }
    }

    private void add(ColumnarBatch batch) {
        int rows = batch.numRows();
        int at = 0;
        while (at < rows) {
            int take = Math.min(BLOCK - size, rows - at);
            for (int r = 0; r < kernels.length; r++) {
                if (source[r] != r) {
                    continue;
                }
                SparkColumns c = cols[r];
                if (!c.anyNull(batch)) {
                    // the common case: whole columns copied, no per-row work
                    c.read(batch, at, take, arrays[r], count[r]);
                    if (skipped[r]) {
                        for (int j = 0; j < take; j++) {
                            rowOf[r][count[r] + j] = size + j;
                        }
                    }
                    count[r] += take;
                } else {
                    for (int j = 0; j < take; j++) {
                        if (c.anyNull(batch, at + j)) {
                            skip(r);
                        } else {
                            c.read(batch, at + j, arrays[r], count[r]);
                            value(r, size + j);
                        }
                    }
                }
            }
            size += take;
            at += take;
            if (size == BLOCK) {
                flush();
            }
        }
    }

    // a value of reduction r read at the end of its arrays, from row `row` of the block
    private void value(int r, int row) {
        if (skipped[r]) {
            rowOf[r][count[r]] = row;
        }
        count[r]++;
    }

    private void skip(int r) {
        if (!skipped[r]) {
            // until the first skipped row, value i was row i
            for (int j = 0; j < count[r]; j++) {
                rowOf[r][j] = j;
            }
            skipped[r] = true;
        }
    }

    private void flush() {
        for (int r = 0; r < kernels.length; r++) {
            int s = source[r];
            blocks.get(r).add(kernels[r].reduce(flynn, arrays[s], count[s], size, skipped[s] ? rowOf[s] : null));
        }
        java.util.Arrays.fill(count, 0);
        java.util.Arrays.fill(skipped, false);
        size = 0;
    }

    private SparkPartitionState finish(int partition) {
        if (size > 0) {
            flush();
        }
        SparkPartial[] parts = new SparkPartial[kernels.length];
        for (int r = 0; r < parts.length; r++) {
            parts[r] = tree(flynn, kernels[r], blocks.get(r));
        }
        return new SparkPartitionState(partition, parts);
    }

    /** Block states combined pairwise, neighbours first, as {@code Partials.tree} does. */
    static SparkPartial tree(Flynn flynn, SparkKernel k, List<SparkPartial> parts) {
        if (parts.isEmpty()) {
            return SparkPartial.empty(0);
        }
        SparkPartial[] p = parts.toArray(SparkPartial[]::new);
        for (int width = 1; width < p.length; width <<= 1) {
            for (int i = 0; i + width < p.length; i += width << 1) {
                p[i] = k.merge(flynn, p[i], p[i + width]);
            }
        }
        return p[0];
    }
}
