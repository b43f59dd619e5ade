package dev.flynn.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.IS_NAN;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NE;

/**
 * Flynn's own exponentials, logarithms, powers and hyperbolic functions, written only with operations
 * IEEE 754 and the Vector API define exactly (add, sub, mul, div, sqrt, fma, compare, blend, integer
 * and bit operations), so that interpreted code, C2's code, every vector width and every CPU give the
 * same bits. Every lane computes every path and blends keep the right one: there are no branches.
 *
 * <p>Intermediates are double-double where a rounding would cost accuracy (the reduced exponential,
 * the logarithm feeding pow, cbrt, log10, log1p), so each F64 result is within 1 ulp of the correctly
 * rounded value. F32 exp, expm1, sinh, cosh, tanh ({@link SimdExpFloat}), log, log10, log1p and cbrt
 * are computed in float lanes (their reductions carry the few rounding errors that matter as
 * float-floats, which keeps them within 1 ulp); F32 pow and hypot widen their lanes, compute in F64
 * and round once (hypot as the square root of the sum of the exact squares, {@link #hypotOfFloats}).
 *
 * <p>Kernels hold a copy of this code ({@link SimdInliner}), so it uses only public API, members of
 * this package that are not private (record accessors, not fields) and compile-time constants.
 */
final class SimdExpLog {
    /** ln 2 split so that k * LN2_HI is exact for |k| < 2^31 (LN2_HI has 21 significant bits). */
    private static final double LN2_HI = 0x1.62e42p-1;
    private static final double LN2_LO = 0x1.fdf473de6af28p-22;
    private static final double INV_LN2 = 0x1.71547652b82fep0;
    private static final double INV_LN10_HI = 0x1.bcb7b1526e50ep-2;
    private static final double INV_LN10_LO = 0x1.95355baaafad3p-57;
    private static final double TWO_THIRDS_HI = 0x1.5555555555555p-1;
    private static final double TWO_THIRDS_LO = 0x1.5555555555555p-55;
    /** 1.5 * 2^52: adding it rounds a double below 2^51 to an integer held in the low bits of the sum. */
    private static final double SHIFTER = 0x1.8p52;
    private static final long SHIFTER_BITS = 0x4338000000000000L;
    private static final double SQRT2 = 0x1.6a09e667f3bcdp0;
    /** exp is computed on arguments clamped here: beyond, the scaled result is already ±0 or +Inf. */
    private static final double EXP_MIN = -750;
    private static final double EXP_MAX = 711;
    /** From here on e^-|x| is below 2^-63 of e^|x|: sinh, cosh are e^|x|/2 and tanh is ±1 to the last bit. */
    private static final double HYPERBOLIC_LARGE = 22;
    /** Below this sinh, tanh and log1p round to their argument. */
    private static final double TINY = 0x1p-28;

    private SimdExpLog() {
    }

    // ---- building blocks ------------------------------------------------------------------------

    /** 2^k for integer lanes k in [-1022, 1023]: k + 1023 moved into the exponent field. */
    private static DoubleVector twoPow(LongVector k) {
        return k.add(1023).lanewise(LSHL, 52).reinterpretAsDoubles();
    }

    /** v * 2^k in two exact halves, so that a result near overflow or in the subnormal range rounds once. */
    private static DoubleVector scale(DoubleVector v, LongVector k) {
        LongVector k1 = k.lanewise(ASHR, 1);
        return v.mul(twoPow(k1)).mul(twoPow(k.sub(k1)));
    }

    /** Integer lanes |e| < 2^51 as doubles: placed in the low bits of SHIFTER, which is subtracted exactly. */
    private static DoubleVector toDouble(LongVector e) {
        return e.add(SHIFTER_BITS).reinterpretAsDoubles().sub(SHIFTER);
    }

    /** {@code magnitude} with the sign bit of {@code signOf}. */
    private static DoubleVector copySign(DoubleVector magnitude, DoubleVector signOf) {
        return magnitude.abs().reinterpretAsLongs()
                .or(signOf.reinterpretAsLongs().and(0x8000000000000000L)).reinterpretAsDoubles();
    }

    /*
     * A double-double result is returned one part at a time: each call computes both parts and returns
     * the one asked for. Once the routine is copied into a kernel the part is a constant, C2 folds the
     * choice, and the two copies of the computation are the same operations, which it merges. (A record
     * holding both parts would be an object the kernel allocates for every vector.)
     */
    private static final int HI = 0;
    private static final int LO = 1;
    private static final int SUM = 2;

