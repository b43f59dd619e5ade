package dev.flynn.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;

import java.util.function.DoubleUnaryOperator;

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
 */
final class VectorTrig {
    private VectorTrig() {
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
    private static final double[] SIN_D = {-0.16666666666666666, 0.008333333333333331, -0.000198412698412641,
            2.7557319218602575e-06, -2.5052105981350752e-08, 1.6058492556729892e-10, -7.584436884170301e-13};
    /** (cos r - 1 + r^2/2) / r^4 on r^2 <= 0.64, relative error of cos below 2^-70. */
    private static final double[] COS_D = {0.041666666666666664, -0.0013888888888888887, 2.480158730158411e-05,
            -2.7557319220993294e-07, 2.0876755651474404e-09, -1.1470439169481705e-11, 4.7446152351836426e-14};

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
    private static final float[] SIN_F = {-0.1666666716337204f, 0.008333331905305386f, -0.0001983999682124704f,
            2.7238454549660673e-06f};
    private static final float[] COS_F = {0.0416666679084301f, -0.00138888880610466f, 2.4800525352475233e-05f,
            -2.7291383730698726e-07f};

    private static final DoubleUnaryOperator STRICT_SIN = StrictMath::sin;
    private static final DoubleUnaryOperator STRICT_COS = StrictMath::cos;
    private static final DoubleUnaryOperator STRICT_TAN = StrictMath::tan;

    // ---- F64 --------------------------------------------------------------------------------------
    // Each function repeats the few lines of the reduction rather than returning a pair: a method that
    // returned vectors in an object would box them unless C2 removed the allocation.

    /** rl with x = k pi/2 + rh + rl: the exact error of rh = a - bh, less k C2's low half, k C3 and k C4. */
    private static DoubleVector reducedLow(DoubleVector k, DoubleVector a, DoubleVector bh, DoubleVector rh) {
        DoubleVector bl = k.fma(k.broadcast(C2_D), bh.neg());
        return twoSumError(a, bh.neg(), rh).sub(bl).sub(k.mul(C3_D)).sub(k.mul(C4_D));
    }

    /** The error of {@code s = a + b} (Knuth's two-sum: exact whatever the magnitudes). */
    static DoubleVector twoSumError(DoubleVector a, DoubleVector b, DoubleVector s) {
        DoubleVector bv = s.sub(a);
        return a.sub(s.sub(bv)).add(b.sub(bv));
    }

    static DoubleVector sin(DoubleVector x) {
        DoubleVector shifted = x.mul(TWO_OVER_PI_D).add(ROUND_D);
        DoubleVector k = shifted.sub(ROUND_D);
        // exact: x and k C1 are multiples of x's ulp (of 2^-53 for x < 1) and less than 2 apart
        DoubleVector a = k.neg().fma(k.broadcast(C1_D), x);
        DoubleVector bh = k.mul(C2_D);
        DoubleVector rh = a.sub(bh);
        DoubleVector rl = reducedLow(k, a, bh, rh);
        LongVector kb = shifted.reinterpretAsLongs();
        DoubleVector z = rh.mul(rh);
        DoubleVector hz = z.mul(0.5);
        DoubleVector w = hz.neg().add(1);
        DoubleVector s = rh.add(sinTail(rh, rl, z));
        DoubleVector c = w.add(cosTail(rh, rl, z, hz, w));
        // k's bit 1 is the sign
        DoubleVector r = flip(c.blend(s, even(kb, rh)), kb.lanewise(LSHL, 62));
        return finish(x, r, x, STRICT_SIN);
    }

    static DoubleVector cos(DoubleVector x) {
        DoubleVector shifted = x.mul(TWO_OVER_PI_D).add(ROUND_D);
        DoubleVector k = shifted.sub(ROUND_D);
        DoubleVector a = k.neg().fma(k.broadcast(C1_D), x);
        DoubleVector bh = k.mul(C2_D);
        DoubleVector rh = a.sub(bh);
        DoubleVector rl = reducedLow(k, a, bh, rh);
        LongVector kb = shifted.reinterpretAsLongs();
        DoubleVector z = rh.mul(rh);
        DoubleVector hz = z.mul(0.5);
        DoubleVector w = hz.neg().add(1);
        DoubleVector s = rh.add(sinTail(rh, rl, z));
        DoubleVector c = w.add(cosTail(rh, rl, z, hz, w));
        // negative for k = 1, 2 (mod 4): bit 1 of k + 1
        DoubleVector r = flip(s.blend(c, even(kb, rh)), kb.add(1).lanewise(LSHL, 62));
        return finish(x, r, x.broadcast(1), STRICT_COS);
    }

    static DoubleVector tan(DoubleVector x) {
        DoubleVector shifted = x.mul(TWO_OVER_PI_D).add(ROUND_D);
        DoubleVector k = shifted.sub(ROUND_D);
        DoubleVector a = k.neg().fma(k.broadcast(C1_D), x);
        DoubleVector bh = k.mul(C2_D);
        DoubleVector rh = a.sub(bh);
        DoubleVector rl = reducedLow(k, a, bh, rh);
        LongVector kb = shifted.reinterpretAsLongs();
        DoubleVector z = rh.mul(rh);
        DoubleVector hz = z.mul(0.5);
        DoubleVector w = hz.neg().add(1);
        DoubleVector st = sinTail(rh, rl, z);
        DoubleVector ct = cosTail(rh, rl, z, hz, w);
        // sin/cos for even k, -cos/sin for odd k, with sin and cos as unnormalised pairs (head, tail)
        VectorMask<Double> even = even(kb, rh);
        VectorMask<Double> odd = even.not();
        DoubleVector q = quotient(rh.blend(w, odd), st.blend(ct, odd), w.blend(rh, odd), ct.blend(st, odd));
        return finish(x, flip(q, kb.lanewise(LSHL, 63)), x, STRICT_TAN);
    }

    private static VectorMask<Double> even(LongVector kb, DoubleVector like) {
        return kb.lanewise(LSHL, 63).compare(NE, SIGN_D).cast(like.species());
    }

    /** sin(rh + rl) - rh = rh z S(z) + rl (1 - z/2). */
    private static DoubleVector sinTail(DoubleVector rh, DoubleVector rl, DoubleVector z) {
        DoubleVector p = z.fma(SIN_D[6], SIN_D[5]).fma(z, z.broadcast(SIN_D[4])).fma(z, z.broadcast(SIN_D[3]))
                .fma(z, z.broadcast(SIN_D[2])).fma(z, z.broadcast(SIN_D[1])).fma(z, z.broadcast(SIN_D[0]));
        return rh.mul(z).fma(p, rl.mul(-0.5).fma(z, rl));
    }

    /** cos(rh + rl) - w, with w = 1 - z/2 rounded: the roundings of w and of z = rh^2 are put back. */
    private static DoubleVector cosTail(DoubleVector rh, DoubleVector rl, DoubleVector z, DoubleVector hz,
                                        DoubleVector w) {
        DoubleVector werr = w.neg().add(1).sub(hz);
        DoubleVector zl = rh.fma(rh, z.neg());
        DoubleVector p = z.fma(COS_D[6], COS_D[5]).fma(z, z.broadcast(COS_D[4])).fma(z, z.broadcast(COS_D[3]))
                .fma(z, z.broadcast(COS_D[2])).fma(z, z.broadcast(COS_D[1])).fma(z, z.broadcast(COS_D[0]));
        return werr.add(z.mul(z).fma(p, rh.neg().fma(rl, zl.mul(-0.5))));
    }

    /** (nh + nl) / (dh + dl), rounded once up to errors far below an ulp: a division and a correction. */
    private static DoubleVector quotient(DoubleVector nh, DoubleVector nl, DoubleVector dh, DoubleVector dl) {
        // normalised first (fast two-sums, the heads are the larger): the correction is first order
        DoubleVector n = nh.add(nl);
        DoubleVector d = dh.add(dl);
        DoubleVector th = n.div(d);
        DoubleVector rem = th.neg().fma(d, n).add(nh.sub(n).add(nl)).sub(th.mul(dh.sub(d).add(dl)));
        return th.add(rem.div(d));
    }

    /** Negates the lanes whose bit 63 of {@code sign} is set. */
    private static DoubleVector flip(DoubleVector v, LongVector sign) {
        return v.reinterpretAsLongs().lanewise(XOR, sign.and(SIGN_D)).reinterpretAsDoubles();
    }

    /** Tiny arguments (and ±0, whose sign the reduction loses) take {@code tinyValue}; huge ones StrictMath. */
    private static DoubleVector finish(DoubleVector x, DoubleVector r, DoubleVector tinyValue,
                                       DoubleUnaryOperator strict) {
        DoubleVector ax = x.abs();
        DoubleVector out = r.blend(tinyValue, ax.compare(LT, TINY_D));
        VectorMask<Double> huge = ax.compare(GT, REDUCE_MAX_D).and(ax.compare(LT, Double.POSITIVE_INFINITY));
        return huge.anyTrue() ? strictLanes(x, out, huge, strict) : out;
    }

    private static DoubleVector strictLanes(DoubleVector x, DoubleVector fast, VectorMask<Double> huge,
                                            DoubleUnaryOperator strict) {
        double[] in = x.toArray();
        double[] out = fast.toArray();
        for (int i = 0; i < in.length; i++) {
            if (huge.laneIsSet(i)) {
                out[i] = strict.applyAsDouble(in[i]);
            }
        }
        return DoubleVector.fromArray(x.species(), out, 0);
    }

    // ---- F32 --------------------------------------------------------------------------------------

    /**
     * As for F64, with C3's product split too: the float pair then holds the reduced argument to
     * about k 2^-72, the rounding of the low part's sum.
     */
    private static FloatVector reducedLow(FloatVector k, FloatVector a, FloatVector bh, FloatVector rh) {
        FloatVector bl = k.fma(k.broadcast(C2_F), bh.neg());
        FloatVector ch = k.mul(C3_F);
        FloatVector cl = k.fma(k.broadcast(C3_F), ch.neg());
        return twoSumError(a, bh.neg(), rh).sub(bl.add(ch).add(k.fma(k.broadcast(C4_F), cl)));
    }

    static FloatVector twoSumError(FloatVector a, FloatVector b, FloatVector s) {
        FloatVector bv = s.sub(a);
        return a.sub(s.sub(bv)).add(b.sub(bv));
    }

    static FloatVector sin(FloatVector x) {
        FloatVector shifted = x.mul(TWO_OVER_PI_F).add(ROUND_F);
        FloatVector k = shifted.sub(ROUND_F);
        // exact: x and k C1 are multiples of x's ulp (of 2^-53 for x < 1) and less than 2 apart
        FloatVector a = k.neg().fma(k.broadcast(C1_F), x);
        FloatVector bh = k.mul(C2_F);
        FloatVector rh = a.sub(bh);
        FloatVector rl = reducedLow(k, a, bh, rh);
        IntVector kb = shifted.reinterpretAsInts();
        FloatVector z = rh.mul(rh);
        FloatVector hz = z.mul(0.5f);
        FloatVector w = hz.neg().add(1);
        FloatVector s = rh.add(sinTail(rh, rl, z));
        FloatVector c = w.add(cosTail(rh, rl, z, hz, w));
        // k's bit 1 is the sign
        FloatVector r = flip(c.blend(s, even(kb, rh)), kb.lanewise(LSHL, 30));
        return finish(x, r, x, STRICT_SIN);
    }

    static FloatVector cos(FloatVector x) {
        FloatVector shifted = x.mul(TWO_OVER_PI_F).add(ROUND_F);
        FloatVector k = shifted.sub(ROUND_F);
        FloatVector a = k.neg().fma(k.broadcast(C1_F), x);
        FloatVector bh = k.mul(C2_F);
        FloatVector rh = a.sub(bh);
        FloatVector rl = reducedLow(k, a, bh, rh);
        IntVector kb = shifted.reinterpretAsInts();
        FloatVector z = rh.mul(rh);
        FloatVector hz = z.mul(0.5f);
        FloatVector w = hz.neg().add(1);
        FloatVector s = rh.add(sinTail(rh, rl, z));
        FloatVector c = w.add(cosTail(rh, rl, z, hz, w));
        // negative for k = 1, 2 (mod 4): bit 1 of k + 1
        FloatVector r = flip(s.blend(c, even(kb, rh)), kb.add(1).lanewise(LSHL, 30));
        return finish(x, r, x.broadcast(1), STRICT_COS);
    }

    static FloatVector tan(FloatVector x) {
        FloatVector shifted = x.mul(TWO_OVER_PI_F).add(ROUND_F);
        FloatVector k = shifted.sub(ROUND_F);
        FloatVector a = k.neg().fma(k.broadcast(C1_F), x);
        FloatVector bh = k.mul(C2_F);
        FloatVector rh = a.sub(bh);
        FloatVector rl = reducedLow(k, a, bh, rh);
        IntVector kb = shifted.reinterpretAsInts();
        FloatVector z = rh.mul(rh);
        FloatVector hz = z.mul(0.5f);
        FloatVector w = hz.neg().add(1);
        FloatVector st = sinTail(rh, rl, z);
        FloatVector ct = cosTail(rh, rl, z, hz, w);
        // sin/cos for even k, -cos/sin for odd k, with sin and cos as unnormalised pairs (head, tail)
        VectorMask<Float> even = even(kb, rh);
        VectorMask<Float> odd = even.not();
        FloatVector q = quotient(rh.blend(w, odd), st.blend(ct, odd), w.blend(rh, odd), ct.blend(st, odd));
        return finish(x, flip(q, kb.lanewise(LSHL, 31)), x, STRICT_TAN);
    }

    private static VectorMask<Float> even(IntVector kb, FloatVector like) {
        return kb.lanewise(LSHL, 31).compare(NE, SIGN_F).cast(like.species());
    }

    /** sin(rh + rl) - rh = rh z S(z) + rl (1 - z/2). */
    private static FloatVector sinTail(FloatVector rh, FloatVector rl, FloatVector z) {
        FloatVector p = z.fma(SIN_F[3], SIN_F[2]).fma(z, z.broadcast(SIN_F[1])).fma(z, z.broadcast(SIN_F[0]));
        return rh.mul(z).fma(p, rl.mul(-0.5f).fma(z, rl));
    }

    /** cos(rh + rl) - w, with w = 1 - z/2 rounded: the roundings of w and of z = rh^2 are put back. */
    private static FloatVector cosTail(FloatVector rh, FloatVector rl, FloatVector z, FloatVector hz,
                                        FloatVector w) {
        FloatVector werr = w.neg().add(1).sub(hz);
        FloatVector zl = rh.fma(rh, z.neg());
        FloatVector p = z.fma(COS_F[3], COS_F[2]).fma(z, z.broadcast(COS_F[1])).fma(z, z.broadcast(COS_F[0]));
        return werr.add(z.mul(z).fma(p, rh.neg().fma(rl, zl.mul(-0.5f))));
    }

    /** (nh + nl) / (dh + dl), rounded once up to errors far below an ulp: a division and a correction. */
    private static FloatVector quotient(FloatVector nh, FloatVector nl, FloatVector dh, FloatVector dl) {
        // normalised first (fast two-sums, the heads are the larger): the correction is first order
        FloatVector n = nh.add(nl);
        FloatVector d = dh.add(dl);
        FloatVector th = n.div(d);
        FloatVector rem = th.neg().fma(d, n).add(nh.sub(n).add(nl)).sub(th.mul(dh.sub(d).add(dl)));
        return th.add(rem.div(d));
    }

    /** Negates the lanes whose bit 31 of {@code sign} is set. */
    private static FloatVector flip(FloatVector v, IntVector sign) {
        return v.reinterpretAsInts().lanewise(XOR, sign.and(SIGN_F)).reinterpretAsFloats();
    }

    /** Tiny arguments (and ±0, whose sign the reduction loses) take {@code tinyValue}; huge ones StrictMath. */
    private static FloatVector finish(FloatVector x, FloatVector r, FloatVector tinyValue,
                                       DoubleUnaryOperator strict) {
        FloatVector ax = x.abs();
        FloatVector out = r.blend(tinyValue, ax.compare(LT, TINY_F));
        VectorMask<Float> huge = ax.compare(GT, REDUCE_MAX_F).and(ax.compare(LT, Float.POSITIVE_INFINITY));
        return huge.anyTrue() ? strictLanes(x, out, huge, strict) : out;
    }

    private static FloatVector strictLanes(FloatVector x, FloatVector fast, VectorMask<Float> huge,
                                            DoubleUnaryOperator strict) {
        float[] in = x.toArray();
        float[] out = fast.toArray();
        for (int i = 0; i < in.length; i++) {
            if (huge.laneIsSet(i)) {
                out[i] = (float) strict.applyAsDouble(in[i]);
            }
        }
        return FloatVector.fromArray(x.species(), out, 0);
    }
}
