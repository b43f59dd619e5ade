package dev.flynn.conformance;

import dev.flynn.DType;
import dev.flynn.Expr;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.CompareOp;
import dev.flynn.ir.UnaryOp;
import dev.flynn.conformance.Values.Domain;

/**
 * Each op as a traced expression, and the arguments worth testing it on. The switches are
 * exhaustive: a new op does not compile here until the suite covers it.
 */
final class Ops {
    private Ops() {
    }

    static Expr unary(UnaryOp op, Expr x) {
        return switch (op) {
            case NEG -> x.neg();
            case ABS -> x.abs();
            case NOT -> x.not();
            case SQRT -> Expr.sqrt(x);
            case CBRT -> Expr.cbrt(x);
            case EXP -> Expr.exp(x);
            case EXPM1 -> Expr.expm1(x);
            case LOG -> Expr.log(x);
            case LOG1P -> Expr.log1p(x);
            case LOG10 -> Expr.log10(x);
            case SIN -> Expr.sin(x);
            case COS -> Expr.cos(x);
            case TAN -> Expr.tan(x);
            case ASIN -> Expr.asin(x);
            case ACOS -> Expr.acos(x);
            case ATAN -> Expr.atan(x);
            case SINH -> Expr.sinh(x);
            case COSH -> Expr.cosh(x);
            case TANH -> Expr.tanh(x);
            case FLOOR -> Expr.floor(x);
            case CEIL -> Expr.ceil(x);
            case RINT -> Expr.rint(x);
            case SIGNUM -> Expr.signum(x);
        };
    }

    static Expr binary(BinaryOp op, Expr a, Expr b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case REM -> a.rem(b);
            case MIN -> a.min(b);
            case MAX -> a.max(b);
            case ATAN2 -> Expr.atan2(a, b);
            case POW -> Expr.pow(a, b);
            case HYPOT -> Expr.hypot(a, b);
            case AND -> a.and(b);
            case OR -> a.or(b);
            case XOR -> a.xor(b);
            case SHL -> a.shl(b);
            case SHR -> a.shr(b);
            case USHR -> a.ushr(b);
        };
    }

    static Expr compare(CompareOp op, Expr a, Expr b) {
        return switch (op) {
            case LT -> a.lt(b);
            case LE -> a.le(b);
            case GT -> a.gt(b);
            case GE -> a.ge(b);
            case EQ -> a.eq(b);
            case NE -> a.ne(b);
        };
    }

    /** Where a unary op's interesting arguments lie, for values of {@code type}. */
    static Domain domain(UnaryOp op, DType type) {
        boolean f32 = type == DType.F32;
        return switch (op) {
            case EXP -> f32 ? new Domain(-105, 90) : new Domain(-750, 710);
            case EXPM1 -> f32 ? new Domain(-20, 90) : new Domain(-40, 710);
            case SINH, COSH -> f32 ? new Domain(-90, 90) : new Domain(-711, 711);
            case TANH -> f32 ? new Domain(-10, 10) : new Domain(-20, 20);
            case LOG, LOG10 -> new Domain(0.5, 2);
            case LOG1P -> new Domain(-1, 2);
            case SIN, COS, TAN -> new Domain(-1e4, 1e4);
            case ASIN, ACOS -> new Domain(-1, 1);
            case SQRT -> new Domain(0, 1e6);
            case RINT, FLOOR, CEIL -> new Domain(-10, 10);
            default -> Domain.MODERATE;
        };
    }

    /** Where a binary op's interesting arguments lie; {@code column} 0 is the left operand. */
    static Domain domain(BinaryOp op, DType type, int column) {
        return switch (op) {
            case POW -> column == 0 ? new Domain(0, 8) : type == DType.F32 ? new Domain(-40, 40) : new Domain(-300, 300);
            case SHL, SHR, USHR -> column == 0 ? Domain.MODERATE : new Domain(-70, 70);
            default -> Domain.MODERATE;
        };
    }
}