    /**
     * A part of e^(xh + xl) = 2^k (hi + lo) (|lo| below an ulp of hi), multiplied by 2^(k + shift):
     * {@code HI}, {@code LO}, or {@code SUM}, hi + lo rounded once and scaled. xh lies in
     * [EXP_MIN, EXP_MAX] or is NaN, which propagates.
     */
    private static DoubleVector expPart(DoubleVector xh, DoubleVector xl, int part, int shift) {
        DoubleVector shifted = xh.fma(INV_LN2, SHIFTER);
        DoubleVector kd = shifted.sub(SHIFTER);
        LongVector k = shifted.reinterpretAsLongs().sub(SHIFTER_BITS);
        // k * LN2_HI is exact and cancels exactly against xh (Sterbenz); the low part rounds once
        DoubleVector hi = kd.neg().fma(xh.broadcast(LN2_HI), xh);
        DoubleVector lo = kd.neg().fma(xh.broadcast(LN2_LO), xl);
        DoubleVector r = hi.add(lo);
        DoubleVector rErr = hi.sub(r).add(lo);
        // e^r = 1 + r + r^2 (1/2! + r/3! + ... + r^11/13!), |r| <= 0.35: the next term is below 2^-57.
        // Estrin's scheme: pairs, then powers r^2, r^4, r^8, so the chain of dependent fmas is 5 long, not 12
        DoubleVector r2 = r.mul(r);
        DoubleVector r4 = r2.mul(r2);
        DoubleVector p01 = r.fma(1.0 / 6, 0.5);
        DoubleVector p23 = r.fma(1.0 / 120, 1.0 / 24);
        DoubleVector p45 = r.fma(1.0 / 5040, 1.0 / 720);
        DoubleVector p67 = r.fma(1.0 / 362880, 1.0 / 40320);
        DoubleVector p89 = r.fma(1.0 / 39916800, 1.0 / 3628800);
        DoubleVector p1011 = r.fma(1.0 / 6227020800L, 1.0 / 479001600);
        DoubleVector p03 = p23.fma(r2, p01);
        DoubleVector p47 = p67.fma(r2, p45);
        DoubleVector p811 = p1011.fma(r2, p89);
        DoubleVector p = p811.fma(r4.mul(r4), p47.fma(r4, p03));
        DoubleVector s = r2.fma(p, rErr);
        DoubleVector t = r.add(s);
        DoubleVector tErr = r.sub(t).add(s);
        DoubleVector yh = t.add(1.0);
        DoubleVector yl = yh.neg().add(1.0).add(t).add(tErr);
        DoubleVector v = part == HI ? yh : part == LO ? yl : yh.add(yl);
        return scale(v, k.add(shift));
    }

    /**
     * x limited to [EXP_MIN, EXP_MAX] by compare and blend: the bits of Java's max and min for these
     * nonzero bounds (a NaN stays NaN), without the several instructions each takes on AVX2 for its
     * NaN and signed-zero rules.
     */
    private static DoubleVector clampExp(DoubleVector x) {
        return below(x.blend(EXP_MIN, x.compare(LT, EXP_MIN)), EXP_MAX);
    }

    /** min(x, bound) for a positive bound, by compare and blend (see clampExp). */
    private static DoubleVector below(DoubleVector x, double bound) {
        return x.blend(bound, x.compare(GT, bound));
    }

    /** e^(xh + xl) rounded once; +Inf and 0 past the thresholds, NaN for NaN. */
    private static DoubleVector exp(DoubleVector xh, DoubleVector xl) {
        DoubleVector c = clampExp(xh);
        // past the thresholds the low part may be huge (pow(2, 1e300)); the clamped value alone decides
        return expPart(c, xl.blend(0, c.compare(NE, xh)), SUM, 0);
    }

