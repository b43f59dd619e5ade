package dev.flynn.gpu.ptx;

import static dev.flynn.gpu.ptx.PtxType.B64;
import static dev.flynn.gpu.ptx.PtxType.F64;
import static dev.flynn.gpu.ptx.PtxType.PRED;
import static dev.flynn.gpu.ptx.PtxType.S32;
import static dev.flynn.gpu.ptx.PtxType.S64;
import static dev.flynn.gpu.ptx.PtxType.U32;
import static dev.flynn.gpu.ptx.PtxType.U64;

/**
 * exp, expm1, log, log1p, log10, pow, cbrt, sinh, cosh and tanh: the exponential reduced by k ln 2
 * with a double-double remainder, the logarithm kept as a double-double, so pow and cbrt lose nothing
 * between the two; the hyperbolic functions are built on exp and expm1.
 */
final class PtxExpLog extends PtxMathOps {
    /** exp(r) = 1 + r + r^2 (1/2! + r/3! + ... + r^11/13!) for |r| <= ln2/2. */
    static final double[] EXP_POLY = PtxConstants.factorialSeries(2, 1, 12, false);
    /** expm1(x) = x + x^2 (1/2! + ... + x^12/14!) for |x| < EXPM1_SMALL. */
    static final double[] EXPM1_POLY = PtxConstants.factorialSeries(2, 1, 13, false);
    static final double EXPM1_SMALL = 0.3465;
    /** 2 atanh(s) tail: s^3 (2/3 + 2/5 s^2 + ...), |s| <= 0.1716. */
    static final double[] LOG_POLY = PtxConstants.atanhSeries(12);
    static final double INV_LN2 = 1.4426950408889634;
    static final double EXP_OVERFLOW = 709.782712893384;
    static final double EXP_UNDERFLOW = -745.1332191019412;

    PtxExpLog(PtxWriter w) {
        super(w);
    }

    // ---- exp ----------------------------------------------------------------------------------

    /** The reduced exponential: e^(xh + xl) = 2^k (yh + yl); xh finite in the non-overflow range. */
    private record Reduced(PtxReg k, PtxReg yh, PtxReg yl) {
    }

    private Reduced expReduced(PtxReg xh, Object xl) {
        PtxReg kf = w.cvt(PtxOp.CVT_RNI, F64, F64, mul(xh, c(INV_LN2)));
        PtxReg k = w.cvt(PtxOp.CVT_RZI, S32, F64, kf);
        PtxReg nk = neg(kf);
        // k * LN2_HI is exact and xh - k*LN2_HI cancels exactly (Sterbenz)
        PtxReg hi = fma(nk, c(PtxConstants.LN2_HI), xh);
        PtxReg lo = fma(nk, c(PtxConstants.LN2_LO), xl);
        PtxReg r = add(hi, lo);
        PtxReg rr = add(sub(hi, r), lo);
        PtxReg p = horner(r, EXP_POLY);
        PtxReg s = fma(mul(r, r), p, rr);
        PtxReg t = add(r, s);
        PtxReg tErr = add(sub(r, t), s);
        PtxReg yh = add(c(1.0), t);
        PtxReg yl = add(add(sub(c(1.0), yh), t), tErr);
        return new Reduced(k, yh, yl);
    }

    /** r = e^(xh + xl) with the special cases of Math.exp. */
    private void expInto(PtxReg xh, Object xl, PtxReg r, String done) {
        returnIf(w.setp(PtxCmp.NAN, F64, xh, xh), r, xh, done);
        returnIf(w.setp(PtxCmp.GT, F64, xh, c(EXP_OVERFLOW)), r, c(Double.POSITIVE_INFINITY), done);
        returnIf(w.setp(PtxCmp.LT, F64, xh, c(EXP_UNDERFLOW)), r, c(0.0), done);
        Reduced e = expReduced(xh, xl);
        w.move(r, scale(add(e.yh, e.yl), e.k));
    }

    void exp(PtxReg x, PtxReg r, String done) {
        expInto(x, c(0.0), r, done);
    }

