package dev.flynn.spi;

import dev.flynn.ir.ScanOp;

import static dev.flynn.ir.ScanOp.SEGMENT;

/**
 * The loops of a scan's block on the CPU for F32 and F64, one per type and op (a switch inside a loop
 * would cost a branch per element): the fold of each segment in place ({@code segments}), the
 * application of a carry ({@code carry}) and one step ({@code step}, for the few carries). A whole block's
 * eight segments are folded side by side, one element of each in turn, in eight locals: their chains
 * of steps are independent, so the core overlaps them instead of waiting out each step's latency.
 */
final class ScanFloatFolds {
    private ScanFloatFolds() {
    }

    /** Folds each segment of {@code a[lo, hi)} in place into its local prefixes; {@code t[k]} gets segment k's total. */
    static void segments(float[] a, int lo, int hi, ScanOp op, float[] t) {
        switch (op) {
            case SUM -> segmentsSum(a, lo, hi, t);
            case PROD -> segmentsProd(a, lo, hi, t);
            case MIN -> segmentsMin(a, lo, hi, t);
            case MAX -> segmentsMax(a, lo, hi, t);
        }
    }

    /** {@code a[i] = c ⊕ a[i]} over {@code [lo, hi)}. */
    static void carry(float[] a, int lo, int hi, ScanOp op, float c) {
        switch (op) {
            case SUM -> { for (int i = lo; i < hi; i++) { a[i] = c + a[i]; } }
            case PROD -> { for (int i = lo; i < hi; i++) { a[i] = c * a[i]; } }
            case MIN -> { for (int i = lo; i < hi; i++) { a[i] = Math.min(c, a[i]); } }
            case MAX -> { for (int i = lo; i < hi; i++) { a[i] = Math.max(c, a[i]); } }
        }
    }

    static float step(ScanOp op, float a, float b) {
        return switch (op) {
            case SUM -> a + b;
            case PROD -> a * b;
            case MIN -> Math.min(a, b);
            case MAX -> Math.max(a, b);
        };
    }

    private static void segmentsSum(float[] a, int lo, int hi, float[] t) {
        if (hi - lo == 8 * SEGMENT) {
            float s0 = a[lo], s1 = a[lo + SEGMENT], s2 = a[lo + 2 * SEGMENT], s3 = a[lo + 3 * SEGMENT];
            float s4 = a[lo + 4 * SEGMENT], s5 = a[lo + 5 * SEGMENT], s6 = a[lo + 6 * SEGMENT], s7 = a[lo + 7 * SEGMENT];
            for (int i = lo + 1; i < lo + SEGMENT; i++) {
                s0 = s0 + a[i];
                a[i] = s0;
                s1 = s1 + a[i + SEGMENT];
                a[i + SEGMENT] = s1;
                s2 = s2 + a[i + 2 * SEGMENT];
                a[i + 2 * SEGMENT] = s2;
                s3 = s3 + a[i + 3 * SEGMENT];
                a[i + 3 * SEGMENT] = s3;
                s4 = s4 + a[i + 4 * SEGMENT];
                a[i + 4 * SEGMENT] = s4;
                s5 = s5 + a[i + 5 * SEGMENT];
                a[i + 5 * SEGMENT] = s5;
                s6 = s6 + a[i + 6 * SEGMENT];
                a[i + 6 * SEGMENT] = s6;
                s7 = s7 + a[i + 7 * SEGMENT];
                a[i + 7 * SEGMENT] = s7;
            }
            t[0] = s0; t[1] = s1; t[2] = s2; t[3] = s3; t[4] = s4; t[5] = s5; t[6] = s6; t[7] = s7;
            return;
        }
        for (int k = 0, from = lo; from < hi; k++, from += SEGMENT) {
            float acc = a[from];
            for (int i = from + 1; i < Math.min(hi, from + SEGMENT); i++) {
                acc = acc + a[i];
                a[i] = acc;
            }
            t[k] = acc;
        }
    }