    /** A part ({@code HI} or {@code LO}) of log(x) as a double-double, for finite x > 0; other lanes hold garbage. */
    private static DoubleVector logPart(DoubleVector x, int part) {
        VectorMask<Double> sub = x.compare(LT, 0x1p-1022);
        DoubleVector xs = x.blend(x.mul(0x1p54), sub);
        LongVector bits = xs.reinterpretAsLongs();
        LongVector e0 = bits.lanewise(LSHR, 52).sub(1023).sub(bits.broadcast(0).blend(54, sub.cast(bits.species())));
        DoubleVector m0 = bits.and(0x000FFFFFFFFFFFFFL).or(0x3FF0000000000000L).reinterpretAsDoubles();
        // m in [sqrt(1/2), sqrt(2)): log(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716
        VectorMask<Double> big = m0.compare(GT, SQRT2);
        DoubleVector m = m0.blend(m0.mul(0.5), big);
        DoubleVector e = toDouble(e0).add(x.broadcast(1).blend(0, big.not()));
        DoubleVector f = m.sub(1.0);
        DoubleVector d = f.add(2.0);
        DoubleVector dErr = f.sub(d.sub(2.0));
        // one division: s need not be f / d rounded, only s + sl must be f / d to ~2^-106
        DoubleVector inv = d.broadcast(1.0).div(d);
        DoubleVector s = f.mul(inv);
        DoubleVector rem = s.neg().fma(d, f);
        rem = s.neg().fma(dErr, rem);
        DoubleVector sl = rem.mul(inv);
        return logSum(e, s, sl, part);
    }

    /** e ln 2 + 2 atanh(s + sl), with the s^3 term in double-double so pow keeps ~2^-65 relative accuracy. */
    private static DoubleVector logSum(DoubleVector e, DoubleVector s, DoubleVector sl, int part) {
        DoubleVector zh = s.mul(s);
        DoubleVector zl = s.fma(s, zh.neg()).add(s.add(s).mul(sl));
        DoubleVector s3h = zh.mul(s);
        DoubleVector s3l = zh.fma(s, s3h.neg()).add(zl.mul(s).add(zh.mul(sl)));
        DoubleVector ch = s3h.mul(TWO_THIRDS_HI);
        DoubleVector cl = s3h.fma(s3h.broadcast(TWO_THIRDS_HI), ch.neg()).add(s3h.mul(TWO_THIRDS_LO).add(s3l.mul(TWO_THIRDS_HI)));
        // 2/5 s^5 + 2/7 s^7 + ... + 2/23 s^23: the first term left out is below 2^-65 of the result (Estrin)
        DoubleVector z2 = zh.mul(zh);
        DoubleVector z4 = z2.mul(z2);
        DoubleVector q01 = zh.fma(2.0 / 7, 2.0 / 5);
        DoubleVector q23 = zh.fma(2.0 / 11, 2.0 / 9);
        DoubleVector q45 = zh.fma(2.0 / 15, 2.0 / 13);
        DoubleVector q67 = zh.fma(2.0 / 19, 2.0 / 17);
        DoubleVector q89 = zh.fma(2.0 / 23, 2.0 / 21);
        DoubleVector q = q89.fma(z4.mul(z4), q67.fma(z2, q45).fma(z4, q23.fma(z2, q01)));
        // the tail at s + sl: its derivative 2 s^4 / (1 - s^2) times sl, which is up to ~1.5 ulp of s
        DoubleVector rest = s3h.mul(zh).mul(q).add(z2.mul(sl.add(sl)).mul(zh.add(1.0)));
        DoubleVector s2 = s.add(s);
        DoubleVector h1 = s2.add(ch);
        DoubleVector l1 = ch.sub(h1.sub(s2)).add(sl.add(sl).add(cl).add(rest));
        DoubleVector eh = e.mul(LN2_HI);
        DoubleVector el = e.mul(LN2_LO);
        DoubleVector h = eh.add(h1);
        DoubleVector bv = h.sub(eh);
        DoubleVector err = eh.sub(h.sub(bv)).add(h1.sub(bv));
        DoubleVector lo = err.add(l1).add(el);
        DoubleVector hi = h.add(lo);
        return part == HI ? hi : lo.sub(hi.sub(h));
    }

    // ---- exp family -----------------------------------------------------------------------------

    static DoubleVector exp(DoubleVector x) {
        return exp(x, x.broadcast(0));
    }

    static DoubleVector expm1(DoubleVector x) {
        DoubleVector c = clampExp(x);
        DoubleVector zero = x.broadcast(0);
        // 2^k hi - 1 summed exactly (two-sum), then 2^k lo added: for k = 0 this keeps every bit of a small x
        DoubleVector a = expPart(c, zero, HI, 0);
        DoubleVector s = a.sub(1.0);
        DoubleVector bv = s.sub(a);
        DoubleVector err = a.sub(s.sub(bv)).add(bv.neg().sub(1.0));
        DoubleVector r = s.add(err.add(expPart(c, zero, LO, 0)));
        r = r.blend(a, a.compare(EQ, Double.POSITIVE_INFINITY));
        // ±0 (the sum would give +0 for -0) and NaN are their own results
        return r.blend(x, x.compare(EQ, 0).or(x.test(IS_NAN)));
    }

