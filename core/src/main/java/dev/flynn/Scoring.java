package dev.flynn;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * Scores of one query, or a few, against every row of a matrix ({@link Metric#DOT},
 * {@link Metric#COSINE}, {@link Metric#SQUARED_L2}), and the k nearest rows: a brute-force
 * k-nearest-neighbour search is {@code Scoring.knn(matrix, query, 10, Metric.COSINE)}, or
 * {@link #scores} followed by {@link TopK}. Each row's score is bitwise the 1-D reduction of that row
 * alone on the runtime's backend ({@link Metric}), so it does not depend on the thread count.
 * <pre>{@code
 * NdView vectors = NdView.of(data, 100_000, 768);       // one vector per row
 * float[] scores = (float[]) Scoring.scores(Metric.DOT, vectors, query);
 * TopK nearest = Scoring.knn(vectors, query, 10, Metric.SQUARED_L2);
 * }</pre>
 */
public final class Scoring {
    private Scoring() {
    }

    /**
     * The score of {@code query} against every row of {@code matrix}, on {@link Flynn#global()}.
     *
     * @param metric how to score
     * @param matrix rows x d, any strides, of F32, F64, I32 or I64 (F32, F64 for cosine)
     * @param query d elements of the matrix's type: an array, {@link Slice}, {@code MemorySegment} or rank-1 {@link NdView}
     * @return a new array of the matrix's type ({@code float[]} for F32, ...) holding one score per row
     * @throws IllegalArgumentException if the matrix is not of rank 2, or the query's length or type does not fit it
     */
    public static Object scores(Metric metric, NdView matrix, Object query) {
        return scores(Flynn.global(), metric, matrix, query);
    }

    /**
     * The score of {@code query} against every row of {@code matrix}, on {@code flynn}.
     *
     * @param flynn the runtime: its backend runs each row's reduction, its threads share the rows
     * @param metric how to score
     * @param matrix rows x d, any strides, of F32, F64, I32 or I64 (F32, F64 for cosine)
     * @param query d elements of the matrix's type: an array, {@link Slice}, {@code MemorySegment} or rank-1 {@link NdView}
     * @return a new array of the matrix's type holding one score per row
     * @throws IllegalArgumentException if the matrix is not of rank 2, or the query's length or type does not fit it
     */
    public static Object scores(Flynn flynn, Metric metric, NdView matrix, Object query) {
        check(flynn, metric, matrix);
        Object q = operand(matrix, query, "query");
        long rows = matrix.dim(0);
        if (rows > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(rows + " scores do not fit a Java array; give a segment to scoresInto");
        }
        Object out = java.lang.reflect.Array.newInstance(matrix.type().javaType(), (int) rows);
        RowScores.run(flynn, metric, matrix, new Object[] {q}, NdView.strided(out, 0, new long[] {1, rows}, new long[] {0, 1}));
        return out;
    }

    /**
     * The score of {@code query} against every row of {@code matrix}, into {@code out}; nothing is written if an
     * argument is wrong.
     *
     * @param flynn the runtime
     * @param metric how to score
     * @param matrix rows x d
     * @param query d elements of the matrix's type
     * @param out rows elements of the matrix's type: an array, {@link Slice}, {@code MemorySegment} or rank-1
     *            {@link NdView}, sharing no memory with the matrix or the query
     * @throws IllegalArgumentException if a shape, length or type does not fit, or {@code out} shares memory with an input
     */
    public static void scoresInto(Flynn flynn, Metric metric, NdView matrix, Object query, Object out) {
        check(flynn, metric, matrix);
        Object q = operand(matrix, query, "query");
        NdView o = vector(out, matrix.type(), "out");
        if (o.dim(0) != matrix.dim(0)) {
            throw new IllegalArgumentException("out has " + o.dim(0) + " elements but the matrix " + Arrays.toString(matrix.shape())
                    + " has " + matrix.dim(0) + " rows: give one element per row");
        }
        NdView o2 = new NdView(o.storage(), o.type(), new long[] {1, o.dim(0)}, new long[] {0, o.stride(0)}, o.offset());
        checkSeparate(o2, matrix, query);
        RowScores.run(flynn, metric, matrix, new Object[] {q}, o2);
    }

    /**
     * The scores of a few queries (rows of {@code queries}) against every row of {@code matrix}, into
     * {@code out}: {@code out[j, r]} is query {@code j}'s score of row {@code r}. Each matrix row is read once
     * for all queries, while it is in cache.
     *
     * @param flynn the runtime
     * @param metric how to score
     * @param matrix rows x d
     * @param queries q x d, of the matrix's type
     * @param out q x rows, of the matrix's type, sharing no memory with the inputs
     * @throws IllegalArgumentException if a shape or type does not fit, or {@code out} shares memory with an input
     */
    public static void batchScoresInto(Flynn flynn, Metric metric, NdView matrix, NdView queries, NdView out) {
        check(flynn, metric, matrix);
        Objects.requireNonNull(queries, "queries");
        Objects.requireNonNull(out, "out");
        if (queries.rank() != 2 || queries.dim(1) != matrix.dim(1)) {
            throw new IllegalArgumentException("queries " + Arrays.toString(queries.shape()) + " must be q x " + matrix.dim(1)
                    + " to score against the matrix " + Arrays.toString(matrix.shape()));
        }
        CallBinder.checkType("queries", matrix.type(), queries.type());
        CallBinder.checkType("out", matrix.type(), out.type());
        if (out.rank() != 2 || out.dim(0) != queries.dim(0) || out.dim(1) != matrix.dim(0)) {
            throw new IllegalArgumentException("out " + Arrays.toString(out.shape()) + " must be " + queries.dim(0) + " x "
                    + matrix.dim(0) + ": one row of scores per query, one column per matrix row");
        }
        refuseDevice(out, "out");
        checkSeparate(out, matrix, queries);
        if (queries.dim(0) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(queries.dim(0) + " queries are too many for one call: score them in groups");
        }
        Object[] qs = new Object[(int) queries.dim(0)];
        for (int j = 0; j < qs.length; j++) {
            qs[j] = copyOrSlice(queries, queries.offset() + j * queries.stride(0), queries.dim(1), queries.stride(1));
        }
        RowScores.run(flynn, metric, matrix, qs, out);
    }

    /**
     * The {@code k} rows of {@code matrix} nearest to {@code query}, on {@link Flynn#global()}.
     *
     * @param matrix rows x d
     * @param query d elements of the matrix's type
     * @param k how many; more than there are rows gives them all
     * @param metric how to score: the largest scores are nearest for dot and cosine, the smallest for squared L2
     * @return the scores of the nearest rows (values) and their row numbers (indices), nearest first
     * @throws IllegalArgumentException if a shape, length or type does not fit, or {@code k} is negative
     */
    public static TopK knn(NdView matrix, Object query, int k, Metric metric) {
        return knn(Flynn.global(), matrix, query, k, metric);
    }

    /**
     * The {@code k} rows of {@code matrix} nearest to {@code query}: {@link #scores} then {@link TopK#select} in
     * the metric's {@link Metric#nearest() order}.
     *
     * @param flynn the runtime
     * @param matrix rows x d
     * @param query d elements of the matrix's type
     * @param k how many; more than there are rows gives them all
     * @param metric how to score
     * @return the scores of the nearest rows (values) and their row numbers (indices), nearest first
     * @throws IllegalArgumentException if a shape, length or type does not fit, or {@code k} is negative
     */
    public static TopK knn(Flynn flynn, NdView matrix, Object query, int k, Metric metric) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + k);
        }
        Object scores = scores(flynn, metric, matrix, query);
        return TopK.select(flynn, scores, null, k, metric.nearest());
    }

    private static void check(Flynn flynn, Metric metric, NdView matrix) {
        Objects.requireNonNull(flynn, "flynn");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(matrix, "matrix");
        if (matrix.rank() != 2) {
            throw new IllegalArgumentException("the matrix must have rank 2 (rows x d), got shape " + Arrays.toString(matrix.shape()));
        }
        DType t = matrix.type();
        if (metric == Metric.COSINE && t != DType.F32 && t != DType.F64) {
            throw new IllegalArgumentException("cosine similarity needs F32 or F64 values, got " + t
                    + ": convert the matrix and query to F64 first");
        }
        refuseDevice(matrix, "matrix");
    }

    private static void refuseDevice(NdView v, String what) {
        if (v.storage() instanceof DeviceArray) {
            throw new IllegalArgumentException("the " + what + " is device-resident: scoring reads rows on the host;"
                    + " download it to an array or segment first");
        }
    }

    /** The query as 1-D storage of the matrix's type and width. */
    private static Object operand(NdView matrix, Object query, String what) {
        NdView q = vector(query, matrix.type(), what);
        if (q.dim(0) != matrix.dim(1)) {
            throw new IllegalArgumentException(what + " has " + q.dim(0) + " elements but the matrix " + Arrays.toString(matrix.shape())
                    + " has rows of " + matrix.dim(1) + ": give one element per column");
        }
        return copyOrSlice(q, q.offset(), q.dim(0), q.stride(0));
    }

    private static Object copyOrSlice(NdView v, long start, long n, long stride) {
        Object scratch = stride == 1 || n <= 1 ? null : java.lang.reflect.Array.newInstance(v.type().javaType(), (int) n);
        return line(v, start, n, stride, scratch);
    }

    /**
     * The {@code n} elements from storage index {@code start}, {@code stride} apart, as 1-D storage a kernel
     * call takes: a slice of the storage where they are adjacent, else gathered into {@code scratch}.
     */
    private static Object line(NdView v, long start, long n, long stride, Object scratch) {
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

    /** A 1-D operand as a rank-1 view, its type checked against {@code type}. */
    private static NdView vector(Object x, DType type, String what) {
        Objects.requireNonNull(x, what);
        NdView v = switch (x) {
            case NdView nd -> nd;
            case Slice s -> NdView.strided(s.array(), s.offset(), new long[] {s.length()}, new long[] {1});
            case MemorySegment m -> NdView.of(m, type, CallBinder.segmentLength(what, m, type));
            default -> {
                if (DType.ofArray(x).isEmpty()) {
                    throw new IllegalArgumentException(what + " must be a float[], double[], int[], long[], Slice,"
                            + " MemorySegment or NdView, got " + x.getClass().getSimpleName());
                }
                yield NdView.strided(x, 0, new long[] {java.lang.reflect.Array.getLength(x)}, new long[] {1});
            }
        };
        if (v.rank() != 1) {
            throw new IllegalArgumentException(what + " must have rank 1, got shape " + Arrays.toString(v.shape()));
        }
        CallBinder.checkType(what, type, v.type());
        refuseDevice(v, what);
        return v;
    }

    /** Rejects an output that shares memory with an input: rows would be read after their scores overwrote them. */
    private static void checkSeparate(NdView out, NdView matrix, Object query) {
        // a heap segment over an input's own array counts as that array (NdMaps.overlaps compares the bytes)
        NdView q = query instanceof NdView v ? v : vector(query, matrix.type(), "query");
        for (NdView in : new NdView[] {matrix, q}) {
            if (out.storage() == in.storage() || NdMaps.overlaps(out, in)) {
                throw new IllegalArgumentException("out shares memory with an input: give scores an array or segment of their own");
            }
        }
    }
}