    private static void segmentsProd(float[] a, int lo, int hi, float[] t) {
        if (hi - lo == 8 * SEGMENT) {
            float s0 = a[lo], s1 = a[lo + SEGMENT], s2 = a[lo + 2 * SEGMENT], s3 = a[lo + 3 * SEGMENT];
            float s4 = a[lo + 4 * SEGMENT], s5 = a[lo + 5 * SEGMENT], s6 = a[lo + 6 * SEGMENT], s7 = a[lo + 7 * SEGMENT];
            for (int i = lo + 1; i < lo + SEGMENT; i++) {
                s0 = s0 * a[i];
                a[i] = s0;
                s1 = s1 * a[i + SEGMENT];
                a[i + SEGMENT] = s1;
                s2 = s2 * a[i + 2 * SEGMENT];
                a[i + 2 * SEGMENT] = s2;
                s3 = s3 * a[i + 3 * SEGMENT];
                a[i + 3 * SEGMENT] = s3;
                s4 = s4 * a[i + 4 * SEGMENT];
                a[i + 4 * SEGMENT] = s4;
                s5 = s5 * a[i + 5 * SEGMENT];
                a[i + 5 * SEGMENT] = s5;
                s6 = s6 * a[i + 6 * SEGMENT];
                a[i + 6 * SEGMENT] = s6;
                s7 = s7 * a[i + 7 * SEGMENT];
                a[i + 7 * SEGMENT] = s7;
            }
            t[0] = s0; t[1] = s1; t[2] = s2; t[3] = s3; t[4] = s4; t[5] = s5; t[6] = s6; t[7] = s7;
            return;
        }
        for (int k = 0, from = lo; from < hi; k++, from += SEGMENT) {
            float acc = a[from];
            for (int i = from + 1; i < Math.min(hi, from + SEGMENT); i++) {
                acc = acc * a[i];
                a[i] = acc;
            }
            t[k] = acc;
        }
    }

    private static void segmentsMin(float[] a, int lo, int hi, float[] t) {
        if (hi - lo == 8 * SEGMENT) {
            float s0 = a[lo], s1 = a[lo + SEGMENT], s2 = a[lo + 2 * SEGMENT], s3 = a[lo + 3 * SEGMENT];
            float s4 = a[lo + 4 * SEGMENT], s5 = a[lo + 5 * SEGMENT], s6 = a[lo + 6 * SEGMENT], s7 = a[lo + 7 * SEGMENT];
            for (int i = lo + 1; i < lo + SEGMENT; i++) {
                s0 = Math.min(s0, a[i]);
                a[i] = s0;
                s1 = Math.min(s1, a[i + SEGMENT]);
                a[i + SEGMENT] = s1;
                s2 = Math.min(s2, a[i + 2 * SEGMENT]);
                a[i + 2 * SEGMENT] = s2;
                s3 = Math.min(s3, a[i + 3 * SEGMENT]);
                a[i + 3 * SEGMENT] = s3;
                s4 = Math.min(s4, a[i + 4 * SEGMENT]);
                a[i + 4 * SEGMENT] = s4;
                s5 = Math.min(s5, a[i + 5 * SEGMENT]);
                a[i + 5 * SEGMENT] = s5;
                s6 = Math.min(s6, a[i + 6 * SEGMENT]);
                a[i + 6 * SEGMENT] = s6;
                s7 = Math.min(s7, a[i + 7 * SEGMENT]);
                a[i + 7 * SEGMENT] = s7;
            }
            t[0] = s0; t[1] = s1; t[2] = s2; t[3] = s3; t[4] = s4; t[5] = s5; t[6] = s6; t[7] = s7;
            return;
        }
        for (int k = 0, from = lo; from < hi; k++, from += SEGMENT) {
            float acc = a[from];
            for (int i = from + 1; i < Math.min(hi, from + SEGMENT); i++) {
                acc = Math.min(acc, a[i]);
                a[i] = acc;
            }
            t[k] = acc;
        }
    }

    private static void segmentsMax(float[] a, int lo, int hi, float[] t) {
        if (hi - lo == 8 * SEGMENT) {
            float s0 = a[lo], s1 = a[lo + SEGMENT], s2 = a[lo + 2 * SEGMENT], s3 = a[lo + 3 * SEGMENT];
            float s4 = a[lo + 4 * SEGMENT], s5 = a[lo + 5 * SEGMENT], s6 = a[lo + 6 * SEGMENT], s7 = a[lo + 7 * SEGMENT];
            for (int i = lo + 1; i < lo + SEGMENT; i++) {
                s0 = Math.max(s0, a[i]);
                a[i] = s0;
                s1 = Math.max(s1, a[i + SEGMENT]);
                a[i + SEGMENT] = s1;
                s2 = Math.max(s2, a[i + 2 * SEGMENT]);
                a[i + 2 * SEGMENT] = s2;
                s3 = Math.max(s3, a[i + 3 * SEGMENT]);
                a[i + 3 * SEGMENT] = s3;
                s4 = Math.max(s4, a[i + 4 * SEGMENT]);
                a[i + 4 * SEGMENT] = s4;
                s5 = Math.max(s5, a[i + 5 * SEGMENT]);
                a[i + 5 * SEGMENT] = s5;
                s6 = Math.max(s6, a[i + 6 * SEGMENT]);
                a[i + 6 * SEGMENT] = s6;
                s7 = Math.max(s7, a[i + 7 * SEGMENT]);
                a[i + 7 * SEGMENT] = s7;
            }
            t[0] = s0; t[1] = s1; t[2] = s2; t[3] = s3; t[4] = s4; t[5] = s5; t[6] = s6; t[7] = s7;
            return;
        }
        for (int k = 0, from = lo; from < hi; k++, from += SEGMENT) {
            float acc = a[from];
            for (int i = from + 1; i < Math.min(hi, from + SEGMENT); i++) {
                acc = Math.max(acc, a[i]);
                a[i] = acc;
            }
            t[k] = acc;
        }
    }