    /**
     * e^|x| / 2 for |x| >= HYPERBOLIC_LARGE, overflowing exactly where the true value does. {@code a}
     * is |x| clamped to EXP_MAX, the argument the small side's reduction takes too, so that the two
     * sides share one reduction (C2 merges the copies); lanes of the side not taken hold values that
     * the blend drops, overflowed ones included.
     */
    private static DoubleVector halfExpLarge(DoubleVector a) {
        return expPart(a, a.broadcast(0), SUM, -1);
    }

    static DoubleVector sinh(DoubleVector x) {
        DoubleVector ax = x.abs();
        DoubleVector a = below(ax, EXP_MAX);
        DoubleVector eh = expPart(a, x.broadcast(0), HI, 0);
        DoubleVector el = expPart(a, x.broadcast(0), LO, 0);
        // e^a - e^-a = N + N / E with N = E - 1: no cancellation for small a
        DoubleVector nh = eh.sub(1.0);
        DoubleVector nl = eh.sub(nh).sub(1.0).add(el);
        DoubleVector q = nh.div(eh);
        DoubleVector rq = q.neg().fma(eh, nh).add(nl).sub(q.mul(el)).div(eh);
        DoubleVector h = nh.add(q);
        DoubleVector lo = q.sub(h.sub(nh)).add(nl).add(rq);
        DoubleVector r = h.add(lo).mul(0.5).blend(halfExpLarge(a), ax.compare(GE, HYPERBOLIC_LARGE));
        r = copySign(r, x);
        return r.blend(x, ax.compare(LT, TINY).or(x.test(IS_NAN)));
    }

    static DoubleVector cosh(DoubleVector x) {
        DoubleVector ax = x.abs();
        DoubleVector a = below(ax, EXP_MAX);
        DoubleVector eh = expPart(a, x.broadcast(0), HI, 0);
        DoubleVector el = expPart(a, x.broadcast(0), LO, 0);
        // e^a + 1/e^a, the reciprocal of eh + el to first order
        DoubleVector inv = eh.broadcast(1.0).div(eh);
        DoubleVector invErr = inv.neg().fma(eh, inv.broadcast(1.0)).mul(inv).sub(el.mul(inv).mul(inv));
        DoubleVector h = eh.add(inv);
        DoubleVector lo = inv.sub(h.sub(eh)).add(el).add(invErr);
        DoubleVector r = h.add(lo).mul(0.5).blend(halfExpLarge(a), ax.compare(GE, HYPERBOLIC_LARGE));
        return r.blend(x, x.test(IS_NAN));
    }

    static DoubleVector tanh(DoubleVector x) {
        DoubleVector ax = x.abs();
        DoubleVector twice = below(ax.add(ax), 2 * HYPERBOLIC_LARGE);
        DoubleVector eh = expPart(twice, x.broadcast(0), HI, 0);
        DoubleVector el = expPart(twice, x.broadcast(0), LO, 0);
        // (E - 1) / (E + 1) with both as double-doubles, then one correction of the quotient
        DoubleVector nh = eh.sub(1.0);
        DoubleVector nl = eh.sub(nh).sub(1.0).add(el);
        DoubleVector dh = eh.add(1.0);
        DoubleVector dl = eh.sub(dh).add(1.0).add(el);
        DoubleVector q = nh.div(dh);
        DoubleVector corr = q.neg().fma(dh, nh).add(nl.sub(q.mul(dl))).div(dh);
        DoubleVector r = q.add(corr).blend(1.0, ax.compare(GE, HYPERBOLIC_LARGE));
        r = copySign(r, x);
        return r.blend(x, ax.compare(LT, TINY).or(x.test(IS_NAN)));
    }

    // ---- log family -----------------------------------------------------------------------------

    /** NaN and negatives give NaN, ±0 gives -Inf, +Inf gives +Inf; other lanes keep {@code r}. */
    private static DoubleVector logSpecials(DoubleVector x, DoubleVector r) {
        r = r.blend(Double.NaN, x.compare(LT, 0));
        r = r.blend(Double.NEGATIVE_INFINITY, x.compare(EQ, 0));
        return r.blend(x, x.compare(EQ, Double.POSITIVE_INFINITY).or(x.test(IS_NAN)));
    }

