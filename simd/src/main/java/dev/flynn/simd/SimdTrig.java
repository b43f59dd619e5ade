package dev.flynn.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import java.util.function.DoubleUnaryOperator;

import static jdk.incubator.vector.VectorOperators.FMA;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NE;
import static jdk.incubator.vector.VectorOperators.XOR;

/**
 * sin, cos and tan of F32 and F64 vectors, built only from operations IEEE 754 and the Vector API
 * define exactly (add, sub, mul, div, fma, compares, blends, bit operations), so interpreted and
 * compiled code at any vector width give the same bits; within 1 ulp of the correctly rounded result.
 *
 * <p>The argument is reduced to {@code x = k pi/2 + (rh + rl)}, |rh + rl| <= pi/4 (a little more where
 * {@code x 2/pi} rounds across a half), by Cody-Waite with fma: {@code x - k C1} is exact (both are
 * multiples of x's ulp and the difference is below 2), the products {@code k C2} (and {@code k C3} for
 * F32) are split exactly by fma, and the pair keeps the reduced argument to 2^-100 (F64) or 2^-56
 * (F32) absolute, far below the smallest {@code |x mod pi/2|} of any argument in range (2^-28 for
 * floats up to 2^30, scanned; about 2^-61 for doubles). sin and cos of the pair are polynomials
 * (Chebyshev fits on |r| <= 0.8) whose leading terms are summed with their rounding errors kept, so
 * the result is rounded essentially once. tan divides the two as double-length values.
 *
 * <p>Beyond {@link #REDUCE_MAX_D} (F64) and {@link #REDUCE_MAX_F} (F32) the products above are no
 * longer exact enough. Such arguments are rare, so lanes past the threshold are recomputed one by one
 * with {@code StrictMath}, only when a vector has one: StrictMath is fdlibm, specified bit for bit, with
 * an exact (Payne-Hanek) reduction and results within 1 ulp, so determinism and the bound both hold.
 *
 * <p>Helpers and non-constant fields are package-private, not private: {@link SimdInliner} copies
 * these routines into each generated kernel, a hidden class of this package.
 */
final class SimdTrig {
    private SimdTrig() {
    }

    private static final long SIGN_D = 0x8000000000000000L;
    private static final int SIGN_F = 0x80000000;

    // ---- F64 constants ----------------------------------------------------------------------------

    /** Adding 1.5 * 2^52 rounds |v| < 2^51 to an integer whose low bits land in the significand. */
    private static final double ROUND_D = 0x1.8p52;
    private static final double TWO_OVER_PI_D = 0x1.45f306dc9c883p-1;
    /** pi/2 = C1 + C2 + C3 + C4 to 212 bits. */
    private static final double C1_D = 0x1.921fb54442d18p+0;
    private static final double C2_D = 0x1.1a62633145c07p-54;
    private static final double C3_D = -0x1.f1976b7ed8fbcp-110;
    private static final double C4_D = 0x1.4cf98e804p-164;
    /** |x| above this takes the exact per-lane path: k < 2^32 keeps the reduction error below 2^-125. */
    static final double REDUCE_MAX_D = 0x1p32;
    /** Below this sin x and tan x round to x and cos x to 1 (x^2/6 < 2^-56). */
    private static final double TINY_D = 0x1p-27;
    /** (sin r / r - 1) / r^2 on r^2 <= 0.64, relative error of sin below 2^-66. */
        private static final double SIN_D0 = -0.16666666666666666;
    private static final double SIN_D1 = 0.008333333333333331;
    private static final double SIN_D2 = -0.000198412698412641;
    private static final double SIN_D3 = 2.7557319218602575e-06;
    private static final double SIN_D4 = -2.5052105981350752e-08;
    private static final double SIN_D5 = 1.6058492556729892e-10;
    private static final double SIN_D6 = -7.584436884170301e-13;
    /** (cos r - 1 + r^2/2) / r^4 on r^2 <= 0.64, relative error of cos below 2^-70. */
        private static final double COS_D0 = 0.041666666666666664;
    private static final double COS_D1 = -0.0013888888888888887;
    private static final double COS_D2 = 2.480158730158411e-05;
    private static final double COS_D3 = -2.7557319220993294e-07;
    private static final double COS_D4 = 2.0876755651474404e-09;
    private static final double COS_D5 = -1.1470439169481705e-11;
    private static final double COS_D6 = 4.7446152351836426e-14;

