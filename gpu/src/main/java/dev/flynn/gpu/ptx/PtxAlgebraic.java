package dev.flynn.gpu.ptx;

import static dev.flynn.gpu.ptx.PtxType.B64;
import static dev.flynn.gpu.ptx.PtxType.F64;
import static dev.flynn.gpu.ptx.PtxType.PRED;
import static dev.flynn.gpu.ptx.PtxType.S32;
import static dev.flynn.gpu.ptx.PtxType.S64;
import static dev.flynn.gpu.ptx.PtxType.U32;
import static dev.flynn.gpu.ptx.PtxType.U64;

/**
 * hypot and fmod (Java's % on floating-point values), which work on exponents and significands: hypot
 * scales to [1, 2) and corrects the square root with the exact rounding error of the sum of squares;
 * fmod subtracts significands exactly, as its result is always representable.
 */
final class PtxAlgebraic extends PtxMathOps {
    PtxAlgebraic(PtxWriter w) {
        super(w);
    }

    void hypot(PtxReg x, PtxReg y, PtxReg r, String done) {
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
    void fmod(PtxReg x, PtxReg y, PtxReg r, String done) {
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
}