    void expm1(PtxReg x, PtxReg r, String done) {
        returnIf(w.setp(PtxCmp.EQU, F64, x, c(0.0)), r, x, done);
        returnIf(w.setp(PtxCmp.GT, F64, x, c(EXP_OVERFLOW)), r, c(Double.POSITIVE_INFINITY), done);
        returnIf(w.setp(PtxCmp.LT, F64, x, c(-40.0)), r, c(-1.0), done);
        String large = w.label("large");
        w.braIf(w.setp(PtxCmp.GE, F64, abs(x), c(EXPM1_SMALL)), large);
        PtxReg p = horner(x, EXPM1_POLY);
        w.move(r, fma(mul(x, x), p, x));
        w.bra(done);
        w.place(large);
        Reduced e = expReduced(x, c(0.0));
        // 2^k yh - 1 is summed exactly (two-sum), then 2^k yl is added
        PtxReg a = scale(e.yh, e.k);
        PtxReg s = add(a, c(-1.0));
        PtxReg bv = sub(s, a);
        PtxReg err = add(sub(a, sub(s, bv)), sub(c(-1.0), bv));
        w.move(r, add(s, add(err, scale(e.yl, e.k))));
    }

    // ---- log ----------------------------------------------------------------------------------

    /** log(x) as a double-double, for finite x > 0 (subnormals included). */
    private DD logDD(PtxReg x) {
        PtxReg sub = w.setp(PtxCmp.LT, F64, x, c(0x1p-1022));
        PtxReg xs = w.selp(F64, mul(x, c(0x1p54)), x, sub);
        PtxReg adj = w.selp(S32, -54, 0, sub);
        PtxReg b = bits(xs);
        PtxReg eb = w.cvt(PtxOp.CVT, U32, U64, w.op(PtxOp.SHR, U64, b, 52));
        PtxReg e0 = w.op(PtxOp.ADD, S32, w.op(PtxOp.SUB, S32, eb, 1023), adj);
        PtxReg mb = w.op(PtxOp.OR, B64, w.op(PtxOp.AND, B64, b, "0x000FFFFFFFFFFFFF"), "0x3FF0000000000000");
        PtxReg m0 = fromBits(mb);
        PtxReg big = w.setp(PtxCmp.GT, F64, m0, c(Math.sqrt(2.0)));
        PtxReg m = w.selp(F64, mul(m0, c(0.5)), m0, big);
        PtxReg e = w.op(PtxOp.ADD, S32, e0, w.selp(S32, 1, 0, big));
        PtxReg f = sub(m, c(1.0));
        PtxReg d = add(c(2.0), f);
        PtxReg dl = sub(f, sub(d, c(2.0)));
        PtxReg s = div(f, d);
        PtxReg rem = fma(neg(s), d, f);
        rem = fma(neg(s), dl, rem);
        PtxReg sl = div(rem, d);
        PtxReg z = mul(s, s);
        PtxReg tail = mul(mul(s, z), horner(z, LOG_POLY));
        PtxReg h1 = add(s, s);
        PtxReg l1 = fma(sl, c(2.0), tail);
        PtxReg ef = w.cvt(PtxOp.CVT_RN, F64, S32, e);
        PtxReg eh = mul(ef, c(PtxConstants.LN2_HI));
        PtxReg el = mul(ef, c(PtxConstants.LN2_LO));
        // two-sum of eh + h1 (either may be larger)
        PtxReg h = add(eh, h1);
        PtxReg bv = sub(h, eh);
        PtxReg err = add(sub(eh, sub(h, bv)), sub(h1, bv));
        PtxReg lo = add(add(err, l1), el);
        PtxReg hi = add(h, lo);
        PtxReg lo2 = sub(lo, sub(hi, h));
        return new DD(hi, lo2);
    }

    /** Special cases of log, log10: NaN and negative -> NaN, 0 -> -inf, +inf -> +inf. */
    private void logSpecials(PtxReg x, PtxReg r, String done) {
        returnIf(w.setp(PtxCmp.NAN, F64, x, x), r, x, done);
        returnIf(w.setp(PtxCmp.LT, F64, x, c(0.0)), r, c(Double.NaN), done);
        returnIf(w.setp(PtxCmp.EQ, F64, x, c(0.0)), r, c(Double.NEGATIVE_INFINITY), done);
        returnIf(w.setp(PtxCmp.EQ, F64, x, c(Double.POSITIVE_INFINITY)), r, x, done);
    }

    void log(PtxReg x, PtxReg r, String done) {
        logSpecials(x, r, done);
        w.move(r, logDD(x).hi());
    }

    void log10(PtxReg x, PtxReg r, String done) {
        logSpecials(x, r, done);
        DD l = logDD(x);
        PtxReg ph = mul(l.hi(), c(PtxConstants.INV_LN10_HI));
        PtxReg pl = fma(l.hi(), c(PtxConstants.INV_LN10_HI), neg(ph));
        pl = fma(l.hi(), c(PtxConstants.INV_LN10_LO), pl);
        pl = fma(l.lo(), c(PtxConstants.INV_LN10_HI), pl);
        w.move(r, add(ph, pl));
    }

