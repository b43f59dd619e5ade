package dev.flynn.scalar;

import java.lang.foreign.ValueLayout;

/**
 * The few operations generated loops call instead of emitting branches: each is the Java expression
 * a hand-written loop would contain, small enough for C2 to inline, so the compiled loop is the
 * one a Java developer would write.
 */
public final class ScalarOps {
    public static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    public static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    public static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    public static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private ScalarOps() {
    }

    public static boolean lt(float a, float b) { return a < b; }
    public static boolean le(float a, float b) { return a <= b; }
    public static boolean gt(float a, float b) { return a > b; }
    public static boolean ge(float a, float b) { return a >= b; }
    public static boolean eq(float a, float b) { return a == b; }
    public static boolean ne(float a, float b) { return a != b; }

    public static boolean lt(double a, double b) { return a < b; }
    public static boolean le(double a, double b) { return a <= b; }
    public static boolean gt(double a, double b) { return a > b; }
    public static boolean ge(double a, double b) { return a >= b; }
    public static boolean eq(double a, double b) { return a == b; }
    public static boolean ne(double a, double b) { return a != b; }

    public static boolean lt(int a, int b) { return a < b; }
    public static boolean le(int a, int b) { return a <= b; }
    public static boolean gt(int a, int b) { return a > b; }
    public static boolean ge(int a, int b) { return a >= b; }
    public static boolean eq(int a, int b) { return a == b; }
    public static boolean ne(int a, int b) { return a != b; }

    public static boolean lt(long a, long b) { return a < b; }
    public static boolean le(long a, long b) { return a <= b; }
    public static boolean gt(long a, long b) { return a > b; }
    public static boolean ge(long a, long b) { return a >= b; }
    public static boolean eq(long a, long b) { return a == b; }
    public static boolean ne(long a, long b) { return a != b; }

    public static boolean eq(boolean a, boolean b) { return a == b; }
    public static boolean ne(boolean a, boolean b) { return a != b; }

    public static float select(boolean m, float a, float b) { return m ? a : b; }
    public static double select(boolean m, double a, double b) { return m ? a : b; }
    public static int select(boolean m, int a, int b) { return m ? a : b; }
    public static long select(boolean m, long a, long b) { return m ? a : b; }
    public static boolean select(boolean m, boolean a, boolean b) { return m ? a : b; }

    // Integer / and %: Java's ArithmeticException, created here rather than raised by idiv, since a hot
    // compiled loop replaces idiv's implicit exception by a preallocated one without message or stack
    // trace (HotSpot's OmitStackTraceInFastThrow). After the test C2 knows b != 0 and drops its own check.
    public static int div(int a, int b) {
        if (b == 0) {
            throw divisionByZero();
        }
        return a / b;
    }

    public static long div(long a, long b) {
        if (b == 0) {
            throw divisionByZero();
        }
        return a / b;
    }

    public static int rem(int a, int b) {
        if (b == 0) {
            throw divisionByZero();
        }
        return a % b;
    }

    public static long rem(long a, long b) {
        if (b == 0) {
            throw divisionByZero();
        }
        return a % b;
    }

    /** The message Java's own integer division gives, as every backend does. */
    private static ArithmeticException divisionByZero() {
        return new ArithmeticException("/ by zero");
    }

    // Neumaier: the new compensation after s + v rounded to t
    public static float neumaier(float c, float s, float v, float t) {
        return Math.abs(s) >= Math.abs(v) ? c + ((s - t) + v) : c + ((v - t) + s);
    }

    public static double neumaier(double c, double s, double v, double t) {
        return Math.abs(s) >= Math.abs(v) ? c + ((s - t) + v) : c + ((v - t) + s);
    }

    // argmin/argmax: whether v replaces best; the first NaN wins and stays
    public static boolean argminTakes(float best, float v) { return best == best && (v < best || v != v); }
    public static boolean argmaxTakes(float best, float v) { return best == best && (v > best || v != v); }
    public static boolean argminTakes(double best, double v) { return best == best && (v < best || v != v); }
    public static boolean argmaxTakes(double best, double v) { return best == best && (v > best || v != v); }
    public static boolean argminTakes(int best, int v) { return v < best; }
    public static boolean argmaxTakes(int best, int v) { return v > best; }
    public static boolean argminTakes(long best, long v) { return v < best; }
    public static boolean argmaxTakes(long best, long v) { return v > best; }
}
