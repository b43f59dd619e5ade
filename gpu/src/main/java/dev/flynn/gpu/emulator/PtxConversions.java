package dev.flynn.gpu.emulator;

import dev.flynn.gpu.emulator.PtxInterpreter.Op;
import dev.flynn.gpu.ptx.PtxOp;
import dev.flynn.gpu.ptx.PtxType;

import java.util.function.DoubleUnaryOperator;

/** {@code cvt}: float-to-integer conversions saturate and give 0 for NaN, as the PTX ISA says. */
final class PtxConversions {
    private static final double TWO_64 = 0x1p64;
    private static final double TWO_63 = 0x1p63;

    private PtxConversions() {
    }

    static Op cvt(PtxOp rnd, PtxType to, PtxType from, int d, int a, int n) {
        boolean fromFloat = from.isFloat();
        boolean toFloat = to.isFloat();
        if (fromFloat && toFloat) {
            if (to == from) {
                // round to an integral value in the same type
                java.util.function.DoubleUnaryOperator op = switch (rnd) {
                    case CVT_RNI -> Math::rint;
                    case CVT_RZI -> x -> x < 0 ? Math.ceil(x) : Math.floor(x);
                    case CVT_RMI -> Math::floor;
                    case CVT_RPI -> Math::ceil;
                    default -> throw new IllegalArgumentException("same-type cvt needs an integer rounding");
                };
                return to == PtxType.F32
                        ? (r, t) -> { r[d] = PtxArithmetic.f((float) op.applyAsDouble(PtxArithmetic.f(r[a]))); return n; }
                        : (r, t) -> { r[d] = PtxArithmetic.d(op.applyAsDouble(PtxArithmetic.d(r[a]))); return n; };
            }
            if (to == PtxType.F32) {
                if (rnd != PtxOp.CVT_RN) {
                    throw new IllegalArgumentException("f64 to f32 needs .rn");
                }
                return (r, t) -> { r[d] = PtxArithmetic.f((float) PtxArithmetic.d(r[a])); return n; };
            }
            return (r, t) -> { r[d] = PtxArithmetic.d(PtxArithmetic.f(r[a])); return n; };
        }
        if (fromFloat) {
            if (rnd != PtxOp.CVT_RZI) {
                throw new IllegalArgumentException("float to integer is only generated with .rzi");
            }
            boolean f32 = from == PtxType.F32;
            return switch (to) {
                case S32 -> f32 ? (r, t) -> { r[d] = (int) PtxArithmetic.f(r[a]) & 0xFFFFFFFFL; return n; }
                        : (r, t) -> { r[d] = (int) PtxArithmetic.d(r[a]) & 0xFFFFFFFFL; return n; };
                case S64 -> f32 ? (r, t) -> { r[d] = (long) PtxArithmetic.f(r[a]); return n; }
                        : (r, t) -> { r[d] = (long) PtxArithmetic.d(r[a]); return n; };
                case U64 -> (r, t) -> {
                    double x = f32 ? PtxArithmetic.f(r[a]) : PtxArithmetic.d(r[a]);
                    r[d] = toU64(x);
                    return n;
                };
                case U32 -> (r, t) -> {
                    double x = f32 ? PtxArithmetic.f(r[a]) : PtxArithmetic.d(r[a]);
                    r[d] = x != x || x <= 0 ? 0 : x >= 0x1p32 ? 0xFFFFFFFFL : (long) x;
                    return n;
                };
                default -> throw new IllegalArgumentException("unsupported conversion to " + to);
            };
        }
        if (toFloat) {
            if (rnd != PtxOp.CVT_RN) {
                throw new IllegalArgumentException("integer to float needs .rn");
            }
            boolean f32 = to == PtxType.F32;
            return switch (from) {
                case S32 -> f32 ? (r, t) -> { r[d] = PtxArithmetic.f((float) (int) r[a]); return n; }
                        : (r, t) -> { r[d] = PtxArithmetic.d((double) (int) r[a]); return n; };
                case U32 -> f32 ? (r, t) -> { r[d] = PtxArithmetic.f((float) (r[a] & 0xFFFFFFFFL)); return n; }
                        : (r, t) -> { r[d] = PtxArithmetic.d((double) (r[a] & 0xFFFFFFFFL)); return n; };
                case S64 -> f32 ? (r, t) -> { r[d] = PtxArithmetic.f((float) r[a]); return n; }
                        : (r, t) -> { r[d] = PtxArithmetic.d((double) r[a]); return n; };
                case U64 -> f32 ? (r, t) -> { r[d] = PtxArithmetic.f(u64ToFloat(r[a])); return n; }
                        : (r, t) -> { r[d] = PtxArithmetic.d(u64ToDouble(r[a])); return n; };
                default -> throw new IllegalArgumentException("unsupported conversion from " + from);
            };
        }
        // integer to integer: sign- or zero-extend, or truncate
        int toBits = 8 * to.size();
        int fromBits = 8 * from.size();
        boolean signedFrom = from.isSigned();
        if (toBits == 64 && fromBits == 32) {
            return signedFrom ? (r, t) -> { r[d] = (int) r[a]; return n; }
                    : (r, t) -> { r[d] = r[a] & 0xFFFFFFFFL; return n; };
        }
        if (toBits == 32) {
            return (r, t) -> { r[d] = r[a] & 0xFFFFFFFFL; return n; };
        }
        return (r, t) -> { r[d] = r[a]; return n; };
    }

    static long toU64(double x) {
        if (x != x || x <= 0) {
            return 0;
        }
        if (x >= TWO_64) {
            return -1L;
        }
        return x >= TWO_63 ? (long) (x - TWO_63) + Long.MIN_VALUE : (long) x;
    }

    static double u64ToDouble(long v) {
        if (v >= 0) {
            return v;
        }
        // halve keeping the lost bit sticky, convert (one rounding), double again
        double h = (double) ((v >>> 1) | (v & 1));
        return h * 2;
    }

    static float u64ToFloat(long v) {
        if (v >= 0) {
            return v;
        }
        float h = (float) ((v >>> 1) | (v & 1));
        return h * 2;
    }
}
