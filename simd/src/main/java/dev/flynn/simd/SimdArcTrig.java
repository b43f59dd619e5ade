package dev.flynn.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.FMA;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.IS_NAN;
import static jdk.incubator.vector.VectorOperators.IS_NEGATIVE;
import static jdk.incubator.vector.VectorOperators.LT;

/**
 * atan, atan2, asin and acos of F32 and F64 vectors from exactly rounded operations only (see
 * {@link SimdTrig}), within 1 ulp of the correctly rounded result, special values as {@code Math}.
 *
 * <p>All four are one angle: atan(x) = angle(|x|, 1), asin(x) = angle(|x|, sqrt(1 - x^2)), acos(x) =
 * angle(sqrt(1 - x^2), x), with sqrt(1 - x^2) as a pair of values so that its rounding does not reach
 * the result. The angle divides the smaller by the larger of its two arguments, reduces the ratio by
 * the nearest of 0, 1/4, 1/2, 3/4, 1 (atan(c) from a table of pairs), evaluates a polynomial on
 * |u| <= 1/8, and adds pi/2 and pi with their low parts where the arguments were swapped or x is
 * negative. Every step that could lose more than the last few bits is carried as a pair. F32 asin and
 * acos take a shorter path of their own (see their constants).
 *
 * <p>Helpers and non-constant fields are package-private, not private: {@link SimdInliner} copies
 * these routines into each generated kernel, a hidden class of this package.
 */
final class SimdArcTrig {
    private SimdArcTrig() {
    }

    private static final long SIGN_D = 0x8000000000000000L;
    private static final int SIGN_F = 0x80000000;
    private static final double NAN_D = Double.NaN;
    private static final float NAN_F = Float.NaN;

    private static final double PI_HI_D = 0x1.921fb54442d18p+1;
    private static final double PI_LO_D = 0x1.1a62633145c07p-53;
    private static final double PIO2_HI_D = 0x1.921fb54442d18p+0;
    private static final double PIO2_LO_D = 0x1.1a62633145c07p-54;
    /** atan(k/4) for k = 1..4, head and tail. */
    private static final double ATAN_HI1_D = 0x1.f5b75f92c80ddp-3;
    private static final double ATAN_HI2_D = 0x1.dac670561bb4fp-2;
    private static final double ATAN_HI3_D = 0x1.4978fa3269ee1p-1;
    private static final double ATAN_HI4_D = 0x1.921fb54442d18p-1;
    private static final double ATAN_LO1_D = 0x1.8ab6e3cf7afbdp-57;
    private static final double ATAN_LO2_D = 0x1.a2b7f222f65e2p-56;
    private static final double ATAN_LO3_D = 0x1.2419a87f2a458p-56;
    private static final double ATAN_LO4_D = 0x1.1a62633145c07p-55;
    /** (atan(u)/u - 1)/u^2 in z = u^2 <= 1/64 (Chebyshev fit), relative error of atan below 2^-65. */
    private static final double ATAN_D0 = -0.3333333333333333;
    private static final double ATAN_D1 = 0.19999999999999024;
    private static final double ATAN_D2 = -0.14285714284714127;
    private static final double ATAN_D3 = 0.11111110726529587;
    private static final double ATAN_D4 = -0.09090838594072274;
    private static final double ATAN_D5 = 0.076856602851371;
    private static final double ATAN_D6 = -0.06354280112984088;
        /**
     * Rescaling: d above BIG could overflow d + c n; n below SMALL (with d below MID, so that d cannot
     * overflow) would let the remainder of n / d underflow and lose the pair's tail.
     */
    private static final double BIG_D = 0x1p512;
    private static final double SMALL_D = 0x1p-512;
    private static final double SCALE_DOWN_D = 0x1p-512;
    private static final double SCALE_UP_D = 0x1p512;
    private static final double MID_D = 0x1p256;