    void log1p(PtxReg x, PtxReg r, String done) {
        returnIf(w.setp(PtxCmp.NAN, F64, x, x), r, x, done);
        returnIf(w.setp(PtxCmp.LT, F64, abs(x), c(0x1p-54)), r, x, done);
        returnIf(w.setp(PtxCmp.LT, F64, x, c(-1.0)), r, c(Double.NaN), done);
        returnIf(w.setp(PtxCmp.EQ, F64, x, c(-1.0)), r, c(Double.NEGATIVE_INFINITY), done);
        returnIf(w.setp(PtxCmp.EQ, F64, x, c(Double.POSITIVE_INFINITY)), r, x, done);
        // u = 1 + x rounded, and its exact rounding error e: log1p(x) = log(u) + e/u to first order
        PtxReg u = add(c(1.0), x);
        PtxReg bv = sub(u, c(1.0));
        PtxReg e = add(sub(c(1.0), sub(u, bv)), sub(x, bv));
        DD l = logDD(u);
        w.move(r, add(l.hi(), add(l.lo(), div(e, u))));
    }

    // ---- pow, cbrt -----------------------------------------------------------------------------

    void pow(PtxReg x, PtxReg y, PtxReg r, String done) {
        returnIf(w.setp(PtxCmp.EQ, F64, y, c(0.0)), r, c(1.0), done);
        PtxReg nan = w.setp(PtxCmp.NAN, F64, x, y);
        returnIf(nan, r, add(x, y), done);
        returnIf(w.setp(PtxCmp.EQ, F64, y, c(1.0)), r, x, done);
        PtxReg ax = abs(x);
        PtxReg ay = abs(y);
        // y an odd integer: y integral and y/2 not (y/2 is exact)
        PtxReg yint = w.setp(PtxCmp.EQ, F64, w.cvt(PtxOp.CVT_RZI, F64, F64, y), y);
        PtxReg half = mul(y, c(0.5));
        PtxReg halfInt = w.setp(PtxCmp.EQ, F64, w.cvt(PtxOp.CVT_RZI, F64, F64, half), half);
        PtxReg odd = w.op(PtxOp.AND, PRED, yint, notPred(halfInt));
        PtxReg xneg = w.setp(PtxCmp.LT, S64, bits(x), 0);
        PtxReg negResult = w.op(PtxOp.AND, PRED, xneg, odd);
        // y = +-inf
        String finiteY = w.label("finite_y");
        w.braIf(w.setp(PtxCmp.NE, F64, ay, c(Double.POSITIVE_INFINITY)), finiteY);
        returnIf(w.setp(PtxCmp.EQ, F64, ax, c(1.0)), r, c(Double.NaN), done);
        PtxReg grows = w.op(PtxOp.XOR, PRED, w.setp(PtxCmp.GT, F64, ax, c(1.0)), w.setp(PtxCmp.LT, F64, y, c(0.0)));
        w.move(r, w.selp(F64, c(Double.POSITIVE_INFINITY), c(0.0), grows));
        w.bra(done);
        w.place(finiteY);
        // x = +-0 or +-inf
        String general = w.label("general");
        PtxReg zeroOrInf = w.op(PtxOp.OR, PRED, w.setp(PtxCmp.EQ, F64, ax, c(0.0)),
                w.setp(PtxCmp.EQ, F64, ax, c(Double.POSITIVE_INFINITY)));
        w.braIfNot(zeroOrInf, general);
        PtxReg big = w.op(PtxOp.XOR, PRED, w.setp(PtxCmp.EQ, F64, ax, c(0.0)), w.setp(PtxCmp.GT, F64, y, c(0.0)));
        PtxReg mag = w.selp(F64, c(Double.POSITIVE_INFINITY), c(0.0), big);
        w.move(r, w.selp(F64, neg(mag), mag, negResult));
        w.bra(done);
        w.place(general);
        returnIf(w.op(PtxOp.AND, PRED, xneg, notPred(yint)), r, c(Double.NaN), done);
        DD l = logDD(ax);
        PtxReg ph = mul(y, l.hi());
        PtxReg pl = fma(y, l.lo(), fma(y, l.hi(), neg(ph)));
        PtxReg m = w.reg(F64);
        String joined = w.label("joined");
        expInto(ph, pl, m, joined);
        w.place(joined);
        w.move(r, w.selp(F64, neg(m), m, negResult));
    }