    static DoubleVector log(DoubleVector x) {
        return logSpecials(x, logPart(x, HI));
    }

    static DoubleVector log10(DoubleVector x) {
        DoubleVector lh = logPart(x, HI);
        DoubleVector ll = logPart(x, LO);
        DoubleVector ph = lh.mul(INV_LN10_HI);
        DoubleVector pl = lh.fma(ph.broadcast(INV_LN10_HI), ph.neg()).add(lh.mul(INV_LN10_LO).add(ll.mul(INV_LN10_HI)));
        return logSpecials(x, ph.add(pl));
    }

    static DoubleVector log1p(DoubleVector x) {
        // u = 1 + x rounded with its exact error: log1p(x) = log(u) + err / u to far below an ulp
        DoubleVector u = x.add(1.0);
        DoubleVector bv = u.sub(1.0);
        DoubleVector err = u.sub(bv).neg().add(1.0).add(x.sub(bv));
        DoubleVector r = logPart(u, HI).add(logPart(u, LO).add(err.div(u)));
        r = r.blend(Double.NaN, x.compare(LT, -1.0));
        r = r.blend(Double.NEGATIVE_INFINITY, x.compare(EQ, -1.0));
        return r.blend(x, x.abs().compare(LT, 0x1p-54).or(x.compare(EQ, Double.POSITIVE_INFINITY)).or(x.test(IS_NAN)));
    }

    // ---- pow, cbrt, hypot -----------------------------------------------------------------------

    static DoubleVector pow(DoubleVector x, DoubleVector y) {
        DoubleVector ax = x.abs();
        DoubleVector ay = y.abs();
        DoubleVector lh = logPart(ax, HI);
        DoubleVector ph = y.mul(lh);
        DoubleVector pl = y.fma(lh, ph.neg()).add(y.mul(logPart(ax, LO)));
        DoubleVector m = exp(ph, pl);
        // y an odd integer: integral, and y/2 (exact) is not
        VectorMask<Double> yInt = SimdMath.rint(y).compare(EQ, y);
        DoubleVector half = y.mul(0.5);
        VectorMask<Double> odd = yInt.andNot(SimdMath.rint(half).compare(EQ, half));
        VectorMask<Double> xNeg = x.reinterpretAsLongs().compare(LT, 0).cast(x.species());
        VectorMask<Double> negResult = xNeg.and(odd);
        DoubleVector r = m.blend(m.neg(), negResult);
        r = r.blend(Double.NaN, x.compare(LT, 0).andNot(yInt));
        // x = ±0 or ±Inf: 0 or Inf by whether |x| and y grow together; signed for an odd y
        VectorMask<Double> zeroOrInf = ax.compare(EQ, 0).or(ax.compare(EQ, Double.POSITIVE_INFINITY));
        VectorMask<Double> huge = ax.compare(EQ, 0).xor(y.compare(GT, 0));
        DoubleVector edge = x.broadcast(0).blend(Double.POSITIVE_INFINITY, huge);
        r = r.blend(edge.blend(edge.neg(), negResult), zeroOrInf);
        // y = ±Inf: NaN for |x| = 1 (Java, unlike C99), else 0 or Inf
        VectorMask<Double> grows = ax.compare(GT, 1.0).xor(y.compare(LT, 0));
        DoubleVector infY = x.broadcast(0).blend(Double.POSITIVE_INFINITY, grows).blend(Double.NaN, ax.compare(EQ, 1.0));
        r = r.blend(infY, ay.compare(EQ, Double.POSITIVE_INFINITY));
        r = r.blend(x, y.compare(EQ, 1.0));
        r = r.blend(Double.NaN, x.test(IS_NAN).or(y.test(IS_NAN)));
        return r.blend(1.0, y.compare(EQ, 0));
    }

    static DoubleVector cbrt(DoubleVector x) {
        DoubleVector lh = logPart(x.abs(), HI);
        DoubleVector th = lh.div(3.0);
        DoubleVector tl = th.neg().fma(th.broadcast(3.0), lh).add(logPart(x.abs(), LO)).div(3.0);
        DoubleVector r = copySign(exp(th, tl), x);
        // ±0, ±Inf and NaN are their own cube roots
        DoubleVector ax = x.abs();
        return r.blend(x, ax.compare(EQ, 0).or(ax.compare(EQ, Double.POSITIVE_INFINITY)).or(x.test(IS_NAN)));
    }

