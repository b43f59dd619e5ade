package dev.flynn.c;

import java.util.SplittableRandom;

/** Test values with the special cases up front, and distances in ulps. */
final class Ulps {
    private Ulps() {
    }

    static final double[] SPECIAL_F64 = {Double.NaN, 0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, -Double.MIN_NORMAL, Double.MAX_VALUE,
            -Double.MAX_VALUE, 1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3, 1e-300, -1e-300, 1e300, 709.7, 709.8, -745.2,
            -745.1, 88.7, 89, -103.9, Math.PI, -Math.PI, Math.PI / 2, 1e10, -1e10, 2147483647.5, -2147483648.9,
            9.3e18, -9.3e18, 0.1, -0.9999999999};

    static final float[] SPECIAL_F32 = {Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE,
            1, -1, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 3, 88.7f, 88.8f, -103.9f, -87.4f, (float) Math.PI, 1e10f,
            -1e10f, 2.1474836E9f, -2.1474836E9f, 9.3e18f, -9.3e18f, 0.1f, -0.99999994f, 1e-40f};

    /** Special values, then bit patterns and values in [-range, range] from a seeded generator. */
    static double[] f64(int n, double range, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            if (i < SPECIAL_F64.length) {
                a[i] = SPECIAL_F64[i];
            } else if (i % 4 == 0) {
                a[i] = Double.longBitsToDouble(r.nextLong());
            } else {
                a[i] = (r.nextDouble() * 2 - 1) * range;
            }
        }
        return a;
    }

    static float[] f32(int n, double range, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            if (i < SPECIAL_F32.length) {
                a[i] = SPECIAL_F32[i];
            } else if (i % 4 == 0) {
                a[i] = Float.intBitsToFloat(r.nextInt());
            } else {
                a[i] = (float) ((r.nextDouble() * 2 - 1) * range);
            }
        }
        return a;
    }

    /** Ulps between two doubles; 0 for two NaNs, infinite when only one is NaN or zeros differ in sign. */
    static double f64(double got, double want) {
        if (Double.isNaN(got) || Double.isNaN(want)) {
            return Double.isNaN(got) && Double.isNaN(want) ? 0 : Double.POSITIVE_INFINITY;
        }
        if (got == 0 && want == 0) {
            return Double.doubleToRawLongBits(got) == Double.doubleToRawLongBits(want) ? 0 : Double.POSITIVE_INFINITY;
        }
        if (Double.isInfinite(want) || Double.isInfinite(got)) {
            return got == want ? 0 : Double.POSITIVE_INFINITY;
        }
        long a = ordered(got);
        long b = ordered(want);
        // opposite signs far apart would overflow the difference; such results are wrong anyway
        return (a ^ b) < 0 && Math.abs(a) > (1L << 61) ? Double.POSITIVE_INFINITY : Math.abs((double) (a - b));
    }

    static double f32(float got, float want) {
        if (Float.isNaN(got) || Float.isNaN(want)) {
            return Float.isNaN(got) && Float.isNaN(want) ? 0 : Double.POSITIVE_INFINITY;
        }
        if (got == 0 && want == 0) {
            return Float.floatToRawIntBits(got) == Float.floatToRawIntBits(want) ? 0 : Double.POSITIVE_INFINITY;
        }
        if (Float.isInfinite(want) || Float.isInfinite(got)) {
            return got == want ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.abs((long) ordered(got) - (long) ordered(want));
    }

    private static long ordered(double d) {
        long b = Double.doubleToRawLongBits(d);
        return b < 0 ? Long.MIN_VALUE - b : b;
    }

    private static int ordered(float f) {
        int b = Float.floatToRawIntBits(f);
        return b < 0 ? Integer.MIN_VALUE - b : b;
    }
}