    // ---- F32 constants ----------------------------------------------------------------------------

    private static final float ROUND_F = 0x1.8p23f;
    private static final float TWO_OVER_PI_F = 0x1.45f306p-1f;
    /** pi/2 = C1 + C2 + C3 + C4 to 100 bits. */
    private static final float C1_F = 0x1.921fb6p+0f;
    private static final float C2_F = -0x1.777a5cp-25f;
    private static final float C3_F = -0x1.ee59dap-50f;
    private static final float C4_F = 0x1.98a2e0p-77f;
    /** k < 2^18: the rounding of the low part's sum, k 2^-72, stays below 2^-54. */
    static final float REDUCE_MAX_F = 0x1p18f;
    private static final float TINY_F = 0x1p-12f;
        private static final float SIN_F0 = -0.1666666716337204f;
    private static final float SIN_F1 = 0.008333331905305386f;
    private static final float SIN_F2 = -0.0001983999682124704f;
    private static final float SIN_F3 = 2.7238454549660673e-06f;
        private static final float COS_F0 = 0.0416666679084301f;
    private static final float COS_F1 = -0.00138888880610466f;
    private static final float COS_F2 = 2.4800525352475233e-05f;
    private static final float COS_F3 = -2.7291383730698726e-07f;

    static final DoubleUnaryOperator STRICT_SIN = StrictMath::sin;
    static final DoubleUnaryOperator STRICT_COS = StrictMath::cos;
    static final DoubleUnaryOperator STRICT_TAN = StrictMath::tan;

    // ---- F64 --------------------------------------------------------------------------------------
    // C2 inlines a method of a hot loop only while the loop's compilation holds fewer than about 18000
    // nodes, and the Vector API's calls take many each until they are folded. A helper of ours that is
    // not inlined passes its vectors as heap objects, ten times slower. So each function is one method
    // (under C2's 325-byte limit for hot methods) that calls one helper early, while few nodes exist.

    // rl, the low part of the reduced argument, is the exact two-sum error of rh = a - bh, less the
    // low half of k C2 (split exactly by fma), k C3 and k C4; for F32, k C3 is split as well

    static DoubleVector sin(DoubleVector x) {
        DoubleVector shifted = x.mul(TWO_OVER_PI_D).add(ROUND_D);
        DoubleVector k = shifted.sub(ROUND_D);
        // exact: x and k C1 are multiples of x's ulp (of 2^-53 for x < 1) and less than 2 apart
        DoubleVector a = k.neg().fma(k.broadcast(C1_D), x);
        DoubleVector bh = k.mul(C2_D);
        DoubleVector rh = a.sub(bh);
        DoubleVector rl = k.fma(k.broadcast(C2_D), bh.neg()).neg().add(a.sub(rh.sub(rh.sub(a))).sub(bh.add(rh.sub(a))))
                .sub(k.mul(C3_D)).sub(k.mul(C4_D));
        DoubleVector half = k.mul(0.5);
        VectorMask<Double> odd = half.add(ROUND_D).sub(ROUND_D).compare(NE, half);
        DoubleVector v = sinOrCos(rh, rl, odd);
        // k's bit 1 is the sign
        DoubleVector r = v.reinterpretAsLongs().lanewise(XOR, shifted.reinterpretAsLongs().lanewise(LSHL, 62).and(SIGN_D))
                .reinterpretAsDoubles();
        DoubleVector ax = x.abs();
        // tiny x (and ±0, whose sign the reduction loses): sin x rounds to x
        r = r.blend(x, ax.compare(LT, TINY_D));
        return ax.compare(GT, REDUCE_MAX_D).and(ax.compare(LT, Double.POSITIVE_INFINITY)).anyTrue()
                ? strictLanes(x, r, STRICT_SIN) : r;
    }

