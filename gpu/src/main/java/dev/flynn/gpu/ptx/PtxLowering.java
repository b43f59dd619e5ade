package dev.flynn.gpu.ptx;

import dev.flynn.DType;
import dev.flynn.ir.Node;

import java.util.Map;
import java.util.Set;

import static dev.flynn.gpu.ptx.PtxType.B32;
import static dev.flynn.gpu.ptx.PtxType.F32;
import static dev.flynn.gpu.ptx.PtxType.F64;
import static dev.flynn.gpu.ptx.PtxType.PRED;
import static dev.flynn.gpu.ptx.PtxType.S32;
import static dev.flynn.gpu.ptx.PtxType.S64;
import static dev.flynn.gpu.ptx.PtxType.U32;
import static dev.flynn.gpu.ptx.PtxType.U64;

/**
 * Lowers one IR node to PTX: an exhaustive switch over the sealed node types and each op, with Java's
 * semantics (NaN and signed-zero rules of min and max, saturating casts, masked shift counts, integer
 * division by zero raising the error flag). Operands are already in registers; loads, loops and
 * reductions are {@link PtxGenerator}'s.
 */
final class PtxLowering {
    private final PtxWriter w;
    private final Map<Node, PtxReg> values;
    private final boolean fast;
    private final Set<PtxMath.Fn> used;
    /** The error flag's global address, once the entry's prologue has loaded it. */
    private PtxReg err;
    private boolean checksErrors;

    /**
     * @param w      the writer of the entry or function being written
     * @param values the register of every node evaluated so far, shared with the entry being written
     * @param fast   use {@code .approx} instructions for F32 exp, log, sin and cos
     * @param used   collects the library functions called, which the module must define
     */
    PtxLowering(PtxWriter w, Map<Node, PtxReg> values, boolean fast, Set<PtxMath.Fn> used) {
        this.w = w;
        this.values = values;
        this.fast = fast;
        this.used = used;
    }

    void errorFlag(PtxReg address) {
        err = address;
    }

    /** Whether any lowered node may set the error flag. */
    boolean checksErrors() {
        return checksErrors;
    }

    PtxReg value(Node n) {
        PtxReg r = values.get(n);
        if (r == null) {
            throw new IllegalStateException("node evaluated out of order: " + n);
        }
        return r;
    }

    /** The register holding {@code node}, whose operands are evaluated already. */
    PtxReg lower(Node node) {
        return switch (node) {
            case Node.Input in -> throw new IllegalStateException("inputs are loaded by the loop");
            case Node.Const c -> throw new IllegalStateException("constants are parameters");
            case Node.Unary u -> unary(u);
            case Node.Binary bn -> binary(bn);
            case Node.Ternary t -> switch (t.op()) {
                case FMA -> w.op(PtxOp.FMA_RN, PtxType.of(t.type()), value(t.a()), value(t.b()), value(t.c()));
            };
            case Node.Compare c -> compare(c);
            case Node.Select s -> select(s);
            case Node.Cast c -> cast(c);
        };
    }

    private PtxReg unary(Node.Unary u) {
        DType dt = u.type();
        PtxType t = PtxType.of(dt);
        PtxReg x = value(u.x());
        return switch (u.op()) {
            case NEG -> w.op(PtxOp.NEG, t, x);
            case ABS -> dt.isFloating() ? w.op(PtxOp.ABS, t, x)
                    // max(x, -x): MIN_VALUE stays MIN_VALUE, as Math.abs wraps
                    : w.op(PtxOp.MAX, t, x, w.op(PtxOp.NEG, t, x));
            case NOT -> w.op(PtxOp.NOT, dt == DType.BOOL ? PRED : t.bits(), x);
            case SQRT -> w.op(PtxOp.SQRT_RN, t, x);
            case FLOOR -> w.cvt(PtxOp.CVT_RMI, t, t, x);
            case CEIL -> w.cvt(PtxOp.CVT_RPI, t, t, x);
            case RINT -> w.cvt(PtxOp.CVT_RNI, t, t, x);
            case SIGNUM -> {
                // +-0 and NaN are their own signum
                PtxReg one = w.mov(t, PtxWriter.fimm(t, 1.0));
                PtxReg signed = w.op(PtxOp.COPYSIGN, t, x, one);
                yield w.selp(t, x, signed, w.setp(PtxCmp.EQU, t, x, PtxWriter.fimm(t, 0.0)));
            }
            case EXP -> math(PtxMath.Fn.EXP, t, x);
            case EXPM1 -> math(PtxMath.Fn.EXPM1, t, x);
            case LOG -> math(PtxMath.Fn.LOG, t, x);
            case LOG1P -> math(PtxMath.Fn.LOG1P, t, x);
            case LOG10 -> math(PtxMath.Fn.LOG10, t, x);
            case SIN -> math(PtxMath.Fn.SIN, t, x);
            case COS -> math(PtxMath.Fn.COS, t, x);
            case TAN -> math(PtxMath.Fn.TAN, t, x);
            case ASIN -> math(PtxMath.Fn.ASIN, t, x);
            case ACOS -> math(PtxMath.Fn.ACOS, t, x);
            case ATAN -> math(PtxMath.Fn.ATAN, t, x);
            case SINH -> math(PtxMath.Fn.SINH, t, x);
            case COSH -> math(PtxMath.Fn.COSH, t, x);
            case TANH -> math(PtxMath.Fn.TANH, t, x);
            case CBRT -> math(PtxMath.Fn.CBRT, t, x);
        };
    }

