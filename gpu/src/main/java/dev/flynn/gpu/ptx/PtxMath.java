package dev.flynn.gpu.ptx;

import java.util.Locale;

import static dev.flynn.gpu.ptx.PtxType.B64;
import static dev.flynn.gpu.ptx.PtxType.F64;
import static dev.flynn.gpu.ptx.PtxType.PRED;
import static dev.flynn.gpu.ptx.PtxType.S32;
import static dev.flynn.gpu.ptx.PtxType.S64;
import static dev.flynn.gpu.ptx.PtxType.U32;
import static dev.flynn.gpu.ptx.PtxType.U64;
import static dev.flynn.gpu.ptx.PtxWriter.f64;

/**
 * The accurate math library of the GPU backend: each function a PTX {@code .func} over f64, written
 * once as a sequence of {@code .rn} operations and fmas (F32 kernels widen, call it, and round once,
 * which is how Java defines the F32 ops). Exponentials and logarithms carry double-double
 * intermediates; sin, cos and tan reduce their argument exactly in fixed point with the bits of
 * 2/pi (Payne-Hanek), so no argument loses accuracy. {@code PtxMathModel} in the tests runs the same
 * operation sequence in Java to measure the ulp bounds documented in docs/GPU.md.
 */
final class PtxMath {
    /** exp(r) = 1 + r + r^2 (1/2! + r/3! + ... + r^11/13!) for |r| <= ln2/2. */
    static final double[] EXP_POLY = PtxConstants.factorialSeries(2, 1, 12, false);
    /** expm1(x) = x + x^2 (1/2! + ... + x^12/14!) for |x| < EXPM1_SMALL. */
    static final double[] EXPM1_POLY = PtxConstants.factorialSeries(2, 1, 13, false);
    static final double EXPM1_SMALL = 0.3465;
    /** 2 atanh(s) tail: s^3 (2/3 + 2/5 s^2 + ...), |s| <= 0.1716. */
    static final double[] LOG_POLY = PtxConstants.atanhSeries(12);
    /** sin(r) = r + r^3 (-1/3! + r^2/5! - ... ), |r| <= pi/4. */
    static final double[] SIN_POLY = negated(PtxConstants.factorialSeries(3, 2, 9, true));
    /** cos(r) = 1 - r^2/2 + r^4 (1/4! - r^2/6! + ...), |r| <= pi/4. */
    static final double[] COS_POLY = PtxConstants.factorialSeries(4, 2, 9, true);
    /** atan(u) = u + u^3 (-1/3 + u^2/5 - ...), |u| <= 1/16. */
    static final double[] ATAN_POLY = PtxConstants.atanSeries(8);
    static final double INV_LN2 = 1.4426950408889634;