    private static final float PI_HI_F = 0x1.921fb6p+1f;
    private static final float PI_LO_F = -0x1.777a5cp-24f;
    private static final float PIO2_HI_F = 0x1.921fb6p+0f;
    private static final float PIO2_LO_F = -0x1.777a5cp-25f;
    private static final float ATAN_HI1_F = 0x1.f5b760p-3f;
    private static final float ATAN_HI2_F = 0x1.dac670p-2f;
    private static final float ATAN_HI3_F = 0x1.4978fap-1f;
    private static final float ATAN_HI4_F = 0x1.921fb6p-1f;
    private static final float ATAN_LO1_F = -0x1.b4dfc8p-29f;
    private static final float ATAN_LO2_F = 0x1.586ed4p-28f;
    private static final float ATAN_LO3_F = 0x1.934f70p-28f;
    private static final float ATAN_LO4_F = -0x1.777a5cp-26f;
    /** Relative error of atan below 2^-40. */
        private static final float ATAN_F0 = -0.3333333432674408f;
    private static final float ATAN_F1 = 0.19999991357326508f;
    private static final float ATAN_F2 = -0.1428300440311432f;
    private static final float ATAN_F3 = 0.10832075774669647f;
    /** n scaled by 2^-64 loses bits only where n/d is below 2^-126, subnormal anyway. */
    private static final float BIG_F = 0x1p64f;
    private static final float SMALL_F = 0x1p-64f;
    private static final float SCALE_DOWN_F = 0x1p-64f;
    private static final float SCALE_UP_F = 0x1p64f;
    private static final float MID_F = 0x1p32f;

    // ---- F64 --------------------------------------------------------------------------------------
    // Each function is small and calls angle(), which holds the bulk of the work in one method without
    // calls: C2 stops inlining our methods once a compilation holds about 18000 nodes, which the Vector
    // API's calls reach after some 40 operations, so angle() is compiled on its own and called with its
    // vectors boxed, rather than split into helpers that would each be called so.

    static DoubleVector atan2(DoubleVector y, DoubleVector x) {
        DoubleVector ay = y.abs();
        DoubleVector ax = x.abs();
        VectorMask<Double> swap = ay.compare(GT, ax);
        DoubleVector n = ay.blend(ax, swap);
        DoubleVector d = ax.blend(ay, swap);
        // a power of two keeps d + c n from overflowing and the remainder of n / d from underflowing
        DoubleVector s = d.broadcast(1).blend(SCALE_DOWN_D, d.compare(GT, BIG_D))
                .blend(SCALE_UP_D, n.compare(LT, SMALL_D).and(d.compare(LT, MID_D)));
        n = n.mul(s);
        d = d.mul(s);
        // 0/0 and n/inf are angle 0, inf/inf is pi/4
        VectorMask<Double> fix = d.compare(EQ, Double.POSITIVE_INFINITY).or(d.compare(EQ, 0));
        n = n.blend(d.broadcast(0).blend(1, n.compare(EQ, Double.POSITIVE_INFINITY)), fix);
        DoubleVector zero = x.broadcast(0);
        // a negative x, -0 included, turns the angle past pi/2
        VectorMask<Double> neg = x.test(IS_NEGATIVE);
        VectorMask<Double> any = swap.or(neg);
        VectorMask<Double> half = any.and(swap.or(neg.not()));
        DoubleVector a = angle(n, zero, d.blend(1, fix), zero, zero.blend(PI_HI_D, any).blend(PIO2_HI_D, half),
                zero.blend(PI_LO_D, any).blend(PIO2_LO_D, half), one(x).blend(-1, swap.eq(neg).not()));
        return copySign(a, y).blend(NAN_D, x.test(IS_NAN).or(y.test(IS_NAN)));
    }

    static DoubleVector atan(DoubleVector x) {
        DoubleVector ax = x.abs();
        DoubleVector one = x.broadcast(1);
        VectorMask<Double> swap = ax.compare(GT, 1);
        DoubleVector zero = x.broadcast(0);
        // NaN stays NaN through every step: no compare admits it; d = |x| needs no rescaling, since
        // below 2^-1022 the quotient 1/|x| only affects bits far below pi/2's last one
        DoubleVector a = angle(ax.blend(one, swap), zero, one.blend(ax, swap), zero, zero.blend(PIO2_HI_D, swap),
                zero.blend(PIO2_LO_D, swap), one.blend(-1, swap));
        return copySign(a.blend(PIO2_HI_D, ax.compare(EQ, Double.POSITIVE_INFINITY)), x);
    }

