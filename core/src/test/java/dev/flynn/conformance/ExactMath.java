package dev.flynn.conformance;

import ch.obermuhlner.math.big.BigDecimalMath;
import dev.flynn.DType;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.UnaryOp;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * References for the transcendental ops: the exact value to at least 40 significant digits
 * (big-math), or, where the inputs or the result are special (NaN, ±0, ±Inf, outside the domain),
 * Java's own result, which every backend must then give exactly.
 */
public final class ExactMath {
    /** Significant digits of every exact value; far more than the 17 a double needs to be rounded correctly. */
    static final int DIGITS = 40;
    /** Enough digits of pi to reduce any double argument of sin/cos/tan with 100 digits to spare. */
    private static final BigDecimal HALF_PI = BigDecimalMath.pi(new MathContext(450)).divide(BigDecimal.TWO);
    /** Stand-ins beyond any double's range: they round to ±Inf or ±0 exactly as the true values do. */
    private static final BigDecimal HUGE = new BigDecimal("1e400");
    private static final BigDecimal TINY = new BigDecimal("1e-400");

    private ExactMath() {
    }

    /** The reference for {@code op(x)} computed in {@code type} (F32 or F64). */
    public static Ulp.Ref unary(UnaryOp op, double x, DType type) {
        double java = JavaOps.floating(op, x, type);
        if (special(x) || Double.isNaN(java)) {
            return Ulp.exactly(java, type);
        }
        BigDecimal exact = exactUnary(op, new BigDecimal(x));
        return exact == null || exact.signum() == 0 ? Ulp.exactly(java, type) : Ulp.near(exact, type);
    }

    /** The reference for {@code op(a, b)} computed in {@code type} (F32 or F64). */
    public static Ulp.Ref binary(BinaryOp op, double a, double b, DType type) {
        double java = JavaOps.floating(op, a, b, type);
        if (special(a) || special(b) || Double.isNaN(java)) {
            return Ulp.exactly(java, type);
        }
        BigDecimal exact = exactBinary(op, a, b);
        return exact == null || exact.signum() == 0 ? Ulp.exactly(java, type) : Ulp.near(exact, type);
    }

