package dev.flynn.conformance;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Expr;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.NdView;
import dev.flynn.Reduction;
import dev.flynn.Row;
import dev.flynn.RowKernel;
import dev.flynn.Slice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static dev.flynn.Expr.exp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Reduce-then-map kernels ({@link RowKernel}) on a backend: softmax, log-softmax, layer norm, RMS norm
 * and user-written expressions over 1-D rows of the sizes of DESIGN.md against independent references
 * ({@link RowReference}: double for F32 data, BigDecimal for F64 data, held to the bounds
 * docs/SEMANTICS.md derives); rows of special values; bitwise equality across thread counts, between
 * traced and parsed forms and with the same reductions run one by one; and bad input rejected with
 * nothing written. F64 rows stop at 4097 elements (the BigDecimal reference is slow beyond).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RowKernelSuite {
    private static final long SEED = 0x5eed_0f16L;
    private static final double EPS = 1e-5;
    private Flynn[] runtimes;

    /** The backend under test. */
    protected abstract Backend backend();

    /** The row lengths; the GPU emulator overrides them with small ones. */
    protected int[] sizes() {
        return new int[] {1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 1000, 4097, 65537, (1 << 20) + 3};
    }

    @BeforeAll
    final void startRuntimes() {
        runtimes = new Flynn[3];
        for (int i = 0; i < 3; i++) {
            runtimes[i] = Flynn.builder().backend(backend()).threads(i + 1).build();
        }
    }

    @AfterAll
    final void stopRuntimes() {
        for (Flynn f : runtimes) {
            f.close();
        }
    }

    private enum Builtin { SOFTMAX, LOG_SOFTMAX, LAYER_NORM, RMS_NORM }

    private static RowKernel kernel(Builtin b, DType t) {
        return switch (b) {
            case SOFTMAX -> RowKernel.softmax(t);
            case LOG_SOFTMAX -> RowKernel.logSoftmax(t);
            case LAYER_NORM -> RowKernel.layerNorm(t, EPS);
            case RMS_NORM -> RowKernel.rmsNorm(t, EPS);
        };
    }

    private static RowReference.Expected reference(Builtin b, DType t, double[] x, double[] g, double[] bias) {
        return switch (b) {
            case SOFTMAX -> RowReference.softmax(t, x, false);
            case LOG_SOFTMAX -> RowReference.softmax(t, x, true);
            case LAYER_NORM -> RowReference.layerNorm(t, x, g, bias, EPS);
            case RMS_NORM -> RowReference.rmsNorm(t, x, g, EPS);
        };
    }

    /** Runs {@code b} over row {@code x} (values of type {@code t}) with g and b as arrays. */
    private double[] run(Flynn rt, Builtin b, DType t, double[] x, double[] g, double[] bias) {
        RowKernel k = kernel(b, t);
        Object out = column(t, new double[x.length]);
        Object[] in = switch (b) {
            case SOFTMAX, LOG_SOFTMAX -> new Object[] {column(t, x)};
            case LAYER_NORM -> new Object[] {column(t, x), column(t, g), column(t, bias)};
            case RMS_NORM -> new Object[] {column(t, x), column(t, g)};
        };
        k.into(rt, out, in);
        return widen(out);
    }

    @TestFactory
    Stream<DynamicTest> builtinsAgainstTheReference() {
        List<DynamicTest> tests = new ArrayList<>();
        int[] sizes = sizes();
        for (Builtin b : Builtin.values()) {
            for (DType t : new DType[] {DType.F32, DType.F64}) {
                for (int i = 0; i < sizes.length; i++) {
                    int n = sizes[i];
                    if (t == DType.F64 && n > 4097) {
                        continue;
                    }
                    Flynn rt = runtimes[i % runtimes.length];
                    tests.add(DynamicTest.dynamicTest(b + " " + t + " n=" + n + " threads=" + rt.threads(), () -> {
                        SplittableRandom rng = new SplittableRandom(SEED ^ n ^ b.ordinal());
                        double[] x = random(t, rng, n, 8);
                        double[] g = random(t, rng, n, 2);
                        double[] bias = random(t, rng, n, 1);
                        check(b + " of " + t, reference(b, t, x, g, bias), run(rt, b, t, x, g, bias), x);
                    }));
                }
            }
        }
        return tests.stream();
    }

    /** Rows where naive formulas fail: NaN, infinities, all equal, magnitudes where exp(x) overflows. */
    @TestFactory
    Stream<DynamicTest> specialRows() {
        List<DynamicTest> tests = new ArrayList<>();
        double inf = Double.POSITIVE_INFINITY;
        for (DType t : new DType[] {DType.F32, DType.F64}) {
            double big = t == DType.F32 ? Float.MAX_VALUE : Double.MAX_VALUE;
            double[][] rows = {
                    {1, Double.NaN, 2}, {1, inf, 2}, {1, -inf, 2, -inf}, {-inf, -inf}, {inf, inf}, {3, 3, 3, 3, 3},
                    {1000, 999, 998}, {88, 89, 100, -100}, {big, -big, 0}, {-big, -big}, {1e-40, 0, -0.0},
                    {t == DType.F32 ? 1e30 : 1e300, t == DType.F32 ? -1e30 : -1e300, 1}, {-0.0}, {42},
            };
            for (double[] row : rows) {
                double[] x = narrow(t, row);
                for (Builtin b : Builtin.values()) {
                    tests.add(DynamicTest.dynamicTest(b + " " + t + " " + Arrays.toString(x), () -> {
                        double[] g = filled(x.length, 1.5);
                        double[] bias = filled(x.length, -0.25);
                        check(b + " of " + t, reference(b, t, x, g, bias), run(runtimes[1], b, t, x, g, bias), x);
                    }));
                }
            }
        }
        return tests.stream();
    }

    @Test
    void resultsAreBitwiseTheSameForEveryThreadCount() {
        int n = size((1 << 20) + 3);
        SplittableRandom rng = new SplittableRandom(SEED);
        double[] x = random(DType.F32, rng, n, 8);
        double[] g = random(DType.F32, rng, n, 2);
        for (Builtin b : Builtin.values()) {
            double[] one = run(runtimes[0], b, DType.F32, x, g, g);
            for (Flynn rt : new Flynn[] {runtimes[1], runtimes[2]}) {
                assertArrayEquals(one, run(rt, b, DType.F32, x, g, g), b + " with " + rt.threads() + " threads");
            }
        }
    }

    @Test
    void passesAreTheDistinctReductionsPlusTheMap() {
        assertEquals(3, RowKernel.softmax(DType.F32).passes(), "max, then sum(exp(x - max)), then the map");
        assertEquals(3, RowKernel.logSoftmax(DType.F32).passes());
        assertEquals(2, RowKernel.layerNorm(DType.F32, EPS).passes(), "mean and var share one pass");
        assertEquals(2, RowKernel.rmsNorm(DType.F64, EPS).passes());
        assertEquals(3, RowKernel.parse("(x - min(x)) / (max(x) - min(x))", DType.F64).passes());
        assertEquals(2, RowKernel.parse("(x - mean(x)) / std(x) + var(x)", DType.F64).passes());
        assertEquals(1, RowKernel.parse("2 * x", DType.F64).passes());
    }

    @Test
    void tracedAndParsedFormsGiveTheSameBits() {
        RowKernel traced = RowKernel.map(DType.F32, x -> exp(x.sub(Row.max(x))).div(Row.sum(exp(x.sub(Row.max(x))))));
        assertEquals(3, traced.passes(), "max(x) written twice is computed once");
        assertEquals("exp(x - max(x)) / sum(exp(x - max(x)))", traced.toString());
        float[] x = (float[]) column(DType.F32, random(DType.F32, new SplittableRandom(SEED), size(1000), 8));
        float[] a = new float[x.length];
        float[] b = new float[x.length];
        traced.into(runtimes[1], a, x);
        RowKernel.softmax(DType.F32).into(runtimes[1], b, x);
        assertArrayEquals(b, a);
        RowKernel reparsed = RowKernel.parse(traced.toString(), DType.F32);
        reparsed.into(runtimes[1], a, x);
        assertArrayEquals(b, a);
    }

    /** The shared moments pass gives bitwise what the mean and variance reductions give one by one. */
    @Test
    void sharedMomentsGiveTheBitsOfSeparateReductions() {
        for (int n : new int[] {1, 17, size(4097)}) {
            double[] x = random(DType.F64, new SplittableRandom(SEED + n), n, 100);
            double mean = runtimes[2].reduceDouble(Kernel.map(DType.F64, v -> v).reduce(Reduction.mean()), (Object) x);
            double var = runtimes[2].reduceDouble(Kernel.map(DType.F64, v -> v).reduce(Reduction.variance()), (Object) x);
            Kernel map = Kernel.parse("(x - m) / sqrt(v + 1.0E-5) * g + b", List.of("x", "m", "v", "g", "b"),
                    List.of(DType.F64, DType.F64, DType.F64, DType.F64, DType.F64));
            double[] want = new double[n];
            runtimes[2].into(map, want, x, mean, var, 2.0, 0.5);
            double[] got = new double[n];
            RowKernel.layerNorm(DType.F64, EPS).into(runtimes[2], got, x, 2.0, 0.5);
            assertArrayEquals(want, got, "n=" + n);
        }
    }

    @Test
    void userExpressionsAgainstTheReference() {
        int n = size(4097);
        double[] x = random(DType.F64, new SplittableRandom(SEED), n, 50);
        double u = 0x1p-53;
        // min-max scaling: two reductions in one stage, then (x - lo) / (hi - lo) with three roundings
        double lo = Arrays.stream(x).min().orElseThrow();
        double hi = Arrays.stream(x).max().orElseThrow();
        double[] got = (double[]) applyOn(RowKernel.parse("(x - min(x)) / (max(x) - min(x))", DType.F64), x);
        for (int i = 0; i < x.length; i++) {
            double want = (x[i] - lo) / (hi - lo);
            assertTrue(Math.abs(got[i] - want) <= 4 * u * Math.abs(want) + 0x1p-1074, "min-max at " + i);
        }
        // z-score: the mean and std of one expression share a pass; the layer norm reference with eps 0
        RowReference.Expected z = RowReference.layerNorm(DType.F64, x, filled(x.length, 1), filled(x.length, 0), 0);
        check("z-score", z, (double[]) applyOn(RowKernel.parse("(x - mean(x)) / std(x)", DType.F64), x), x);
        // x / norm2(x): norm2's bound ((m + d + 2)/2 + 2) u plus the division
        java.math.BigDecimal ss = java.math.BigDecimal.ZERO;
        for (double v : x) {
            ss = ss.add(new java.math.BigDecimal(v).pow(2));
        }
        double norm = ss.sqrt(new java.math.MathContext(34)).doubleValue();
        double[] unit = (double[]) applyOn(RowKernel.parse("x / norm2(x)", DType.F64), x);
        for (int i = 0; i < x.length; i++) {
            double want = x[i] / norm;
            assertTrue(Math.abs(unit[i] - want) <= ((n + 2) / 2.0 + 4) * u * Math.abs(want) + 0x1p-1074, "unit at " + i);
        }
    }

    /** The checker catches a plausible mistake: layer norm with the sample variance (ddof 1). */
    @Test
    void theCheckerCatchesTheSampleVarianceInALayerNorm() {
        for (DType t : new DType[] {DType.F32, DType.F64}) {
            double[] x = random(t, new SplittableRandom(SEED), size(4097), 8);
            RowKernel wrong = RowKernel.map(t, v -> v.sub(Row.mean(v).to(t))
                    .div(Expr.sqrt(Row.over(Reduction.variance(1), v).to(t).add(EPS))));
            double[] got = widen(wrong.apply(column(t, x)));
            RowReference.Expected want = RowReference.layerNorm(t, x, filled(x.length, 1), filled(x.length, 0), EPS);
            assertTrue(RowReference.firstOutside(want, got) >= 0, "ddof 1 for a layer norm must be caught on " + t);
        }
    }

    @Test
    void slicesSegmentsAndInPlaceGiveTheSameBits() {
        float[] x = (float[]) column(DType.F32, random(DType.F32, new SplittableRandom(SEED), 33, 8));
        float[] want = new float[33];
        RowKernel softmax = RowKernel.softmax(DType.F32);
        softmax.into(runtimes[0], want, x);
        float[] padded = new float[40];
        System.arraycopy(x, 0, padded, 5, 33);
        float[] outPadded = new float[40];
        softmax.into(runtimes[0], Slice.of(outPadded, 7, 33), Slice.of(padded, 5, 33));
        assertArrayEquals(want, Arrays.copyOfRange(outPadded, 7, 40));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(4L * 33, 4);
            MemorySegment.copy(x, 0, seg, ValueLayout.JAVA_FLOAT, 0, 33);
            softmax.into(runtimes[1], seg, seg);
            assertArrayEquals(want, seg.toArray(ValueLayout.JAVA_FLOAT), "in place, off-heap");
        }
        float[] inPlace = x.clone();
        softmax.into(runtimes[2], inPlace, inPlace);
        assertArrayEquals(want, inPlace, "in place");
        float[] rms = new float[33];
        RowKernel.rmsNorm(DType.F32, EPS).into(runtimes[0], rms, x, 2f);
        float[] rmsArray = new float[33];
        float[] twos = new float[33];
        Arrays.fill(twos, 2f);
        RowKernel.rmsNorm(DType.F32, EPS).into(runtimes[0], rmsArray, x, twos);
        assertArrayEquals(rmsArray, rms, "a scalar g broadcasts");
    }

    @Test
    void badInputIsRejectedWithACaretOrBeforeAnythingIsWritten() {
        assertCaret(() -> RowKernel.parse("x - median(x)", DType.F32), "unknown function 'median'", 4);
        assertCaret(() -> Kernel.parse("exp(x - max(x))", DType.F32), "reduces over the row", 8);
        assertCaret(() -> RowKernel.parse("x - sum(2.5)", DType.F32), "literals only", 4);
        assertCaret(() -> RowKernel.parse("x - count(x)", DType.F32), "needs a mask", 4);
        assertCaret(() -> RowKernel.parse("max(x, x, x)", DType.F32), "max takes 2 arguments, got 3", 0);
        assertThrows(IllegalArgumentException.class, () -> Kernel.map(DType.F32, Row::max));
        assertThrows(IllegalArgumentException.class, () -> RowKernel.parse("x > max(x)", DType.F32));
        assertThrows(IllegalArgumentException.class, () -> RowKernel.layerNorm(DType.I32, EPS));
        assertThrows(IllegalArgumentException.class, () -> RowKernel.rmsNorm(DType.F32, -1));
        RowKernel ln = RowKernel.layerNorm(DType.F32, EPS);
        float[] out = new float[5];
        Arrays.fill(out, 7f);
        float[] x = {1, 2, 3, 4, 5};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ln.into(runtimes[1], out, x, new float[4], 0f));
        assertTrue(e.getMessage().contains("lengths differ"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ln.into(runtimes[1], new double[5], x, 1f, 0f));
        assertThrows(IllegalArgumentException.class, () -> ln.into(runtimes[1], new float[4], x, 1f, 0f));
        assertThrows(IllegalArgumentException.class, () -> ln.into(runtimes[1], out, x, 1f));
        assertThrows(NullPointerException.class, () -> ln.into(runtimes[1], out, x, null, 0f));
        assertThrows(IllegalArgumentException.class, () -> RowKernel.softmax(DType.F32).into(runtimes[1], out, new float[0]),
                "max of no elements is undefined");
        for (float v : out) {
            assertEquals(7f, v, "nothing written");
        }
    }

    // ---- n-D views: each line is the 1-D form ----------------------------------------------------------

    /** The matrix shapes: 1x1, 1xN, Nx1, odd sizes; the GPU emulator keeps to its sizes. */
    private long[][] shapes() {
        int c = size(65);
        return new long[][] {{1, 1}, {1, c}, {c, 1}, {3, 17}, {7, c}, {2, 3, 5}};
    }

    /** Every row of a matrix, contiguous or transposed, with g and b as row vectors or numbers, is its 1-D result. */
    @TestFactory
    Stream<DynamicTest> everyLineIsTheOneDimensionalResult() {
        List<DynamicTest> tests = new ArrayList<>();
        for (long[] shape : shapes()) {
            for (Builtin b : Builtin.values()) {
                for (boolean transposed : shape.length == 2 ? new boolean[] {false, true} : new boolean[] {false}) {
                    tests.add(DynamicTest.dynamicTest(b + " " + Arrays.toString(shape) + (transposed ? " transposed" : ""),
                            () -> checkLines(b, shape, transposed)));
                }
            }
        }
        return tests.stream();
    }

    private void checkLines(Builtin b, long[] shape, boolean transposed) {
        int cols = (int) shape[shape.length - 1];
        int lines = (int) (Arrays.stream(shape).reduce(1, Math::multiplyExact) / cols);
        SplittableRandom rng = new SplittableRandom(SEED ^ cols ^ lines);
        float[] data = (float[]) column(DType.F32, random(DType.F32, rng, lines * cols, 8));
        float[] g = (float[]) column(DType.F32, random(DType.F32, rng, cols, 2));
        NdView x;
        if (transposed) {
            // the same values stored column-major: lines of stride `lines`, gathered into scratch
            float[] colMajor = new float[data.length];
            for (int r = 0; r < lines; r++) {
                for (int c = 0; c < cols; c++) {
                    colMajor[c * lines + r] = data[r * cols + c];
                }
            }
            x = NdView.of(colMajor, cols, lines).transpose();
        } else {
            x = NdView.of(data, shape);
        }
        RowKernel k = kernel(b, DType.F32);
        float[] out = new float[data.length];
        Object[] in = switch (b) {
            case SOFTMAX, LOG_SOFTMAX -> new Object[] {x};
            case LAYER_NORM -> new Object[] {x, NdView.of(g, cols), 0.5f};
            case RMS_NORM -> new Object[] {x, NdView.of(g, cols)};
        };
        for (Flynn rt : runtimes) {
            k.into(rt, NdView.of(out, shape), in);
            for (int r = 0; r < lines; r++) {
                float[] row = Arrays.copyOfRange(data, r * cols, (r + 1) * cols);
                float[] want = new float[cols];
                Object[] rowIn = in.clone();
                rowIn[0] = row;
                if (rowIn.length > 1) {
                    rowIn[1] = g;
                }
                k.into(runtimes[0], want, rowIn);
                assertArrayEquals(want, Arrays.copyOfRange(out, r * cols, (r + 1) * cols),
                        b + " line " + r + " with " + rt.threads() + " threads");
            }
        }
    }

    @Test
    void columnsAlongAxisZeroAndPerRowNumbersFromAColumnVector() {
        int rows = 5;
        int cols = size(33);
        float[] data = (float[]) column(DType.F32, random(DType.F32, new SplittableRandom(SEED), rows * cols, 8));
        float[] out = new float[data.length];
        RowKernel.softmax(DType.F32).alongAxis(0).into(runtimes[2], NdView.of(out, rows, cols), NdView.of(data, rows, cols));
        for (int c = 0; c < cols; c++) {
            float[] col = new float[rows];
            for (int r = 0; r < rows; r++) {
                col[r] = data[r * cols + c];
            }
            float[] want = new float[rows];
            RowKernel.softmax(DType.F32).into(runtimes[0], want, col);
            for (int r = 0; r < rows; r++) {
                assertEquals(want[r], out[r * cols + c], "column " + c + " row " + r);
            }
        }
        // g of shape [rows, 1]: each row's g is a number
        float[] g = {1, 2, 3, 4, 5};
        RowKernel.rmsNorm(DType.F32, EPS).into(runtimes[1], NdView.of(out, rows, cols), NdView.of(data, rows, cols),
                NdView.of(g, rows, 1));
        for (int r = 0; r < rows; r++) {
            float[] want = new float[cols];
            RowKernel.rmsNorm(DType.F32, EPS).into(runtimes[0], want, Arrays.copyOfRange(data, r * cols, (r + 1) * cols), g[r]);
            assertArrayEquals(want, Arrays.copyOfRange(out, r * cols, (r + 1) * cols), "row " + r);
        }
        // floats() runs on the global runtime: compare with into() there
        float[] applied = RowKernel.softmax(DType.F32).floats(NdView.of(data, rows, cols));
        RowKernel.softmax(DType.F32).into(Flynn.global(), NdView.of(out, rows, cols), NdView.of(data, rows, cols));
        assertArrayEquals(out, applied, "apply gives a row-major result");
    }

    @Test
    void badShapesAxesAndOverlapsAreRejectedBeforeAnythingIsWritten() {
        float[] x = new float[12];
        float[] out = new float[12];
        Arrays.fill(out, 7f);
        RowKernel softmax = RowKernel.softmax(DType.F32);
        NdView o = NdView.of(out, 3, 4);
        assertThrows(IllegalArgumentException.class, () -> softmax.into(runtimes[1], NdView.of(out, 4, 3), NdView.of(x, 3, 4)));
        assertThrows(IllegalArgumentException.class, () -> softmax.alongAxis(2).into(runtimes[1], o, NdView.of(x, 3, 4)));
        assertThrows(IllegalArgumentException.class, () -> RowKernel.rmsNorm(DType.F32, EPS)
                .into(runtimes[1], o, NdView.of(x, 3, 4), NdView.of(new float[3], 3)));
        // the output one row further on in the same array as the input: rows would read what earlier rows wrote
        float[] shared = new float[16];
        assertThrows(IllegalArgumentException.class, () -> softmax.into(runtimes[1],
                NdView.strided(shared, 4, new long[] {3, 4}, new long[] {4, 1}), NdView.of(shared, 16).broadcastTo(1, 16)));
        assertThrows(IllegalArgumentException.class, () -> softmax.into(runtimes[1],
                NdView.strided(shared, 4, new long[] {3, 4}, new long[] {4, 1}),
                NdView.strided(shared, 0, new long[] {3, 4}, new long[] {4, 1})));
        assertThrows(IllegalArgumentException.class, () -> softmax.into(runtimes[1], NdView.of(out, 3, 0),
                NdView.of(new float[0], 3, 0)), "max of an empty row");
        for (float v : out) {
            assertEquals(7f, v, "nothing written");
        }
        for (float v : shared) {
            assertEquals(0f, v, "nothing written");
        }
        softmax.into(runtimes[1], NdView.of(new float[0], 0, 4), NdView.of(new float[0], 0, 4));
        float[] inPlace = {1, 2, 3, 4, 5, 6};
        softmax.into(runtimes[2], NdView.of(inPlace, 2, 3), NdView.of(inPlace, 2, 3));
        float[] want = new float[3];
        softmax.into(runtimes[0], want, new float[] {4, 5, 6});
        assertArrayEquals(want, Arrays.copyOfRange(inPlace, 3, 6), "in place");
    }

    // ---- helpers ------------------------------------------------------------------------------------

    /** {@code want}, or the largest of {@link #sizes()} if that is smaller. */
    private int size(int want) {
        int[] sizes = sizes();
        return Math.min(want, sizes[sizes.length - 1]);
    }

    private Object applyOn(RowKernel k, double[] x) {
        double[] out = new double[x.length];
        k.into(runtimes[2], out, (Object) x);
        return out;
    }

    private static void assertCaret(org.junit.jupiter.api.function.Executable parse, String message, int at) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, parse);
        assertTrue(e.getMessage().contains(message), e.getMessage());
        String[] lines = e.getMessage().split("\n");
        String caret = Arrays.stream(lines).filter(l -> l.trim().equals("^")).findFirst()
                .orElseThrow(() -> new AssertionError("no caret in " + e.getMessage()));
        assertEquals(at + 2, caret.indexOf('^'), e.getMessage());
    }

    private static void check(String what, RowReference.Expected want, double[] got, double[] x) {
        int i = RowReference.firstOutside(want, got);
        if (i >= 0) {
            fail(what + " n=" + x.length + " at " + i + ": x=" + x[i] + " got " + got[i] + ", want " + want.value()[i]
                    + " +- " + want.tol()[i]);
        }
    }

    /** Values of {@code t} (exactly representable) uniform in [-scale, scale], some far below it. */
    private static double[] random(DType t, SplittableRandom rng, int n, double scale) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double v = (rng.nextDouble() * 2 - 1) * scale * (rng.nextInt(8) == 0 ? 1e-3 : 1);
            x[i] = t == DType.F32 ? (float) v : v;
        }
        return x;
    }

    private static double[] narrow(DType t, double[] row) {
        double[] x = row.clone();
        if (t == DType.F32) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) x[i];
            }
        }
        return x;
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        Arrays.fill(a, v);
        return a;
    }

    private static Object column(DType t, double[] x) {
        if (t == DType.F64) {
            return x.clone();
        }
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }

    private static double[] widen(Object a) {
        if (a instanceof double[] d) {
            return d;
        }
        float[] f = (float[]) a;
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
