package dev.flynn.conformance;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import dev.flynn.Scan;
import dev.flynn.ScanKernel;
import dev.flynn.Slice;
import dev.flynn.ir.ScanOp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Scans on a backend: every scan op, inclusive and exclusive, over every element type and the sizes
 * of DESIGN.md, against references written here from docs/SEMANTICS.md ("Scans"): plain Java loops in
 * the documented block order (bitwise), the plain sequential loop where the op is associative
 * (integers, min, max: bitwise), and exact BigDecimal prefix sums and products for the error bound.
 * Also the bindings (slices, segments, in place, overlapping output, scalars, a fused map), thread
 * counts, and bad input, which must leave the output untouched.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ScanSuite {
    private static final DType[] TYPES = {DType.F32, DType.F64, DType.I32, DType.I64};
    /** DESIGN.md's sizes and the edges of segments (512) and blocks (4096); 2^20+3 in the thread-count test. */
    private static final int[] SIZES = {0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 511, 512, 513, 1000, 4095,
            4096, 4097, 8193, 65537};
    private Flynn runtime;

    /** The backend under test. */
    protected abstract Backend backend();

    /** The largest size the backend runs here (the PTX emulator is slow). */
    protected int maxSize() {
        return Integer.MAX_VALUE;
    }

    @BeforeAll
    final void startRuntime() {
        runtime = Flynn.builder().backend(backend()).threads(3).build();
    }

    @AfterAll
    final void stopRuntime() {
        runtime.close();
    }

    private int[] sizes() {
        return java.util.Arrays.stream(SIZES).filter(n -> n <= maxSize()).toArray();
    }

    private static ScanKernel identityScan(DType t, ScanOp op, boolean exclusive) {
        return Kernel.map(t, x -> x).scan(new Scan(op, exclusive));
    }

    // ---- references, from the text of docs/SEMANTICS.md ---------------------------------------------

    /** The step, from the op table's Java semantics ({@link JavaOps}), on bits. */
    static long step(DType t, ScanOp op, long a, long b) {
        return switch (t) {
            case F32 -> Float.floatToRawIntBits(JavaOps.f32(op.step(), Float.intBitsToFloat((int) a),
                    Float.intBitsToFloat((int) b)));
            case F64 -> Double.doubleToRawLongBits(JavaOps.f64(op.step(), Double.longBitsToDouble(a),
                    Double.longBitsToDouble(b)));
            case I32 -> JavaOps.i32(op.step(), (int) a, (int) b);
            case I64 -> JavaOps.i64(op.step(), a, b);
            case BOOL -> throw new IllegalArgumentException("masks");
        };
    }

    /** What an exclusive scan starts with: 0, 1, the top or the bottom of the type. */
    static long start(DType t, ScanOp op) {
        return switch (op) {
            case SUM -> t == DType.F32 ? Float.floatToRawIntBits(0f) : t == DType.F64 ? Double.doubleToRawLongBits(0.0) : 0;
            case PROD -> t == DType.F32 ? Float.floatToRawIntBits(1f) : t == DType.F64 ? Double.doubleToRawLongBits(1.0) : 1;
            case MIN -> switch (t) {
                case F32 -> Float.floatToRawIntBits(Float.POSITIVE_INFINITY);
                case F64 -> Double.doubleToRawLongBits(Double.POSITIVE_INFINITY);
                case I32 -> Integer.MAX_VALUE;
                default -> Long.MAX_VALUE;
            };
            case MAX -> switch (t) {
                case F32 -> Float.floatToRawIntBits(Float.NEGATIVE_INFINITY);
                case F64 -> Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY);
                case I32 -> Integer.MIN_VALUE;
                default -> Long.MIN_VALUE;
            };
        };
    }

    /**
     * The documented order: blocks of 4096, each cut into segments of 512 folded left to right from
     * their first values ({@code q}); within a block, segment {@code s > 0} takes {@code e ⊕ q}, where
     * {@code e} folds the earlier segments' totals left to right; block 0's prefixes are the result, a
     * later block's are taken with its carry (the left-to-right fold of the earlier blocks' totals) as
     * {@code carry ⊕ p}; exclusive shifts the inclusive result right by one.
     */
    static long[] blockOrder(DType t, ScanOp op, boolean exclusive, long[] v) {
        int n = v.length;
        long[] inc = new long[n];
        long carry = 0;
        for (int block = 0; block < n; block += 4096) {
            int blockEnd = Math.min(n, block + 4096);
            long e = 0;
            long blockTotal = 0;
            for (int seg = block; seg < blockEnd; seg += 512) {
                int segEnd = Math.min(blockEnd, seg + 512);
                long q = v[seg];
                for (int i = seg; i < segEnd; i++) {
                    if (i > seg) {
                        q = step(t, op, q, v[i]);
                    }
                    long p = seg == block ? q : step(t, op, e, q);
                    inc[i] = block == 0 ? p : step(t, op, carry, p);
                    blockTotal = p;
                }
                e = seg == block ? q : step(t, op, e, q);
            }
            carry = block == 0 ? blockTotal : step(t, op, carry, blockTotal);
        }
        return exclusive ? shifted(t, op, inc) : inc;
    }

    /** The hand-written loop: {@code acc = x[0]; out[i] = acc = acc ⊕ x[i]}. */
    static long[] sequential(DType t, ScanOp op, boolean exclusive, long[] v) {
        long[] inc = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            inc[i] = i == 0 ? v[0] : step(t, op, inc[i - 1], v[i]);
        }
        return exclusive ? shifted(t, op, inc) : inc;
    }

    private static long[] shifted(DType t, ScanOp op, long[] inc) {
        long[] out = new long[inc.length];
        for (int i = 0; i < inc.length; i++) {
            out[i] = i == 0 ? start(t, op) : inc[i - 1];
        }
        return out;
    }

    private static void assertBits(DType t, long[] want, Object got, String what) {
        assertEquals(want.length, Columns.length(got), what + ": length");
        for (int i = 0; i < want.length; i++) {
            long g = Columns.rawBits(got, i);
            if (Columns.canonical(t, want[i]) != Columns.canonical(t, g)) {
                fail(what + ": element " + i + " is " + Columns.text(t, g) + ", expected " + Columns.text(t, want[i]));
            }
        }
    }

    private Object run(ScanKernel k, long[] values, DType t) {
        return runtime.apply(k, Values.column(t, values));
    }

    // ---- results ------------------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> everyScanMatchesTheDocumentedOrderBitForBit() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DType t : TYPES) {
            for (ScanOp op : ScanOp.values()) {
                for (boolean exclusive : new boolean[] {false, true}) {
                    tests.add(DynamicTest.dynamicTest(op + (exclusive ? " exclusive " : " ") + t, () -> {
                        ScanKernel k = identityScan(t, op, exclusive);
                        for (int n : sizes()) {
                            // raw bit patterns bring NaN, infinities, subnormals and integer overflow
                            long[] v = Values.random(t, new SplittableRandom(n * 31L + op.ordinal()), n,
                                    Values.Domain.MODERATE);
                            Object got = run(k, v, t);
                            assertBits(t, blockOrder(t, op, exclusive, v), got, k + " n=" + n);
                            if (!t.isFloating() || op == ScanOp.MIN || op == ScanOp.MAX) {
                                // associative: the block order gives the hand-written loop's bits
                                assertBits(t, sequential(t, op, exclusive, v), got, k + " n=" + n + " (sequential)");
                            }
                        }
                    }));
                }
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> specialValuesFollowJava() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DType t : TYPES) {
            for (ScanOp op : ScanOp.values()) {
                for (boolean exclusive : new boolean[] {false, true}) {
                    tests.add(DynamicTest.dynamicTest(op + (exclusive ? " exclusive " : " ") + t, () -> {
                        ScanKernel k = identityScan(t, op, exclusive);
                        long[] specials = Values.specials(t);
                        for (int n : new int[] {specials.length, 4096 + 17}) {
                            for (int shift = 0; shift < specials.length; shift += 5) {
                                if (n > maxSize()) {
                                    continue;
                                }
                                long[] v = new long[n];
                                for (int i = 0; i < n; i++) {
                                    v[i] = specials[(i + shift) % specials.length];
                                }
                                Object got = run(k, v, t);
                                assertBits(t, blockOrder(t, op, exclusive, v), got, k + " n=" + n + " shift=" + shift);
                                if (!t.isFloating() || op == ScanOp.MIN || op == ScanOp.MAX) {
                                    assertBits(t, sequential(t, op, exclusive, v), got, k + " (sequential)");
                                }
                            }
                        }
                    }));
                }
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> exclusiveScansStartWithTheirStartValue() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DType t : TYPES) {
            for (ScanOp op : ScanOp.values()) {
                tests.add(DynamicTest.dynamicTest(op + " " + t, () -> {
                    long[] v = {Columns.canonical(t, t == DType.F32 ? Float.floatToRawIntBits(-0f)
                            : t == DType.F64 ? Double.doubleToRawLongBits(-0.0) : 5)};
                    Object got = run(identityScan(t, op, true), v, t);
                    assertEquals(start(t, op), Columns.rawBits(got, 0), op + " " + t);
                    // an inclusive scan starts with the first value itself: -0.0 stays -0.0
                    assertEquals(v[0], Columns.rawBits(run(identityScan(t, op, false), v, t), 0));
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> floatingSumsAndProductsStayWithinTheBoundOfTheExactPrefix() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DType t : new DType[] {DType.F32, DType.F64}) {
            for (int n : new int[] {1000, 4097, 65537}) {
                if (n > maxSize()) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest("sum " + t + " n=" + n, () -> checkSumBound(t, n)));
                tests.add(DynamicTest.dynamicTest("prod " + t + " n=" + n, () -> checkProductBound(t, n)));
            }
        }
        return tests.stream();
    }

    /** {@code |s_i - S_i| <= (m + b + 1) u sum_{j<=i} |x_j|}, m = min(i + 1, 520), b = floor(i / 4096). */
    private void checkSumBound(DType t, int n) {
        SplittableRandom rng = new SplittableRandom(n);
        double[] x = new double[n];
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            // mixed signs and magnitudes: cancellation makes the prefix sums small against sum |x|
            double d = Math.scalb(rng.nextDouble() + 0.5, rng.nextInt(-8, 9)) * (rng.nextBoolean() ? 1 : -1);
            x[i] = t == DType.F32 ? (float) d : d;
            v[i] = Columns.bitsOf(t, x[i]);
        }
        Object got = run(identityScan(t, ScanOp.SUM, false), v, t);
        double u = ErrorBounds.unitRoundoff(t);
        BigDecimal exact = BigDecimal.ZERO;
        BigDecimal abs = BigDecimal.ZERO;
        double worst = 0;
        for (int i = 0; i < n; i++) {
            exact = exact.add(new BigDecimal(x[i]));
            abs = abs.add(new BigDecimal(Math.abs(x[i])));
            double s = Columns.value(t, Columns.rawBits(got, i));
            double err = new BigDecimal(s).subtract(exact).abs().doubleValue();
            double bound = (Math.min(i + 1, 520) + i / 4096 + 1) * u * abs.doubleValue();
            assertTrue(err <= bound, "sum " + t + " element " + i + ": error " + err + " > bound " + bound);
            worst = Math.max(worst, err / bound);
        }
        assertTrue(worst > 0 || t == DType.F64, "an F32 sum of mixed values that never rounds: the data is too tame");
    }

    /**
     * Positive values near 1: {@code |p_i - P_i| <= (i + 2) u |P_i|}: every one of the {@code i}
     * multiplications that form {@code p_i} rounds the whole product, whatever the order.
     */
    private void checkProductBound(DType t, int n) {
        SplittableRandom rng = new SplittableRandom(n + 1);
        double[] x = new double[n];
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            double d = 1 + (rng.nextDouble() - 0.5) / 64;
            x[i] = t == DType.F32 ? (float) d : d;
            v[i] = Columns.bitsOf(t, x[i]);
        }
        Object got = run(identityScan(t, ScanOp.PROD, false), v, t);
        double u = ErrorBounds.unitRoundoff(t);
        MathContext mc = new MathContext(60);
        BigDecimal exact = BigDecimal.ONE;
        for (int i = 0; i < n; i++) {
            exact = exact.multiply(new BigDecimal(x[i]), mc);
            double p = Columns.value(t, Columns.rawBits(got, i));
            double err = new BigDecimal(p).subtract(exact).abs().doubleValue();
            double bound = (i + 2) * u * exact.abs().doubleValue();
            assertTrue(err <= bound, "prod " + t + " element " + i + ": error " + err + " > bound " + bound);
        }
    }

    @TestFactory
    Stream<DynamicTest> theThreadCountChangesNoBit() {
        int n = Math.min(maxSize(), (1 << 20) + 3);
        List<DynamicTest> tests = new ArrayList<>();
        for (DType t : new DType[] {DType.F32, DType.F64}) {
            for (ScanOp op : new ScanOp[] {ScanOp.SUM, ScanOp.PROD}) {
                tests.add(DynamicTest.dynamicTest(op + " " + t + " n=" + n, () -> {
                    long[] v = Values.random(t, new SplittableRandom(7), n, new Values.Domain(0.5, 2));
                    Object data = Values.column(t, v);
                    ScanKernel k = identityScan(t, op, false);
                    Object one = null;
                    for (int threads : new int[] {1, 2, 3, 7}) {
                        try (Flynn f = Flynn.builder().backend(backend()).threads(threads).build()) {
                            Object got = f.apply(k, data);
                            if (one == null) {
                                one = got;
                                assertBits(t, blockOrder(t, op, false, v), got, k + " on 1 thread");
                            } else {
                                long[] want = new long[n];
                                for (int i = 0; i < n; i++) {
                                    want[i] = Columns.rawBits(one, i);
                                }
                                assertBits(t, want, got, k + " on " + threads + " threads");
                            }
                        }
                    }
                }));
            }
        }
        return tests.stream();
    }

    // ---- bindings -----------------------------------------------------------------------------------

    @Test
    void aFusedMapWithABroadcastScalarIsScannedWithoutATemporary() {
        int n = Math.min(maxSize(), 10_000);
        SplittableRandom rng = new SplittableRandom(3);
        double[] x = rng.doubles(n, -1, 1).toArray();
        double[] y = rng.doubles(n, -1, 1).toArray();
        ScanKernel runningDot = Kernel.parse("a * x * y", List.of("a", "x", "y"),
                List.of(DType.F64, DType.F64, DType.F64)).scan(Scan.sum());
        double[] got = (double[]) runtime.apply(runningDot, 2.0, x, y);
        long[] products = new long[n];
        for (int i = 0; i < n; i++) {
            products[i] = Double.doubleToRawLongBits(2.0 * x[i] * y[i]);
        }
        assertBits(DType.F64, blockOrder(DType.F64, ScanOp.SUM, false, products), got, runningDot.toString());
    }

    @Test
    void slicesSegmentsAndInPlaceGiveTheArrayResult() {
        int n = Math.min(maxSize(), 9000);
        DType t = DType.F32;
        long[] v = Values.random(t, new SplittableRandom(5), n, new Values.Domain(-4, 4));
        ScanKernel k = identityScan(t, ScanOp.SUM, false);
        long[] want = blockOrder(t, ScanOp.SUM, false, v);
        float[] x = (float[]) Values.column(t, v);

        float[] padded = new float[n + 10];
        System.arraycopy(x, 0, padded, 3, n);
        float[] out = new float[n + 10];
        runtime.into(k, Slice.of(out, 7, n), Slice.of(padded, 3, n));
        float[] window = java.util.Arrays.copyOfRange(out, 7, 7 + n);
        assertBits(t, want, window, "slice into slice");

        float[] inPlace = x.clone();
        runtime.into(k, inPlace, inPlace);
        assertBits(t, want, inPlace, "in place");

        float[] slicedInPlace = padded.clone();
        runtime.into(k, Slice.of(slicedInPlace, 3, n), Slice.of(slicedInPlace, 3, n));
        assertBits(t, want, java.util.Arrays.copyOfRange(slicedInPlace, 3, 3 + n), "slice in place");

        // the output one element after the input in the same array: computed as if the input were copied first
        float[] shifted = padded.clone();
        runtime.into(k, Slice.of(shifted, 4, n), Slice.of(shifted, 3, n));
        assertBits(t, want, java.util.Arrays.copyOfRange(shifted, 4, 4 + n), "overlapping output");

        try (Arena arena = Arena.ofShared()) {
            MemorySegment in = Columns.toSegment(arena, x);
            MemorySegment seg = arena.allocate((long) n * 4, 4);
            runtime.into(k, seg, in);
            assertBits(t, want, Columns.fromSegment(seg, t), "segment");
            runtime.into(k, in, in);
            assertBits(t, want, Columns.fromSegment(in, t), "segment in place");
        }
    }

    @Test
    void anEmptyScanWritesNothingAndSucceeds() {
        float[] out = new float[0];
        runtime.into(identityScan(DType.F32, ScanOp.SUM, true), out, new float[0]);
        assertEquals(0, ((long[]) runtime.apply(identityScan(DType.I64, ScanOp.MAX, false), (Object) new long[0])).length);
    }

    // ---- bad input ------------------------------------------------------------------------------------

    @Test
    void badInputIsRejectedBeforeAnythingIsWritten() {
        DType t = DType.F64;
        int n = Math.min(maxSize(), 5000);
        long sentinel = Columns.sentinel(t);
        ScanKernel k = identityScan(t, ScanOp.SUM, false);
        double[] out = (double[]) Columns.filled(t, n, sentinel);
        IllegalArgumentException lengths = assertThrows(IllegalArgumentException.class,
                () -> runtime.into(k, out, new double[n + 1]));
        assertTrue(lengths.getMessage().contains(String.valueOf(n + 1)), lengths.getMessage());
        NullPointerException nul = assertThrows(NullPointerException.class, () -> runtime.into(k, out, (Object) null));
        assertTrue(nul.getMessage().contains("input 0"), nul.getMessage());
        assertThrows(NullPointerException.class, () -> runtime.into(k, null, new double[n]));
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> runtime.into(k, out, new float[n]));
        assertTrue(type.getMessage().contains("F64"), type.getMessage());
        assertThrows(IllegalArgumentException.class, () -> runtime.into(k, new float[n], new double[n]));
        assertThrows(IndexOutOfBoundsException.class, () -> runtime.into(k, Slice.of(out, 1, n), new double[n]));
        assertEquals(-1, Columns.firstChanged(out, sentinel), "bad input wrote into the output");

        // integer division by zero in the scanned map: thrown, and nothing written
        ScanKernel div = Kernel.parse("x / y", DType.I32).scan(Scan.sum());
        int[] iout = (int[]) Columns.filled(DType.I32, n, Columns.sentinel(DType.I32));
        int[] ones = new int[n];
        java.util.Arrays.fill(ones, 1);
        int[] divisors = ones.clone();
        divisors[n - 1] = 0;
        assertThrows(ArithmeticException.class, () -> runtime.into(div, iout, ones, divisors));
        assertEquals(-1, Columns.firstChanged(iout, Columns.sentinel(DType.I32)), "a failed scan wrote into the output");
    }

    @Test
    void reductionsAndMasksAreNotScanned() {
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class,
                () -> Kernel.map(DType.F32, x -> x).reduce(Reduction.sum()).scan(Scan.sum()));
        assertTrue(r.getMessage().contains("reduction"), r.getMessage());
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class,
                () -> Kernel.map(DType.F32, x -> x.gt(0)).scan(Scan.max()));
        assertTrue(m.getMessage().contains("mask"), m.getMessage());
        assertThrows(NullPointerException.class, () -> Kernel.map(DType.F32, x -> x).scan(null));
    }
}
