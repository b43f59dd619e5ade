package dev.flynn.spi;

import dev.flynn.ir.ScanOp;

import static dev.flynn.ir.ScanOp.SEGMENT;

/**
 * The loops of a scan's block on the CPU, one per element type and op (a switch inside a loop would
 * cost a branch per element): the fold of each segment in place ({@code segments}), the application
 * of a carry ({@code carry}) and one step ({@code step}, for the few carries). The full segments of a
 * block are folded side by side, one element of each in turn: their chains of additions are
 * independent, so the core overlaps them instead of waiting out the latency of each step.
 */
final class ScanFolds {
    private ScanFolds() {
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
        int full = (hi - lo) / SEGMENT;
        for (int k = 0; k < full; k++) {
            t[k] = a[lo + k * SEGMENT];
        }
        for (int j = 1; j < SEGMENT; j++) {
            for (int k = 0; k < full; k++) {
                int i = lo + k * SEGMENT + j;
                t[k] = t[k] + a[i];
                a[i] = t[k];
            }
        }
        if (lo + full * SEGMENT < hi) {
            float acc = a[lo + full * SEGMENT];
            for (int i = lo + full * SEGMENT + 1; i < hi; i++) {
                acc = acc + a[i];
                a[i] = acc;
            }
            t[full] = acc;
        }
    }

    private static void segmentsProd(float[] a, int lo, int hi, float[] t) {
        int full = (hi - lo) / SEGMENT;
        for (int k = 0; k < full; k++) {
            t[k] = a[lo + k * SEGMENT];
        }
        for (int j = 1; j < SEGMENT; j++) {
            for (int k = 0; k < full; k++) {
                int i = lo + k * SEGMENT + j;
                t[k] = t[k] * a[i];
                a[i] = t[k];
            }
        }
        if (lo + full * SEGMENT < hi) {
            float acc = a[lo + full * SEGMENT];
            for (int i = lo + full * SEGMENT + 1; i < hi; i++) {
                acc = acc * a[i];
                a[i] = acc;
            }
            t[full] = acc;
        }
    }

    private static void segmentsMin(float[] a, int lo, int hi, float[] t) {
        int full = (hi - lo) / SEGMENT;
        for (int k = 0; k < full; k++) {
            t[k] = a[lo + k * SEGMENT];
        }
        for (int j = 1; j < SEGMENT; j++) {
            for (int k = 0; k < full; k++) {
                int i = lo + k * SEGMENT + j;
                t[k] = Math.min(t[k], a[i]);
                a[i] = t[k];
            }
        }
        if (lo + full * SEGMENT < hi) {
            float acc = a[lo + full * SEGMENT];
            for (int i = lo + full * SEGMENT + 1; i < hi; i++) {
                acc = Math.min(acc, a[i]);
                a[i] = acc;
            }
            t[full] = acc;
        }
    }

