package dev.flynn.simd;

import dev.flynn.DType;
import dev.flynn.ir.UnaryOp;

import java.util.SplittableRandom;

/**
 * Inputs for the dense math tests: every special value, the neighbourhoods (a few ulps either side) of
 * each op's thresholds (overflow, underflow, subnormal results, branch points), random bit patterns over
 * the whole type, and uniform values over the op's interesting range. F32 inputs are floats held in doubles.
 */
final class UnaryInputs {
    static final double[] SPECIAL = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0,
            1.0, -1.0, 2.0, -2.0, 0.5, 3.0, 10.0, 27.0, 1000.0, 1e-300, Double.MIN_VALUE, -Double.MIN_VALUE,
            Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE, Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
            0x1p-28, 0x1p-54, 0x1p-55, 22.0, -22.0, 0.3465, Math.log(2) / 2, -Math.log(2) / 2};

    private UnaryInputs() {
    }

    /** Thresholds of {@code op} whose neighbourhoods are sampled ulp by ulp. */
    static double[] thresholds(UnaryOp op, DType t) {
        boolean f = t == DType.F32;
        return switch (op) {
            case EXP -> f ? new double[]{88.72283935546875, -87.33654475, -103.972084, -0.0, 0.34657359}
                    : new double[]{709.782712893384, -708.3964185322641, -745.1332191019411, -745.1332191019412, 0.34657359};
            case EXPM1 -> f ? new double[]{88.72283935546875, -17.0, 0.3465, -0.3465}
                    : new double[]{709.782712893384, -37.42994775023705, 0.3465, -0.3465, 1e-10};
            case LOG, LOG10 -> new double[]{1.0, Math.sqrt(2), Math.sqrt(0.5), 10.0, 100.0, 0.1, Double.MIN_NORMAL,
                    Float.MIN_NORMAL, Math.E};
            case LOG1P -> new double[]{-1.0, 0.0, 0x1p-54, -0x1p-54, Math.sqrt(2) - 1, Math.sqrt(0.5) - 1, 1e-8};
            case CBRT -> new double[]{27.0, 8.0, 1.0, Double.MIN_NORMAL, 1e-310, 0.125};
            case SINH, COSH -> f ? new double[]{89.41598629223294, -89.41598629223294, 22.0, 1.0, 0x1p-28}
                    : new double[]{710.4758600739439, -710.4758600739439, 22.0, -22.0, 1.0, 0x1p-28};
            case TANH -> new double[]{22.0, -22.0, 0.55, 1.0, 0x1p-28, -0x1p-28, 9.01};
            default -> throw new IllegalArgumentException(op.name());
        };
    }

    /** The uniform range of most random inputs: where the function is neither constant nor special. */
    static double range(UnaryOp op, DType t) {
        boolean f = t == DType.F32;
        return switch (op) {
            case EXP, EXPM1 -> f ? 105 : 746;
            case SINH, COSH -> f ? 90 : 711;
            case TANH -> 23;
            default -> 1e6;
        };
    }

    static double[] of(UnaryOp op, DType t, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        int i = 0;
        for (double v : SPECIAL) {
            x[i++] = round(v, t);
        }
        for (double v : thresholds(op, t)) {
            i = around(x, i, round(v, t), t, 64);
            i = around(x, i, round(-v, t), t, 16);
        }
        double range = range(op, t);
        while (i < n) {
            int kind = r.nextInt(8);
            double v = switch (kind) {
                case 0, 1 -> randomBits(r, t);
                case 2 -> (r.nextDouble() * 2 - 1) * Math.scalb(1.0, -r.nextInt(60));
                case 3 -> 1 + (r.nextDouble() * 2 - 1) * Math.scalb(1.0, -r.nextInt(40));
                default -> (r.nextDouble() * 2 - 1) * range;
            };
            x[i++] = round(v, t);
        }
        return x;
    }

    /** {@code count} values on each side of {@code v}, one ulp apart. */
    static int around(double[] x, int i, double v, DType t, int count) {
        double up = v;
        double down = v;
        for (int k = 0; k < count && i + 1 < x.length; k++) {
            x[i++] = up;
            x[i++] = down;
            up = t == DType.F32 ? Math.nextUp((float) up) : Math.nextUp(up);
            down = t == DType.F32 ? Math.nextDown((float) down) : Math.nextDown(down);
        }
        return i;
    }

    static double randomBits(SplittableRandom r, DType t) {
        return t == DType.F32 ? Float.intBitsToFloat(r.nextInt()) : Double.longBitsToDouble(r.nextLong());
    }

    static double round(double v, DType t) {
        return t == DType.F32 ? (float) v : v;
    }
}
