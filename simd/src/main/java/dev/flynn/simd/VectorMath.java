package dev.flynn.simd;

import dev.flynn.spi.Partial;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

import static jdk.incubator.vector.VectorOperators.LT;

/**
 * Ops the Vector API lacks, built from ones it has, and the scalar steps generated kernels call once
 * per range. Called from generated code; small so that C2 inlines them and keeps vectors in registers.
 */
final class VectorMath {
    private static final float TWO23 = 0x1p23f;
    private static final double TWO52 = 0x1p52;

    private VectorMath() {
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

    // ---- per-lane results folded into a Partial, in lane order so results are reproducible

    /** Adds one lane's Neumaier sum {@code s} and compensation {@code c} into {@code p}, in float. */
    static void neumaierF32(Partial p, float s, float c) {
        float sum = (float) p.d;
        float t = sum + s;
        float comp = (float) p.c;
        if (Math.abs(sum) >= Math.abs(s)) {
            comp += (sum - t) + s;
        } else {
            comp += (s - t) + sum;
        }
        p.d = t;
        p.c = comp + c;
    }

    static void neumaierF64(Partial p, double s, double c) {
        double sum = p.d;
        double t = sum + s;
        double comp = p.c;
        if (Math.abs(sum) >= Math.abs(s)) {
            comp += (sum - t) + s;
        } else {
            comp += (s - t) + sum;
        }
        p.d = t;
        p.c = comp + c;
    }

    static void argFirstD(Partial p, double v, long index) {
        p.d = v;
        p.index = index;
    }

    static void argFirstL(Partial p, long v, long index) {
        p.l = v;
        p.index = index;
    }

    /**
     * Takes lane {@code (v, index)} if it comes first in ARGMIN order: the NaN of lowest index, else the
     * smallest value by {@code <}, ties (-0.0 and 0.0 included) to the lowest index.
     */
    static void argMinD(Partial p, double v, long index) {
        if (Double.isNaN(p.d)) {
            if (Double.isNaN(v) && index < p.index) {
                p.index = index;
            }
        } else if (Double.isNaN(v) || v < p.d || (v == p.d && index < p.index)) {
            p.d = v;
            p.index = index;
        }
    }

    static void argMaxD(Partial p, double v, long index) {
        if (Double.isNaN(p.d)) {
            if (Double.isNaN(v) && index < p.index) {
                p.index = index;
            }
        } else if (Double.isNaN(v) || v > p.d || (v == p.d && index < p.index)) {
            p.d = v;
            p.index = index;
        }
    }

    static void argMinL(Partial p, long v, long index) {
        if (v < p.l || (v == p.l && index < p.index)) {
            p.l = v;
            p.index = index;
        }
    }

    static void argMaxL(Partial p, long v, long index) {
        if (v > p.l || (v == p.l && index < p.index)) {
            p.l = v;
            p.index = index;
        }
    }
}