    static DoubleVector cos(DoubleVector x) {
        DoubleVector shifted = x.mul(TWO_OVER_PI_D).add(ROUND_D);
        DoubleVector k = shifted.sub(ROUND_D);
        DoubleVector a = k.neg().fma(k.broadcast(C1_D), x);
        DoubleVector bh = k.mul(C2_D);
        DoubleVector rh = a.sub(bh);
        DoubleVector rl = k.fma(k.broadcast(C2_D), bh.neg()).neg().add(a.sub(rh.sub(rh.sub(a))).sub(bh.add(rh.sub(a))))
                .sub(k.mul(C3_D)).sub(k.mul(C4_D));
        DoubleVector half = k.mul(0.5);
        VectorMask<Double> odd = half.add(ROUND_D).sub(ROUND_D).compare(NE, half);
        DoubleVector v = sinOrCos(rh, rl, odd.not());
        // negative for k = 1, 2 (mod 4): bit 1 of k + 1
        DoubleVector r = v.reinterpretAsLongs().lanewise(XOR, shifted.reinterpretAsLongs().add(1).lanewise(LSHL, 62).and(SIGN_D))
                .reinterpretAsDoubles();
        DoubleVector ax = x.abs();
        r = r.blend(1, ax.compare(LT, TINY_D));
        return ax.compare(GT, REDUCE_MAX_D).and(ax.compare(LT, Double.POSITIVE_INFINITY)).anyTrue()
                ? strictLanes(x, r, STRICT_COS) : r;
    }

    static DoubleVector tan(DoubleVector x) {
        DoubleVector shifted = x.mul(TWO_OVER_PI_D).add(ROUND_D);
        DoubleVector k = shifted.sub(ROUND_D);
        DoubleVector a = k.neg().fma(k.broadcast(C1_D), x);
        DoubleVector bh = k.mul(C2_D);
        DoubleVector rh = a.sub(bh);
        DoubleVector rl = k.fma(k.broadcast(C2_D), bh.neg()).neg().add(a.sub(rh.sub(rh.sub(a))).sub(bh.add(rh.sub(a))))
                .sub(k.mul(C3_D)).sub(k.mul(C4_D));
        DoubleVector half = k.mul(0.5);
        VectorMask<Double> odd = half.add(ROUND_D).sub(ROUND_D).compare(NE, half);
        DoubleVector v = tanOrCot(rh, rl, odd);
        // negative for odd k: -cos/sin
        DoubleVector r = v.blend(v.neg(), odd);
        DoubleVector ax = x.abs();
        r = r.blend(x, ax.compare(LT, TINY_D));
        return ax.compare(GT, REDUCE_MAX_D).and(ax.compare(LT, Double.POSITIVE_INFINITY)).anyTrue()
                ? strictLanes(x, r, STRICT_TAN) : r;
    }