    /**
     * hypot of lanes that hold floats (F32 hypot widened): each square of a float is exact in F64 and
     * neither overflows nor underflows there, so the sum rounds once and its square root once more,
     * within 2^-52 of the true value relative, far below the float ulp that the final rounding adds.
     */
    static DoubleVector hypotOfFloats(DoubleVector x, DoubleVector y) {
        DoubleVector r = x.fma(x, y.mul(y)).sqrt();
        // Inf wins over NaN, as in Math.hypot
        return r.blend(Double.POSITIVE_INFINITY,
                x.abs().compare(EQ, Double.POSITIVE_INFINITY).or(y.abs().compare(EQ, Double.POSITIVE_INFINITY)));
    }

    static DoubleVector hypot(DoubleVector x, DoubleVector y) {
        DoubleVector ax = x.abs();
        DoubleVector ay = y.abs();
        // compare and blend, not Java's max and min (several instructions each): a NaN lane is replaced below
        VectorMask<Double> ayLarger = ax.compare(LT, ay);
        DoubleVector a = ax.blend(ay, ayLarger);
        DoubleVector b = ay.blend(ax, ayLarger);
        // scale the larger to [1, 2); a subnormal one is first lifted by 2^54 to read its exponent
        VectorMask<Double> tiny = a.compare(LT, 0x1p-1000);
        DoubleVector pre = x.broadcast(1.0).blend(0x1p54, tiny);
        DoubleVector a1 = a.mul(pre);
        DoubleVector b1 = b.mul(pre);
        LongVector k = a1.reinterpretAsLongs().lanewise(LSHR, 52).sub(1023);
        LongVector nk = k.neg();
        DoubleVector as = scale(a1, nk);
        DoubleVector bs = scale(b1, nk);
        // as^2 + bs^2 exactly to ~2^-106, then sqrt with one Newton correction
        DoubleVector sh = as.mul(as);
        DoubleVector sl = as.fma(as, sh.neg());
        DoubleVector th = bs.mul(bs);
        DoubleVector tl = bs.fma(bs, th.neg());
        DoubleVector s = sh.add(th);
        DoubleVector lo = sh.sub(s).add(th).add(sl).add(tl);
        DoubleVector q = s.sqrt();
        DoubleVector res = q.neg().fma(q, s).add(lo);
        DoubleVector h = q.add(res.div(q.add(q)));
        LongVector back = k.sub(k.broadcast(0).blend(54, tiny.cast(k.species())));
        DoubleVector r = scale(h, back);
        r = r.blend(0, a.compare(EQ, 0));
        r = r.blend(Double.NaN, x.test(IS_NAN).or(y.test(IS_NAN)));
        // Inf wins over NaN, as in Math.hypot
        return r.blend(Double.POSITIVE_INFINITY, ax.compare(EQ, Double.POSITIVE_INFINITY).or(ay.compare(EQ, Double.POSITIVE_INFINITY)));
    }

    // ---- F32 in float lanes ------------------------------------------------------------------------

    /*
     * log: x = 2^e m with m in [sqrt(1/2), sqrt(2)), f = m - 1 exact (Sterbenz), log x = e ln2 + f - f^2/2
     * + f^3 P(f), P a minimax fit of (log1p(f) - f + f^2/2) / f^3 on [-0.2929, 0.4143] (relative error
     * of log1p below 2^-27, coefficients rounded to float). e LN2_HI_SHORT is exact (LN2_HI_SHORT has 15
     * significant bits), so the sum with f is two-summed and every other term is small.
     */
    private static final float LN2_HI_SHORT_F = 0x1.62e4p-1f;
    private static final float LN2_LO_SHORT_F = 0x1.7f7d1cp-20f;
    /** The bits of a float just below sqrt(1/2): subtracting them leaves e in the exponent field, m - 1 ~ f. */
    private static final int SQRT_HALF_BITS = 0x3f3504f3;
    private static final float LOG_C3 = 0x1.555554p-2f;
    private static final float LOG_C4 = -0x1.000228p-2f;
    private static final float LOG_C5 = 0x1.99a012p-3f;
    private static final float LOG_C6 = -0x1.5471f4p-3f;
    private static final float LOG_C7 = 0x1.22d908p-3f;
    private static final float LOG_C8 = -0x1.0d8768p-3f;
    private static final float LOG_C9 = 0x1.0564acp-3f;
    private static final float LOG_C10 = -0x1.38c194p-4f;
    private static final float INV_LN10_HI_F = 0x1.bcb7b2p-2f;
    private static final float INV_LN10_LO_F = -0x1.5b235ep-27f;

