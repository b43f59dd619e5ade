package dev.flynn.gpu.emulator;

import dev.flynn.gpu.emulator.PtxInterpreter.Op;
import dev.flynn.gpu.ptx.PtxCmp;
import dev.flynn.gpu.ptx.PtxOp;
import dev.flynn.gpu.ptx.PtxType;

/**
 * The semantics of arithmetic, logic and {@code setp} instructions as the PTX ISA defines them, per
 * {@link PtxOp} and type: floating-point results are IEEE 754 with the canonical NaN, 32-bit integers
 * live in the low half of a register slot, shift counts clamp instead of wrapping.
 */
final class PtxArithmetic {
    private static final long CANONICAL_NAN_F32 = 0x7FFFFFFFL;
    private static final long CANONICAL_NAN_F64 = 0x7FFFFFFFFFFFFFFFL;

    private PtxArithmetic() {
    }

    static float f(long bits) {
        return Float.intBitsToFloat((int) bits);
    }

    static long f(float v) {
        return v != v ? CANONICAL_NAN_F32 : Float.floatToRawIntBits(v) & 0xFFFFFFFFL;
    }

    static double d(long bits) {
        return Double.longBitsToDouble(bits);
    }

    static long d(double v) {
        return v != v ? CANONICAL_NAN_F64 : Double.doubleToRawLongBits(v);
    }

