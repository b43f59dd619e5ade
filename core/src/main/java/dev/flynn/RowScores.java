package dev.flynn;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinTask;

/**
 * The work behind {@link Scoring}: every row of the matrix is scored against every query by one 1-D
 * reduction call of that row, on a one-thread runtime of the caller's backend, so each score is
 * bitwise the 1-D call's result for that row whatever the thread count; rows are shared among the
 * caller's threads in fixed chunks. The arguments are checked by {@link Scoring} before this runs.
 */
final class RowScores {
    /** Rows per task: enough that a task outweighs its scheduling, few enough to balance two or three threads. */
    private static final int ROWS_PER_TASK = 256;
    /** Elements below which a call is not worth splitting over threads. */
    private static final long MIN_PARALLEL = 1 << 15;
    /** Stands for a pool thread: a segment of a confined arena is read on the calling thread only. */
    private static final Thread OTHER_THREAD = Thread.ofPlatform().unstarted(() -> { });
    private static final Map<DType, Kernel> DOT = new EnumMap<>(DType.class);
    private static final Map<DType, Kernel> L2 = new EnumMap<>(DType.class);

    static {
        for (DType t : new DType[] {DType.F32, DType.F64, DType.I32, DType.I64}) {
            DOT.put(t, Kernel.dot(t));
            L2.put(t, Kernel.map(t, t, (x, q) -> {
                Expr diff = x.sub(q);
                return diff.mul(diff);
            }).reduce(Reduction.sum()));
        }
    }

    private RowScores() {
    }

    /** The 1-D kernel a metric reduces each row with (for cosine: the dot product). */
    static Kernel kernel(Metric metric, DType type) {
        return metric == Metric.SQUARED_L2 ? L2.get(type) : DOT.get(type);
    }

    /**
     * Scores rows {@code [0, matrix.dim(0))} against each query into {@code out} (queries x rows).
     *
     * @param queries each query as 1-D storage a kernel call takes, {@code matrix.dim(1)} long
     */
    static void run(Flynn rt, Metric metric, NdView matrix, Object[] queries, NdView out) {
        long rows = matrix.dim(0);
        long d = matrix.dim(1);
        DType type = matrix.type();
        Kernel k = kernel(metric, type);
        try (Flynn one = Flynn.builder().backend(rt.backend()).threads(1).build()) {
            double[] qq = null;
            if (metric == Metric.COSINE) {
                qq = new double[queries.length];
                for (int j = 0; j < queries.length; j++) {
                    qq[j] = one.reduceDouble(k, queries[j], queries[j]);
                }
            }
            double[] norms = qq;
            long chunks = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
            boolean split = rt.threads() > 1 && chunks > 1 && rows * Math.max(1, d) >= MIN_PARALLEL
                    && rt.backend() != Backend.GPU && shareable(matrix.storage()) && shareable(out.storage());
            if (!split) {
                scoreRows(one, metric, k, matrix, queries, norms, out, 0, rows);
                return;
            }
            List<ForkJoinTask<?>> tasks = new ArrayList<>();
            for (long c = 0; c < chunks; c++) {
                long from = c * ROWS_PER_TASK;
                long to = Math.min(rows, from + ROWS_PER_TASK);
                tasks.add(ForkJoinTask.adapt(() -> scoreRows(one, metric, k, matrix, queries, norms, out, from, to)));
            }
            rt.pool().invoke(ForkJoinTask.adapt(() -> ForkJoinTask.invokeAll(tasks)));
        }
    }

    private static boolean shareable(Object storage) {
        return !(storage instanceof MemorySegment m) || m.isAccessibleBy(OTHER_THREAD);
    }

    private static void scoreRows(Flynn one, Metric metric, Kernel k, NdView matrix, Object[] queries, double[] qq,
                                  NdView out, long from, long to) {
        long d = matrix.dim(1);
        Object scratch = matrix.stride(1) == 1 || d <= 1 ? null
                : java.lang.reflect.Array.newInstance(matrix.type().javaType(), (int) d);
        boolean floating = matrix.type() == DType.F32 || matrix.type() == DType.F64;
        for (long r = from; r < to; r++) {
            Object row = line(matrix, matrix.offset() + r * matrix.stride(0), d, matrix.stride(1), scratch);
            double xx = metric == Metric.COSINE ? one.reduceDouble(k, row, row) : 0;
            for (int j = 0; j < queries.length; j++) {
                long at = out.offset() + j * out.stride(0) + r * out.stride(1);
                if (!floating) {
                    store(out, at, one.reduceLong(k, row, queries[j]));
                    continue;
                }
                double s = one.reduceDouble(k, row, queries[j]);
                if (metric == Metric.COSINE) {
                    // F32 dot products are exact in F64, so both types divide and take roots in F64 and round once
                    s = s / (Math.sqrt(xx) * Math.sqrt(qq[j]));
                }
                store(out, at, s);
            }
        }
    }

    /**
     * The {@code n} elements from storage index {@code start}, {@code stride} apart, as 1-D storage a kernel
     * call takes: a slice of the storage where they are adjacent, else gathered into {@code scratch}.
     */
    static Object line(NdView v, long start, long n, long stride, Object scratch) {
        Object s = v.storage();
        if (n == 0) {
            // an empty axis reaches no element, so its start may lie past the storage
            start = 0;
        }
        if (stride == 1 || n <= 1) {
            if (s instanceof MemorySegment seg) {
                int size = v.type().byteSize();
                return seg.asSlice(start * size, n * size);
            }
            return new Slice(s, (int) start, (int) n);
        }
        if (s instanceof MemorySegment seg) {
            var layout = v.type().layout();
            int size = v.type().byteSize();
            for (int i = 0; i < n; i++) {
                MemorySegment.copy(seg, layout, (start + i * stride) * size, scratch, i, 1);
            }
        } else {
            for (int i = 0; i < n; i++) {
                System.arraycopy(s, (int) (start + i * stride), scratch, i, 1);
            }
        }
        return scratch;
    }

    private static void store(NdView out, long at, double v) {
        switch (out.storage()) {
            case float[] a -> a[(int) at] = (float) v;
            case double[] a -> a[(int) at] = v;
            case MemorySegment m when out.type() == DType.F32 -> m.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, at, (float) v);
            case MemorySegment m -> m.setAtIndex(java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED, at, v);
            default -> throw new IllegalStateException("checked before: " + out.storage().getClass());
        }
    }

    private static void store(NdView out, long at, long v) {
        switch (out.storage()) {
            case int[] a -> a[(int) at] = (int) v;
            case long[] a -> a[(int) at] = v;
            case MemorySegment m when out.type() == DType.I32 -> m.setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, at, (int) v);
            case MemorySegment m -> m.setAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, at, v);
            default -> throw new IllegalStateException("checked before: " + out.storage().getClass());
        }
    }
}