    static DoubleVector asin(DoubleVector x) {
        DoubleVector ax = x.abs();
        // sqrt(1 - x^2) as a pair: 1 - x^2 exactly (1 >= x^2 and the fma's error of x^2), one Newton step
        DoubleVector ch = ax.neg().fma(ax, x.broadcast(1)).sqrt();
        DoubleVector x2 = ax.mul(ax);
        DoubleVector m = x2.neg().add(1);
        DoubleVector ml = m.neg().add(1).sub(x2).sub(ax.fma(ax, x2.neg()));
        DoubleVector cl = ch.neg().fma(ch, m).add(ml).div(ch.add(ch)).blend(0, ch.compare(EQ, 0));
        VectorMask<Double> swap = ax.compare(GT, ch);
        DoubleVector zero = x.broadcast(0);
        DoubleVector a = angle(ax.blend(ch, swap), zero.blend(cl, swap), ch.blend(ax, swap), cl.blend(zero, swap),
                zero.blend(PIO2_HI_D, swap), zero.blend(PIO2_LO_D, swap), one(x).blend(-1, swap));
        // |x| > 1 and NaN give a NaN cosine
        return copySign(a, x).blend(NAN_D, ch.test(IS_NAN));
    }

    static DoubleVector acos(DoubleVector x) {
        DoubleVector ax = x.abs();
        DoubleVector sh = ax.neg().fma(ax, x.broadcast(1)).sqrt();
        DoubleVector x2 = ax.mul(ax);
        DoubleVector m = x2.neg().add(1);
        DoubleVector ml = m.neg().add(1).sub(x2).sub(ax.fma(ax, x2.neg()));
        DoubleVector sl = sh.neg().fma(sh, m).add(ml).div(sh.add(sh)).blend(0, sh.compare(EQ, 0));
        VectorMask<Double> swap = sh.compare(GT, ax);
        DoubleVector zero = x.broadcast(0);
        VectorMask<Double> neg = x.compare(LT, 0);
        VectorMask<Double> any = swap.or(neg);
        VectorMask<Double> half = any.and(swap.or(neg.not()));
        DoubleVector a = angle(sh.blend(ax, swap), sl.blend(zero, swap), ax.blend(sh, swap), zero.blend(sl, swap),
                zero.blend(PI_HI_D, any).blend(PIO2_HI_D, half), zero.blend(PI_LO_D, any).blend(PIO2_LO_D, half),
                one(x).blend(-1, swap.eq(neg).not()));
        return a.blend(NAN_D, sh.test(IS_NAN));
    }

    /**
     * The angle of (d, n) in [0, pi] for 0 <= n = nh + nl <= d = dh + dl, d > 0 finite: atan(n/d) =
     * atan(c) + atan(u), u = (n - c d) / (d + c n), with c the multiple of 1/4 nearest n/d (found by
     * compares, no division), so |u| <= 1/8; u is a pair (uh, ul) from one division and a correction,
     * the products by c split exactly. The caller gives B + sgn angle, with B in {0, pi/2, pi} as a
     * pair (bh, bl) and sgn = ±1: pi/2 minus the angle where n and d were swapped, pi minus that where x
     * is negative.
     */
    static DoubleVector angle(DoubleVector nh, DoubleVector nl, DoubleVector dh, DoubleVector dl, DoubleVector bh, DoubleVector bl,
                                      DoubleVector sgn) {
        DoubleVector n8 = nh.mul(8);
        VectorMask<Double> m1 = n8.compare(GE, dh);
        VectorMask<Double> m2 = n8.compare(GE, dh.mul(3));
        VectorMask<Double> m3 = n8.compare(GE, dh.mul(5));
        VectorMask<Double> m4 = n8.compare(GE, dh.mul(7));
        DoubleVector zero = dh.broadcast(0);
        DoubleVector c = zero.blend(0.25, m1).blend(0.5, m2).blend(0.75, m3).blend(1, m4);
        DoubleVector p = c.mul(dh);
        // exact (Sterbenz): c d lies within a factor 2 of n unless c = 0
        DoubleVector numh = nh.sub(p);
        DoubleVector numl = nl.sub(c.fma(dl, c.fma(dh, p.neg())));
        DoubleVector q = c.mul(nh);
        DoubleVector denh = dh.add(q);
        DoubleVector denl = dh.sub(denh).add(q).add(c.fma(nh, q.neg())).add(c.fma(nl, dl));
        DoubleVector inv = denh.broadcast(1).div(denh);
        DoubleVector uh = numh.add(numl).mul(inv);
        DoubleVector ul = uh.neg().fma(denh, numh).add(numl).sub(uh.mul(denl)).mul(inv);
        // B + sgn (atan(c) + atan(uh + ul)): the three leading terms summed exactly, the rest once
        DoubleVector z = uh.mul(uh);
        DoubleVector ch = zero.blend(ATAN_HI1_D, m1).blend(ATAN_HI2_D, m2).blend(ATAN_HI3_D, m3).blend(ATAN_HI4_D, m4);
        DoubleVector cl = zero.blend(ATAN_LO1_D, m1).blend(ATAN_LO2_D, m2).blend(ATAN_LO3_D, m3).blend(ATAN_LO4_D, m4);
        DoubleVector tail = uh.mul(z).fma(z.fma(ATAN_D6, ATAN_D5).lanewise(FMA, z, ATAN_D4)
                .lanewise(FMA, z, ATAN_D3).lanewise(FMA, z, ATAN_D2).lanewise(FMA, z, ATAN_D1)
                .lanewise(FMA, z, ATAN_D0), ul);
        DoubleVector a1 = ch.mul(sgn);
        DoubleVector a2 = uh.mul(sgn);
        DoubleVector t1 = a1.add(a2);
        DoubleVector t2 = bh.add(t1);
        // the exact errors of t1 = a1 + a2 and t2 = bh + t1 by fast two-sums: |a1| = atan(c) >= 1/4 >= |a2|
        // unless c = 0, and |bh| >= pi/2 > |t1| unless bh = 0, where the sums are exact
        DoubleVector e = a1.sub(t1).add(a2).add(bh.sub(t2).add(t1));
        return t2.add(e.add(bl).add(cl.add(tail).mul(sgn)));
    }