    static Op compile(PtxOp op, PtxType type, int d, int[] s, int n) {
        boolean f32 = type == PtxType.F32;
        boolean signed = type.isSigned();
        int a = s.length > 0 ? s[0] : -1;
        int b = s.length > 1 ? s[1] : -1;
        int c = s.length > 2 ? s[2] : -1;
        if (op == PtxOp.EX2_APPROX || op == PtxOp.LG2_APPROX || op == PtxOp.SIN_APPROX || op == PtxOp.COS_APPROX) {
            if (!f32) {
                throw new IllegalArgumentException(op + " is generated for f32 only");
            }
            return approx(op, d, a, n);
        }
        if (type.isFloat()) {
            return switch (op) {
                case ADD_RN -> f32 ? (r, t) -> { r[d] = f(f(r[a]) + f(r[b])); return n; }
                        : (r, t) -> { r[d] = d(d(r[a]) + d(r[b])); return n; };
                case SUB_RN -> f32 ? (r, t) -> { r[d] = f(f(r[a]) - f(r[b])); return n; }
                        : (r, t) -> { r[d] = d(d(r[a]) - d(r[b])); return n; };
                case MUL_RN -> f32 ? (r, t) -> { r[d] = f(f(r[a]) * f(r[b])); return n; }
                        : (r, t) -> { r[d] = d(d(r[a]) * d(r[b])); return n; };
                case DIV_RN -> f32 ? (r, t) -> { r[d] = f(f(r[a]) / f(r[b])); return n; }
                        : (r, t) -> { r[d] = d(d(r[a]) / d(r[b])); return n; };
                case FMA_RN -> f32 ? (r, t) -> { r[d] = f(Math.fma(f(r[a]), f(r[b]), f(r[c]))); return n; }
                        : (r, t) -> { r[d] = d(Math.fma(d(r[a]), d(r[b]), d(r[c]))); return n; };
                case SQRT_RN -> f32 ? (r, t) -> { r[d] = f((float) Math.sqrt(f(r[a]))); return n; }
                        : (r, t) -> { r[d] = d(Math.sqrt(d(r[a]))); return n; };
                case NEG -> f32 ? (r, t) -> { r[d] = (r[a] ^ 0x80000000L) & 0xFFFFFFFFL; return n; }
                        : (r, t) -> { r[d] = r[a] ^ Long.MIN_VALUE; return n; };
                case ABS -> f32 ? (r, t) -> { r[d] = r[a] & 0x7FFFFFFFL; return n; }
                        : (r, t) -> { r[d] = r[a] & Long.MAX_VALUE; return n; };
                case COPYSIGN -> f32
                        ? (r, t) -> { r[d] = (r[a] & 0x80000000L) | (r[b] & 0x7FFFFFFFL); return n; }
                        : (r, t) -> { r[d] = (r[a] & Long.MIN_VALUE) | (r[b] & Long.MAX_VALUE); return n; };
                case MIN, MAX -> minMax(op == PtxOp.MIN, f32, d, a, b, n);
                // ptxas may contract an add or mul without a rounding mode into an fma
                case ADD, SUB, DIV -> throw new IllegalArgumentException(op + "." + type.suffix() + " without .rn");
                default -> throw new IllegalArgumentException("unsupported floating-point instruction");
            };
        }
        if (type == PtxType.PRED) {
            return switch (op) {
                case AND -> (r, t) -> { r[d] = r[a] & r[b]; return n; };
                case OR -> (r, t) -> { r[d] = r[a] | r[b]; return n; };
                case XOR -> (r, t) -> { r[d] = r[a] ^ r[b]; return n; };
                case NOT -> (r, t) -> { r[d] = r[a] ^ 1; return n; };
                default -> throw new IllegalArgumentException("unsupported predicate instruction");
            };
        }
        if (type.size() == 8) {
            return switch (op) {
                case ADD_CC -> (r, t) -> {
                    long x = r[a];
                    long y = r[b];
                    long z = x + y;
                    t.carry = Long.compareUnsigned(z, x) < 0;
                    r[d] = z;
                    return n;
                };
                case ADD -> (r, t) -> { r[d] = r[a] + r[b]; return n; };
                case ADDC -> (r, t) -> { r[d] = r[a] + r[b] + (t.carry ? 1 : 0); return n; };
                case SUB -> (r, t) -> { r[d] = r[a] - r[b]; return n; };
                case MUL_LO -> (r, t) -> { r[d] = r[a] * r[b]; return n; };
                case MUL_HI -> signed ? (r, t) -> { r[d] = Math.multiplyHigh(r[a], r[b]); return n; }
                        : (r, t) -> { r[d] = Math.unsignedMultiplyHigh(r[a], r[b]); return n; };
                case MAD_LO -> (r, t) -> { r[d] = r[a] * r[b] + r[c]; return n; };
                case DIV -> signed ? (r, t) -> { r[d] = r[b] == 0 ? -1 : r[a] / r[b]; return n; }
                        : (r, t) -> { r[d] = r[b] == 0 ? -1 : Long.divideUnsigned(r[a], r[b]); return n; };
                case REM -> signed ? (r, t) -> { r[d] = r[b] == 0 ? r[a] : r[a] % r[b]; return n; }
                        : (r, t) -> { r[d] = r[b] == 0 ? r[a] : Long.remainderUnsigned(r[a], r[b]); return n; };
                case NEG -> (r, t) -> { r[d] = -r[a]; return n; };
                case ABS -> (r, t) -> { r[d] = Math.abs(r[a]); return n; };
                case MIN -> signed ? (r, t) -> { r[d] = Math.min(r[a], r[b]); return n; }
                        : (r, t) -> { r[d] = Long.compareUnsigned(r[a], r[b]) <= 0 ? r[a] : r[b]; return n; };
                case MAX -> signed ? (r, t) -> { r[d] = Math.max(r[a], r[b]); return n; }
                        : (r, t) -> { r[d] = Long.compareUnsigned(r[a], r[b]) >= 0 ? r[a] : r[b]; return n; };
                case AND -> (r, t) -> { r[d] = r[a] & r[b]; return n; };
                case OR -> (r, t) -> { r[d] = r[a] | r[b]; return n; };
                case XOR -> (r, t) -> { r[d] = r[a] ^ r[b]; return n; };
                case NOT -> (r, t) -> { r[d] = ~r[a]; return n; };
                case SHL -> (r, t) -> {
                    long k = r[b] & 0xFFFFFFFFL;
                    r[d] = k >= 64 ? 0 : r[a] << k;
                    return n;
                };
                case SHR -> signed ? (r, t) -> {
                    long k = r[b] & 0xFFFFFFFFL;
                    r[d] = r[a] >> Math.min(k, 63);
                    return n;
                } : (r, t) -> {
                    long k = r[b] & 0xFFFFFFFFL;
                    r[d] = k >= 64 ? 0 : r[a] >>> k;
                    return n;
                };
                case CLZ -> (r, t) -> { r[d] = Long.numberOfLeadingZeros(r[a]); return n; };
                default -> throw new IllegalArgumentException("unsupported 64-bit instruction");
            };
        }
        // 32-bit integers: values live in the low 32 bits
        return switch (op) {
            case ADD -> (r, t) -> { r[d] = (r[a] + r[b]) & 0xFFFFFFFFL; return n; };
            case SUB -> (r, t) -> { r[d] = (r[a] - r[b]) & 0xFFFFFFFFL; return n; };
            case MUL_LO -> (r, t) -> { r[d] = (r[a] * r[b]) & 0xFFFFFFFFL; return n; };
            case MUL_WIDE -> signed ? (r, t) -> { r[d] = (long) (int) r[a] * (int) r[b]; return n; }
                        : (r, t) -> { r[d] = (r[a] & 0xFFFFFFFFL) * (r[b] & 0xFFFFFFFFL); return n; };
            case MUL_HI -> signed ? (r, t) -> { r[d] = ((long) (int) r[a] * (int) r[b]) >> 32 & 0xFFFFFFFFL; return n; }
                    : (r, t) -> { r[d] = ((r[a] & 0xFFFFFFFFL) * (r[b] & 0xFFFFFFFFL)) >>> 32; return n; };
            case MAD_LO -> (r, t) -> { r[d] = (r[a] * r[b] + r[c]) & 0xFFFFFFFFL; return n; };
            case DIV -> signed ? (r, t) -> {
                int y = (int) r[b];
                r[d] = (y == 0 ? -1 : (int) r[a] / y) & 0xFFFFFFFFL;
                return n;
            } : (r, t) -> {
                int y = (int) r[b];
                r[d] = (y == 0 ? -1 : Integer.divideUnsigned((int) r[a], y)) & 0xFFFFFFFFL;
                return n;
            };
            case REM -> signed ? (r, t) -> {
                int y = (int) r[b];
                r[d] = (y == 0 ? (int) r[a] : (int) r[a] % y) & 0xFFFFFFFFL;
                return n;
            } : (r, t) -> {
                int y = (int) r[b];
                r[d] = (y == 0 ? (int) r[a] : Integer.remainderUnsigned((int) r[a], y)) & 0xFFFFFFFFL;
                return n;
            };
            case NEG -> (r, t) -> { r[d] = -r[a] & 0xFFFFFFFFL; return n; };
            case ABS -> (r, t) -> { r[d] = Math.abs((int) r[a]) & 0xFFFFFFFFL; return n; };
            case MIN -> signed ? (r, t) -> { r[d] = Math.min((int) r[a], (int) r[b]) & 0xFFFFFFFFL; return n; }
                    : (r, t) -> { r[d] = Math.min(r[a] & 0xFFFFFFFFL, r[b] & 0xFFFFFFFFL); return n; };
            case MAX -> signed ? (r, t) -> { r[d] = Math.max((int) r[a], (int) r[b]) & 0xFFFFFFFFL; return n; }
                    : (r, t) -> { r[d] = Math.max(r[a] & 0xFFFFFFFFL, r[b] & 0xFFFFFFFFL); return n; };
            case AND -> (r, t) -> { r[d] = (r[a] & r[b]) & 0xFFFFFFFFL; return n; };
            case OR -> (r, t) -> { r[d] = (r[a] | r[b]) & 0xFFFFFFFFL; return n; };
            case XOR -> (r, t) -> { r[d] = (r[a] ^ r[b]) & 0xFFFFFFFFL; return n; };
            case NOT -> (r, t) -> { r[d] = ~r[a] & 0xFFFFFFFFL; return n; };
            case SHL -> (r, t) -> {
                long k = r[b] & 0xFFFFFFFFL;
                r[d] = k >= 32 ? 0 : (r[a] << k) & 0xFFFFFFFFL;
                return n;
            };
            case SHR -> signed ? (r, t) -> {
                long k = r[b] & 0xFFFFFFFFL;
                r[d] = ((int) r[a] >> Math.min(k, 31)) & 0xFFFFFFFFL;
                return n;
            } : (r, t) -> {
                long k = r[b] & 0xFFFFFFFFL;
                r[d] = k >= 32 ? 0 : (r[a] & 0xFFFFFFFFL) >>> k;
                return n;
            };
            case CLZ -> (r, t) -> { r[d] = Integer.numberOfLeadingZeros((int) r[a]); return n; };
            default -> throw new IllegalArgumentException("unsupported 32-bit instruction");
        };
    }