    /** A part ({@code HI} or {@code LO}) of log(x) as a float-float, for finite x > 0; other lanes hold garbage. */
    private static FloatVector logPartF(FloatVector x, int part) {
        VectorMask<Float> sub = x.compare(LT, 0x1p-126f);
        IntVector bits = x.blend(x.mul(0x1p23f), sub).reinterpretAsInts().sub(SQRT_HALF_BITS);
        IntVector e = bits.lanewise(ASHR, 23).sub(bits.broadcast(0).blend(23, sub.cast(bits.species())));
        FloatVector f = bits.and(0x007FFFFF).add(SQRT_HALF_BITS).reinterpretAsFloats().sub(1f);
        FloatVector ef = (FloatVector) e.convert(I2F, 0);
        FloatVector f2 = f.mul(f);
        FloatVector f4 = f2.mul(f2);
        // P = C3 + f Q with Q by Estrin: the leading term rounds once, the rest carry a factor f
        FloatVector q = f2.fma(f2.broadcast(LOG_C10), f.fma(LOG_C9, LOG_C8))
                .fma(f4, f.fma(LOG_C7, LOG_C6).fma(f2, f.fma(LOG_C5, LOG_C4)));
        FloatVector p = f.fma(q, f.broadcast(LOG_C3));
        // -f^2 / 2 is exactly -(f2 + f2l) / 2: only the small f^3 P term and f2l round
        FloatVector f2l = f.fma(f, f2.neg());
        FloatVector tail = f2.mul(f).fma(p, f2l.mul(-0.5f));
        FloatVector eh = ef.mul(LN2_HI_SHORT_F);
        FloatVector h = eh.add(f);
        FloatVector err = f.sub(h.sub(eh));
        // h + -f2 / 2 two-summed too (|h| is the larger), so the result rounds only at the end
        FloatVector half = f2.mul(-0.5f);
        FloatVector h2 = h.add(half);
        FloatVector err2 = half.sub(h2.sub(h));
        FloatVector lo = ef.fma(ef.broadcast(LN2_LO_SHORT_F), tail).add(err.add(err2));
        FloatVector hi = h2.add(lo);
        return part == HI ? hi : lo.sub(hi.sub(h2));
    }

    /** NaN and negatives give NaN, ±0 gives -Inf, +Inf gives +Inf; other lanes keep {@code r}. */
    private static FloatVector logSpecials(FloatVector x, FloatVector r) {
        r = r.blend(Float.NaN, x.compare(LT, 0));
        r = r.blend(Float.NEGATIVE_INFINITY, x.compare(EQ, 0));
        return r.blend(x, x.compare(EQ, Float.POSITIVE_INFINITY).or(x.test(IS_NAN)));
    }

    static FloatVector exp(FloatVector x) {
        return SimdExpFloat.exp(x);
    }

    static FloatVector expm1(FloatVector x) {
        return SimdExpFloat.expm1(x);
    }

    static FloatVector sinh(FloatVector x) {
        return SimdExpFloat.sinh(x);
    }

    static FloatVector cosh(FloatVector x) {
        return SimdExpFloat.cosh(x);
    }

    static FloatVector tanh(FloatVector x) {
        return SimdExpFloat.tanh(x);
    }

    static FloatVector log(FloatVector x) {
        return logSpecials(x, logPartF(x, HI));
    }

    static FloatVector log10(FloatVector x) {
        FloatVector lh = logPartF(x, HI);
        FloatVector ll = logPartF(x, LO);
        FloatVector ph = lh.mul(INV_LN10_HI_F);
        FloatVector pl = lh.fma(ph.broadcast(INV_LN10_HI_F), ph.neg()).add(lh.fma(lh.broadcast(INV_LN10_LO_F), ll.mul(INV_LN10_HI_F)));
        return logSpecials(x, ph.add(pl));
    }