    private static boolean special(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) || v == 0;
    }

    /** Below this magnitude three terms of a Taylor series are exact to 80 digits. */
    private static final BigDecimal SERIES = new BigDecimal("1e-20");

    /** The exact value, or null outside the domain. */
    static BigDecimal exactUnary(UnaryOp op, BigDecimal x) {
        if (x.abs().compareTo(SERIES) < 0 && op != UnaryOp.CBRT && op != UnaryOp.LOG && op != UnaryOp.LOG10) {
            return series(op, x);
        }
        MathContext mc = context(x);
        int sign = x.signum();
        return switch (op) {
            case CBRT -> cbrt(x);
            case EXP -> exp(x, mc);
            case EXPM1 -> x.compareTo(BigDecimal.valueOf(-1000)) < 0 ? TINY.subtract(BigDecimal.ONE)
                    : x.compareTo(BigDecimal.valueOf(1000)) > 0 ? HUGE : BigDecimalMath.exp(x, mc).subtract(BigDecimal.ONE);
            case LOG -> sign > 0 ? BigDecimalMath.log(x, mc) : null;
            case LOG1P -> x.compareTo(BigDecimal.ONE.negate()) > 0 ? BigDecimalMath.log(BigDecimal.ONE.add(x), mc) : null;
            case LOG10 -> sign > 0 ? BigDecimalMath.log10(x, mc) : null;
            case SIN, COS, TAN -> trig(op, x);
            case ASIN -> x.abs().compareTo(BigDecimal.ONE) <= 0 ? BigDecimalMath.asin(x, mc) : null;
            case ACOS -> x.abs().compareTo(BigDecimal.ONE) <= 0 ? BigDecimalMath.acos(x, mc) : null;
            case ATAN -> atan(x, mc);
            case SINH -> x.abs().compareTo(BigDecimal.valueOf(1000)) > 0 ? HUGE.multiply(BigDecimal.valueOf(sign))
                    : BigDecimalMath.sinh(x, mc);
            case COSH -> x.abs().compareTo(BigDecimal.valueOf(1000)) > 0 ? HUGE : BigDecimalMath.cosh(x, mc);
            // beyond 100, tanh is within 1e-80 of ±1: the stand-in rounds and measures the same
            case TANH -> x.abs().compareTo(BigDecimal.valueOf(100)) > 0
                    ? BigDecimal.ONE.subtract(new BigDecimal("1e-80")).multiply(BigDecimal.valueOf(sign))
                    : BigDecimalMath.tanh(x, mc);
            case NEG, ABS, NOT, SQRT, FLOOR, CEIL, RINT, SIGNUM ->
                    throw new IllegalArgumentException(op + " is exact: compare with Java bit for bit");
        };
    }

    /** atan, with atan(x) = ±pi/2 - atan(1/x) keeping big-math's series away from large arguments. */
    private static BigDecimal atan(BigDecimal x, MathContext mc) {
        if (x.abs().compareTo(SERIES) < 0) {
            return series(UnaryOp.ATAN, x);
        }
        if (x.abs().compareTo(BigDecimal.ONE) <= 0) {
            return BigDecimalMath.atan(x, mc);
        }
        return HALF_PI.multiply(BigDecimal.valueOf(x.signum()))
                .subtract(atan(BigDecimal.ONE.divide(x, mc), mc)).round(mc);
    }

    /** Taylor series to the x^3 term for |x| < 1e-20: the next term is 1e-80 relative. */
    private static BigDecimal series(UnaryOp op, BigDecimal x) {
        BigDecimal x2 = x.multiply(x);
        BigDecimal x3 = x2.multiply(x);
        MathContext mc = new MathContext(DIGITS + 40);
        BigDecimal third = x3.divide(BigDecimal.valueOf(3), mc);
        BigDecimal sixth = x3.divide(BigDecimal.valueOf(6), mc);
        BigDecimal half = x2.divide(BigDecimal.TWO, mc);
        return switch (op) {
            case EXP -> BigDecimal.ONE.add(x).add(half).add(sixth);
            case EXPM1 -> x.add(half).add(sixth);
            case LOG1P -> x.subtract(half).add(third);
            case SIN, SINH -> op == UnaryOp.SIN ? x.subtract(sixth) : x.add(sixth);
            case TAN -> x.add(third);
            case ASIN -> x.add(sixth);
            case ATAN, TANH -> x.subtract(third);
            case COS -> BigDecimal.ONE.subtract(half);
            case COSH -> BigDecimal.ONE.add(half);
            case ACOS -> HALF_PI.subtract(x.add(sixth));
            default -> throw new IllegalArgumentException(op + " has no series here");
        };
    }

    /** Newton's iteration from Math.cbrt's 16 digits: each step doubles them, four give 100. */
    private static BigDecimal cbrt(BigDecimal x) {
        MathContext mc = new MathContext(DIGITS + 20);
        BigDecimal y = new BigDecimal(Math.cbrt(x.doubleValue()));
        BigDecimal three = BigDecimal.valueOf(3);
        for (int i = 0; i < 4; i++) {
            BigDecimal y2 = y.multiply(y, mc);
            y = y.subtract(y2.multiply(y, mc).subtract(x).divide(three.multiply(y2), mc), mc);
        }
        return y;
    }

    static BigDecimal exactBinary(BinaryOp op, double a, double b) {
        BigDecimal x = new BigDecimal(a);
        BigDecimal y = new BigDecimal(b);
        return switch (op) {
            case ATAN2 -> {
                // atan2(a, b) = atan(a/b), moved by ±pi into the left half-plane
                MathContext mc = new MathContext(DIGITS + 20);
                BigDecimal t = atan(x.divide(y, mc), mc);
                yield b > 0 ? t : t.add(HALF_PI.multiply(BigDecimal.valueOf(a > 0 ? 2 : -2))).round(mc);
            }
            case HYPOT -> x.multiply(x).add(y.multiply(y)).sqrt(new MathContext(DIGITS + 10));
            case POW -> pow(a, b, x, y);
            case ADD, SUB, MUL, DIV, REM, MIN, MAX, AND, OR, XOR, SHL, SHR, USHR ->
                    throw new IllegalArgumentException(op + " is exact: compare with Java bit for bit");
        };
    }

    private static BigDecimal pow(double a, double b, BigDecimal x, BigDecimal y) {
        int sign = 1;
        if (a < 0) {
            if (b != Math.rint(b)) {
                return null;
            }
            // beyond 2^53 every double is even
            if (Math.abs(b) < 0x1p53 && ((long) b & 1) == 1) {
                sign = -1;
            }
        }
        double log = b * Math.log(Math.abs(a));
        if (log > 1000) {
            return HUGE.multiply(BigDecimal.valueOf(sign));
        }
        if (log < -1000) {
            return TINY.multiply(BigDecimal.valueOf(sign));
        }
        MathContext mc = new MathContext(DIGITS + 30);
        BigDecimal r;
        if (b == Math.rint(b) && Math.abs(b) <= 64) {
            BigDecimal p = x.abs().pow((int) Math.abs(b));
            r = b < 0 ? BigDecimal.ONE.divide(p, mc) : p;
        } else {
            // |b log a| <= 1000, so 70 digits of the logarithm leave 66 for the power
            r = BigDecimalMath.exp(y.multiply(BigDecimalMath.log(x.abs(), mc)), mc);
        }
        return r.multiply(BigDecimal.valueOf(sign));
    }

    private static BigDecimal exp(BigDecimal x, MathContext mc) {
        if (x.compareTo(BigDecimal.valueOf(1000)) > 0) {
            return HUGE;
        }
        if (x.compareTo(BigDecimal.valueOf(-1000)) < 0) {
            return TINY;
        }
        return BigDecimalMath.exp(x, mc);
    }

    /** sin, cos and tan after an exact reduction by multiples of pi/2 (450 digits of pi cover |x| up to 1e308). */
    private static BigDecimal trig(UnaryOp op, BigDecimal x) {
        int digits = Math.max(20, magnitude(x) + 20);
        BigDecimal k = x.divide(HALF_PI, new MathContext(digits)).setScale(0, RoundingMode.HALF_EVEN);
        BigDecimal r = x.subtract(HALF_PI.multiply(k));
        MathContext mc = context(r);
        r = r.round(new MathContext(mc.getPrecision() + 10));
        int quadrant = k.remainder(BigDecimal.valueOf(4)).intValue() & 3;
        BigDecimal sin = BigDecimalMath.sin(r, mc);
        BigDecimal cos = BigDecimalMath.cos(r, mc);
        return switch (op) {
            case SIN -> switch (quadrant) {
                case 0 -> sin;
                case 1 -> cos;
                case 2 -> sin.negate();
                default -> cos.negate();
            };
            case COS -> switch (quadrant) {
                case 0 -> cos;
                case 1 -> sin.negate();
                case 2 -> cos.negate();
                default -> sin;
            };
            default -> (quadrant & 1) == 0 ? sin.divide(cos, mc) : cos.negate().divide(sin, mc);
        };
    }

    /**
     * Working precision for an argument: 40 digits plus the digits lost where results are tiny
     * (near 0 for sin, expm1, ...; near 1 for log).
     */
    private static MathContext context(BigDecimal x) {
        int extra = Math.max(0, -magnitude(x)) + Math.max(0, -magnitude(x.subtract(BigDecimal.ONE)));
        return new MathContext(DIGITS + 10 + Math.min(extra, 40));
    }

    /** floor(log10 |v|), or 0 for zero. */
    private static int magnitude(BigDecimal v) {
        return v.signum() == 0 ? 0 : v.precision() - v.scale() - 1;
    }
}
