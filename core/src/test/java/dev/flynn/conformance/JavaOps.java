package dev.flynn.conformance;

import dev.flynn.DType;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.CompareOp;
import dev.flynn.ir.UnaryOp;

/**
 * What a hand-written Java loop computes for each op: the expectation every exact op must match
 * bit for bit. F32 math functions are Java's double functions rounded once to float, as
 * {@code (float) Math.exp(x)}, since Java has no float versions. The switches are exhaustive, so a
 * new op does not compile here until its Java meaning is written down.
 */
public final class JavaOps {
    private JavaOps() {
    }

    // ---- floating point, computed in type (F32 or F64); the value is held in a double -----------

    public static double floating(UnaryOp op, double x, DType type) {
        if (type == DType.F32) {
            return f32(op, (float) x);
        }
        return f64(op, x);
    }

    public static double floating(BinaryOp op, double a, double b, DType type) {
        if (type == DType.F32) {
            return f32(op, (float) a, (float) b);
        }
        return f64(op, a, b);
    }

    public static double f64(UnaryOp op, double x) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case NOT -> throw notFor(op, DType.F64);
            case SQRT -> Math.sqrt(x);
            case CBRT -> Math.cbrt(x);
            case EXP -> Math.exp(x);
            case EXPM1 -> Math.expm1(x);
            case LOG -> Math.log(x);
            case LOG1P -> Math.log1p(x);
            case LOG10 -> Math.log10(x);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case TAN -> Math.tan(x);
            case ASIN -> Math.asin(x);
            case ACOS -> Math.acos(x);
            case ATAN -> Math.atan(x);
            case SINH -> Math.sinh(x);
            case COSH -> Math.cosh(x);
            case TANH -> Math.tanh(x);
            case FLOOR -> Math.floor(x);
            case CEIL -> Math.ceil(x);
            case RINT -> Math.rint(x);
            case SIGNUM -> Math.signum(x);
        };
    }

    public static float f32(UnaryOp op, float x) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SIGNUM -> Math.signum(x);
            case NOT -> throw notFor(op, DType.F32);
            default -> (float) f64(op, x);
        };
    }

    public static double f64(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case REM -> a % b;
            case MIN -> Math.min(a, b);
            case MAX -> Math.max(a, b);
            case ATAN2 -> Math.atan2(a, b);
            case POW -> Math.pow(a, b);
            case HYPOT -> Math.hypot(a, b);
            case AND, OR, XOR, SHL, SHR, USHR -> throw notFor(op, DType.F64);
        };
    }

    public static float f32(BinaryOp op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case REM -> a % b;
            case MIN -> Math.min(a, b);
            case MAX -> Math.max(a, b);
            case ATAN2, POW, HYPOT -> (float) f64(op, a, b);
            case AND, OR, XOR, SHL, SHR, USHR -> throw notFor(op, DType.F32);
        };
    }

    // ---- integers ------------------------------------------------------------------------------------

    public static int i32(UnaryOp op, int x) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case NOT -> ~x;
            default -> throw notFor(op, DType.I32);
        };
    }

    public static long i64(UnaryOp op, long x) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case NOT -> ~x;
            default -> throw notFor(op, DType.I64);
        };
    }

    public static int i32(BinaryOp op, int a, int b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case REM -> a % b;
            case MIN -> Math.min(a, b);
            case MAX -> Math.max(a, b);
            case AND -> a & b;
            case OR -> a | b;
            case XOR -> a ^ b;
            case SHL -> a << b;
            case SHR -> a >> b;
            case USHR -> a >>> b;
            case ATAN2, POW, HYPOT -> throw notFor(op, DType.I32);
        };
    }

    public static long i64(BinaryOp op, long a, long b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case REM -> a % b;
            case MIN -> Math.min(a, b);
            case MAX -> Math.max(a, b);
            case AND -> a & b;
            case OR -> a | b;
            case XOR -> a ^ b;
            case SHL -> a << b;
            case SHR -> a >> b;
            case USHR -> a >>> b;
            case ATAN2, POW, HYPOT -> throw notFor(op, DType.I64);
        };
    }

    // ---- comparisons and casts ---------------------------------------------------------------------

    /** {@code a op b} in Java, for values of one type held as bits ({@link Columns#bits}). */
    public static boolean compare(CompareOp op, DType type, long a, long b) {
        return switch (type) {
            case F32 -> compare(op, Float.intBitsToFloat((int) a), Float.intBitsToFloat((int) b));
            case F64 -> compare(op, Double.longBitsToDouble(a), Double.longBitsToDouble(b));
            case I32, I64 -> switch (op) {
                case LT -> a < b;
                case LE -> a <= b;
                case GT -> a > b;
                case GE -> a >= b;
                case EQ -> a == b;
                case NE -> a != b;
            };
            case BOOL -> throw new IllegalArgumentException("masks are compared with and/or/xor");
        };
    }

    private static boolean compare(CompareOp op, double a, double b) {
        return switch (op) {
            case LT -> a < b;
            case LE -> a <= b;
            case GT -> a > b;
            case GE -> a >= b;
            case EQ -> a == b;
            case NE -> a != b;
        };
    }

    /** Java's primitive conversion of a value (as bits of {@code from}) to {@code to}, as bits of {@code to}. */
    public static long cast(DType from, DType to, long bits) {
        return switch (from) {
            case F32 -> {
                float v = Float.intBitsToFloat((int) bits);
                yield switch (to) {
                    case F32 -> Float.floatToIntBits(v);
                    case F64 -> Double.doubleToLongBits((double) v);
                    case I32 -> (int) v;
                    case I64 -> (long) v;
                    case BOOL -> throw new IllegalArgumentException("no cast to a mask");
                };
            }
            case F64 -> {
                double v = Double.longBitsToDouble(bits);
                yield switch (to) {
                    case F32 -> Float.floatToIntBits((float) v);
                    case F64 -> Double.doubleToLongBits(v);
                    case I32 -> (int) v;
                    case I64 -> (long) v;
                    case BOOL -> throw new IllegalArgumentException("no cast to a mask");
                };
            }
            case I32 -> {
                int v = (int) bits;
                yield switch (to) {
                    case F32 -> Float.floatToIntBits((float) v);
                    case F64 -> Double.doubleToLongBits((double) v);
                    case I32 -> v;
                    case I64 -> (long) v;
                    case BOOL -> throw new IllegalArgumentException("no cast to a mask");
                };
            }
            case I64 -> {
                long v = bits;
                yield switch (to) {
                    case F32 -> Float.floatToIntBits((float) v);
                    case F64 -> Double.doubleToLongBits((double) v);
                    case I32 -> (int) v;
                    case I64 -> v;
                    case BOOL -> throw new IllegalArgumentException("no cast to a mask");
                };
            }
            case BOOL -> throw new IllegalArgumentException("masks are not stored");
        };
    }

    private static IllegalArgumentException notFor(Enum<?> op, DType type) {
        return new IllegalArgumentException(op + " is not defined for " + type);
    }
}