    /**
     * sin(rh + rl), or cos(rh + rl) where {@code cos} is set: the heads rh and w = 1 - z/2 plus tails in
     * which the roundings of w and of z = rh^2 are put back: sin = rh + rh z S(z) + rl (1 - z/2),
     * cos = w + (1 - w - z/2) + z^2 C(z) - rh rl - (rh^2 - z)/2.
     */
    static DoubleVector sinOrCos(DoubleVector rh, DoubleVector rl, VectorMask<Double> cos) {
        DoubleVector z = rh.mul(rh);
        DoubleVector hz = z.mul(0.5);
        DoubleVector w = hz.neg().add(1);
        DoubleVector ps = z.fma(SIN_D6, SIN_D5).lanewise(FMA, z, SIN_D4).lanewise(FMA, z, SIN_D3)
                .lanewise(FMA, z, SIN_D2).lanewise(FMA, z, SIN_D1).lanewise(FMA, z, SIN_D0);
        DoubleVector s = rh.add(rh.mul(z).fma(ps, rl.mul(-0.5).fma(z, rl)));
        DoubleVector werr = w.neg().add(1).sub(hz);
        DoubleVector pc = z.fma(COS_D6, COS_D5).lanewise(FMA, z, COS_D4).lanewise(FMA, z, COS_D3)
                .lanewise(FMA, z, COS_D2).lanewise(FMA, z, COS_D1).lanewise(FMA, z, COS_D0);
        DoubleVector c = w.add(werr.add(z.mul(z).fma(pc, rh.neg().fma(rl, rh.fma(rh, z.neg()).mul(-0.5)))));
        return s.blend(c, cos);
    }

    /**
     * sin/cos of rh + rl, or cos/sin where {@code odd} is set, as a quotient of pairs (head, tail): the
     * pairs are normalised, divided, and the quotient corrected once by its remainder.
     */
    static DoubleVector tanOrCot(DoubleVector rh, DoubleVector rl, VectorMask<Double> odd) {
        DoubleVector z = rh.mul(rh);
        DoubleVector hz = z.mul(0.5);
        DoubleVector w = hz.neg().add(1);
        DoubleVector ps = z.fma(SIN_D6, SIN_D5).lanewise(FMA, z, SIN_D4).lanewise(FMA, z, SIN_D3)
                .lanewise(FMA, z, SIN_D2).lanewise(FMA, z, SIN_D1).lanewise(FMA, z, SIN_D0);
        DoubleVector st = rh.mul(z).fma(ps, rl.mul(-0.5).fma(z, rl));
        DoubleVector pc = z.fma(COS_D6, COS_D5).lanewise(FMA, z, COS_D4).lanewise(FMA, z, COS_D3)
                .lanewise(FMA, z, COS_D2).lanewise(FMA, z, COS_D1).lanewise(FMA, z, COS_D0);
        DoubleVector ct = w.neg().add(1).sub(hz).add(z.mul(z).fma(pc, rh.neg().fma(rl, rh.fma(rh, z.neg()).mul(-0.5))));
        DoubleVector s = rh.add(st);
        DoubleVector c = w.add(ct);
        DoubleVector sl = rh.sub(s).add(st);
        DoubleVector cl = w.sub(c).add(ct);
        DoubleVector n = s.blend(c, odd);
        DoubleVector d = c.blend(s, odd);
        DoubleVector q = n.div(d);
        DoubleVector rem = q.neg().fma(d, n).add(sl.blend(cl, odd)).sub(q.mul(cl.blend(sl, odd)));
        return q.add(rem.div(d));
    }

    /** The lanes beyond the reduction's limit, one by one with StrictMath (see the class comment). */
    static DoubleVector strictLanes(DoubleVector x, DoubleVector fast, DoubleUnaryOperator strict) {
        double[] in = x.toArray();
        double[] out = fast.toArray();
        for (int i = 0; i < in.length; i++) {
            double a = Math.abs(in[i]);
            if (a > REDUCE_MAX_D && a < Double.POSITIVE_INFINITY) {
                out[i] = strict.applyAsDouble(in[i]);
            }
        }
        return DoubleVector.fromArray(x.species(), out, 0);
    }

    // ---- F32 --------------------------------------------------------------------------------------