    static FloatVector log1p(FloatVector x) {
        // u = 1 + x rounded with its exact error d (two-sum): log1p(x) = log(u) + d / u to far below an ulp
        FloatVector u = x.add(1f);
        FloatVector bv = u.sub(1f);
        FloatVector d = u.sub(bv).neg().add(1f).add(x.sub(bv));
        FloatVector r = logPartF(u, HI).add(logPartF(u, LO).add(d.div(u)));
        r = r.blend(Float.NaN, x.compare(LT, -1f));
        r = r.blend(Float.NEGATIVE_INFINITY, x.compare(EQ, -1f));
        // below 2^-25 log1p(x) rounds to x (this keeps -0 and subnormals too)
        return r.blend(x, x.abs().compare(LT, 0x1p-25f).or(x.compare(EQ, Float.POSITIVE_INFINITY)).or(x.test(IS_NAN)));
    }

    /*
     * cbrt: |x| = 2^(3q + j) m with m in [1, 2) and j in {0, 1, 2}, so cbrt|x| = 2^q cbrt(2^j m). A
     * minimax polynomial of degree 5 for cbrt(m) on [1, 2] (relative error 2^-19.6), times 2^(j/3)
     * rounded to float, starts one Newton step on a = 2^j m (exact), y - (y^3 - a) / (3 y^2), with
     * y^3 as a float-float and y^3 - a exact (Sterbenz): the step leaves an error near 2^-38 of y, and
     * only its final subtraction rounds at the result's scale.
     */
    private static final float CBRT_C0 = 0x1.e4b0e4p-2f;
    private static final float CBRT_C1 = 0x1.ad2326p-1f;
    private static final float CBRT_C2 = -0x1.e07d0ap-2f;
    private static final float CBRT_C3 = 0x1.9f490ap-3f;
    private static final float CBRT_C4 = -0x1.9cc36p-5f;
    private static final float CBRT_C5 = 0x1.5e84d2p-8f;
    private static final float CBRT2 = 0x1.428a3p0f;
    private static final float CBRT4 = 0x1.965feap0f;
    /** floor(n / 3) = (n * THIRD_MUL) >> 16 for 0 <= n < 2^15: the Vector API has no fast integer division. */
    private static final int THIRD_MUL = 21846;
    /** The exponent bias plus 24 for a subnormal lifted by 2^24 plus 2, a multiple of 3 so that n >= 0. */
    private static final int CBRT_BIAS = 153;

    static FloatVector cbrt(FloatVector x) {
        FloatVector ax = x.abs();
        VectorMask<Float> sub = ax.compare(LT, 0x1p-126f);
        IntVector bits = ax.blend(ax.mul(0x1p24f), sub).reinterpretAsInts();
        IntVector n = bits.lanewise(LSHR, 23).sub(bits.broadcast(0).blend(24, sub.cast(bits.species()))).add(CBRT_BIAS - 127);
        IntVector q = n.mul(THIRD_MUL).lanewise(LSHR, 16);
        IntVector j = n.sub(q.mul(3));
        FloatVector m = bits.and(0x007FFFFF).or(0x3F800000).reinterpretAsFloats();
        FloatVector m2 = m.mul(m);
        FloatVector p = m.fma(CBRT_C5, CBRT_C4).fma(m2, m.fma(CBRT_C3, CBRT_C2)).fma(m2, m.fma(CBRT_C1, CBRT_C0));
        VectorMask<Float> j1 = j.compare(EQ, 1).cast(x.species());
        VectorMask<Float> j2 = j.compare(EQ, 2).cast(x.species());
        FloatVector y = p.mul(x.broadcast(1f).blend(CBRT2, j1).blend(CBRT4, j2));
        FloatVector a = m.mul(x.broadcast(1f).blend(2f, j1).blend(4f, j2));
        FloatVector y2 = y.mul(y);
        FloatVector y2l = y.fma(y, y2.neg());
        FloatVector y3 = y2.mul(y);
        FloatVector y3l = y2.fma(y, y3.neg()).add(y2l.mul(y));
        FloatVector res = y3.sub(a).add(y3l);
        FloatVector root = y.sub(res.div(y2.mul(3f)));
        FloatVector r = SimdArcTrig.copySign(root.mul(SimdExpFloat.twoPow(q.sub(CBRT_BIAS / 3))), x);
        // ±0, ±Inf and NaN are their own cube roots
        return r.blend(x, ax.compare(EQ, 0).or(ax.compare(EQ, Float.POSITIVE_INFINITY)).or(x.test(IS_NAN)));
    }
}
