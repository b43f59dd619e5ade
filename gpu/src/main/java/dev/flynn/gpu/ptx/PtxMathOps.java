package dev.flynn.gpu.ptx;

import static dev.flynn.gpu.ptx.PtxType.B64;
import static dev.flynn.gpu.ptx.PtxType.F64;
import static dev.flynn.gpu.ptx.PtxType.PRED;
import static dev.flynn.gpu.ptx.PtxType.S32;
import static dev.flynn.gpu.ptx.PtxType.U32;
import static dev.flynn.gpu.ptx.PtxType.U64;

/**
 * The building blocks of the math library's routines, over one {@link PtxWriter}: f64 arithmetic,
 * every operation {@code .rn} (so ptxas contracts nothing and the emulator gives the hardware's bits),
 * Horner polynomials with fmas, early returns of special cases, and exact scaling by powers of two.
 */
abstract sealed class PtxMathOps permits PtxExpLog, PtxTrig, PtxAlgebraic {
    /** A double-double value hi + lo, |lo| <= ulp(hi)/2. */
    record DD(PtxReg hi, PtxReg lo) {
    }

    final PtxWriter w;

    PtxMathOps(PtxWriter w) {
        this.w = w;
    }

    final PtxReg add(Object a, Object b) {
        return w.op(PtxOp.ADD_RN, F64, a, b);
    }

    final PtxReg sub(Object a, Object b) {
        return w.op(PtxOp.SUB_RN, F64, a, b);
    }

    final PtxReg mul(Object a, Object b) {
        return w.op(PtxOp.MUL_RN, F64, a, b);
    }

    final PtxReg div(Object a, Object b) {
        return w.op(PtxOp.DIV_RN, F64, a, b);
    }

    final PtxReg fma(Object a, Object b, Object c) {
        return w.op(PtxOp.FMA_RN, F64, a, b, c);
    }

    final PtxReg neg(Object a) {
        return w.op(PtxOp.NEG, F64, a);
    }

    final PtxReg abs(Object a) {
        return w.op(PtxOp.ABS, F64, a);
    }

    final PtxReg sqrt(Object a) {
        return w.op(PtxOp.SQRT_RN, F64, a);
    }

    final PtxReg bits(PtxReg a) {
        return w.op(PtxOp.MOV, B64, a);
    }

    final PtxReg fromBits(PtxReg a) {
        return w.op(PtxOp.MOV, F64, a);
    }

    /** Copies the sign of {@code signOf} onto {@code value}. */
    final PtxReg copysign(PtxReg signOf, PtxReg value) {
        return w.op(PtxOp.COPYSIGN, F64, signOf, value);
    }

    static String c(double v) {
        return PtxWriter.f64(v);
    }

    /** Horner: c[0] + x (c[1] + x (c[2] + ...)), with fmas. */
    final PtxReg horner(PtxReg x, double[] coeffs) {
        PtxReg p = w.mov(F64, c(coeffs[coeffs.length - 1]));
        for (int i = coeffs.length - 2; i >= 0; i--) {
            p = fma(p, x, c(coeffs[i]));
        }
        return p;
    }

    /** Sets r = value and jumps to done when p holds. */
    final void returnIf(PtxReg p, PtxReg r, Object value, String done) {
        String skip = w.label("skip");
        w.braIfNot(p, skip);
        w.move(r, value);
        w.bra(done);
        w.place(skip);
    }

    /** 2^k as a double, for k in [-1022, 1023]. */
    final PtxReg pow2(PtxReg k) {
        PtxReg e = w.op(PtxOp.ADD, S32, k, 1023);
        PtxReg e64 = w.cvt(PtxOp.CVT, U64, U32, e);
        return fromBits(w.op(PtxOp.SHL, B64, e64, 52));
    }

    /** v * 2^k in two exact steps, so that results near overflow and in the subnormal range round once. */
    final PtxReg scale(PtxReg v, PtxReg k) {
        PtxReg k1 = w.op(PtxOp.SHR, S32, k, 1);
        PtxReg k2 = w.op(PtxOp.SUB, S32, k, k1);
        return mul(mul(v, pow2(k1)), pow2(k2));
    }


    final PtxReg notPred(PtxReg p) {
        return w.op(PtxOp.NOT, PRED, p);
    }
}