    void cbrt(PtxReg x, PtxReg r, String done) {
        PtxReg ax = abs(x);
        PtxReg special = w.op(PtxOp.OR, PRED, w.setp(PtxCmp.EQU, F64, ax, c(0.0)),
                w.setp(PtxCmp.EQ, F64, ax, c(Double.POSITIVE_INFINITY)));
        returnIf(special, r, x, done);
        DD l = logDD(ax);
        PtxReg th = div(l.hi(), c(3.0));
        PtxReg tl = div(add(fma(neg(th), c(3.0), l.hi()), l.lo()), c(3.0));
        PtxReg m = w.reg(F64);
        String joined = w.label("joined");
        expInto(th, tl, m, joined);
        w.place(joined);
        w.move(r, copysign(x, m));
    }

    // ---- hyperbolic -----------------------------------------------------------------------------

    private PtxReg callExpm1(PtxReg x) {
        PtxReg r = w.reg(F64);
        String joined = w.label("expm1_done");
        expm1(x, r, joined);
        w.place(joined);
        return r;
    }

    private PtxReg callExp(PtxReg x) {
        PtxReg r = w.reg(F64);
        String joined = w.label("exp_done");
        exp(x, r, joined);
        w.place(joined);
        return r;
    }

    void sinh(PtxReg x, PtxReg r, String done) {
        PtxReg ax = abs(x);
        returnIf(w.setp(PtxCmp.NAN, F64, x, x), r, x, done);
        returnIf(w.setp(PtxCmp.LT, F64, ax, c(0x1p-28)), r, x, done);
        String mid = w.label("mid");
        String huge = w.label("huge");
        w.braIf(w.setp(PtxCmp.GE, F64, ax, c(22.0)), mid);
        PtxReg t = callExpm1(ax);
        PtxReg tt = div(t, add(t, c(1.0)));
        PtxReg lt1 = w.setp(PtxCmp.LT, F64, ax, c(1.0));
        PtxReg small = sub(add(t, t), mul(t, tt));
        PtxReg large = add(t, tt);
        w.move(r, copysign(x, mul(c(0.5), w.selp(F64, small, large, lt1))));
        w.bra(done);
        w.place(mid);
        w.braIf(w.setp(PtxCmp.GE, F64, ax, c(709.0)), huge);
        w.move(r, copysign(x, mul(c(0.5), callExp(ax))));
        w.bra(done);
        w.place(huge);
        // e^|x| / 2 as (e^(|x|/2) / 2) e^(|x|/2): no premature overflow
        PtxReg hw = callExp(mul(ax, c(0.5)));
        w.move(r, copysign(x, mul(mul(hw, c(0.5)), hw)));
    }

    void cosh(PtxReg x, PtxReg r, String done) {
        PtxReg ax = abs(x);
        returnIf(w.setp(PtxCmp.NAN, F64, x, x), r, ax, done);
        String mid = w.label("mid");
        String big = w.label("big");
        String huge = w.label("huge");
        w.braIf(w.setp(PtxCmp.GE, F64, ax, c(0.5 * Math.log(2))), mid);
        PtxReg t = callExpm1(ax);
        PtxReg wv = add(c(1.0), t);
        w.move(r, add(c(1.0), div(mul(t, t), add(wv, wv))));
        w.bra(done);
        w.place(mid);
        w.braIf(w.setp(PtxCmp.GE, F64, ax, c(22.0)), big);
        PtxReg e = callExp(ax);
        w.move(r, add(mul(c(0.5), e), div(c(0.5), e)));
        w.bra(done);
        w.place(big);
        w.braIf(w.setp(PtxCmp.GE, F64, ax, c(709.0)), huge);
        w.move(r, mul(c(0.5), callExp(ax)));
        w.bra(done);
        w.place(huge);
        PtxReg hw = callExp(mul(ax, c(0.5)));
        w.move(r, mul(mul(hw, c(0.5)), hw));
    }

    void tanh(PtxReg x, PtxReg r, String done) {
        PtxReg ax = abs(x);
        returnIf(w.setp(PtxCmp.NAN, F64, x, x), r, x, done);
        returnIf(w.setp(PtxCmp.LT, F64, ax, c(0x1p-55)), r, x, done);
        returnIf(w.setp(PtxCmp.GE, F64, ax, c(22.0)), r, copysign(x, w.mov(F64, c(1.0))), done);
        String small = w.label("small");
        w.braIf(w.setp(PtxCmp.LT, F64, ax, c(1.0)), small);
        PtxReg t = callExpm1(add(ax, ax));
        w.move(r, copysign(x, sub(c(1.0), div(c(2.0), add(t, c(2.0))))));
        w.bra(done);
        w.place(small);
        PtxReg u = callExpm1(mul(ax, c(-2.0)));
        w.move(r, copysign(x, div(neg(u), add(u, c(2.0)))));
    }
}