    static DoubleVector one(DoubleVector like) {
        return like.broadcast(1);
    }

    static DoubleVector copySign(DoubleVector magnitude, DoubleVector sign) {
        return magnitude.abs().reinterpretAsLongs().or(sign.reinterpretAsLongs().and(SIGN_D)).reinterpretAsDoubles();
    }

    // ---- F32 --------------------------------------------------------------------------------------

    static FloatVector atan2(FloatVector y, FloatVector x) {
        FloatVector ay = y.abs();
        FloatVector ax = x.abs();
        VectorMask<Float> swap = ay.compare(GT, ax);
        FloatVector n = ay.blend(ax, swap);
        FloatVector d = ax.blend(ay, swap);
        // a power of two keeps d + c n from overflowing and the remainder of n / d from underflowing
        FloatVector s = d.broadcast(1).blend(SCALE_DOWN_F, d.compare(GT, BIG_F))
                .blend(SCALE_UP_F, n.compare(LT, SMALL_F).and(d.compare(LT, MID_F)));
        n = n.mul(s);
        d = d.mul(s);
        // 0/0 and n/inf are angle 0, inf/inf is pi/4
        VectorMask<Float> fix = d.compare(EQ, Float.POSITIVE_INFINITY).or(d.compare(EQ, 0));
        n = n.blend(d.broadcast(0).blend(1, n.compare(EQ, Float.POSITIVE_INFINITY)), fix);
        FloatVector zero = x.broadcast(0);
        // a negative x, -0 included, turns the angle past pi/2
        VectorMask<Float> neg = x.test(IS_NEGATIVE);
        VectorMask<Float> any = swap.or(neg);
        VectorMask<Float> half = any.and(swap.or(neg.not()));
        FloatVector a = angle(n, zero, d.blend(1, fix), zero, zero.blend(PI_HI_F, any).blend(PIO2_HI_F, half),
                zero.blend(PI_LO_F, any).blend(PIO2_LO_F, half), one(x).blend(-1, swap.eq(neg).not()));
        return copySign(a, y).blend(NAN_F, x.test(IS_NAN).or(y.test(IS_NAN)));
    }