    /** A library function: f64 directly; F32 widened, computed in f64 and rounded once, as Java does. */
    private PtxReg math(PtxMath.Fn fn, PtxType t, PtxReg... args) {
        if (t == F32 && fast) {
            PtxReg approx = approx(fn, args);
            if (approx != null) {
                return approx;
            }
        }
        used.add(fn);
        if (t == F64) {
            return w.call(fn.symbol(), F64, args);
        }
        PtxReg[] wide = new PtxReg[args.length];
        for (int i = 0; i < args.length; i++) {
            wide[i] = w.cvt(PtxOp.CVT, F64, F32, args[i]);
        }
        return w.cvt(PtxOp.CVT_RN, F32, F64, w.call(fn.symbol(), F64, wide));
    }

    /** The fast-mode F32 forms ({@code .approx}, flush-to-zero); null where there is none. */
    private PtxReg approx(PtxMath.Fn fn, PtxReg[] args) {
        PtxReg x = args[0];
        return switch (fn) {
            case EXP -> w.op(PtxOp.EX2_APPROX, F32, w.op(PtxOp.MUL_RN, F32, x, PtxWriter.f32(1.442695041f)));
            case LOG -> w.op(PtxOp.MUL_RN, F32, w.op(PtxOp.LG2_APPROX, F32, x), PtxWriter.f32(0.6931471806f));
            case SIN -> w.op(PtxOp.SIN_APPROX, F32, x);
            case COS -> w.op(PtxOp.COS_APPROX, F32, x);
            default -> null;
        };
    }

    private PtxReg binary(Node.Binary bn) {
        DType dt = bn.type();
        PtxType t = PtxType.of(dt);
        PtxReg a = value(bn.a());
        PtxReg b = value(bn.b());
        boolean fl = dt.isFloating();
        return switch (bn.op()) {
            case ADD -> w.op(fl ? PtxOp.ADD_RN : PtxOp.ADD, t, a, b);
            case SUB -> w.op(fl ? PtxOp.SUB_RN : PtxOp.SUB, t, a, b);
            case MUL -> w.op(fl ? PtxOp.MUL_RN : PtxOp.MUL_LO, t, a, b);
            case DIV -> fl ? w.op(PtxOp.DIV_RN, t, a, b) : intDivide(t, a, b, false);
            case REM -> fl ? math(PtxMath.Fn.FMOD, t, a, b) : intDivide(t, a, b, true);
            case MIN -> fl ? floatMinMax(t, a, b, true) : w.op(PtxOp.MIN, t, a, b);
            case MAX -> fl ? floatMinMax(t, a, b, false) : w.op(PtxOp.MAX, t, a, b);
            case ATAN2 -> math(PtxMath.Fn.ATAN2, t, a, b);
            case POW -> math(PtxMath.Fn.POW, t, a, b);
            case HYPOT -> math(PtxMath.Fn.HYPOT, t, a, b);
            case AND -> w.op(PtxOp.AND, dt == DType.BOOL ? PRED : t.bits(), a, b);
            case OR -> w.op(PtxOp.OR, dt == DType.BOOL ? PRED : t.bits(), a, b);
            case XOR -> w.op(PtxOp.XOR, dt == DType.BOOL ? PRED : t.bits(), a, b);
            case SHL -> w.op(PtxOp.SHL, t.bits(), a, shiftCount(t, b));
            case SHR -> w.op(PtxOp.SHR, t, a, shiftCount(t, b));
            case USHR -> w.op(PtxOp.SHR, t == S32 ? U32 : U64, a, shiftCount(t, b));
        };
    }

    /** Java masks a shift count to the low 5 (int) or 6 (long) bits; PTX clamps instead. */
    private PtxReg shiftCount(PtxType t, PtxReg b) {
        PtxReg c32 = t == S32 ? b : w.cvt(PtxOp.CVT, U32, U64, b);
        return w.op(PtxOp.AND, B32, c32, t == S32 ? 31 : 63);
    }

