package dev.flynn.conformance;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.spi.Partial;
import dev.flynn.spi.Partials;
import dev.flynn.spi.State;
import dev.flynn.spi.StateLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every backend's reduction rules against core's Java reference ({@link Partials}): each pair of
 * special values (NaN, infinities, signed zeros, subnormals, the extremes, ties) laid out so that a
 * backend's step, its lanes' merge and its blocks' merge each meet them, for sum, compensated sum,
 * prod, min, max, argmin and argmax. The expected value is the reference's left fold from the
 * identity (or the first element where there is none), finished by {@link Reduction#finish(State, long)}; the values
 * are chosen so that every order of combining gives the same exact result, so any difference is a
 * rule that differs (a NaN or tie rule, an identity, a compensation step), not rounding.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ReductionRulesSuite {
    /** Patterns of two values {@code a} and {@code b} over {@code n} elements. */
    private enum Pattern {
        /** a, b, a, b, ...: ties in every lane and block. */
        ALTERNATE,
        /** a in the first half, b in the second: the blocks' merge meets them. */
        HALVES,
        /** a everywhere but the last element: the tail meets b. */
        LAST
    }

    private Flynn runtime;

    /** The backend under test. */
    protected abstract Backend backend();

    /**
     * The lengths tried: one step, a vector tail, and several of the widest canonical SIMD layout
     * (32 partials) with a tail. CPU backends merge core's blocks with {@link Partials#merge}, the
     * reference itself; a backend that merges blocks of its own tries a length that spans several.
     *
     * @return the lengths, each at least 2
     */
    protected int[] lengths() {
        return new int[] {2, 3, 33, 131};
    }

    @BeforeAll
    final void startRuntime() {
        runtime = Flynn.builder().backend(backend()).threads(2).build();
    }

    @AfterAll
    final void stopRuntime() {
        runtime.close();
    }

    @TestFactory
    Stream<DynamicTest> specialValuePairs() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DType t : new DType[] {DType.F32, DType.F64, DType.I32, DType.I64}) {
            List<Reduction> reductions = new ArrayList<>(List.of(Reduction.sum(), Reduction.prod(), Reduction.min(),
                    Reduction.max(), Reduction.argmin(), Reduction.argmax()));
            if (t.isFloating()) {
                reductions.add(Reduction.sum(Reduction.Summation.COMPENSATED));
            }
            for (Reduction r : reductions) {
                tests.add(DynamicTest.dynamicTest(r + " " + t.label(), () -> check(t, r)));
            }
        }
        return tests.stream();
    }

    private void check(DType t, Reduction r) {
        Kernel k = Kernel.map(t, x -> x).reduce(r);
        long[] values = values(t, r);
        int failures = 0;
        StringBuilder first = new StringBuilder();
        for (long a : values) {
            for (long b : values) {
                for (Pattern p : Pattern.values()) {
                    for (int n : lengths()) {
                        if (n > 200 && p != Pattern.HALVES) {
                            // a length that spans blocks is there for the blocks' merge, and HALVES is what meets it
                            continue;
                        }
                        Object data = data(t, p, a, b, n);
                        Object want = reference(k, t, data, n);
                        Object got = runtime.reduce(k, data);
                        if (!want.equals(got)) {
                            if (failures++ == 0) {
                                first.append(r).append(" of ").append(t).append(' ').append(p).append(" a=")
                                        .append(text(t, a)).append(" b=").append(text(t, b)).append(" n=").append(n)
                                        .append(": expected ").append(want).append(", got ").append(got);
                            }
                        }
                    }
                }
            }
        }
        assertEquals(0, failures, failures + " cases differ from core's reference on " + backend() + "; first: "
                + first);
    }

    /**
     * The values a reduction meets, chosen so that every order of combining them is exact: integers
     * themselves, floating values as the bits of their double.
     */
    private static long[] values(DType t, Reduction r) {
        if (t.isIntegral()) {
            long max = t == DType.I32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
            long min = t == DType.I32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
            return new long[] {min, min + 1, -1, 0, 1, max - 1, max};
        }
        double inf = Double.POSITIVE_INFINITY;
        double[] v = switch (r.kind()) {
            // small integers add exactly in any order, whatever the length
            case SUM -> new double[] {Double.NaN, inf, -inf, 0.0, -0.0, 1, -1, 2};
            // magnitudes 0, 1 and infinity multiply exactly in any order
            case PROD -> new double[] {Double.NaN, inf, -inf, 0.0, -0.0, 1, -1};
            default -> {
                double tiny = t == DType.F32 ? Float.MIN_VALUE : Double.MIN_VALUE;
                double big = t == DType.F32 ? Float.MAX_VALUE : Double.MAX_VALUE;
                yield new double[] {Double.NaN, inf, -inf, big, -big, 1, -1, tiny, -tiny, 0.0, -0.0};
            }
        };
        long[] bits = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            bits[i] = Double.doubleToRawLongBits(v[i]);
        }
        return bits;
    }

    private static Object data(DType t, Pattern p, long a, long b, int n) {
        Object arr = Array.newInstance(t.javaType(), n);
        for (int i = 0; i < n; i++) {
            boolean isB = switch (p) {
                case ALTERNATE -> (i & 1) == 1;
                case HALVES -> i >= n / 2;
                case LAST -> i == n - 1;
            };
            long v = isB ? b : a;
            switch (t) {
                case F32 -> ((float[]) arr)[i] = (float) Double.longBitsToDouble(v);
                case F64 -> ((double[]) arr)[i] = Double.longBitsToDouble(v);
                case I32 -> ((int[]) arr)[i] = (int) v;
                case I64 -> ((long[]) arr)[i] = v;
                case BOOL -> throw new IllegalArgumentException("masks are not reduced directly");
            }
        }
        return arr;
    }

    /** The reference's left fold from the identity, or from the first element where there is none. */
    private static Object reference(Kernel k, DType t, Object data, int n) {
        ReduceSpec spec = k.ir().reduce().orElseThrow();
        StateLayout layout = StateLayout.of(spec, t);
        Partial one = new Partial();
        State acc;
        int from = 0;
        if (Partials.hasIdentity(spec.op())) {
            Number id = Partials.identity(spec.op(), t);
            one.clear();
            one.d = id.doubleValue();
            one.l = id.longValue();
            acc = layout.read(one);
        } else {
            load(spec, t, data, 0, one);
            acc = layout.read(one);
            from = 1;
        }
        for (int i = from; i < n; i++) {
            load(spec, t, data, i, one);
            acc = Partials.merge(spec, acc, layout.read(one), null);
        }
        return k.reduction().orElseThrow().finish(acc, n);
    }

    private static void load(ReduceSpec spec, DType t, Object data, int i, Partial p) {
        switch (t) {
            case F32 -> Partials.single(spec, t, ((float[]) data)[i], i, p);
            case F64 -> Partials.single(spec, t, ((double[]) data)[i], i, p);
            case I32 -> Partials.single(spec, t, (long) ((int[]) data)[i], i, p);
            case I64 -> Partials.single(spec, t, ((long[]) data)[i], i, p);
            case BOOL -> throw new IllegalArgumentException("masks are not reduced directly");
        }
    }

    private static String text(DType t, long v) {
        double d = Double.longBitsToDouble(v);
        return t.isFloating() ? (t == DType.F32 ? Float.toString((float) d) : Double.toString(d)) : Long.toString(v);
    }

}