    /** Folds each segment of {@code a[lo, hi)} in place into its local prefixes; {@code t[k]} gets segment k's total. */
    static void segments(double[] a, int lo, int hi, ScanOp op, double[] t) {
        switch (op) {
            case SUM -> segmentsSum(a, lo, hi, t);
            case PROD -> segmentsProd(a, lo, hi, t);
            case MIN -> segmentsMin(a, lo, hi, t);
            case MAX -> segmentsMax(a, lo, hi, t);
        }
    }

    /** {@code a[i] = c ⊕ a[i]} over {@code [lo, hi)}. */
    static void carry(double[] a, int lo, int hi, ScanOp op, double c) {
        switch (op) {
            case SUM -> { for (int i = lo; i < hi; i++) { a[i] = c + a[i]; } }
            case PROD -> { for (int i = lo; i < hi; i++) { a[i] = c * a[i]; } }
            case MIN -> { for (int i = lo; i < hi; i++) { a[i] = Math.min(c, a[i]); } }
            case MAX -> { for (int i = lo; i < hi; i++) { a[i] = Math.max(c, a[i]); } }
        }
    }

    static double step(ScanOp op, double a, double b) {
        return switch (op) {
            case SUM -> a + b;
            case PROD -> a * b;
            case MIN -> Math.min(a, b);
            case MAX -> Math.max(a, b);
        };
    }

    private static void segmentsSum(double[] a, int lo, int hi, double[] t) {
        if (hi - lo == 8 * SEGMENT) {
            double s0 = a[lo], s1 = a[lo + SEGMENT], s2 = a[lo + 2 * SEGMENT], s3 = a[lo + 3 * SEGMENT];
            double s4 = a[lo + 4 * SEGMENT], s5 = a[lo + 5 * SEGMENT], s6 = a[lo + 6 * SEGMENT], s7 = a[lo + 7 * SEGMENT];
            for (int i = lo + 1; i < lo + SEGMENT; i++) {
                s0 = s0 + a[i];
                a[i] = s0;
                s1 = s1 + a[i + SEGMENT];
                a[i + SEGMENT] = s1;
                s2 = s2 + a[i + 2 * SEGMENT];
                a[i + 2 * SEGMENT] = s2;
                s3 = s3 + a[i + 3 * SEGMENT];
                a[i + 3 * SEGMENT] = s3;
                s4 = s4 + a[i + 4 * SEGMENT];
                a[i + 4 * SEGMENT] = s4;
                s5 = s5 + a[i + 5 * SEGMENT];
                a[i + 5 * SEGMENT] = s5;
                s6 = s6 + a[i + 6 * SEGMENT];
                a[i + 6 * SEGMENT] = s6;
                s7 = s7 + a[i + 7 * SEGMENT];
                a[i + 7 * SEGMENT] = s7;
            }
            t[0] = s0; t[1] = s1; t[2] = s2; t[3] = s3; t[4] = s4; t[5] = s5; t[6] = s6; t[7] = s7;
            return;
        }
        for (int k = 0, from = lo; from < hi; k++, from += SEGMENT) {
            double acc = a[from];
            for (int i = from + 1; i < Math.min(hi, from + SEGMENT); i++) {
                acc = acc + a[i];
                a[i] = acc;
            }
            t[k] = acc;
        }
    }

    private static void segmentsProd(double[] a, int lo, int hi, double[] t) {
        if (hi - lo == 8 * SEGMENT) {
            double s0 = a[lo], s1 = a[lo + SEGMENT], s2 = a[lo + 2 * SEGMENT], s3 = a[lo + 3 * SEGMENT];
            double s4 = a[lo + 4 * SEGMENT], s5 = a[lo + 5 * SEGMENT], s6 = a[lo + 6 * SEGMENT], s7 = a[lo + 7 * SEGMENT];
            for (int i = lo + 1; i < lo + SEGMENT; i++) {
                s0 = s0 * a[i];
                a[i] = s0;
                s1 = s1 * a[i + SEGMENT];
                a[i + SEGMENT] = s1;
                s2 = s2 * a[i + 2 * SEGMENT];
                a[i + 2 * SEGMENT] = s2;
                s3 = s3 * a[i + 3 * SEGMENT];
                a[i + 3 * SEGMENT] = s3;
                s4 = s4 * a[i + 4 * SEGMENT];
                a[i + 4 * SEGMENT] = s4;
                s5 = s5 * a[i + 5 * SEGMENT];
                a[i + 5 * SEGMENT] = s5;
                s6 = s6 * a[i + 6 * SEGMENT];
                a[i + 6 * SEGMENT] = s6;
                s7 = s7 * a[i + 7 * SEGMENT];
                a[i + 7 * SEGMENT] = s7;
            }
            t[0] = s0; t[1] = s1; t[2] = s2; t[3] = s3; t[4] = s4; t[5] = s5; t[6] = s6; t[7] = s7;
            return;
        }
        for (int k = 0, from = lo; from < hi; k++, from += SEGMENT) {
            double acc = a[from];
            for (int i = from + 1; i < Math.min(hi, from + SEGMENT); i++) {
                acc = acc * a[i];
                a[i] = acc;
            }
            t[k] = acc;
        }
    }