    /**
     * Integer / and %: a zero divisor sets the error flag (the host throws ArithmeticException);
     * MIN_VALUE / -1 wraps to MIN_VALUE and MIN_VALUE % -1 is 0, as in Java.
     */
    private PtxReg intDivide(PtxType t, PtxReg a, PtxReg b, boolean rem) {
        checksErrors = true;
        PtxReg zero = w.setp(PtxCmp.EQ, t, b, 0);
        w.guarded(zero, () -> w.store(PtxOp.ST_GLOBAL, U32, err, 0, 1));
        PtxReg minusOne = w.setp(PtxCmp.EQ, t, b, -1);
        PtxReg special = w.op(PtxOp.OR, PRED, zero, minusOne);
        PtxReg safe = w.selp(t, 1, b, special);
        PtxReg q = w.op(rem ? PtxOp.REM : PtxOp.DIV, t, a, safe);
        PtxReg onMinusOne = rem ? w.mov(t, 0) : w.op(PtxOp.NEG, t, a);
        return w.selp(t, onMinusOne, q, minusOne);
    }

    /** Math.min/max: NaN if either is NaN (PTX returns the other operand), -0.0 below +0.0. */
    PtxReg floatMinMax(PtxType t, PtxReg a, PtxReg b, boolean min) {
        PtxReg r = w.op(min ? PtxOp.MIN : PtxOp.MAX, t, a, b);
        // equal operands (+0 and -0 among them): or of the bits keeps -0 for min, and for max
        PtxReg bits = w.op(min ? PtxOp.OR : PtxOp.AND, t.bits(), a, b);
        PtxReg eq = w.setp(PtxCmp.EQ, t, a, b);
        PtxReg r2 = w.selp(t, bits, r, eq);
        return w.selp(t, w.op(PtxOp.ADD_RN, t, a, b), r2, w.setp(PtxCmp.NAN, t, a, b));
    }

    private PtxReg compare(Node.Compare c) {
        DType ot = c.a().type();
        PtxReg a = value(c.a());
        PtxReg b = value(c.b());
        if (ot == DType.BOOL) {
            PtxReg ne = w.op(PtxOp.XOR, PRED, a, b);
            return switch (c.op()) {
                case NE -> ne;
                case EQ -> w.op(PtxOp.NOT, PRED, ne);
                default -> throw new IllegalStateException("masks are not ordered: " + c.op());
            };
        }
        PtxType t = PtxType.of(ot);
        // floating: ordered comparisons are false on NaN; != is the unordered "neu", true on NaN
        PtxCmp cmp = switch (c.op()) {
            case LT -> PtxCmp.LT;
            case LE -> PtxCmp.LE;
            case GT -> PtxCmp.GT;
            case GE -> PtxCmp.GE;
            case EQ -> PtxCmp.EQ;
            case NE -> ot.isFloating() ? PtxCmp.NEU : PtxCmp.NE;
        };
        return w.setp(cmp, t, a, b);
    }

    private PtxReg select(Node.Select s) {
        PtxReg m = value(s.mask());
        PtxReg a = value(s.a());
        PtxReg b = value(s.b());
        if (s.type() == DType.BOOL) {
            PtxReg x = w.op(PtxOp.AND, PRED, m, a);
            PtxReg y = w.op(PtxOp.AND, PRED, w.op(PtxOp.NOT, PRED, m), b);
            return w.op(PtxOp.OR, PRED, x, y);
        }
        return w.selp(PtxType.of(s.type()), a, b, m);
    }

    private PtxReg cast(Node.Cast c) {
        DType from = c.x().type();
        DType to = c.type();
        PtxReg x = value(c.x());
        PtxType tt = PtxType.of(to);
        PtxType ft = PtxType.of(from);
        if (from == to) {
            return x;
        }
        if (from == DType.BOOL) {
            return w.selp(tt, to.isFloating() ? PtxWriter.fimm(tt, 1.0) : "1",
                    to.isFloating() ? PtxWriter.fimm(tt, 0.0) : "0", x);
        }
        if (from.isFloating() && to.isFloating()) {
            return to == DType.F64 ? w.cvt(PtxOp.CVT, F64, F32, x) : w.cvt(PtxOp.CVT_RN, F32, F64, x);
        }
        if (from.isFloating()) {
            // saturating by default for float-to-int in PTX; NaN made 0 explicitly, as Java does
            PtxReg r = w.cvt(PtxOp.CVT_RZI, tt, ft, x);
            return w.selp(tt, 0, r, w.setp(PtxCmp.NAN, ft, x, x));
        }
        if (to.isFloating()) {
            return w.cvt(PtxOp.CVT_RN, tt, ft, x);
        }
        // I32 <-> I64: sign-extend, or keep the low 32 bits
        return to == DType.I64 ? w.cvt(PtxOp.CVT, S64, S32, x) : w.cvt(PtxOp.CVT, U32, U64, x);
    }
}