    /** PTX min/max: a NaN operand gives the other operand, two NaNs the canonical NaN; -0 < +0. */
    private static Op minMax(boolean min, boolean f32, int d, int a, int b, int n) {
        if (f32) {
            return (r, t) -> {
                float x = f(r[a]);
                float y = f(r[b]);
                r[d] = x != x ? f(y) : y != y ? f(x) : f(min ? Math.min(x, y) : Math.max(x, y));
                return n;
            };
        }
        return (r, t) -> {
            double x = d(r[a]);
            double y = d(r[b]);
            r[d] = x != x ? d(y) : y != y ? d(x) : d(min ? Math.min(x, y) : Math.max(x, y));
            return n;
        };
    }

    /** The fast-mode approximations (flush-to-zero): close to, not the same bits as, the hardware's. */
    private static Op approx(PtxOp op, int d, int a, int n) {
        return switch (op) {
            case EX2_APPROX -> (r, t) -> { r[d] = f(ftz((float) Math.pow(2, ftz(f(r[a]))))); return n; };
            case LG2_APPROX -> (r, t) -> {
                float x = ftz(f(r[a]));
                r[d] = f(x == 0 ? Float.NEGATIVE_INFINITY : (float) (Math.log(x) / Math.log(2)));
                return n;
            };
            case SIN_APPROX -> (r, t) -> { r[d] = f(ftz((float) Math.sin(ftz(f(r[a]))))); return n; };
            case COS_APPROX -> (r, t) -> { r[d] = f(ftz((float) Math.cos(ftz(f(r[a]))))); return n; };
            default -> throw new IllegalArgumentException("unsupported .approx instruction");
        };
    }