    static FloatVector sin(FloatVector x) {
        FloatVector shifted = x.mul(TWO_OVER_PI_F).add(ROUND_F);
        FloatVector k = shifted.sub(ROUND_F);
        // exact: x and k C1 are multiples of x's ulp (of 2^-53 for x < 1) and less than 2 apart
        FloatVector a = k.neg().fma(k.broadcast(C1_F), x);
        FloatVector bh = k.mul(C2_F);
        FloatVector rh = a.sub(bh);
        FloatVector rl = a.sub(rh.sub(rh.sub(a))).sub(bh.add(rh.sub(a)))
                .sub(k.fma(k.broadcast(C2_F), bh.neg()).add(k.mul(C3_F)).add(k.fma(k.broadcast(C4_F), k.fma(k.broadcast(C3_F), k.mul(C3_F).neg()))));
        FloatVector half = k.mul(0.5f);
        VectorMask<Float> odd = half.add(ROUND_F).sub(ROUND_F).compare(NE, half);
        FloatVector v = sinOrCos(rh, rl, odd);
        // k's bit 1 is the sign
        FloatVector r = v.reinterpretAsInts().lanewise(XOR, shifted.reinterpretAsInts().lanewise(LSHL, 30).and(SIGN_F))
                .reinterpretAsFloats();
        FloatVector ax = x.abs();
        // tiny x (and ±0, whose sign the reduction loses): sin x rounds to x
        r = r.blend(x, ax.compare(LT, TINY_F));
        return ax.compare(GT, REDUCE_MAX_F).and(ax.compare(LT, Float.POSITIVE_INFINITY)).anyTrue()
                ? strictLanes(x, r, STRICT_SIN) : r;
    }

    static FloatVector cos(FloatVector x) {
        FloatVector shifted = x.mul(TWO_OVER_PI_F).add(ROUND_F);
        FloatVector k = shifted.sub(ROUND_F);
        FloatVector a = k.neg().fma(k.broadcast(C1_F), x);
        FloatVector bh = k.mul(C2_F);
        FloatVector rh = a.sub(bh);
        FloatVector rl = a.sub(rh.sub(rh.sub(a))).sub(bh.add(rh.sub(a)))
                .sub(k.fma(k.broadcast(C2_F), bh.neg()).add(k.mul(C3_F)).add(k.fma(k.broadcast(C4_F), k.fma(k.broadcast(C3_F), k.mul(C3_F).neg()))));
        FloatVector half = k.mul(0.5f);
        VectorMask<Float> odd = half.add(ROUND_F).sub(ROUND_F).compare(NE, half);
        FloatVector v = sinOrCos(rh, rl, odd.not());
        // negative for k = 1, 2 (mod 4): bit 1 of k + 1
        FloatVector r = v.reinterpretAsInts().lanewise(XOR, shifted.reinterpretAsInts().add(1).lanewise(LSHL, 30).and(SIGN_F))
                .reinterpretAsFloats();
        FloatVector ax = x.abs();
        r = r.blend(1, ax.compare(LT, TINY_F));
        return ax.compare(GT, REDUCE_MAX_F).and(ax.compare(LT, Float.POSITIVE_INFINITY)).anyTrue()
                ? strictLanes(x, r, STRICT_COS) : r;
    }

    static FloatVector tan(FloatVector x) {
        FloatVector shifted = x.mul(TWO_OVER_PI_F).add(ROUND_F);
        FloatVector k = shifted.sub(ROUND_F);
        FloatVector a = k.neg().fma(k.broadcast(C1_F), x);
        FloatVector bh = k.mul(C2_F);
        FloatVector rh = a.sub(bh);
        FloatVector rl = a.sub(rh.sub(rh.sub(a))).sub(bh.add(rh.sub(a)))
                .sub(k.fma(k.broadcast(C2_F), bh.neg()).add(k.mul(C3_F)).add(k.fma(k.broadcast(C4_F), k.fma(k.broadcast(C3_F), k.mul(C3_F).neg()))));
        FloatVector half = k.mul(0.5f);
        VectorMask<Float> odd = half.add(ROUND_F).sub(ROUND_F).compare(NE, half);
        FloatVector v = tanOrCot(rh, rl, odd);
        // negative for odd k: -cos/sin
        FloatVector r = v.blend(v.neg(), odd);
        FloatVector ax = x.abs();
        r = r.blend(x, ax.compare(LT, TINY_F));
        return ax.compare(GT, REDUCE_MAX_F).and(ax.compare(LT, Float.POSITIVE_INFINITY)).anyTrue()
                ? strictLanes(x, r, STRICT_TAN) : r;
    }

