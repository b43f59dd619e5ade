package dev.flynn.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.IS_NAN;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LT;

/**
 * F32 exp, expm1, sinh, cosh and tanh computed in float lanes, from one reduction shared by all five
 * and built from exactly rounded operations only, as {@link SimdExpLog} (whose F32 entry points call
 * these). e^r is carried as a float-float whose error is some 2^-30 of it, so that the subtraction of
 * 1 in expm1, the quotient of tanh and the sum and difference of e^a / 2 and e^-a / 2 in sinh and
 * cosh keep each result within 1 ulp.
 *
 * <p>Kernels hold a copy of this code ({@link SimdInliner}): public API, package members and
 * compile-time constants only.
 */
final class SimdExpFloat {
    /*
     * x = k ln2 + r, |r| <= ln2/2 (a hair more where x / ln2 rounds), e^x = 2^k e^r. LN2_HI is ln2
     * rounded to float, so k * LN2_HI is a multiple of 2^-24 and x one of 2^-25 whenever k != 0: their
     * difference, below 1/2, fits 24 bits and the first fma is exact. e^r = 1 + r + r^2/2 + r^3 Q(r),
     * r^2 kept exact as a float-float and Q a minimax fit of (e^r - 1 - r - r^2/2) / r^3 on
     * [-0.3466, 0.3466] (relative error 2^-23.6, coefficients rounded to float): the r^3 Q term is below
     * 0.008, so its rounding errors stay near 2^-31 of the result.
     */
    private static final float INV_LN2 = 0x1.715476p0f;
    private static final float LN2_HI = 0x1.62e43p-1f;
    private static final float LN2_LO = -0x1.05c61p-29f;
    /** 1.5 * 2^23: adding it rounds a float below 2^22 to an integer held in the low bits of the sum. */
    private static final float SHIFTER = 0x1.8p23f;
    private static final int SHIFTER_BITS = 0x4B400000;
    private static final float Q0 = 0x1.555556p-3f;
    private static final float Q1 = 0x1.55551ap-5f;
    private static final float Q2 = 0x1.11112cp-7f;
    private static final float Q3 = 0x1.6d10e0p-10f;
    private static final float Q4 = 0x1.a08906p-13f;
    /**
     * Within ±87, 2^k e^r is a normal float: k lies in [-126, 126], and k = -126 only where r > 0, so
     * adding k to e^r's exponent field is exact, and no lane needs the clamps.
     */
    private static final float NORMAL_RANGE = 87;
    /** Beyond these e^x rounds to +Inf (above 88.73) or +0 (below -103.98) in float. */
    private static final float EXP_MIN = -104;
    private static final float EXP_MAX = 89;
    /** Below this e^x is under 2^-28 and expm1 is -1 to the last bit. */
    private static final float EXPM1_MIN = -20;
    /** e^|x| / 2 overflows float above 89.42. */
    private static final float HALF_EXP_MAX = 90;
    /** From here on e^-|x| is below 2^-34 of e^|x|: sinh and cosh are e^|x| / 2 to the last bit. */
    private static final float HYPERBOLIC_LARGE = 12;
    /** Below this sinh is its odd series: H - G would cancel. */
    private static final float SINH_SERIES = 0.5f;
    /** From here on tanh is ±1 in float (1 - tanh < 2^-27). */
    private static final float TANH_ONE = 10;
    /** Below these expm1 (sinh) and tanh round to their argument. */
    private static final float TINY = 0x1p-25f;
    private static final float TANH_TINY = 0x1p-13f;

    private static final int HI = 0;
    private static final int LO = 1;
    private static final int SUM = 2;
    private static final int M1_HI = 3;
    private static final int M1_LO = 4;

    private SimdExpFloat() {
    }

    /** 2^k for integer lanes k in [-126, 127]: k + 127 moved into the exponent field. */
    static FloatVector twoPow(IntVector k) {
        return k.add(127).lanewise(LSHL, 23).reinterpretAsFloats();
    }

    /** k = round(x / ln2), the power of two split off e^x. */
    private static IntVector exponent(FloatVector x) {
        return x.fma(INV_LN2, SHIFTER).reinterpretAsInts().sub(SHIFTER_BITS);
    }

    /** v * 2^k in two exact halves, so that a result near overflow or in the subnormal range rounds once. */
    private static FloatVector scale(FloatVector v, IntVector k) {
        IntVector k1 = k.lanewise(ASHR, 1);
        return v.mul(twoPow(k1)).mul(twoPow(k.sub(k1)));
    }

