package dev.flynn;

import dev.flynn.ir.ReduceOp;
import dev.flynn.spi.Partials;

/**
 * The accumulator rows of {@link NdColumns}: one row per partial of a 1-D block, one element per line,
 * each step a loop across the lines that C2 turns into vector adds. Every element sees exactly the
 * scalar operation the 1-D reduction of its line performs, in the value's own type (F32 adds round to
 * float, as the backends' float lanes do).
 */
final class RowFolds {
    private RowFolds() {
    }

    /** SUM, PROD, MIN or MAX of floating values in {@code P} partials per line. */
    static final class Floating {
        private final boolean f32;
        private final ReduceOp op;
        private final int partials;
        private final int w;
        private final float[][] f;
        private final double[][] d;

        Floating(DType type, ReduceOp op, int partials, int w) {
            this.f32 = type == DType.F32;
            this.op = op;
            this.partials = partials;
            this.w = w;
            double id = Partials.identity(op, type).doubleValue();
            if (f32) {
                f = new float[partials][w];
                d = null;
                for (float[] row : f) {
                    java.util.Arrays.fill(row, (float) id);
                }
            } else {
                d = new double[partials][w];
                f = null;
                for (double[] row : d) {
                    java.util.Arrays.fill(row, id);
                }
            }
        }

        /** Folds one row of values into partial {@code j} of every line. */
        void add(int j, NdColumns.Rows values) {
            if (f32) {
                step(op, f[j], values.floats, 0, w);
            } else {
                step(op, d[j], values.doubles, 0, w);
            }
        }

        /** Partial {@code j} of every line takes {@code (v - mean)^2}, as the moments' second pass does. */
        void addSquaredDeviations(int j, double[] v, double[] mean) {
            double[] a = d[j];
            for (int c = 0; c < w; c++) {
                double dev = v[c] - mean[c];
                a[c] = a[c] + dev * dev;
            }
        }

        /** The partials folded in the block's tree: {@code p[j] = p[j] op p[j + h]} for {@code h = P/2 ... 1}. */
        void fold() {
            for (int h = partials / 2; h >= 1; h /= 2) {
                for (int j = 0; j < h; j++) {
                    if (f32) {
                        step(op, f[j], f[j + h], 0, w);
                    } else {
                        step(op, d[j], d[j + h], 0, w);
                    }
                }
            }
        }

        /** Line {@code c}'s folded value, widened. */
        double result(int c) {
            return f32 ? f[0][c] : d[0][c];
        }
    }

    static void step(ReduceOp op, float[] a, float[] v, int at, int w) {
        switch (op) {
            case SUM -> {
                for (int c = 0; c < w; c++) {
                    a[c] = a[c] + v[at + c];
                }
            }
            case PROD -> {
                for (int c = 0; c < w; c++) {
                    a[c] = a[c] * v[at + c];
                }
            }
            case MIN -> {
                for (int c = 0; c < w; c++) {
                    a[c] = Math.min(a[c], v[at + c]);
                }
            }
            case MAX -> {
                for (int c = 0; c < w; c++) {
                    a[c] = Math.max(a[c], v[at + c]);
                }
            }
            default -> throw new IllegalStateException(op + " has no plain step");
        }
    }

    static void step(ReduceOp op, double[] a, double[] v, int at, int w) {
        switch (op) {
            case SUM -> {
                for (int c = 0; c < w; c++) {
                    a[c] = a[c] + v[at + c];
                }
            }
            case PROD -> {
                for (int c = 0; c < w; c++) {
                    a[c] = a[c] * v[at + c];
                }
            }
            case MIN -> {
                for (int c = 0; c < w; c++) {
                    a[c] = Math.min(a[c], v[at + c]);
                }
            }
            case MAX -> {
                for (int c = 0; c < w; c++) {
                    a[c] = Math.max(a[c], v[at + c]);
                }
            }
            default -> throw new IllegalStateException(op + " has no plain step");
        }
    }

    /** Integer SUM, PROD, MIN or MAX: exact in any order (I32 wraps the same computed in longs and cast). */
    static void integer(ReduceOp op, long[] a, long[] v, int w) {
        switch (op) {
            case SUM -> {
                for (int c = 0; c < w; c++) {
                    a[c] += v[c];
                }
            }
            case PROD -> {
                for (int c = 0; c < w; c++) {
                    a[c] *= v[c];
                }
            }
            case MIN -> {
                for (int c = 0; c < w; c++) {
                    a[c] = Math.min(a[c], v[c]);
                }
            }
            case MAX -> {
                for (int c = 0; c < w; c++) {
                    a[c] = Math.max(a[c], v[c]);
                }
            }
            default -> throw new IllegalStateException(op + " has no plain step");
        }
    }
}
