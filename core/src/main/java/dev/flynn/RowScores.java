package dev.flynn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumMap;
import java.util.Map;

/**
 * The work behind {@link Scoring}: every row of the matrix is scored against every query by one 1-D
 * reduction call of that row ({@link NdRows} hands the rows over and shares them among the runtime's
 * threads), so each score is bitwise the 1-D call's result for that row whatever the thread count.
 * The arguments are checked by {@link Scoring} before this runs.
 */
final class RowScores {
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
     * Scores rows {@code [0, matrix.dim(0))} against each query into {@code out} (queries x rows): one
     * {@link NdRows} line per matrix row, the row handed over as 1-D storage and the out line (that
     * row's scores, one per query) written by the task.
     *
     * @param queries each query as 1-D storage a kernel call takes, {@code matrix.dim(1)} long
     */
    static void run(Flynn rt, Metric metric, NdView matrix, Object[] queries, NdView out) {
        DType type = matrix.type();
        Kernel k = kernel(metric, type);
        double[] qq = null;
        if (metric == Metric.COSINE) {
            qq = new double[queries.length];
            for (int j = 0; j < queries.length; j++) {
                qq[j] = rt.reduceDouble(k, queries[j], queries[j]);
            }
        }
        double[] norms = qq;
        NdView rows = matrix.dim(1) > 0 ? matrix
                // rows of no elements reach no storage: give them an empty array of their own to start at
                : NdView.strided(java.lang.reflect.Array.newInstance(type.javaType(), 0), 0,
                        new long[] {matrix.dim(0), 0}, new long[] {0, 1});
        boolean floating = type == DType.F32 || type == DType.F64;
        NdRows.Plan plan = NdRows.plan(1, new NdRows.Operand(rows, NdRows.Use.READ_ARRAY),
                new NdRows.Operand(out.transpose(), NdRows.Use.WRITE));
        if (matrix.dim(1) > 0 && scoreInOneCall(rt, metric, k, plan, queries, norms, out)) {
            return;
        }
        plan.run(rt, (one, r, lines) -> {
            Object row = lines[0].arg();
            Object scores = lines[1].arg();
            double xx = metric == Metric.COSINE ? one.reduceDouble(k, row, row) : 0;
            for (int j = 0; j < queries.length; j++) {
                if (!floating) {
                    store(scores, type, j, one.reduceLong(k, row, queries[j]));
                    continue;
                }
                double s = one.reduceDouble(k, row, queries[j]);
                if (metric == Metric.COSINE) {
                    // F32 dot products are exact in F64, so both types divide and take roots in F64 and round once
                    s = s / (Math.sqrt(xx) * Math.sqrt(norms[j]));
                }
                store(scores, type, j, s);
            }
        });
    }

    /**
     * Scores every row through {@link RowReducer}s (one per query, one more for cosine's row norms) where the
     * rows lie in place on a CPU backend: each score bitwise what the per-row 1-D calls below give, written
     * straight into {@code out}; false where each row takes those calls instead.
     */
    private static boolean scoreInOneCall(Flynn rt, Metric metric, Kernel k, NdRows.Plan plan, Object[] queries,
                                          double[] norms, NdView out) {
        RowReducer[] byQuery = new RowReducer[queries.length];
        for (int j = 0; j < queries.length; j++) {
            byQuery[j] = RowReducer.of(rt, k, plan, new Object[] {null, queries[j]}, new int[] {0, -1});
            if (byQuery[j] == null) {
                return false;
            }
        }
        RowReducer self = metric != Metric.COSINE ? null : RowReducer.of(rt, k, plan, new Object[] {null, null}, new int[] {0, 0});
        if (byQuery.length == 0 || metric == Metric.COSINE && self == null) {
            return false;
        }
        DType type = out.type();
        boolean floating = type == DType.F32 || type == DType.F64;
        Object store = out.storage();
        plan.runRanges(rt, (one, from, to) -> {
            RowReducer.Lane[] lanes = new RowReducer.Lane[byQuery.length];
            for (int j = 0; j < lanes.length; j++) {
                lanes[j] = byQuery[j].lane();
            }
            RowReducer.Lane selfLane = self == null ? null : self.lane();
            for (long r = from; r < to; r++) {
                double xx = selfLane == null ? 0 : selfLane.doubleValue(r);
                long at = out.offset() + r * out.stride(1);
                for (int j = 0; j < lanes.length; j++, at += out.stride(0)) {
                    if (!floating) {
                        store(store, type, at, lanes[j].longValue(r));
                        continue;
                    }
                    double s = lanes[j].doubleValue(r);
                    if (selfLane != null) {
                        s = s / (Math.sqrt(xx) * Math.sqrt(norms[j]));
                    }
                    store(store, type, at, s);
                }
            }
            return byQuery[0].backend();
        });
        CallBinder.threadScratch().last = byQuery[0].backend();
        return true;
    }

    /** Element {@code j} of a line handed over by {@link NdRows}: an array, a {@link Slice} or a segment. */
    private static void store(Object line, DType type, long j, double v) {
        switch (line) {
            case float[] a -> a[(int) j] = (float) v;
            case double[] a -> a[(int) j] = v;
            case Slice sl -> store(sl.array(), type, sl.offset() + j, v);
            case MemorySegment m when type == DType.F32 -> m.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, j, (float) v);
            case MemorySegment m -> m.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, j, v);
            default -> throw new IllegalStateException("checked before: " + line.getClass());
        }
    }

    private static void store(Object line, DType type, long j, long v) {
        switch (line) {
            case int[] a -> a[(int) j] = (int) v;
            case long[] a -> a[(int) j] = v;
            case Slice sl -> store(sl.array(), type, sl.offset() + j, v);
            case MemorySegment m when type == DType.I32 -> m.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, j, (int) v);
            case MemorySegment m -> m.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, j, v);
            default -> throw new IllegalStateException("checked before: " + line.getClass());
        }
    }
}