    private static double[] negated(double[] c) {
        double[] out = c.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = -out[i];
        }
        return out;
    }

    static final double EXP_OVERFLOW = 709.782712893384;
    static final double EXP_UNDERFLOW = -745.1332191019412;
    static final String TWO_OVER_PI_TABLE = "flynn_two_over_pi";
    static final String ATAN_TABLE = "flynn_atan_table";

    /** The library functions, each one {@code .func} named {@code flynn_<name>} taking and returning f64. */
    enum Fn {
        EXP(1), EXPM1(1), LOG(1), LOG1P(1), LOG10(1), SIN(1), COS(1), TAN(1), ASIN(1), ACOS(1), ATAN(1),
        SINH(1), COSH(1), TANH(1), CBRT(1), ATAN2(2), POW(2), HYPOT(2), FMOD(2);

        final int arity;

        Fn(int arity) {
            this.arity = arity;
        }

        String symbol() {
            return "flynn_" + name().toLowerCase(Locale.ROOT);
        }

        boolean usesTwoOverPi() {
            return this == SIN || this == COS || this == TAN;
        }

        boolean usesAtanTable() {
            return this == ATAN || this == ATAN2 || this == ASIN || this == ACOS;
        }
    }

    private final PtxWriter w;

    private PtxMath(PtxWriter w) {
        this.w = w;
    }

    /** The module-scope constant tables a set of functions needs. */
    static String tables(boolean twoOverPi, boolean atan) {
        StringBuilder sb = new StringBuilder();
        if (twoOverPi) {
            sb.append(".const .align 8 .b64 ").append(TWO_OVER_PI_TABLE).append('[')
                    .append(PtxConstants.TWO_OVER_PI.length + 3).append("] = {");
            for (int i = 0; i < PtxConstants.TWO_OVER_PI.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "0x%016X", PtxConstants.TWO_OVER_PI[i]));
            }
            // the window read may run three words past the last one for the largest doubles
            sb.append(", 0, 0, 0};\n");
        }
        if (atan) {
            sb.append(".const .align 8 .f64 ").append(ATAN_TABLE).append("[18] = {");
            for (int k = 0; k <= 8; k++) {
                sb.append(k == 0 ? "" : ", ").append(f64(PtxConstants.ATAN_HI[k])).append(", ")
                        .append(f64(PtxConstants.ATAN_LO[k]));
            }
            sb.append("};\n");
        }
        return sb.toString();
    }

    /** The complete {@code .func} definition of {@code fn}. */
    static String function(Fn fn) {
        PtxWriter w = new PtxWriter();
        PtxMath m = new PtxMath(w);
        PtxReg x = w.load(PtxOp.LD_PARAM, F64, "x", 0);
        PtxReg y = fn.arity == 2 ? w.load(PtxOp.LD_PARAM, F64, "y", 0) : null;
        PtxReg r = w.reg(F64);
        String done = w.label("done");
        switch (fn) {
            case EXP -> m.exp(x, r, done);
            case EXPM1 -> m.expm1(x, r, done);
            case LOG -> m.log(x, r, done);
            case LOG1P -> m.log1p(x, r, done);
            case LOG10 -> m.log10(x, r, done);
            case SIN, COS, TAN -> m.trig(fn, x, r, done);
            case ATAN -> m.atan(x, r);
            case ASIN -> m.asin(x, r);
            case ACOS -> m.acos(x, r);
            case ATAN2 -> m.atan2(x, y, r);
            case SINH -> m.sinh(x, r, done);
            case COSH -> m.cosh(x, r, done);
            case TANH -> m.tanh(x, r, done);
            case CBRT -> m.cbrt(x, r, done);
            case POW -> m.pow(x, y, r, done);
            case HYPOT -> m.hypot(x, y, r, done);
            case FMOD -> m.fmod(x, y, r, done);
        }
        w.place(done);
        w.store(PtxOp.ST_PARAM, F64, "r", 0, r);
        w.ret();
        String params = fn.arity == 2 ? "(.param .f64 x, .param .f64 y)" : "(.param .f64 x)";
        return "// " + fn.name().toLowerCase(Locale.ROOT) + ": accurate f64 (see docs/GPU.md for its ulp bound)\n"
                + ".func (.param .f64 r) " + fn.symbol() + params + "\n" + w.finish();
    }

    // ---- small helpers: every floating op is .rn ------------------------------------------------

    private PtxReg add(Object a, Object b) {
        return w.op(PtxOp.ADD_RN, F64, a, b);
    }

    private PtxReg sub(Object a, Object b) {
        return w.op(PtxOp.SUB_RN, F64, a, b);
    }

    private PtxReg mul(Object a, Object b) {
        return w.op(PtxOp.MUL_RN, F64, a, b);
    }

    private PtxReg div(Object a, Object b) {
        return w.op(PtxOp.DIV_RN, F64, a, b);
    }

    private PtxReg fma(Object a, Object b, Object c) {
        return w.op(PtxOp.FMA_RN, F64, a, b, c);
    }

    private PtxReg neg(Object a) {
        return w.op(PtxOp.NEG, F64, a);
    }

    private PtxReg abs(Object a) {
        return w.op(PtxOp.ABS, F64, a);
    }

    private PtxReg sqrt(Object a) {
        return w.op(PtxOp.SQRT_RN, F64, a);
    }

    private PtxReg bits(PtxReg a) {
        return w.op(PtxOp.MOV, B64, a);
    }

    private PtxReg fromBits(PtxReg a) {
        return w.op(PtxOp.MOV, F64, a);
    }

    /** Copies the sign of {@code signOf} onto {@code value}. */
    private PtxReg copysign(PtxReg signOf, PtxReg value) {
        return w.op(PtxOp.COPYSIGN, F64, signOf, value);
    }

    private static String c(double v) {
        return f64(v);
    }

    /** Horner: c[0] + x (c[1] + x (c[2] + ...)), with fmas. */
    private PtxReg horner(PtxReg x, double[] coeffs) {
        PtxReg p = w.mov(F64, c(coeffs[coeffs.length - 1]));
        for (int i = coeffs.length - 2; i >= 0; i--) {
            p = fma(p, x, c(coeffs[i]));
        }
        return p;
    }

    /** Sets r = value and jumps to done when p holds. */
    private void returnIf(PtxReg p, PtxReg r, Object value, String done) {
        String skip = w.label("skip");
        w.braIfNot(p, skip);
        w.move(r, value);
        w.bra(done);
        w.place(skip);
    }

    /** 2^k as a double, for k in [-1022, 1023]. */
    private PtxReg pow2(PtxReg k) {
        PtxReg e = w.op(PtxOp.ADD, S32, k, 1023);
        PtxReg e64 = w.cvt(PtxOp.CVT, U64, U32, e);
        return fromBits(w.op(PtxOp.SHL, B64, e64, 52));
    }

    /** v * 2^k in two exact steps, so that results near overflow and in the subnormal range round once. */
    private PtxReg scale(PtxReg v, PtxReg k) {
        PtxReg k1 = w.op(PtxOp.SHR, S32, k, 1);
        PtxReg k2 = w.op(PtxOp.SUB, S32, k, k1);
        return mul(mul(v, pow2(k1)), pow2(k2));
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

    private void exp(PtxReg x, PtxReg r, String done) {
        expInto(x, c(0.0), r, done);
    }

    private void expm1(PtxReg x, PtxReg r, String done) {
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

    private record DD(PtxReg hi, PtxReg lo) {
    }

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

    private void log(PtxReg x, PtxReg r, String done) {
        logSpecials(x, r, done);
        w.move(r, logDD(x).hi);
    }

    private void log10(PtxReg x, PtxReg r, String done) {
        logSpecials(x, r, done);
        DD l = logDD(x);
        PtxReg ph = mul(l.hi, c(PtxConstants.INV_LN10_HI));
        PtxReg pl = fma(l.hi, c(PtxConstants.INV_LN10_HI), neg(ph));
        pl = fma(l.hi, c(PtxConstants.INV_LN10_LO), pl);
        pl = fma(l.lo, c(PtxConstants.INV_LN10_HI), pl);
        w.move(r, add(ph, pl));
    }

    private void log1p(PtxReg x, PtxReg r, String done) {
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
        w.move(r, add(l.hi, add(l.lo, div(e, u))));
    }

    // ---- pow, cbrt, hypot ---------------------------------------------------------------------

    private void pow(PtxReg x, PtxReg y, PtxReg r, String done) {
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
        PtxReg ph = mul(y, l.hi);
        PtxReg pl = fma(y, l.lo, fma(y, l.hi, neg(ph)));
        PtxReg m = w.reg(F64);
        String joined = w.label("joined");
        expInto(ph, pl, m, joined);
        w.place(joined);
        w.move(r, w.selp(F64, neg(m), m, negResult));
    }

    private PtxReg notPred(PtxReg p) {
        return w.op(PtxOp.NOT, PRED, p);
    }

    private void cbrt(PtxReg x, PtxReg r, String done) {
        PtxReg ax = abs(x);
        PtxReg special = w.op(PtxOp.OR, PRED, w.setp(PtxCmp.EQU, F64, ax, c(0.0)),
                w.setp(PtxCmp.EQ, F64, ax, c(Double.POSITIVE_INFINITY)));
        returnIf(special, r, x, done);
        DD l = logDD(ax);
        PtxReg th = div(l.hi, c(3.0));
        PtxReg tl = div(add(fma(neg(th), c(3.0), l.hi), l.lo), c(3.0));
        PtxReg m = w.reg(F64);
        String joined = w.label("joined");
        expInto(th, tl, m, joined);
        w.place(joined);
        w.move(r, copysign(x, m));
    }

    private void hypot(PtxReg x, PtxReg y, PtxReg r, String done) {
        PtxReg ax = abs(x);
        PtxReg ay = abs(y);
        PtxReg inf = w.op(PtxOp.OR, PRED, w.setp(PtxCmp.EQ, F64, ax, c(Double.POSITIVE_INFINITY)),
                w.setp(PtxCmp.EQ, F64, ay, c(Double.POSITIVE_INFINITY)));
        returnIf(inf, r, c(Double.POSITIVE_INFINITY), done);
        returnIf(w.setp(PtxCmp.NAN, F64, x, y), r, c(Double.NaN), done);
        PtxReg a = w.op(PtxOp.MAX, F64, ax, ay);
        PtxReg b = w.op(PtxOp.MIN, F64, ax, ay);
        returnIf(w.setp(PtxCmp.EQ, F64, a, c(0.0)), r, c(0.0), done);
        // scale a to [1, 2): its biased exponent, 1023 for subnormals' sake taken from a * 2^54
        PtxReg tiny = w.setp(PtxCmp.LT, F64, a, c(0x1p-1000));
        PtxReg pre = w.selp(F64, c(0x1p54), c(1.0), tiny);
        PtxReg a1 = mul(a, pre);
        PtxReg b1 = mul(b, pre);
        PtxReg eb = w.cvt(PtxOp.CVT, U32, U64, w.op(PtxOp.SHR, U64, bits(a1), 52));
        PtxReg k = w.op(PtxOp.SUB, S32, eb, 1023);
        PtxReg nk = w.op(PtxOp.NEG, S32, k);
        PtxReg as = scale(a1, nk);
        PtxReg bs = scale(b1, nk);
        PtxReg sh = mul(as, as);
        PtxReg sl = fma(as, as, neg(sh));
        PtxReg th = mul(bs, bs);
        PtxReg tl = fma(bs, bs, neg(th));
        PtxReg s = add(sh, th);
        PtxReg sErr = add(sub(sh, s), th);
        PtxReg lo = add(add(sErr, sl), tl);
        PtxReg q = sqrt(s);
        PtxReg res = add(fma(neg(q), q, s), lo);
        PtxReg h = add(q, div(res, add(q, q)));
        PtxReg back = w.op(PtxOp.SUB, S32, k, w.selp(S32, 54, 0, tiny));
        w.move(r, scale(h, back));
    }

    // ---- fmod (Java's % on floating-point values) ----------------------------------------------

    /** Exact remainder by shift-and-subtract on the significands (the result is always representable). */
    private void fmod(PtxReg x, PtxReg y, PtxReg r, String done) {
        PtxReg ux = bits(x);
        PtxReg uy = bits(y);
        PtxReg ex = w.cvt(PtxOp.CVT, S32, U64, w.op(PtxOp.AND, B64, w.op(PtxOp.SHR, U64, ux, 52), 0x7FF));
        PtxReg ey = w.cvt(PtxOp.CVT, S32, U64, w.op(PtxOp.AND, B64, w.op(PtxOp.SHR, U64, uy, 52), 0x7FF));
        PtxReg sx = w.op(PtxOp.AND, B64, ux, "0x8000000000000000");
        PtxReg ax2 = w.op(PtxOp.SHL, B64, ux, 1);
        PtxReg ay2 = w.op(PtxOp.SHL, B64, uy, 1);
        PtxReg bad = w.op(PtxOp.OR, PRED, w.setp(PtxCmp.EQ, U64, ay2, 0), w.setp(PtxCmp.NAN, F64, y, y));
        bad = w.op(PtxOp.OR, PRED, bad, w.setp(PtxCmp.EQ, S32, ex, 0x7FF));
        returnIf(bad, r, c(Double.NaN), done);
        PtxReg zero = mul(x, c(0.0));
        returnIf(w.setp(PtxCmp.LT, U64, ax2, ay2), r, x, done);
        returnIf(w.setp(PtxCmp.EQ, U64, ax2, ay2), r, zero, done);
        PtxReg mx = normalize(ux, ex);
        PtxReg my = normalize(uy, ey);
        // ex, ey were rewritten for subnormals by normalize
        String loop = w.label("fmod_loop");
        String last = w.label("fmod_last");
        w.place(loop);
        w.braIfNot(w.setp(PtxCmp.GT, S32, ex, ey), last);
        PtxReg i = w.op(PtxOp.SUB, S64, mx, my);
        PtxReg nonNeg = w.setp(PtxCmp.GE, S64, i, 0);
        returnIf(w.setp(PtxCmp.EQ, S64, i, 0), r, zero, done);
        w.guarded(nonNeg, () -> w.move(mx, i));
        w.opInto(mx, PtxOp.SHL, B64, mx, 1);
        w.opInto(ex, PtxOp.SUB, S32, ex, 1);
        w.bra(loop);
        w.place(last);
        PtxReg i2 = w.op(PtxOp.SUB, S64, mx, my);
        returnIf(w.setp(PtxCmp.EQ, S64, i2, 0), r, zero, done);
        w.guarded(w.setp(PtxCmp.GE, S64, i2, 0), () -> w.move(mx, i2));
        // renormalize: the leading one back to bit 52
        PtxReg sh = w.op(PtxOp.SUB, S32, w.clz(mx), 11);
        w.opInto(mx, PtxOp.SHL, B64, mx, sh);
        w.opInto(ex, PtxOp.SUB, S32, ex, sh);
        String subnormal = w.label("fmod_sub");
        String pack = w.label("fmod_pack");
        w.braIf(w.setp(PtxCmp.LE, S32, ex, 0), subnormal);
        PtxReg e64 = w.cvt(PtxOp.CVT, U64, U32, ex);
        w.opInto(mx, PtxOp.AND, B64, mx, "0x000FFFFFFFFFFFFF");
        w.opInto(mx, PtxOp.OR, B64, mx, w.op(PtxOp.SHL, B64, e64, 52));
        w.bra(pack);
        w.place(subnormal);
        w.opInto(mx, PtxOp.SHR, U64, mx, w.op(PtxOp.SUB, S32, 1, ex));
        w.place(pack);
        w.move(r, fromBits(w.op(PtxOp.OR, B64, mx, sx)));
    }

    /** The significand with its leading one at bit 52; rewrites {@code e} for a subnormal (e == 0). */
    private PtxReg normalize(PtxReg u, PtxReg e) {
        PtxReg m = w.reg(B64);
        String normal = w.label("normal");
        String joined = w.label("normalized");
        w.braIfNot(w.setp(PtxCmp.EQ, S32, e, 0), normal);
        PtxReg lz = w.clz(w.op(PtxOp.SHL, B64, u, 12));
        w.opInto(e, PtxOp.NEG, S32, lz);
        w.opInto(m, PtxOp.SHL, B64, u, w.op(PtxOp.ADD, S32, lz, 1));
        w.bra(joined);
        w.place(normal);
        w.opInto(m, PtxOp.OR, B64, w.op(PtxOp.AND, B64, u, "0x000FFFFFFFFFFFFF"), "0x0010000000000000");
        w.place(joined);
        return m;
    }

    // ---- sin, cos, tan --------------------------------------------------------------------------

    private void trig(Fn fn, PtxReg x, PtxReg r, String done) {
        PtxReg xx = sub(x, x);
        returnIf(w.setp(PtxCmp.NAN, F64, xx, xx), r, xx, done);
        PtxReg ax = abs(x);
        String notTiny = w.label("not_tiny");
        w.braIf(w.setp(PtxCmp.GE, F64, ax, c(0x1p-27)), notTiny);
        w.move(r, fn == Fn.COS ? c(1.0) : x);
        w.bra(done);
        w.place(notTiny);
        // x = q pi/2 + (rh + rl), |rh + rl| <= pi/4
        PtxReg q = w.reg(S32);
        PtxReg rh = w.reg(F64);
        PtxReg rl = w.reg(F64);
        String reduced = w.label("reduced");
        String large = w.label("large");
        w.braIf(w.setp(PtxCmp.GT, F64, ax, c(Math.PI / 4)), large);
        w.move(q, 0);
        w.move(rh, x);
        w.move(rl, c(0.0));
        w.bra(reduced);
        w.place(large);
        payneHanek(x, q, rh, rl);
        w.place(reduced);
        PtxReg z = mul(rh, rh);
        // sin(rh + rl) = rh + rh z P(z) + rl (1 - z/2)
        PtxReg sinTail = fma(mul(rh, z), horner(z, SIN_POLY), fma(mul(rl, c(-0.5)), z, rl));
        PtxReg s = add(rh, sinTail);
        // cos(rh + rl) = 1 - z/2 + z^2 Q(z) - rh rl, with the rounding of z and of 1 - z/2 recovered
        PtxReg zl = fma(rh, rh, neg(z));
        PtxReg hz = mul(z, c(0.5));
        PtxReg wv = sub(c(1.0), hz);
        PtxReg werr = sub(sub(c(1.0), wv), hz);
        PtxReg cosTail = add(werr, fma(mul(z, z), horner(z, COS_POLY), fma(neg(rh), rl, mul(zl, c(-0.5)))));
        PtxReg co = add(wv, cosTail);
        PtxReg q1 = w.setp(PtxCmp.NE, U32, w.op(PtxOp.AND, PtxType.B32, q, 1), 0);
        PtxReg q2 = w.setp(PtxCmp.NE, U32, w.op(PtxOp.AND, PtxType.B32, q, 2), 0);
        switch (fn) {
            case SIN -> {
                PtxReg v = w.selp(F64, co, s, q1);
                w.move(r, w.selp(F64, neg(v), v, q2));
            }
            case COS -> {
                PtxReg v = w.selp(F64, s, co, q1);
                PtxReg negate = w.op(PtxOp.XOR, PRED, q1, q2);
                w.move(r, w.selp(F64, neg(v), v, negate));
            }
            default -> w.move(r, w.selp(F64, div(neg(co), s), div(s, co), q1));
        }
    }

    /**
     * Exact reduction of |x| >= pi/4 in fixed point: x = M 2^E (M the 53-bit significand); the 192 bits
     * of 2/pi that can reach the fraction of x*2/pi mod 4 are multiplied by M; the product's top two
     * integer bits are the quadrant and its next 128 bits the fraction, turned into rh + rl = f*pi/2.
     */
    private void payneHanek(PtxReg x, PtxReg q, PtxReg rh, PtxReg rl) {
        PtxReg ux = bits(x);
        PtxReg be = w.cvt(PtxOp.CVT, S32, U64, w.op(PtxOp.AND, B64, w.op(PtxOp.SHR, U64, ux, 52), 0x7FF));
        PtxReg mant = w.op(PtxOp.OR, B64, w.op(PtxOp.AND, B64, ux, "0x000FFFFFFFFFFFFF"), "0x0010000000000000");
        // E = be - 1075; window starts at bit j0 = E - 1; in the table padded by one zero word, index j0 + 63
        PtxReg idx = w.op(PtxOp.ADD, S32, be, -1075 - 1 + 63);
        PtxReg word = w.op(PtxOp.SHR, S32, idx, 6);
        PtxReg off = w.op(PtxOp.AND, PtxType.B32, idx, 63);
        PtxReg back = w.op(PtxOp.SUB, S32, 64, off);
        PtxReg base = w.mov(U64, TWO_OVER_PI_TABLE);
        PtxReg addr = w.op(PtxOp.ADD, U64, base, w.mulWide(S32, word, 8));
        PtxReg[] t = new PtxReg[4];
        for (int i = 0; i < 4; i++) {
            t[i] = w.load(PtxOp.LD_CONST, B64, addr, 8 * i);
        }
        PtxReg[] win = new PtxReg[3];
        for (int i = 0; i < 3; i++) {
            // shr by 64 gives 0 in PTX, so off == 0 needs no special case
            win[i] = w.op(PtxOp.OR, B64, w.op(PtxOp.SHL, B64, t[i], off), w.op(PtxOp.SHR, B64, t[i + 1], back));
        }
        // P = mant * (win0:win1:win2), four 64-bit limbs p3:p2:p1:p0
        PtxReg a0 = w.op(PtxOp.MUL_LO, U64, mant, win[2]);
        PtxReg b0 = w.op(PtxOp.MUL_HI, U64, mant, win[2]);
        PtxReg a1 = w.op(PtxOp.MUL_LO, U64, mant, win[1]);
        PtxReg b1 = w.op(PtxOp.MUL_HI, U64, mant, win[1]);
        PtxReg a2 = w.op(PtxOp.MUL_LO, U64, mant, win[0]);
        PtxReg p0 = a0;
        PtxReg p1 = w.op(PtxOp.ADD_CC, U64, b0, a1);
        PtxReg p2 = w.op(PtxOp.ADDC, U64, b1, a2);
        // quadrant: bits 190 and 191 of P, the top two bits of p2
        PtxReg quad = w.cvt(PtxOp.CVT, U32, U64, w.op(PtxOp.SHR, U64, p2, 62));
        PtxReg fh = w.op(PtxOp.OR, B64, w.op(PtxOp.SHL, B64, p2, 2), w.op(PtxOp.SHR, B64, p1, 62));
        PtxReg fl = w.op(PtxOp.OR, B64, w.op(PtxOp.SHL, B64, p1, 2), w.op(PtxOp.SHR, B64, p0, 62));
        // round to the nearest quadrant: a fraction >= 1/2 becomes f - 1 (negated, sign remembered)
        PtxReg upper = w.setp(PtxCmp.LT, S64, fh, 0);
        PtxReg nfl = w.op(PtxOp.NEG, S64, fl);
        PtxReg nfh = w.op(PtxOp.ADD, U64, w.op(PtxOp.NOT, B64, fh), w.selp(U64, 1, 0, w.setp(PtxCmp.EQ, U64, fl, 0)));
        PtxReg gh = w.selp(U64, nfh, fh, upper);
        PtxReg gl = w.selp(U64, nfl, fl, upper);
        PtxReg quad2 = w.op(PtxOp.ADD, U32, quad, w.selp(U32, 1, 0, upper));
        // normalize the 128-bit fraction (gh == 0 cannot happen for a double, but stays finite anyway)
        PtxReg hz = w.setp(PtxCmp.EQ, U64, gh, 0);
        PtxReg hh = w.selp(U64, gl, gh, hz);
        PtxReg hl = w.selp(U64, 0, gl, hz);
        PtxReg extra = w.selp(S32, 64, 0, hz);
        PtxReg lz = w.clz(hh);
        PtxReg nh = w.op(PtxOp.OR, B64, w.op(PtxOp.SHL, B64, hh, lz),
                w.op(PtxOp.SHR, B64, hl, w.op(PtxOp.SUB, S32, 64, lz)));
        PtxReg nl = w.op(PtxOp.SHL, B64, hl, lz);
        PtxReg shift = w.op(PtxOp.ADD, S32, lz, extra);
        PtxReg top = w.cvt(PtxOp.CVT_RN, F64, U64, w.op(PtxOp.SHR, U64, nh, 11));
        PtxReg low11 = w.cvt(PtxOp.CVT_RN, F64, U64, w.op(PtxOp.AND, B64, nh, 0x7FF));
        PtxReg lowRest = w.cvt(PtxOp.CVT_RN, F64, U64, nl);
        PtxReg ns = w.op(PtxOp.NEG, S32, shift);
        PtxReg fhi = mul(top, pow2(w.op(PtxOp.SUB, S32, ns, 53)));
        PtxReg flo = fma(low11, pow2(w.op(PtxOp.SUB, S32, ns, 64)), mul(lowRest, pow2(w.op(PtxOp.SUB, S32, ns, 128))));
        // r = f * pi/2 in double-double
        PtxReg h = mul(fhi, c(PtxConstants.PIO2_HI));
        PtxReg l = fma(fhi, c(PtxConstants.PIO2_HI), neg(h));
        l = fma(fhi, c(PtxConstants.PIO2_LO), l);
        l = fma(flo, c(PtxConstants.PIO2_HI), l);
        PtxReg h2 = add(h, l);
        PtxReg l2 = sub(l, sub(h2, h));
        PtxReg xNeg = w.setp(PtxCmp.LT, F64, x, c(0.0));
        PtxReg flip = w.op(PtxOp.XOR, PRED, upper, xNeg);
        w.move(rh, w.selp(F64, neg(h2), h2, flip));
        w.move(rl, w.selp(F64, neg(l2), l2, flip));
        PtxReg qs = w.selp(S32, w.op(PtxOp.NEG, S32, quad2), quad2, xNeg);
        w.move(q, qs);
    }

    // ---- atan family ----------------------------------------------------------------------------

    /** atan(t) for 0 <= t <= 1 as hi + lo: atan(k/8) from the table plus atan of the small remainder. */
    private DD atanCore(PtxReg t) {
        PtxReg kf = w.cvt(PtxOp.CVT_RNI, F64, F64, mul(t, c(8.0)));
        // below 1/16 the argument itself is small enough
        PtxReg small = w.setp(PtxCmp.LT, F64, t, c(0.0625));
        PtxReg kf2 = w.selp(F64, c(0.0), kf, small);
        PtxReg k = w.cvt(PtxOp.CVT_RZI, S32, F64, kf2);
        PtxReg cc = mul(kf2, c(0.125));
        PtxReg num = sub(t, cc);
        PtxReg den = fma(t, cc, c(1.0));
        PtxReg u = div(num, den);
        PtxReg z = mul(u, u);
        PtxReg p = fma(mul(u, z), horner(z, ATAN_POLY), u);
        PtxReg base = w.mov(U64, ATAN_TABLE);
        PtxReg addr = w.op(PtxOp.ADD, U64, base, w.mulWide(S32, k, 16));
        PtxReg ah = w.load(PtxOp.LD_CONST, F64, addr, 0);
        PtxReg al = w.load(PtxOp.LD_CONST, F64, addr, 8);
        PtxReg h = add(ah, p);
        PtxReg l = add(add(sub(ah, h), p), al);
        return new DD(h, l);
    }

    /** atan2 for |y|, |x| and the sign bit of x (null: positive): the angle in [0, pi]; NaN in, NaN out. */
    private PtxReg atan2Abs(PtxReg ay, PtxReg ax, PtxReg xSignBit) {
        PtxReg swap = w.setp(PtxCmp.GT, F64, ay, ax);
        PtxReg num = w.selp(F64, ax, ay, swap);
        PtxReg den = w.selp(F64, ay, ax, swap);
        PtxReg t0 = div(num, den);
        // 0/0 and inf/inf: the angle is 0 (or pi/2 after the swap) resp. pi/4
        PtxReg bothInf = w.op(PtxOp.AND, PRED, w.setp(PtxCmp.EQ, F64, ax, c(Double.POSITIVE_INFINITY)),
                w.setp(PtxCmp.EQ, F64, ay, c(Double.POSITIVE_INFINITY)));
        PtxReg t1 = w.selp(F64, c(1.0), t0, bothInf);
        PtxReg t = w.selp(F64, c(0.0), t1, w.setp(PtxCmp.EQ, F64, den, c(0.0)));
        DD a = atanCore(t);
        // swapped: pi/2 - a
        PtxReg sh = sub(c(PtxConstants.PIO2_HI), a.hi);
        PtxReg sl = sub(c(PtxConstants.PIO2_LO), a.lo);
        PtxReg h = w.selp(F64, sh, a.hi, swap);
        PtxReg l = w.selp(F64, sl, a.lo, swap);
        if (xSignBit == null) {
            return add(h, l);
        }
        // x negative (or -0): pi - angle
        PtxReg ph = sub(c(PtxConstants.PI_HI), h);
        PtxReg pl = sub(c(PtxConstants.PI_LO), l);
        PtxReg rh = w.selp(F64, ph, h, xSignBit);
        PtxReg rl = w.selp(F64, pl, l, xSignBit);
        return add(rh, rl);
    }

    private void atan(PtxReg x, PtxReg r) {
        PtxReg ax = abs(x);
        PtxReg a = atan2Abs(ax, w.mov(F64, c(1.0)), null);
        // NaN propagates through the division; the sign is x's (atan(-0) = -0)
        w.move(r, copysign(x, a));
    }

    private void atan2(PtxReg y, PtxReg x, PtxReg r) {
        PtxReg nan = w.setp(PtxCmp.NAN, F64, x, y);
        PtxReg xs = w.setp(PtxCmp.LT, S64, bits(x), 0);
        PtxReg a = atan2Abs(abs(y), abs(x), xs);
        PtxReg signed = copysign(y, a);
        w.move(r, w.selp(F64, c(Double.NaN), signed, nan));
    }

    /** sqrt(1 - x^2) with the rounding of 1 - |x| avoided where it matters (|x| >= 1/2, where it is exact). */
    private PtxReg cosFromSin(PtxReg x) {
        PtxReg ax = abs(x);
        PtxReg near = w.setp(PtxCmp.GE, F64, ax, c(0.5));
        PtxReg prod = mul(sub(c(1.0), ax), add(c(1.0), ax));
        PtxReg direct = fma(neg(ax), ax, c(1.0));
        return sqrt(w.selp(F64, prod, direct, near));
    }

    private void asin(PtxReg x, PtxReg r) {
        PtxReg ax = abs(x);
        PtxReg s = cosFromSin(x);
        PtxReg a = atan2Abs(ax, s, null);
        PtxReg bad = w.setp(PtxCmp.NAN, F64, s, x);
        w.move(r, w.selp(F64, c(Double.NaN), copysign(x, a), bad));
    }

    private void acos(PtxReg x, PtxReg r) {
        PtxReg s = cosFromSin(x);
        PtxReg xs = w.setp(PtxCmp.LT, S64, bits(x), 0);
        // acos(-0) = pi/2 like acos(+0): only a negative nonzero x turns the angle past pi/2
        PtxReg negative = w.op(PtxOp.AND, PRED, xs, w.setp(PtxCmp.NE, F64, x, c(0.0)));
        PtxReg a = atan2Abs(s, abs(x), negative);
        PtxReg bad = w.setp(PtxCmp.NAN, F64, s, x);
        w.move(r, w.selp(F64, c(Double.NaN), a, bad));
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

    private void sinh(PtxReg x, PtxReg r, String done) {
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

    private void cosh(PtxReg x, PtxReg r, String done) {
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

    private void tanh(PtxReg x, PtxReg r, String done) {
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