    private static void segmentsMax(float[] a, int lo, int hi, float[] t) {
        int full = (hi - lo) / SEGMENT;
        for (int k = 0; k < full; k++) {
            t[k] = a[lo + k * SEGMENT];
        }
        for (int j = 1; j < SEGMENT; j++) {
            for (int k = 0; k < full; k++) {
                int i = lo + k * SEGMENT + j;
                t[k] = Math.max(t[k], a[i]);
                a[i] = t[k];
            }
        }
        if (lo + full * SEGMENT < hi) {
            float acc = a[lo + full * SEGMENT];
            for (int i = lo + full * SEGMENT + 1; i < hi; i++) {
                acc = Math.max(acc, a[i]);
                a[i] = acc;
            }
            t[full] = acc;
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
        int full = (hi - lo) / SEGMENT;
        for (int k = 0; k < full; k++) {
            t[k] = a[lo + k * SEGMENT];
        }
        for (int j = 1; j < SEGMENT; j++) {
            for (int k = 0; k < full; k++) {
                int i = lo + k * SEGMENT + j;
                t[k] = t[k] + a[i];
                a[i] = t[k];
            }
        }
        if (lo + full * SEGMENT < hi) {
            double acc = a[lo + full * SEGMENT];
            for (int i = lo + full * SEGMENT + 1; i < hi; i++) {
                acc = acc + a[i];
                a[i] = acc;
            }
            t[full] = acc;
        }
    }

    private static void segmentsProd(double[] a, int lo, int hi, double[] t) {
        int full = (hi - lo) / SEGMENT;
        for (int k = 0; k < full; k++) {
            t[k] = a[lo + k * SEGMENT];
        }
        for (int j = 1; j < SEGMENT; j++) {
            for (int k = 0; k < full; k++) {
                int i = lo + k * SEGMENT + j;
                t[k] = t[k] * a[i];
                a[i] = t[k];
            }
        }
        if (lo + full * SEGMENT < hi) {
            double acc = a[lo + full * SEGMENT];
            for (int i = lo + full * SEGMENT + 1; i < hi; i++) {
                acc = acc * a[i];
                a[i] = acc;
            }
            t[full] = acc;
        }
    }

    private static void segmentsMin(double[] a, int lo, int hi, double[] t) {
        int full = (hi - lo) / SEGMENT;
        for (int k = 0; k < full; k++) {
            t[k] = a[lo + k * SEGMENT];
        }
        for (int j = 1; j < SEGMENT; j++) {
            for (int k = 0; k < full; k++) {
                int i = lo + k * SEGMENT + j;
                t[k] = Math.min(t[k], a[i]);
                a[i] = t[k];
            }
        }
        if (lo + full * SEGMENT < hi) {
            double acc = a[lo + full * SEGMENT];
            for (int i = lo + full * SEGMENT + 1; i < hi; i++) {
                acc = Math.min(acc, a[i]);
                a[i] = acc;
            }
            t[full] = acc;
        }
    }

    private static void segmentsMax(double[] a, int lo, int hi, double[] t) {
        int full = (hi - lo) / SEGMENT;
        for (int k = 0; k < full; k++) {
            t[k] = a[lo + k * SEGMENT];
        }
        for (int j = 1; j < SEGMENT; j++) {
            for (int k = 0; k < full; k++) {
                int i = lo + k * SEGMENT + j;
                t[k] = Math.max(t[k], a[i]);
                a[i] = t[k];
            }
        }
        if (lo + full * SEGMENT < hi) {
            double acc = a[lo + full * SEGMENT];
            for (int i = lo + full * SEGMENT + 1; i < hi; i++) {
                acc = Math.max(acc, a[i]);
                a[i] = acc;
            }
            t[full] = acc;
        }
    }

    /** Folds each segment of {@code a[lo, hi)} in place into its local prefixes; {@code t[k]} gets segment k's total. */
    static void segments(int[] a, int lo, int hi, ScanOp op, int[] t) {
        switch (op) {
            case SUM -> segmentsSum(a, lo, hi, t);
            case PROD -> segmentsProd(a, lo, hi, t);
            case MIN -> segmentsMin(a, lo, hi, t);
            case MAX -> segmentsMax(a, lo, hi, t);
        }
    }

    /** {@code a[i] = c ⊕ a[i]} over {@code [lo, hi)}. */
    static void carry(int[] a, int lo, int hi, ScanOp op, int c) {
        switch (op) {
            case SUM -> { for (int i = lo; i < hi; i++) { a[i] = c + a[i]; } }
            case PROD -> { for (int i = lo; i < hi; i++) { a[i] = c * a[i]; } }
            case MIN -> { for (int i = lo; i < hi; i++) { a[i] = Math.min(c, a[i]); } }
            case MAX -> { for (int i = lo; i < hi; i++) { a[i] = Math.max(c, a[i]); } }
        }
    }

    static int step(ScanOp op, int a, int b) {
        return switch (op) {
            case SUM -> a + b;
            case PROD -> a * b;
            case MIN -> Math.min(a, b);
            case MAX -> Math.max(a, b);
        };
    }

    private static void segmentsSum(int[] a, int lo, int hi, int[] t) {
        int full = (hi - lo) / SEGMENT;
        for (int k = 0; k < full; k++) {
            t[k] = a[lo + k * SEGMENT];
        }
        for (int j = 1; j < SEGMENT; j++) {
            for (int k = 0; k < full; k++) {
                int i = lo + k * SEGMENT + j;
                t[k] = t[k] + a[i];
                a[i] = t[k];
            }
        }
        if (lo + full * SEGMENT < hi) {
            int acc = a[lo + full * SEGMENT];
            for (int i = lo + full * SEGMENT + 1; i < hi; i++) {
                acc = acc + a[i];
                a[i] = acc;
            }
            t[full] = acc;
        }
    }

    private static void segmentsProd(int[] a, int lo, int hi, int[] t) {
        int full = (hi - lo) / SEGMENT;
        for (int k = 0; k < full; k++) {
            t[k] = a[lo + k * SEGMENT];
        }
        for (int j = 1; j < SEGMENT; j++) {
            for (int k = 0; k < full; k++) {
                int i = lo + k * SEGMENT + j;
                t[k] = t[k] * a[i];
                a[i] = t[k];
            }
        }
        if (lo + full * SEGMENT < hi) {
            int acc = a[lo + full * SEGMENT];
            for (int i = lo + full * SEGMENT + 1; i < hi; i++) {
                acc = acc * a[i];
                a[i] = acc;
            }
            t[full] = acc;
        }
    }

    private static void segmentsMin(int[] a, int lo, int hi, int[] t) {
        int full = (hi - lo) / SEGMENT;
        for (int k = 0; k < full; k++) {
            t[k] = a[lo + k * SEGMENT];
        }
        for (int j = 1; j < SEGMENT; j++) {
            for (int k = 0; k < full; k++) {
                int i = lo + k * SEGMENT + j;
                t[k] = Math.min(t[k], a[i]);
                a[i] = t[k];
            }
        }
        if (lo + full * SEGMENT < hi) {
            int acc = a[lo + full * SEGMENT];
            for (int i = lo + full * SEGMENT + 1; i < hi; i++) {
                acc = Math.min(acc, a[i]);
                a[i] = acc;
            }
            t[full] = acc;
        }
    }

    private static void segmentsMax(int[] a, int lo, int hi, int[] t) {
        int full = (hi - lo) / SEGMENT;
        for (int k = 0; k < full; k++) {
            t[k] = a[lo + k * SEGMENT];
        }
        for (int j = 1; j < SEGMENT; j++) {
            for (int k = 0; k < full; k++) {
                int i = lo + k * SEGMENT + j;
                t[k] = Math.max(t[k], a[i]);
                a[i] = t[k];
            }
        }
        if (lo + full * SEGMENT < hi) {
            int acc = a[lo + full * SEGMENT];
            for (int i = lo + full * SEGMENT + 1; i < hi; i++) {
                acc = Math.max(acc, a[i]);
                a[i] = acc;
            }
            t[full] = acc;
        }
    }

    /** Folds each segment of {@code a[lo, hi)} in place into its local prefixes; {@code t[k]} gets segment k's total. */
    static void segments(long[] a, int lo, int hi, ScanOp op, long[] t) {
        switch (op) {
            case SUM -> segmentsSum(a, lo, hi, t);
            case PROD -> segmentsProd(a, lo, hi, t);
            case MIN -> segmentsMin(a, lo, hi, t);
            case MAX -> segmentsMax(a, lo, hi, t);
        }
    }

    /** {@code a[i] = c ⊕ a[i]} over {@code [lo, hi)}. */
    static void carry(long[] a, int lo, int hi, ScanOp op, long c) {
        switch (op) {
            case SUM -> { for (int i = lo; i < hi; i++) { a[i] = c + a[i]; } }
            case PROD -> { for (int i = lo; i < hi; i++) { a[i] = c * a[i]; } }
            case MIN -> { for (int i = lo; i < hi; i++) { a[i] = Math.min(c, a[i]); } }
            case MAX -> { for (int i = lo; i < hi; i++) { a[i] = Math.max(c, a[i]); } }
        }
    }

    static long step(ScanOp op, long a, long b) {
        return switch (op) {
            case SUM -> a + b;
            case PROD -> a * b;
            case MIN -> Math.min(a, b);
            case MAX -> Math.max(a, b);
        };
    }

    private static void segmentsSum(long[] a, int lo, int hi, long[] t) {
        int full = (hi - lo) / SEGMENT;
        for (int k = 0; k < full; k++) {
            t[k] = a[lo + k * SEGMENT];
        }
        for (int j = 1; j < SEGMENT; j++) {
            for (int k = 0; k < full; k++) {
                int i = lo + k * SEGMENT + j;
                t[k] = t[k] + a[i];
                a[i] = t[k];
            }
        }
        if (lo + full * SEGMENT < hi) {
            long acc = a[lo + full * SEGMENT];
            for (int i = lo + full * SEGMENT + 1; i < hi; i++) {
                acc = acc + a[i];
                a[i] = acc;
            }
            t[full] = acc;
        }
    }

    private static void segmentsProd(long[] a, int lo, int hi, long[] t) {
        int full = (hi - lo) / SEGMENT;
        for (int k = 0; k < full; k++) {
            t[k] = a[lo + k * SEGMENT];
        }
        for (int j = 1; j < SEGMENT; j++) {
            for (int k = 0; k < full; k++) {
                int i = lo + k * SEGMENT + j;
                t[k] = t[k] * a[i];
                a[i] = t[k];
            }
        }
        if (lo + full * SEGMENT < hi) {
            long acc = a[lo + full * SEGMENT];
            for (int i = lo + full * SEGMENT + 1; i < hi; i++) {
                acc = acc * a[i];
                a[i] = acc;
            }
            t[full] = acc;
        }
    }

    private static void segmentsMin(long[] a, int lo, int hi, long[] t) {
        int full = (hi - lo) / SEGMENT;
        for (int k = 0; k < full; k++) {
            t[k] = a[lo + k * SEGMENT];
        }
        for (int j = 1; j < SEGMENT; j++) {
            for (int k = 0; k < full; k++) {
                int i = lo + k * SEGMENT + j;
                t[k] = Math.min(t[k], a[i]);
                a[i] = t[k];
            }
        }
        if (lo + full * SEGMENT < hi) {
            long acc = a[lo + full * SEGMENT];
            for (int i = lo + full * SEGMENT + 1; i < hi; i++) {
                acc = Math.min(acc, a[i]);
                a[i] = acc;
            }
            t[full] = acc;
        }
    }

    private static void segmentsMax(long[] a, int lo, int hi, long[] t) {
        int full = (hi - lo) / SEGMENT;
        for (int k = 0; k < full; k++) {
            t[k] = a[lo + k * SEGMENT];
        }
        for (int j = 1; j < SEGMENT; j++) {
            for (int k = 0; k < full; k++) {
                int i = lo + k * SEGMENT + j;
                t[k] = Math.max(t[k], a[i]);
                a[i] = t[k];
            }
        }
        if (lo + full * SEGMENT < hi) {
            long acc = a[lo + full * SEGMENT];
            for (int i = lo + full * SEGMENT + 1; i < hi; i++) {
                acc = Math.max(acc, a[i]);
                a[i] = acc;
            }
            t[full] = acc;
        }
    }
}
