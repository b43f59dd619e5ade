package dev.flynn.conformance;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import dev.flynn.ReductionState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public reduction state on a backend: a whole array cut into pieces (empty ones included),
 * each reduced with {@link Flynn#reducePartial}, merged in index order in three groupings (left to
 * right, right to left, pairwise) and finished, against one {@link Flynn#reduce} of the whole. The
 * values are small integers (ties everywhere) with NaN and signed zeros among floating ones, so every
 * grouping of a sum, product, min, max or their arg forms is exact and the docs promise bitwise
 * equality; variance and std, whose merge divides, are held to 1e-12 of the exact value instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ReductionStateSuite {
    private static final DType[] TYPES = {DType.F32, DType.F64, DType.I32, DType.I64};
    private Flynn runtime;

    /** The backend under test. */
    protected abstract Backend backend();

    @BeforeAll
    final void startRuntime() {
        runtime = Flynn.builder().backend(backend()).threads(2).build();
    }

    @AfterAll
    final void stopRuntime() {
        runtime.close();
    }

    private static List<Reduction> reductions(DType t) {
        List<Reduction> rs = new ArrayList<>(List.of(Reduction.sum(), Reduction.prod(), Reduction.min(),
                Reduction.max(), Reduction.argmin(), Reduction.argmax(), Reduction.mean(), Reduction.variance(1),
                Reduction.std(), Reduction.norm1(), Reduction.normInf()));
        if (t.isFloating()) {
            rs.add(Reduction.sum(Reduction.Summation.COMPENSATED));
            rs.add(Reduction.norm2());
            rs.add(Reduction.custom(Double.NEGATIVE_INFINITY, (acc, v) -> acc.max(v)));
        } else {
            rs.add(Reduction.custom(0L, (acc, v) -> acc.add(v)));
        }
        return rs;
    }

    @TestFactory
    Stream<DynamicTest> piecesMergedInAnyGroupingGiveTheWholeReduction() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DType t : TYPES) {
            for (Reduction r : reductions(t)) {
                for (int n : new int[] {1, 7, 64, 257}) {
                    for (boolean specials : t.isFloating() ? new boolean[] {false, true} : new boolean[] {false}) {
                        tests.add(DynamicTest.dynamicTest(r + " of " + t + " n=" + n + (specials ? " with NaN, -0.0" : ""),
                                () -> checkPieces(Kernel.map(t, x -> x).reduce(r), r, t, n, specials)));
                    }
                }
            }
        }
        return tests.stream();
    }

    private void checkPieces(Kernel k, Reduction r, DType t, int n, boolean specials) {
        SplittableRandom rnd = new SplittableRandom(31L * n + r.toString().hashCode() + t.ordinal());
        Object whole = data(t, n, specials, rnd);
        Object expected = runtime.reduce(k, whole);
        for (int attempt = 0; attempt < 3; attempt++) {
            List<ReductionState> pieces = new ArrayList<>();
            int from = 0;
            while (from < n) {
                // lengths 0 to 9: empty pieces and one-element pieces are as likely as long ones
                int len = Math.min(n - from, rnd.nextInt(10));
                pieces.add(runtime.reducePartial(k, slice(whole, from, len)));
                from += len;
            }
            pieces.add(runtime.reducePartial(k, slice(whole, n, 0)));
            ReductionState left = ReductionState.empty(k);
            for (ReductionState p : pieces) {
                left = runtime.merge(left, p);
            }
            ReductionState right = ReductionState.empty(k);
            for (int i = pieces.size() - 1; i >= 0; i--) {
                right = runtime.merge(pieces.get(i), right);
            }
            ReductionState tree = pairwise(pieces);
            assertEquals(n, left.count());
            assertValue(expected, Flynn.finish(left), r, t, whole, "left to right");
            assertValue(expected, Flynn.finish(right), r, t, whole, "right to left");
            assertValue(expected, Flynn.finish(tree), r, t, whole, "pairwise");
            assertEquals(left, ReductionState.decode(k, left.encode()), "encode, decode");
            if (exact(r)) {
                assertEquals(left, right, "the same state whatever the grouping");
                assertEquals(left, tree, "the same state whatever the grouping");
            }
        }
    }

    private ReductionState pairwise(List<ReductionState> parts) {
        List<ReductionState> level = parts;
        while (level.size() > 1) {
            List<ReductionState> next = new ArrayList<>();
            for (int i = 0; i < level.size(); i += 2) {
                next.add(i + 1 < level.size() ? runtime.merge(level.get(i), level.get(i + 1)) : level.get(i));
            }
            level = next;
        }
        return level.getFirst();
    }

    private static boolean exact(Reduction r) {
        return r.kind() != Reduction.Kind.VARIANCE && r.kind() != Reduction.Kind.STD
                && r.kind() != Reduction.Kind.MEAN;
    }

    private static void assertValue(Object expected, Object actual, Reduction r, DType t, Object whole, String how) {
        if (exact(r)) {
            assertEquals(expected, actual, how + ": bitwise the whole array's value");
            return;
        }
        double e = ((Number) expected).doubleValue();
        double a = ((Number) actual).doubleValue();
        if (Double.isNaN(e)) {
            assertTrue(Double.isNaN(a), how + ": NaN expected, got " + a);
            return;
        }
        double exactValue = exactMoment(r, t, whole);
        assertEquals(exactValue, a, 1e-12 * Math.max(1, Math.abs(exactValue)), how + ": within 1e-12 of the exact value");
        assertEquals(exactValue, e, 1e-12 * Math.max(1, Math.abs(exactValue)), "the whole reduction itself");
    }

    /** Mean, variance or std of the values, computed exactly and rounded once. */
    private static double exactMoment(Reduction r, DType t, Object whole) {
        int n = Array.getLength(whole);
        MathContext mc = MathContext.DECIMAL128;
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i < n; i++) {
            sum = sum.add(new BigDecimal(((Number) Array.get(whole, i)).doubleValue()));
        }
        BigDecimal mean = sum.divide(BigDecimal.valueOf(n), mc);
        if (r.kind() == Reduction.Kind.MEAN) {
            return mean.doubleValue();
        }
        BigDecimal m2 = BigDecimal.ZERO;
        for (int i = 0; i < n; i++) {
            BigDecimal d = new BigDecimal(((Number) Array.get(whole, i)).doubleValue()).subtract(mean);
            m2 = m2.add(d.multiply(d));
        }
        long dof = n - r.ddof();
        if (dof <= 0) {
            return Double.NaN;
        }
        double variance = m2.divide(BigDecimal.valueOf(dof), mc).doubleValue();
        return r.kind() == Reduction.Kind.STD ? Math.sqrt(variance) : variance;
    }

    private static Object data(DType t, int n, boolean specials, SplittableRandom rnd) {
        Object arr = Array.newInstance(t.javaType(), n);
        for (int i = 0; i < n; i++) {
            // 1, 2 and -1 keep products exact far longer than the range allows other values
            long v = rnd.nextInt(4) == 0 ? rnd.nextInt(-8, 9) : new long[] {1, 2, -1}[rnd.nextInt(3)];
            switch (t) {
                case F32 -> Array.setFloat(arr, i, v);
                case F64 -> Array.setDouble(arr, i, v);
                case I32 -> Array.setInt(arr, i, (int) v);
                case I64 -> Array.setLong(arr, i, v);
                case BOOL -> throw new IllegalArgumentException("masks are not reduced directly");
            }
        }
        if (specials && n > 2) {
            double[] special = {Double.NaN, -0.0, 0.0, Double.NaN};
            for (int j = 0; j < special.length; j++) {
                int at = rnd.nextInt(n);
                if (t == DType.F32) {
                    Array.setFloat(arr, at, (float) special[j]);
                } else {
                    Array.setDouble(arr, at, special[j]);
                }
            }
        }
        return arr;
    }

    private static Object slice(Object whole, int from, int len) {
        Object out = Array.newInstance(whole.getClass().getComponentType(), len);
        System.arraycopy(whole, from, out, 0, len);
        return out;
    }

    @Test
    void statesOfDifferentKernelsDoNotMerge() {
        Kernel sumF64 = Kernel.map(DType.F64, x -> x).reduce(Reduction.sum());
        Kernel maxF64 = Kernel.map(DType.F64, x -> x).reduce(Reduction.max());
        Kernel sumF32 = Kernel.map(DType.F32, x -> x).reduce(Reduction.sum());
        Kernel sumSquares = Kernel.map(DType.F64, x -> x.mul(x)).reduce(Reduction.sum());
        Kernel var0 = Kernel.map(DType.F64, x -> x).reduce(Reduction.variance(0));
        Kernel var1 = Kernel.map(DType.F64, x -> x).reduce(Reduction.variance(1));
        ReductionState a = runtime.reducePartial(sumF64, (Object) new double[] {1, 2});
        for (ReductionState other : List.of(runtime.reducePartial(maxF64, (Object) new double[] {3}),
                runtime.reducePartial(sumF32, (Object) new float[] {3}),
                runtime.reducePartial(sumSquares, (Object) new double[] {3}),
                ReductionState.empty(maxF64))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> runtime.merge(a, other));
            assertTrue(e.getMessage().contains("cannot merge"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> runtime.merge(other, a));
        }
        assertThrows(IllegalArgumentException.class, () -> runtime.merge(runtime.reducePartial(var0, (Object) new double[] {1}),
                runtime.reducePartial(var1, (Object) new double[] {2})));
        assertThrows(IllegalArgumentException.class, () -> ReductionState.decode(maxF64, new long[] {1, 2, 3}));
        assertThrows(IllegalArgumentException.class, () -> ReductionState.empty(Kernel.map(DType.F64, x -> x)));
        // the same kernel built twice (on another machine, say) merges, and the states are equal values
        Kernel again = Kernel.map(DType.F64, x -> x).reduce(Reduction.sum());
        ReductionState b = runtime.reducePartial(again, (Object) new double[] {1, 2});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(6.0, Flynn.finish(runtime.merge(a, b)));
        assertNotEquals(a, runtime.reducePartial(sumF64, (Object) new double[] {2, 1, 0}));
    }

    @Test
    void typedFinishesGiveTheValueInItsOwnTypeAndNameTheRightOneOtherwise() {
        Kernel argmin = Kernel.map(DType.F64, x -> x).reduce(Reduction.argmin());
        ReductionState a = runtime.merge(runtime.reducePartial(argmin, (Object) new double[] {5, 6, 7}),
                runtime.reducePartial(argmin, (Object) new double[] {3, 1, 1}));
        assertEquals(4L, a.finishLong());
        assertEquals(4.0, a.finishDouble());
        assertTrue(assertThrows(IllegalArgumentException.class, a::finishBoolean).getMessage().contains("call finishLong"));

        // a long sum past 2^53 is exact only through finishLong
        Kernel lsum = Kernel.map(DType.I64, x -> x).reduce(Reduction.sum());
        ReductionState l = runtime.merge(runtime.reducePartial(lsum, (Object) new long[] {1L << 62, 1}),
                runtime.reducePartial(lsum, (Object) new long[] {2}));
        assertEquals((1L << 62) + 3, l.finishLong());

        Kernel mean = Kernel.map(DType.F32, x -> x).reduce(Reduction.mean());
        float[] xs = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f};
        ReductionState m = runtime.merge(runtime.reducePartial(mean, (Object) Arrays.copyOfRange(xs, 0, 2)),
                runtime.reducePartial(mean, (Object) Arrays.copyOfRange(xs, 2, 5)));
        assertEquals(((Number) Flynn.finish(m)).doubleValue(), m.finishDouble());
        assertEquals(0.3, m.finishDouble(), 1e-7);
        assertTrue(assertThrows(IllegalArgumentException.class, m::finishLong).getMessage().contains("call finishDouble"));

        Kernel any = Kernel.parse("x > 2", DType.F64).reduce(Reduction.any());
        assertTrue(runtime.reducePartial(any, (Object) new double[] {1, 3}).finishBoolean());
        assertFalse(runtime.reducePartial(any, (Object) new double[] {1, 2}).finishBoolean());
        assertTrue(assertThrows(IllegalArgumentException.class, runtime.reducePartial(any, (Object) new double[] {1})::finishDouble)
                .getMessage().contains("call finishBoolean"));
    }

    @Test
    void emptyStatesMergeAsNothingAndFinishAsNoElements() {
        Kernel sum = Kernel.map(DType.I32, x -> x).reduce(Reduction.sum());
        Kernel mean = Kernel.map(DType.F32, x -> x).reduce(Reduction.mean());
        Kernel argmin = Kernel.map(DType.F64, x -> x).reduce(Reduction.argmin());
        ReductionState none = runtime.reducePartial(argmin, (Object) new double[0]);
        assertTrue(none.isEmpty());
        assertEquals(ReductionState.empty(argmin), none);
        ReductionState some = runtime.reducePartial(argmin, (Object) new double[] {3, 1, 1});
        assertEquals(some, runtime.merge(none, some));
        assertEquals(some, runtime.merge(some, none));
        // an empty piece before a state shifts nothing: the index stays 1
        assertEquals(1L, Flynn.finish(runtime.merge(none, some)));
        assertEquals(4L, Flynn.finish(runtime.merge(runtime.reducePartial(argmin, (Object) new double[] {5, 6, 7}), some)));
        assertEquals(0, Flynn.finish(runtime.reducePartial(sum, (Object) new int[0])));
        assertTrue(Double.isNaN((Double) Flynn.finish(runtime.reducePartial(mean, (Object) new float[0]))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Flynn.finish(none));
        assertTrue(e.getMessage().contains("no elements"), e.getMessage());
        assertEquals(runtime.reduce(sum, (Object) new int[0]), Flynn.finish(ReductionState.empty(sum)));
    }
}