    static FloatVector atan(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector one = x.broadcast(1);
        VectorMask<Float> swap = ax.compare(GT, 1);
        FloatVector zero = x.broadcast(0);
        // NaN stays NaN through every step: no compare admits it; d = |x| needs no rescaling, since
        // below 2^-126 the quotient 1/|x| only affects bits far below pi/2's last one
        FloatVector a = angle(ax.blend(one, swap), zero, one.blend(ax, swap), zero, zero.blend(PIO2_HI_F, swap),
                zero.blend(PIO2_LO_F, swap), one.blend(-1, swap));
        return copySign(a.blend(PIO2_HI_F, ax.compare(EQ, Float.POSITIVE_INFINITY)), x);
    }

    /*
     * F32 asin and acos do not go through angle(): asin|x| is the odd series |x| + |x| z P(z), z = x^2,
     * up to 1/2, and pi/2 - 2 asin(s) above, with s = sqrt((1 - |x|) / 2) as a pair (1 - |x| is exact,
     * the pair's tail one fma and a division); acos is pi/2 - asin(x), 2 asin(s) or pi - 2 asin(s). P
     * fits (asin(v) - v) / v^3 in z = v^2 on [0, 1/4] (relative error 2^-24, coefficients rounded to
     * float). The series' tail is below 0.05 of each result and every leading sum is two-summed: every
     * float argument gives a result within 0.64 ulp (exhaustive sweeps, docs/SEMANTICS.md).
     */
    private static final float ASIN_F0 = 0x1.555554p-3f;
    private static final float ASIN_F1 = 0x1.33343cp-4f;
    private static final float ASIN_F2 = 0x1.6d58dap-5f;
    private static final float ASIN_F3 = 0x1.fdce9ep-6f;
    private static final float ASIN_F4 = 0x1.17cdbcp-6f;
    private static final float ASIN_F5 = 0x1.14efcap-5f;

    /** z = x^2 for |x| <= 1/2, else (1 - |x|) / 2 (exact); NaN propagates. */
    static FloatVector asinArgument(FloatVector ax, VectorMask<Float> big) {
        return ax.mul(ax).blend(ax.neg().add(1).mul(0.5f), big);
    }

    /** P(z), asin(v) = v + v z P(z) for z = v^2 <= 1/4. */
    static FloatVector asinSeries(FloatVector z) {
        FloatVector z2 = z.mul(z);
        FloatVector p45 = z.fma(ASIN_F5, ASIN_F4);
        FloatVector p23 = z.fma(ASIN_F3, ASIN_F2);
        FloatVector p01 = z.fma(ASIN_F1, ASIN_F0);
        return p45.fma(z2, p23).fma(z2, p01);
    }

    /** The tail of sqrt(z) = s + tail, one Newton correction; 0 where z = 0. */
    static FloatVector sqrtTail(FloatVector s, FloatVector z) {
        return s.neg().fma(s, z).div(s.add(s)).blend(0, s.compare(EQ, 0));
    }

    /** bh - 2 (s + w) + bl for bh >= 2s: bh - 2s two-summed, the rest added to its error. */
    static FloatVector minusTwice(float bh, float bl, FloatVector s, FloatVector w) {
        FloatVector d = s.add(s);
        FloatVector h = d.broadcast(bh).sub(d);
        FloatVector err = h.neg().add(bh).sub(d);
        return h.add(err.add(w.mul(-2).add(bl)));
    }

    static FloatVector asin(FloatVector x) {
        FloatVector ax = x.abs();
        VectorMask<Float> big = ax.compare(GT, 0.5f);
        FloatVector z = asinArgument(ax, big);
        FloatVector p = asinSeries(z);
        // |x| > 1 and NaN give a NaN square root, which propagates
        FloatVector s = z.sqrt();
        FloatVector w = s.mul(z).fma(p, sqrtTail(s, z));
        FloatVector r = ax.mul(z).fma(p, ax).blend(minusTwice(PIO2_HI_F, PIO2_LO_F, s, w), big);
        return copySign(r, x);
    }

    static FloatVector acos(FloatVector x) {
        FloatVector ax = x.abs();
        VectorMask<Float> big = ax.compare(GT, 0.5f);
        FloatVector z = asinArgument(ax, big);
        FloatVector p = asinSeries(z);
        FloatVector s = z.sqrt();
        FloatVector w = s.mul(z).fma(p, sqrtTail(s, z));
        // pi/2 - asin(x) for |x| <= 1/2: pi/2 - x two-summed (|x| < pi/2), then the series' tail
        FloatVector h = x.broadcast(PIO2_HI_F).sub(x);
        FloatVector err = h.neg().add(PIO2_HI_F).sub(x);
        FloatVector r = h.add(err.add(x.mul(z).neg().fma(p, x.broadcast(PIO2_LO_F))));
        r = r.blend(s.add(w).mul(2), big);
        return r.blend(minusTwice(PI_HI_F, PI_LO_F, s, w), big.and(x.compare(LT, 0)));
    }

