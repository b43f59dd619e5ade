package dev.flynn.simd;

import dev.flynn.spi.Partial;
import dev.flynn.spi.Partials;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

import static jdk.incubator.vector.VectorOperators.LT;

/**
 * Ops the Vector API lacks, built from ones it has, and the scalar steps generated kernels call once
 * per range. Called from generated code; small so that C2 inlines them and keeps vectors in registers.
 */
final class SimdMath {
    private static final float TWO23 = 0x1p23f;
    private static final double TWO52 = 0x1p52;

    private SimdMath() {
    }

    // ---- rounding: the Vector API has no floor/ceil/rint, so round through the FPU's
    // round-to-nearest-even by adding and subtracting 2^23 (2^52), where every float is an integer

    static FloatVector rint(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector r = a.add(TWO23).sub(TWO23);
        // rint keeps the sign of x, so -0.4 rounds to -0.0
        FloatVector signed = r.reinterpretAsInts().or(x.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
        // |x| >= 2^23 is already an integer; NaN compares false and stays NaN
        return x.blend(signed, a.compare(LT, TWO23));
    }

    static DoubleVector rint(DoubleVector x) {
        DoubleVector a = x.abs();
        DoubleVector r = a.add(TWO52).sub(TWO52);
        DoubleVector signed = r.reinterpretAsLongs().or(x.reinterpretAsLongs().and(0x8000000000000000L)).reinterpretAsDoubles();
        return x.blend(signed, a.compare(LT, TWO52));
    }

    // ---- NaN: Java's canonical NaN in every NaN lane, whatever sign and payload the steps before left

    static FloatVector canonicalNaN(FloatVector x) {
        return x.blend(Float.NaN, x.test(jdk.incubator.vector.VectorOperators.IS_NAN));
    }

    static DoubleVector canonicalNaN(DoubleVector x) {
        return x.blend(Double.NaN, x.test(jdk.incubator.vector.VectorOperators.IS_NAN));
    }

    static FloatVector floor(FloatVector x) {
        FloatVector t = rint(x);
        return t.sub(1f, x.compare(LT, t));
    }

    static DoubleVector floor(DoubleVector x) {
        DoubleVector t = rint(x);
        return t.sub(1d, x.compare(LT, t));
    }

    // ceil(x) = -floor(-x) gives -0.0 for x in (-1, 0), as Math.ceil does
    static FloatVector ceil(FloatVector x) {
        return floor(x.neg()).neg();
    }

    static DoubleVector ceil(DoubleVector x) {
        return floor(x.neg()).neg();
    }

    static FloatVector signum(FloatVector x) {
        FloatVector one = x.broadcast(1f).reinterpretAsInts().or(x.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
        // zeros and NaN are their own signum; |x| > 0 is false for both
        return x.blend(one, x.abs().compare(jdk.incubator.vector.VectorOperators.GT, 0f));
    }

    static DoubleVector signum(DoubleVector x) {
        DoubleVector one = x.broadcast(1d).reinterpretAsLongs().or(x.reinterpretAsLongs().and(0x8000000000000000L)).reinterpretAsDoubles();
        return x.blend(one, x.abs().compare(jdk.incubator.vector.VectorOperators.GT, 0d));
    }

    // ---- pow: C2 calls SVML, which follows C99 where Java differs: pow(+-1, +-inf) and pow(1, NaN)
    // are 1 there but NaN in Math.pow

    static FloatVector pow(FloatVector x, FloatVector y) {
        FloatVector r = x.lanewise(jdk.incubator.vector.VectorOperators.POW, y);
        var javaNaN = y.test(jdk.incubator.vector.VectorOperators.IS_NAN)
                .or(x.abs().compare(jdk.incubator.vector.VectorOperators.EQ, 1f).and(y.test(jdk.incubator.vector.VectorOperators.IS_INFINITE)));
        return r.blend(Float.NaN, javaNaN);
    }

    static DoubleVector pow(DoubleVector x, DoubleVector y) {
        DoubleVector r = x.lanewise(jdk.incubator.vector.VectorOperators.POW, y);
        var javaNaN = y.test(jdk.incubator.vector.VectorOperators.IS_NAN)
                .or(x.abs().compare(jdk.incubator.vector.VectorOperators.EQ, 1d).and(y.test(jdk.incubator.vector.VectorOperators.IS_INFINITE)));
        return r.blend(Double.NaN, javaNaN);
    }

    // ---- integer division: Java's ArithmeticException("/ by zero"), the one every backend throws; the
    // Vector API's own lists the lanes. In a tail only the live lanes count: the others hold the zeros
    // the tail reads leave (SimdTail)

    static jdk.incubator.vector.IntVector div(jdk.incubator.vector.IntVector a, jdk.incubator.vector.IntVector b) {
        if (b.eq(0).anyTrue()) {
            throw divisionByZero();
        }
        return a.lanewise(jdk.incubator.vector.VectorOperators.DIV, b);
    }

    static jdk.incubator.vector.IntVector div(jdk.incubator.vector.IntVector a, jdk.incubator.vector.IntVector b,
                                              jdk.incubator.vector.VectorMask<Integer> live) {
        if (b.eq(0).and(live).anyTrue()) {
            throw divisionByZero();
        }
        return a.lanewise(jdk.incubator.vector.VectorOperators.DIV, b, live);
    }

    static jdk.incubator.vector.LongVector div(jdk.incubator.vector.LongVector a, jdk.incubator.vector.LongVector b) {
        if (b.eq(0).anyTrue()) {
            throw divisionByZero();
        }
        return a.lanewise(jdk.incubator.vector.VectorOperators.DIV, b);
    }

    static jdk.incubator.vector.LongVector div(jdk.incubator.vector.LongVector a, jdk.incubator.vector.LongVector b,
                                               jdk.incubator.vector.VectorMask<Long> live) {
        if (b.eq(0).and(live).anyTrue()) {
            throw divisionByZero();
        }
        return a.lanewise(jdk.incubator.vector.VectorOperators.DIV, b, live);
    }

    private static ArithmeticException divisionByZero() {
        return new ArithmeticException("/ by zero");
    }

    // ---- floating remainder: Java's % is a truncating fmod with no SIMD instruction; done per lane

    static FloatVector rem(FloatVector a, FloatVector b) {
        float[] x = a.toArray();
        float[] y = b.toArray();
        for (int i = 0; i < x.length; i++) {
            x[i] %= y[i];
        }
        return FloatVector.fromArray(a.species(), x, 0);
    }

    static DoubleVector rem(DoubleVector a, DoubleVector b) {
        double[] x = a.toArray();
        double[] y = b.toArray();
        for (int i = 0; i < x.length; i++) {
            x[i] %= y[i];
        }
        return DoubleVector.fromArray(a.species(), x, 0);
    }

    // ---- exact merge of the lanes of a compensated sum. Each lane's Neumaier pair (s, c) is exact to
    // about twice the working precision, but lanes see strided elements, so a lane may hold a huge sum
    // whose compensation is huge too (1e100 in every fourth element): folding the pairs with one more
    // Neumaier step would lose the small lanes under those compensations. The pairs are instead summed
    // exactly (Shewchuk's partials, as Python's math.fsum) and rounded to a (sum, compensation) pair.

    /** Per-thread partials: index 0 holds the count, 1 the plain sum (for non-finite input), 2.. the partials. */
    private static final ThreadLocal<double[]> EXACT = ThreadLocal.withInitial(() -> new double[2 + 80]);

    static double[] exactStart() {
        double[] a = EXACT.get();
        a[0] = 0;
        a[1] = 0;
        return a;
    }

    /** Adds a lane's running sum. */
    static void exactAdd(double[] a, double x) {
        a[1] += x;
        exactAddCompensation(a, x);
    }

    /**
     * Adds a lane's compensation, which stays out of the plain sum: it is NaN exactly where the lane's
     * sum is infinite or NaN ({@code Inf - Inf}), and that sum alone says what the values add up to.
     */
    static void exactAddCompensation(double[] a, double x) {
        int m = (int) a[0];
        int i = 0;
        for (int j = 0; j < m; j++) {
            double y = a[2 + j];
            if (Math.abs(x) < Math.abs(y)) {
                double t = x;
                x = y;
                y = t;
            }
            double hi = x + y;
            double lo = y - (hi - x);
            if (lo != 0) {
                a[2 + i++] = lo;
            }
            x = hi;
        }
        if (2 + i < a.length) {
            a[2 + i++] = x;
        } else {
            a[2 + i - 1] += x;
        }
        a[0] = i;
    }

    /** Stores the exact sum rounded to a (sum, compensation) pair, in float for F32. */
    static void exactFinish(Partial p, double[] a, boolean f32) {
        int m = (int) a[0];
        double hi = 0;
        double lo = 0;
        if (m > 0) {
            hi = a[2 + m - 1];
            for (int k = m - 2; k >= 0; k--) {
                double x = hi;
                double y = a[2 + k];
                hi = x + y;
                double err = y - (hi - x);
                if (err != 0) {
                    lo = err;
                    for (int r = k - 1; r >= 0; r--) {
                        lo += a[2 + r];
                    }
                    break;
                }
            }
        }
        if (!Double.isFinite(hi) || !Double.isFinite(lo)) {
            // an infinity or NaN among the values (or an overflowing total): the plain sum says which
            hi = a[1];
            lo = 0;
        }
        if (f32) {
            float h = (float) hi;
            p.d = h;
            p.c = Double.isFinite(h) ? (float) ((hi - h) + lo) : 0;
        } else {
            p.d = hi;
            p.c = lo;
        }
    }

    static void argFirstD(Partial p, double v, long index) {
        p.d = v;
        p.index = index;
    }

    static void argFirstL(Partial p, long v, long index) {
        p.l = v;
        p.index = index;
    }

    /** Takes lane {@code (v, index)} if it comes first in ARGMIN order, by core's rule. */
    static void argMinD(Partial p, double v, long index) {
        if (Partials.argminReplaces(p.d, p.index, v, index)) {
            p.d = v;
            p.index = index;
        }
    }

    /** Takes lane {@code (v, index)} if it comes first in ARGMAX order, by core's rule. */
    static void argMaxD(Partial p, double v, long index) {
        if (Partials.argmaxReplaces(p.d, p.index, v, index)) {
            p.d = v;
            p.index = index;
        }
    }

    static void argMinL(Partial p, long v, long index) {
        if (Partials.argminReplaces(p.l, p.index, v, index)) {
            p.l = v;
            p.index = index;
        }
    }

    static void argMaxL(Partial p, long v, long index) {
        if (Partials.argmaxReplaces(p.l, p.index, v, index)) {
            p.l = v;
            p.index = index;
        }
    }
}