    /**
     * A part of e^r for x = k ln2 + r: {@code HI}, {@code LO} or {@code SUM} (hi + lo rounded once) of
     * e^r, or {@code M1_HI}, {@code M1_LO} of e^r - 1, each pair a float-float. As a double-double part
     * in {@link SimdExpLog}, each call computes every part; C2 merges the copies.
     */
    private static FloatVector reduced(FloatVector x, int part) {
        FloatVector kd = x.fma(INV_LN2, SHIFTER).sub(SHIFTER);
        FloatVector rh = kd.neg().fma(x.broadcast(LN2_HI), x);
        FloatVector r = kd.neg().fma(x.broadcast(LN2_LO), rh);
        // r's rounding error: rh - r is exact unless r is so small that its error no longer matters
        FloatVector rl = kd.neg().fma(x.broadcast(LN2_LO), rh.sub(r));
        FloatVector r2 = r.mul(r);
        FloatVector r2l = r.fma(r, r2.neg());
        FloatVector q = r2.fma(r2.broadcast(Q4), r.fma(Q3, Q2)).fma(r2, r.fma(Q1, Q0));
        // r + r^2/2 two-summed (|r| is the larger): the rest is below 2^-7 of e^r - 1
        FloatVector h = r2.mul(0.5f);
        FloatVector s = r.add(h);
        FloatVector sErr = r.sub(s).add(h);
        FloatVector tail = r2.mul(r).fma(q, sErr.add(r2l.mul(0.5f)).add(rl.fma(r, rl)));
        if (part == M1_HI) {
            return s;
        }
        if (part == M1_LO) {
            return tail;
        }
        // 1 + s two-summed too (|s| < 1), then renormalized: the tail may exceed an ulp of 1 + s
        FloatVector yh = s.add(1f);
        FloatVector yl = yh.neg().add(1f).add(s).add(tail);
        FloatVector y = yh.add(yl);
        return part == HI ? y : part == LO ? yl.sub(y.sub(yh)) : y;
    }

    /**
     * A vector whose lanes all lie within {@link #NORMAL_RANGE} (NaN does not) skips the clamps and the
     * two-step scaling: the same bits with fewer instructions. Java's min and max, with their NaN and
     * signed-zero rules, are several instructions each on AVX2; in a hand-written loop of this routine
     * the clamps alone took about half its time (BENCHMARKS.md). The branch is per vector, but either
     * path gives a lane the same bits, so they do not depend on the vector width.
     */
    static FloatVector exp(FloatVector x) {
        if (x.abs().compare(LE, NORMAL_RANGE).allTrue()) {
            IntVector k = x.fma(INV_LN2, SHIFTER).reinterpretAsInts().lanewise(LSHL, 23);
            return expReduced(x).reinterpretAsInts().add(k).reinterpretAsFloats();
        }
        FloatVector c = atMost(atLeast(x, EXP_MIN), EXP_MAX);
        return scale(expReduced(c), exponent(c));
    }

    /**
     * e^r for x = k ln2 + r rounded once, for exp alone (the others need e^r as a float-float): 1 + r
     * two-summed, and r^2/2 + r^3 Q(r) plus r's rounding error added to its low part, which keeps each
     * rounding of the small terms below 1/16 ulp of the result. Every float in [-105, 90] measured
     * against Math.exp: at most 0.764 ulp (a subnormal result near -87.7).
     */
    private static FloatVector expReduced(FloatVector x) {
        FloatVector kd = x.fma(INV_LN2, SHIFTER).sub(SHIFTER);
        FloatVector rh = kd.fma(x.broadcast(-LN2_HI), x);
        FloatVector r = kd.fma(x.broadcast(-LN2_LO), rh);
        FloatVector rl = kd.fma(x.broadcast(-LN2_LO), rh.sub(r));
        FloatVector r2 = r.mul(r);
        FloatVector q = r2.fma(r2.broadcast(Q4), r.fma(Q3, Q2)).fma(r2, r.fma(Q1, Q0));
        FloatVector t = r2.fma(r.fma(q, r.broadcast(0.5f)), rl);
        FloatVector yh = r.add(1f);
        return yh.add(yh.neg().add(1f).add(r).add(t));
    }

    /**
     * max(x, lo) for a lo that is not zero, as a compare and a blend: Java's max spends several
     * instructions on NaN and signed zeros, which a compare with lo handles alike (NaN stays NaN).
     */
    private static FloatVector atLeast(FloatVector x, float lo) {
        return x.blend(lo, x.compare(LT, lo));
    }

    /** min(x, hi) for a hi that is not zero, as {@link #atLeast}. */
    private static FloatVector atMost(FloatVector x, float hi) {
        return x.blend(hi, x.compare(GT, hi));
    }

    /**
     * A part of expm1(x) as a float-float ({@code HI}, {@code LO} or {@code SUM}) for x in
     * [EXPM1_MIN, EXP_MAX] or NaN: 2^k ((1 - 2^-k) + (e^r - 1)), the sum two-summed and scaled exactly,
     * so it rounds once. For k = 0 it is e^r - 1 itself, every bit of a small x kept.
     */
    private static FloatVector expm1Part(FloatVector x, int part) {
        IntVector k = exponent(x);
        // beyond 2^-100 the term no longer matters, and 2^-k would not be a normal float
        FloatVector m = twoPow(k.min(100).neg()).neg();
        FloatVector c = m.add(1f);
        FloatVector cv = c.sub(m);
        FloatVector cErr = m.sub(c.sub(cv)).add(cv.neg().add(1f));
        FloatVector eh = reduced(x, M1_HI);
        FloatVector u = c.add(eh);
        FloatVector uv = u.sub(c);
        FloatVector lo = c.sub(u.sub(uv)).add(eh.sub(uv)).add(cErr.add(reduced(x, M1_LO)));
        FloatVector hi = u.add(lo);
        FloatVector v = part == HI ? hi : part == LO ? lo.sub(hi.sub(u)) : hi;
        return scale(v, k);
    }