    private static float ftz(float x) {
        return Math.abs(x) < Float.MIN_NORMAL ? Math.copySign(0f, x) : x;
    }

    static Op setp(PtxCmp cmp, PtxType type, int p, int a, int b, int n) {
        if (type.isFloat()) {
            boolean f32 = type == PtxType.F32;
            return switch (cmp) {
                case EQ -> fcmp(f32, p, a, b, n, (x, y) -> x == y);
                case NE -> fcmp(f32, p, a, b, n, (x, y) -> x != y && x == x && y == y);
                case LT -> fcmp(f32, p, a, b, n, (x, y) -> x < y);
                case LE -> fcmp(f32, p, a, b, n, (x, y) -> x <= y);
                case GT -> fcmp(f32, p, a, b, n, (x, y) -> x > y);
                case GE -> fcmp(f32, p, a, b, n, (x, y) -> x >= y);
                case EQU -> fcmp(f32, p, a, b, n, (x, y) -> x == y || x != x || y != y);
                case NEU -> fcmp(f32, p, a, b, n, (x, y) -> x != y);
                case LTU -> fcmp(f32, p, a, b, n, (x, y) -> !(x >= y));
                case LEU -> fcmp(f32, p, a, b, n, (x, y) -> !(x > y));
                case GTU -> fcmp(f32, p, a, b, n, (x, y) -> !(x <= y));
                case GEU -> fcmp(f32, p, a, b, n, (x, y) -> !(x < y));
                case NUM -> fcmp(f32, p, a, b, n, (x, y) -> x == x && y == y);
                case NAN -> fcmp(f32, p, a, b, n, (x, y) -> x != x || y != y);
                case LO, LS, HI, HS -> throw new IllegalArgumentException("setp." + cmp + " compares integers only");
            };
        }
        boolean wide = type.size() == 8;
        boolean unsigned = !type.isSigned();
        return switch (cmp) {
            case EQ -> icmp(wide, unsigned, p, a, b, n, c -> c == 0);
            case NE -> icmp(wide, unsigned, p, a, b, n, c -> c != 0);
            case LT -> icmp(wide, unsigned, p, a, b, n, c -> c < 0);
            case LE -> icmp(wide, unsigned, p, a, b, n, c -> c <= 0);
            case GT -> icmp(wide, unsigned, p, a, b, n, c -> c > 0);
            case GE -> icmp(wide, unsigned, p, a, b, n, c -> c >= 0);
            case LO -> icmp(wide, true, p, a, b, n, c -> c < 0);
            case LS -> icmp(wide, true, p, a, b, n, c -> c <= 0);
            case HI -> icmp(wide, true, p, a, b, n, c -> c > 0);
            case HS -> icmp(wide, true, p, a, b, n, c -> c >= 0);
            case EQU, NEU, LTU, LEU, GTU, GEU, NUM, NAN -> throw new IllegalArgumentException("setp." + cmp
                    + " compares floating-point values only");
        };
    }

    @FunctionalInterface
    interface DoubleTest {
        boolean test(double x, double y);
    }

    @FunctionalInterface
    interface CompareTest {
        boolean test(int c);
    }

    private static Op fcmp(boolean f32, int p, int a, int b, int n, DoubleTest test) {
        return f32 ? (r, t) -> {
            r[p] = test.test(f(r[a]), f(r[b])) ? 1 : 0;
            return n;
        } : (r, t) -> {
            r[p] = test.test(d(r[a]), d(r[b])) ? 1 : 0;
            return n;
        };
    }

    private static Op icmp(boolean wide, boolean unsigned, int p, int a, int b, int n, CompareTest test) {
        if (wide) {
            return unsigned ? (r, t) -> { r[p] = test.test(Long.compareUnsigned(r[a], r[b])) ? 1 : 0; return n; }
                    : (r, t) -> { r[p] = test.test(Long.compare(r[a], r[b])) ? 1 : 0; return n; };
        }
        return unsigned ? (r, t) -> { r[p] = test.test(Integer.compareUnsigned((int) r[a], (int) r[b])) ? 1 : 0; return n; }
                : (r, t) -> { r[p] = test.test(Integer.compare((int) r[a], (int) r[b])) ? 1 : 0; return n; };
    }
}