    /**
     * sin(rh + rl), or cos(rh + rl) where {@code cos} is set: the heads rh and w = 1 - z/2 plus tails in
     * which the roundings of w and of z = rh^2 are put back: sin = rh + rh z S(z) + rl (1 - z/2),
     * cos = w + (1 - w - z/2) + z^2 C(z) - rh rl - (rh^2 - z)/2.
     */
    static FloatVector sinOrCos(FloatVector rh, FloatVector rl, VectorMask<Float> cos) {
        FloatVector z = rh.mul(rh);
        FloatVector hz = z.mul(0.5f);
        FloatVector w = hz.neg().add(1);
        FloatVector ps = z.fma(SIN_F3, SIN_F2).lanewise(FMA, z, SIN_F1).lanewise(FMA, z, SIN_F0);
        FloatVector s = rh.add(rh.mul(z).fma(ps, rl.mul(-0.5f).fma(z, rl)));
        FloatVector werr = w.neg().add(1).sub(hz);
        FloatVector pc = z.fma(COS_F3, COS_F2).lanewise(FMA, z, COS_F1).lanewise(FMA, z, COS_F0);
        FloatVector c = w.add(werr.add(z.mul(z).fma(pc, rh.neg().fma(rl, rh.fma(rh, z.neg()).mul(-0.5f)))));
        return s.blend(c, cos);
    }

    /**
     * sin/cos of rh + rl, or cos/sin where {@code odd} is set, as a quotient of pairs (head, tail): the
     * pairs are normalised, divided, and the quotient corrected once by its remainder.
     */
    static FloatVector tanOrCot(FloatVector rh, FloatVector rl, VectorMask<Float> odd) {
        FloatVector z = rh.mul(rh);
        FloatVector hz = z.mul(0.5f);
        FloatVector w = hz.neg().add(1);
        FloatVector ps = z.fma(SIN_F3, SIN_F2).lanewise(FMA, z, SIN_F1).lanewise(FMA, z, SIN_F0);
        FloatVector st = rh.mul(z).fma(ps, rl.mul(-0.5f).fma(z, rl));
        FloatVector pc = z.fma(COS_F3, COS_F2).lanewise(FMA, z, COS_F1).lanewise(FMA, z, COS_F0);
        FloatVector ct = w.neg().add(1).sub(hz).add(z.mul(z).fma(pc, rh.neg().fma(rl, rh.fma(rh, z.neg()).mul(-0.5f))));
        FloatVector s = rh.add(st);
        FloatVector c = w.add(ct);
        FloatVector sl = rh.sub(s).add(st);
        FloatVector cl = w.sub(c).add(ct);
        FloatVector n = s.blend(c, odd);
        FloatVector d = c.blend(s, odd);
        FloatVector q = n.div(d);
        FloatVector rem = q.neg().fma(d, n).add(sl.blend(cl, odd)).sub(q.mul(cl.blend(sl, odd)));
        return q.add(rem.div(d));
    }

    /** The lanes beyond the reduction's limit, one by one with StrictMath (see the class comment). */
    static FloatVector strictLanes(FloatVector x, FloatVector fast, DoubleUnaryOperator strict) {
        float[] in = x.toArray();
        float[] out = fast.toArray();
        for (int i = 0; i < in.length; i++) {
            float a = Math.abs(in[i]);
            if (a > REDUCE_MAX_F && a < Float.POSITIVE_INFINITY) {
                out[i] = (float) strict.applyAsDouble(in[i]);
            }
        }
        return FloatVector.fromArray(x.species(), out, 0);
    }
}