    static FloatVector expm1(FloatVector x) {
        FloatVector r = expm1Part(atMost(atLeast(x, EXPM1_MIN), EXP_MAX), SUM);
        // small x (and -0, subnormals) round to x; NaN is its own result
        return r.blend(x, x.abs().compare(LT, TINY).or(x.test(IS_NAN)));
    }

    /**
     * A part of N / (N + c) for N = nh + nl >= 0 and c > 0, N + c two-summed and the quotient corrected
     * once: {@code HI} (the rounded quotient), {@code LO} (its correction) or {@code SUM}.
     */
    private static FloatVector quotientPart(FloatVector nh, FloatVector nl, float c, int part) {
        FloatVector dh = nh.add(c);
        FloatVector dv = dh.sub(nh);
        FloatVector dl = nh.sub(dh.sub(dv)).add(dv.neg().add(c)).add(nl);
        FloatVector q = nh.div(dh);
        FloatVector corr = q.neg().fma(dh, nh).add(nl.sub(q.mul(dl))).div(dh);
        return part == HI ? q : part == LO ? corr : q.add(corr);
    }

    static FloatVector sinh(FloatVector x) {
        FloatVector r = SimdArcTrig.copySign(sinhOrCosh(x, false), x);
        return r.blend(x, x.abs().compare(LT, TINY).or(x.test(IS_NAN)));
    }

    static FloatVector cosh(FloatVector x) {
        return sinhOrCosh(x, true).blend(x, x.test(IS_NAN));
    }

    /**
     * sinh|x| or cosh|x| from H = e^a / 2 as a float-float (one reduction) and G = e^-a / 2 = 1 / (4H),
     * one division corrected once, a = |x|: cosh = H + G, sinh = H - G, each two-summed. For a below
     * {@link #SINH_SERIES} H - G cancels, so sinh is the odd series a + a^3 P(a^2). From
     * HYPERBOLIC_LARGE on, both are H rounded once.
     */
    private static FloatVector sinhOrCosh(FloatVector x, boolean cosh) {
        FloatVector ax = x.abs();
        // one reduction serves both sides; lanes of the side not taken (overflowed ones included) are
        // dropped by the blend
        FloatVector a = atMost(ax, HALF_EXP_MAX);
        IntVector k = exponent(a).sub(1);
        FloatVector yh = reduced(a, HI);
        FloatVector large = scale(yh, k);
        // below HYPERBOLIC_LARGE, k <= 17: one exact scaling
        FloatVector p = twoPow(k);
        FloatVector hh = yh.mul(p);
        FloatVector hl = reduced(a, LO).mul(p);
        // G = 1 / (4H): g rounded, then its first-order correction (0.25 - g H) / H with 1/H ~ 4g
        FloatVector g = hh.broadcast(0.25f).div(hh);
        FloatVector gl = g.neg().fma(hh, hh.broadcast(0.25f)).sub(g.mul(hl)).mul(g.mul(4f));
        FloatVector s = cosh ? hh.add(g) : hh.sub(g);
        // hh >= g: the error of s is exact (fast two-sum)
        FloatVector sErr = cosh ? hh.sub(s).add(g) : hh.sub(s).sub(g);
        FloatVector r = s.add(cosh ? sErr.add(hl).add(gl) : sErr.add(hl).sub(gl));
        if (!cosh) {
            // a + a^3 (1/3! + z/5! + z^2/7! + z^3/9!), z = a^2: the next term is below 2^-33 of sinh a
            FloatVector z = ax.mul(ax);
            FloatVector series = z.fma(1f / 362880, 1f / 5040).fma(z, z.broadcast(1f / 120)).fma(z, z.broadcast(1f / 6));
            r = r.blend(ax.mul(z).fma(series, ax), ax.compare(LT, SINH_SERIES));
        }
        return r.blend(large, ax.compare(GE, HYPERBOLIC_LARGE));
    }

    static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector twice = atMost(ax.add(ax), 2 * TANH_ONE);
        // N / (N + 2) with N = e^2a - 1
        FloatVector nh = expm1Part(twice, HI);
        FloatVector nl = expm1Part(twice, LO);
        FloatVector r = quotientPart(nh, nl, 2f, SUM).blend(1f, ax.compare(GE, TANH_ONE));
        r = SimdArcTrig.copySign(r, x);
        return r.blend(x, ax.compare(LT, TANH_TINY).or(x.test(IS_NAN)));
    }
}
