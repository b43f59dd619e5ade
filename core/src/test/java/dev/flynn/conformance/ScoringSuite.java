package dev.flynn.conformance;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Metric;
import dev.flynn.NdView;
import dev.flynn.Reduction;
import dev.flynn.Scoring;
import dev.flynn.Slice;
import dev.flynn.TopK;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Batched scoring on the backend under test: every row's score is bitwise the backend's 1-D
 * reduction of a contiguous copy of that row (whatever the layout of the matrix: row-major, a
 * transposed view, strided rows and columns, off-heap), identical on 1, 2 and 3 threads, and checked
 * independently: integer scores against a plain Java loop (which wraps as the kernel does), floating
 * ones against the exact value in {@code BigDecimal} within the documented bound of a sum. Bad shapes
 * and types are rejected before anything is written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ScoringSuite {
    private static final DType[] TYPES = {DType.F32, DType.F64, DType.I32, DType.I64};
    private Flynn[] runtimes;

    /**
     * The backend under test.
     *
     * @return the backend
     */
    protected abstract Backend backend();

    /**
     * The matrix shapes (rows, d) to test; a slow backend may take smaller ones. 300 x 129 is split over threads.
     *
     * @return shapes
     */
    protected long[][] shapes() {
        return new long[][] {{1, 1}, {1, 33}, {33, 1}, {0, 5}, {5, 0}, {3, 7}, {17, 768}, {300, 129}, {65, 64}};
    }

    /**
     * The number of rows of the matrices of the batch and k-NN tests.
     *
     * @return rows, at least 40
     */
    protected int rows() {
        return 200;
    }

    @BeforeAll
    final void start() {
        runtimes = new Flynn[] {Flynn.builder().backend(backend()).threads(1).build(),
                Flynn.builder().backend(backend()).threads(2).build(),
                Flynn.builder().backend(backend()).threads(3).build()};
    }

    @AfterAll
    final void stop() {
        for (Flynn f : runtimes) {
            f.close();
        }
    }

    /** Moderate values with random exponents, and about one in 200 a special value of the type. */
    private static Object data(DType type, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        long[] specials = Values.specials(type);
        long[] bits = new long[n];
        for (int i = 0; i < n; i++) {
            double v = Math.scalb(rng.nextDouble() * 2 - 1, rng.nextInt(-6, 7));
            bits[i] = rng.nextInt(200) == 0 ? specials[rng.nextInt(specials.length)] : switch (type) {
                case F32 -> Float.floatToRawIntBits((float) v);
                case F64 -> Double.doubleToRawLongBits(v);
                case I32 -> (int) Math.rint(v * 1000);
                case I64 -> (long) Math.rint(v * 1e12);
                case BOOL -> throw new IllegalArgumentException();
            };
        }
        return Values.column(type, bits);
    }

    private static Kernel l2(DType t) {
        return Kernel.map(t, t, (x, q) -> x.sub(q).mul(x.sub(q))).reduce(Reduction.sum());
    }

    /** Row {@code r} of a rows x d row-major array, as its own array. */
    private static Object row(Object m, int r, int d) {
        Object out = Columns.allocate(Columns.type(m), d);
        System.arraycopy(m, r * d, out, 0, d);
        return out;
    }

    /** What the backend's 1-D reductions give for one row: the bits every layout must reproduce. */
    private long oneDimensional(Metric metric, Object row, Object q) {
        DType t = Columns.type(row);
        Flynn f = runtimes[0];
        Kernel k = metric == Metric.SQUARED_L2 ? l2(t) : Kernel.dot(t);
        if (t == DType.I32 || t == DType.I64) {
            return Columns.canonical(t, f.reduceLong(k, row, q));
        }
        double s = f.reduceDouble(k, row, q);
        if (metric == Metric.COSINE) {
            s = s / (Math.sqrt(f.reduceDouble(k, row, row)) * Math.sqrt(f.reduceDouble(k, q, q)));
        }
        return Columns.bitsOf(t, s);
    }

    /** A plain Java loop: integer dot products and squared distances wrap, as the kernels do. */
    private static long javaInteger(Metric metric, Object row, Object q) {
        long s = 0;
        for (int i = 0; i < Columns.length(row); i++) {
            if (row instanceof int[] x) {
                int a = x[i];
                int b = ((int[]) q)[i];
                s = (int) (s + (metric == Metric.DOT ? a * b : (a - b) * (a - b)));
            } else {
                long a = ((long[]) row)[i];
                long b = ((long[]) q)[i];
                s += metric == Metric.DOT ? a * b : (a - b) * (a - b);
            }
        }
        return s;
    }

    /**
     * Holds a floating score to the bound of a sum of {@code d} rounded terms, {@code (d + 2) u sum|t_i|}
     * against the exact sum of the terms ({@code fl(x q)} or {@code fl(fl(x - q)^2)}), and cosine to
     * {@code 4 (d + 2) u} plus a rounding of the type, the dot products being within that relatively.
     */
    private static void checkBound(Metric metric, Object row, Object q, double got, String what) {
        DType t = Columns.type(row);
        int d = Columns.length(row);
        double u = t == DType.F32 ? 0x1p-24 : 0x1p-53;
        BigDecimal[] sums = new BigDecimal[3];
        double[] abs = new double[3];
        Arrays.fill(sums, BigDecimal.ZERO);
        for (int i = 0; i < d; i++) {
            double x = Columns.value(t, Columns.rawBits(row, i));
            double y = Columns.value(t, Columns.rawBits(q, i));
            double[] terms = t == DType.F32 ? floatTerms(metric, (float) x, (float) y)
                    : new double[] {metric == Metric.SQUARED_L2 ? (x - y) * (x - y) : x * y, x * x, y * y};
            for (int j = 0; j < 3; j++) {
                if (!Double.isFinite(terms[j])) {
                    return;   // an infinity or NaN: the bitwise check against the 1-D kernel covers it
                }
                sums[j] = sums[j].add(new BigDecimal(terms[j]));
                abs[j] += Math.abs(terms[j]);
            }
        }
        if (!Double.isFinite(got)) {
            return;   // finite terms whose sum overflows: the bitwise check against the 1-D kernel covers it
        }
        double gamma = (d + 2) * u;
        if (metric != Metric.COSINE) {
            double err = Math.abs(new BigDecimal(got).subtract(sums[0]).doubleValue());
            assertTrue(err <= gamma * abs[0] * (1 + 1e-9), what + ": error " + err + " > bound " + gamma * abs[0]);
            return;
        }
        if (sums[1].signum() == 0 || sums[2].signum() == 0 || abs[1] * abs[2] < 1e-200) {
            return;
        }
        double exact = sums[0].divide(sums[1].multiply(sums[2]).sqrt(MathContext.DECIMAL64), MathContext.DECIMAL64).doubleValue();
        double err = Math.abs(got - exact);
        assertTrue(err <= 4 * gamma + 2 * u, what + ": cosine " + got + ", exact " + exact);
    }

    /** The rounded F32 terms of the score and of both squared norms, in float arithmetic as the kernel has them. */
    private static double[] floatTerms(Metric metric, float x, float y) {
        float diff = x - y;
        return new double[] {metric == Metric.SQUARED_L2 ? diff * diff : x * y, x * x, y * y};
    }

    /** The matrix {@code m} (rows x d, row-major) in each layout scoring must read. */
    private static NdView[] layouts(Object m, int rows, int d, Arena arena) {
        DType t = Columns.type(m);
        Object transposedStore = Columns.allocate(t, rows * d);
        Object spread = Columns.allocate(t, 3 + rows * d * 4);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < d; c++) {
                System.arraycopy(m, r * d + c, transposedStore, c * rows + r, 1);
                System.arraycopy(m, r * d + c, spread, 3 + r * d * 4 + c * 2, 1);
            }
        }
        return new NdView[] {
                NdView.strided(m, 0, new long[] {rows, d}, new long[] {d, 1}),
                NdView.strided(transposedStore, 0, new long[] {d, rows}, new long[] {rows, 1}).transpose(),
                NdView.strided(spread, 3, new long[] {rows, d}, new long[] {d * 4L, 2}),
                new NdView(Columns.toSegment(arena, m), t, new long[] {rows, d}, new long[] {d, 1}, 0),
        };
    }

    @Test
    void everyRowIsItsOneDimensionalScoreInEveryLayoutAndThreadCount() {
        for (DType t : TYPES) {
            for (Metric metric : Metric.values()) {
                if (metric == Metric.COSINE && (t == DType.I32 || t == DType.I64)) {
                    continue;
                }
                for (long[] shape : shapes()) {
                    int rows = (int) shape[0];
                    int d = (int) shape[1];
                    Object m = data(t, rows * d, 17L * rows + d);
                    Object q = data(t, d, 5L * d + 1);
                    long[] want = new long[rows];
                    for (int r = 0; r < rows; r++) {
                        Object row = row(m, r, d);
                        want[r] = oneDimensional(metric, row, q);
                        String what = t + " " + metric + " " + rows + "x" + d + " row " + r;
                        if (t == DType.I32 || t == DType.I64) {
                            assertEquals(Columns.canonical(t, javaInteger(metric, row, q)), want[r], what);
                        } else {
                            checkBound(metric, row, q, Columns.value(t, want[r]), what);
                        }
                    }
                    try (Arena arena = Arena.ofConfined()) {
                        NdView[] views = layouts(m, rows, d, arena);
                        for (int l = 0; l < views.length; l++) {
                            // below the split threshold every thread count takes the one-thread path
                            Flynn[] rts = (long) rows * d >= 1 << 15 ? runtimes : new Flynn[] {runtimes[2]};
                            for (Flynn f : rts) {
                                Object got = Scoring.scores(f, metric, views[l], q);
                                for (int r = 0; r < rows; r++) {
                                    assertEquals(want[r], Columns.canonical(t, Columns.rawBits(got, r)), t + " " + metric + " "
                                            + rows + "x" + d + " layout " + l + " threads " + f.threads() + " row " + r);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aBatchOfQueriesGivesEachQuerysOwnScores() {
        int rows = rows() / 3;
        int d = 19;
        for (DType t : new DType[] {DType.F32, DType.I64}) {
            Object m = data(t, rows * d, 3);
            NdView matrix = NdView.strided(m, 0, new long[] {rows, d}, new long[] {d, 1});
            for (int nq : new int[] {1, 2, 3, 16}) {
                Object qs = data(t, nq * d, nq);
                for (Metric metric : new Metric[] {Metric.DOT, Metric.SQUARED_L2}) {
                    Object out = Columns.allocate(t, nq * rows);
                    Scoring.batchScoresInto(runtimes[2], metric, matrix, NdView.strided(qs, 0, new long[] {nq, d}, new long[] {d, 1}),
                            NdView.strided(out, 0, new long[] {nq, rows}, new long[] {rows, 1}));
                    for (int j = 0; j < nq; j++) {
                        Object one = Scoring.scores(runtimes[0], metric, matrix, new Slice(qs, j * d, d));
                        Object got = Columns.allocate(t, rows);
                        System.arraycopy(out, j * rows, got, 0, rows);
                        assertArrayEquals(new Object[] {one}, new Object[] {got}, t + " " + metric + " query " + j + " of " + nq);
                    }
                }
            }
        }
    }

    @Test
    void knnIsTheTopKOfTheScoresInTheMetricsOrder() {
        int rows = rows();
        int d = 24;
        float[] m = (float[]) data(DType.F32, rows * d, 11);
        NdView matrix = NdView.of(m, rows, d);
        float[] q = Arrays.copyOfRange(m, 37 * d, 38 * d);   // row 37 itself: at distance 0
        for (Metric metric : Metric.values()) {
            float[] scores = (float[]) Scoring.scores(runtimes[0], metric, matrix, q);
            for (int k : new int[] {0, 1, 5, rows, rows + 3}) {
                TopK got = Scoring.knn(runtimes[1], matrix, q, k, metric);
                assertEquals(TopK.select(runtimes[0], scores, null, k, metric.nearest()), got, metric + " k=" + k);
            }
        }
        float[] clean = new float[rows * d];
        SplittableRandom rng = new SplittableRandom(12);
        for (int i = 0; i < clean.length; i++) {
            clean[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        float[] near = Arrays.copyOfRange(clean, 37 * d, 38 * d);
        TopK nearest = Scoring.knn(runtimes[1], NdView.of(clean, rows, d), near, 2, Metric.SQUARED_L2);
        assertEquals(37, nearest.indices()[0]);
        assertEquals(0f, nearest.floats()[0]);
        assertEquals(37, Scoring.knn(runtimes[1], NdView.of(clean, rows, d), near, 1, Metric.COSINE).indices()[0]);
    }

    @Test
    void badShapesAndTypesAreRejectedBeforeAnythingIsWritten() {
        Flynn f = runtimes[0];
        float[] m = new float[12];
        NdView matrix = NdView.of(m, 3, 4);
        float[] out = {7, 7, 7};
        expect("rank 2", () -> Scoring.scores(f, Metric.DOT, NdView.of(m, 12), new float[12]));
        expect("rank 2", () -> Scoring.scores(f, Metric.DOT, NdView.of(m, 2, 2, 3), new float[3]));
        expect("query has 3 elements", () -> Scoring.scoresInto(f, Metric.DOT, matrix, new float[3], out));
        expect("query must hold F32", () -> Scoring.scoresInto(f, Metric.DOT, matrix, new double[4], out));
        expect("query must have rank 1", () -> Scoring.scoresInto(f, Metric.DOT, matrix, NdView.of(new float[4], 2, 2), out));
        expect("out has 2 elements", () -> Scoring.scoresInto(f, Metric.DOT, matrix, new float[4], new float[2]));
        expect("out must hold F32", () -> Scoring.scoresInto(f, Metric.DOT, matrix, new float[4], new int[3]));
        expect("shares memory", () -> Scoring.scoresInto(f, Metric.DOT, matrix, new float[4], new Slice(m, 0, 3)));
        // a heap segment over an input's own array is that array: rejected too, never silently overwritten
        expect("shares memory", () -> Scoring.scoresInto(f, Metric.DOT, matrix, new float[4],
                java.lang.foreign.MemorySegment.ofArray(m).asSlice(16, 12)));
        float[] q4 = new float[4];
        expect("shares memory", () -> Scoring.scoresInto(f, Metric.DOT, matrix, q4,
                java.lang.foreign.MemorySegment.ofArray(q4).asSlice(0, 12)));
        expect("cosine similarity needs F32 or F64", () -> Scoring.scores(f, Metric.COSINE, NdView.of(new int[4], 2, 2), new int[2]));
        expect("k must be >= 0", () -> Scoring.knn(f, matrix, new float[4], -1, Metric.DOT));
        expect("must be 2 x 3", () -> Scoring.batchScoresInto(f, Metric.DOT, matrix, NdView.of(new float[8], 2, 4),
                NdView.of(new float[6], 3, 2)));
        expect("must be q x 4", () -> Scoring.batchScoresInto(f, Metric.DOT, matrix, NdView.of(new float[6], 2, 3),
                NdView.of(new float[6], 2, 3)));
        assertThrows(NullPointerException.class, () -> Scoring.scores(f, Metric.DOT, matrix, null));
        assertThrows(NullPointerException.class, () -> Scoring.scores(f, null, matrix, new float[4]));
        assertArrayEquals(new float[] {7, 7, 7}, out, "nothing written");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(12);
            Scoring.scoresInto(f, Metric.DOT, NdView.of(new float[]{1, 2, 3, 4, 5, 6}, 3, 2), new float[] {1, 1}, seg);
            assertEquals(11f, seg.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 2));
        }
    }

    private static void expect(String text, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        if (!e.getMessage().contains(text)) {
            fail("expected a message with '" + text + "', got: " + e.getMessage());
        }
    }
}