    private static void segmentsMin(double[] a, int lo, int hi, double[] t) {
        if (hi - lo == 8 * SEGMENT) {
            double s0 = a[lo], s1 = a[lo + SEGMENT], s2 = a[lo + 2 * SEGMENT], s3 = a[lo + 3 * SEGMENT];
            double s4 = a[lo + 4 * SEGMENT], s5 = a[lo + 5 * SEGMENT], s6 = a[lo + 6 * SEGMENT], s7 = a[lo + 7 * SEGMENT];
            for (int i = lo + 1; i < lo + SEGMENT; i++) {
                s0 = Math.min(s0, a[i]);
                a[i] = s0;
                s1 = Math.min(s1, a[i + SEGMENT]);
                a[i + SEGMENT] = s1;
                s2 = Math.min(s2, a[i + 2 * SEGMENT]);
                a[i + 2 * SEGMENT] = s2;
                s3 = Math.min(s3, a[i + 3 * SEGMENT]);
                a[i + 3 * SEGMENT] = s3;
                s4 = Math.min(s4, a[i + 4 * SEGMENT]);
                a[i + 4 * SEGMENT] = s4;
                s5 = Math.min(s5, a[i + 5 * SEGMENT]);
                a[i + 5 * SEGMENT] = s5;
                s6 = Math.min(s6, a[i + 6 * SEGMENT]);
                a[i + 6 * SEGMENT] = s6;
                s7 = Math.min(s7, a[i + 7 * SEGMENT]);
                a[i + 7 * SEGMENT] = s7;
            }
            t[0] = s0; t[1] = s1; t[2] = s2; t[3] = s3; t[4] = s4; t[5] = s5; t[6] = s6; t[7] = s7;
            return;
        }
        for (int k = 0, from = lo; from < hi; k++, from += SEGMENT) {
            double acc = a[from];
            for (int i = from + 1; i < Math.min(hi, from + SEGMENT); i++) {
                acc = Math.min(acc, a[i]);
                a[i] = acc;
            }
            t[k] = acc;
        }
    }

    private static void segmentsMax(double[] a, int lo, int hi, double[] t) {
        if (hi - lo == 8 * SEGMENT) {
            double s0 = a[lo], s1 = a[lo + SEGMENT], s2 = a[lo + 2 * SEGMENT], s3 = a[lo + 3 * SEGMENT];
            double s4 = a[lo + 4 * SEGMENT], s5 = a[lo + 5 * SEGMENT], s6 = a[lo + 6 * SEGMENT], s7 = a[lo + 7 * SEGMENT];
            for (int i = lo + 1; i < lo + SEGMENT; i++) {
                s0 = Math.max(s0, a[i]);
                a[i] = s0;
                s1 = Math.max(s1, a[i + SEGMENT]);
                a[i + SEGMENT] = s1;
                s2 = Math.max(s2, a[i + 2 * SEGMENT]);
                a[i + 2 * SEGMENT] = s2;
                s3 = Math.max(s3, a[i + 3 * SEGMENT]);
                a[i + 3 * SEGMENT] = s3;
                s4 = Math.max(s4, a[i + 4 * SEGMENT]);
                a[i + 4 * SEGMENT] = s4;
                s5 = Math.max(s5, a[i + 5 * SEGMENT]);
                a[i + 5 * SEGMENT] = s5;
                s6 = Math.max(s6, a[i + 6 * SEGMENT]);
                a[i + 6 * SEGMENT] = s6;
                s7 = Math.max(s7, a[i + 7 * SEGMENT]);
                a[i + 7 * SEGMENT] = s7;
            }
            t[0] = s0; t[1] = s1; t[2] = s2; t[3] = s3; t[4] = s4; t[5] = s5; t[6] = s6; t[7] = s7;
            return;
        }
        for (int k = 0, from = lo; from < hi; k++, from += SEGMENT) {
            double acc = a[from];
            for (int i = from + 1; i < Math.min(hi, from + SEGMENT); i++) {
                acc = Math.max(acc, a[i]);
                a[i] = acc;
            }
            t[k] = acc;
        }
    }
}
