package dev.flynn.gpu.ptx;

import static dev.flynn.gpu.ptx.PtxType.B64;
import static dev.flynn.gpu.ptx.PtxType.F64;
import static dev.flynn.gpu.ptx.PtxType.PRED;
import static dev.flynn.gpu.ptx.PtxType.S32;
import static dev.flynn.gpu.ptx.PtxType.S64;
import static dev.flynn.gpu.ptx.PtxType.U32;
import static dev.flynn.gpu.ptx.PtxType.U64;

/**
 * sin, cos, tan, atan, atan2, asin and acos. The argument of sin, cos and tan is reduced exactly in
 * fixed point with the bits of 2/pi (Payne-Hanek), so no argument loses accuracy; the atan family
 * goes through a table of atan(k/8) in double-double and a short polynomial.
 */
final class PtxTrig extends PtxMathOps {
    /** sin(r) = r + r^3 (-1/3! + r^2/5! - ... ), |r| <= pi/4. */
    static final double[] SIN_POLY = negated(PtxConstants.factorialSeries(3, 2, 9, true));
    /** cos(r) = 1 - r^2/2 + r^4 (1/4! - r^2/6! + ...), |r| <= pi/4. */
    static final double[] COS_POLY = PtxConstants.factorialSeries(4, 2, 9, true);
    /** atan(u) = u + u^3 (-1/3 + u^2/5 - ...), |u| <= 1/16. */
    static final double[] ATAN_POLY = PtxConstants.atanSeries(8);

    PtxTrig(PtxWriter w) {
        super(w);
    }

    private static double[] negated(double[] c) {
        double[] out = c.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = -out[i];
        }
        return out;
    }

    // ---- sin, cos, tan --------------------------------------------------------------------------

    void trig(PtxMath.Fn fn, PtxReg x, PtxReg r, String done) {
        PtxReg xx = sub(x, x);
        returnIf(w.setp(PtxCmp.NAN, F64, xx, xx), r, xx, done);
        PtxReg ax = abs(x);
        String notTiny = w.label("not_tiny");
        w.braIf(w.setp(PtxCmp.GE, F64, ax, c(0x1p-27)), notTiny);
        w.move(r, fn == PtxMath.Fn.COS ? c(1.0) : x);
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
        PtxReg base = w.mov(U64, PtxMath.TWO_OVER_PI_TABLE);
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
        PtxReg base = w.mov(U64, PtxMath.ATAN_TABLE);
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
        PtxReg sh = sub(c(PtxConstants.PIO2_HI), a.hi());
        PtxReg sl = sub(c(PtxConstants.PIO2_LO), a.lo());
        PtxReg h = w.selp(F64, sh, a.hi(), swap);
        PtxReg l = w.selp(F64, sl, a.lo(), swap);
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

    void atan(PtxReg x, PtxReg r) {
        PtxReg ax = abs(x);
        PtxReg a = atan2Abs(ax, w.mov(F64, c(1.0)), null);
        // NaN propagates through the division; the sign is x's (atan(-0) = -0)
        w.move(r, copysign(x, a));
    }

    void atan2(PtxReg y, PtxReg x, PtxReg r) {
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

    void asin(PtxReg x, PtxReg r) {
        PtxReg ax = abs(x);
        PtxReg s = cosFromSin(x);
        PtxReg a = atan2Abs(ax, s, null);
        PtxReg bad = w.setp(PtxCmp.NAN, F64, s, x);
        w.move(r, w.selp(F64, c(Double.NaN), copysign(x, a), bad));
    }

    void acos(PtxReg x, PtxReg r) {
        PtxReg s = cosFromSin(x);
        PtxReg xs = w.setp(PtxCmp.LT, S64, bits(x), 0);
        // acos(-0) = pi/2 like acos(+0): only a negative nonzero x turns the angle past pi/2
        PtxReg negative = w.op(PtxOp.AND, PRED, xs, w.setp(PtxCmp.NE, F64, x, c(0.0)));
        PtxReg a = atan2Abs(s, abs(x), negative);
        PtxReg bad = w.setp(PtxCmp.NAN, F64, s, x);
        w.move(r, w.selp(F64, c(Double.NaN), a, bad));
    }
}