    /**
     * The angle of (d, n) in [0, pi] for 0 <= n = nh + nl <= d = dh + dl, d > 0 finite: atan(n/d) =
     * atan(c) + atan(u), u = (n - c d) / (d + c n), with c the multiple of 1/4 nearest n/d (found by
     * compares, no division), so |u| <= 1/8; u is a pair (uh, ul) from one division and a correction,
     * the products by c split exactly. The caller gives B + sgn angle, with B in {0, pi/2, pi} as a
     * pair (bh, bl) and sgn = ±1: pi/2 minus the angle where n and d were swapped, pi minus that where x
     * is negative.
     */
    static FloatVector angle(FloatVector nh, FloatVector nl, FloatVector dh, FloatVector dl, FloatVector bh, FloatVector bl,
                                      FloatVector sgn) {
        FloatVector n8 = nh.mul(8);
        VectorMask<Float> m1 = n8.compare(GE, dh);
        VectorMask<Float> m2 = n8.compare(GE, dh.mul(3));
        VectorMask<Float> m3 = n8.compare(GE, dh.mul(5));
        VectorMask<Float> m4 = n8.compare(GE, dh.mul(7));
        FloatVector zero = dh.broadcast(0);
        FloatVector c = zero.blend(0.25f, m1).blend(0.5f, m2).blend(0.75f, m3).blend(1, m4);
        FloatVector p = c.mul(dh);
        // exact (Sterbenz): c d lies within a factor 2 of n unless c = 0
        FloatVector numh = nh.sub(p);
        FloatVector numl = nl.sub(c.fma(dl, c.fma(dh, p.neg())));
        FloatVector q = c.mul(nh);
        FloatVector denh = dh.add(q);
        FloatVector denl = dh.sub(denh).add(q).add(c.fma(nh, q.neg())).add(c.fma(nl, dl));
        FloatVector inv = denh.broadcast(1).div(denh);
        FloatVector uh = numh.add(numl).mul(inv);
        FloatVector ul = uh.neg().fma(denh, numh).add(numl).sub(uh.mul(denl)).mul(inv);
        // B + sgn (atan(c) + atan(uh + ul)): the three leading terms summed exactly, the rest once
        FloatVector z = uh.mul(uh);
        FloatVector ch = zero.blend(ATAN_HI1_F, m1).blend(ATAN_HI2_F, m2).blend(ATAN_HI3_F, m3).blend(ATAN_HI4_F, m4);
        FloatVector cl = zero.blend(ATAN_LO1_F, m1).blend(ATAN_LO2_F, m2).blend(ATAN_LO3_F, m3).blend(ATAN_LO4_F, m4);
        FloatVector tail = uh.mul(z).fma(z.fma(ATAN_F3, ATAN_F2).lanewise(FMA, z, ATAN_F1).lanewise(FMA, z, ATAN_F0), ul);
        FloatVector a1 = ch.mul(sgn);
        FloatVector a2 = uh.mul(sgn);
        FloatVector t1 = a1.add(a2);
        FloatVector t2 = bh.add(t1);
        // the exact errors of t1 = a1 + a2 and t2 = bh + t1 by fast two-sums: |a1| = atan(c) >= 1/4 >= |a2|
        // unless c = 0, and |bh| >= pi/2 > |t1| unless bh = 0, where the sums are exact
        FloatVector e = a1.sub(t1).add(a2).add(bh.sub(t2).add(t1));
        return t2.add(e.add(bl).add(cl.add(tail).mul(sgn)));
    }

    static FloatVector one(FloatVector like) {
        return like.broadcast(1);
    }

    static FloatVector copySign(FloatVector magnitude, FloatVector sign) {
        return magnitude.abs().reinterpretAsInts().or(sign.reinterpretAsInts().and(SIGN_F)).reinterpretAsFloats();
    }
}
