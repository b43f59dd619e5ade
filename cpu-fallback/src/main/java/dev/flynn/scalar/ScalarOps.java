package dev.flynn.scalar;

import java.lang.foreign.ValueLayout;

/**
 * The few operations generated loops call instead of emitting branches: each is the Java expression
 * a hand-written loop would contain, small enough for C2 to inline, so the compiled loop is the
 * one a Java developer would write.
 */
public final class ScalarOps {
    /** The unaligned layout of a F32 element in a {@code MemorySegment}. */
    public static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** The unaligned layout of a F64 element in a {@code MemorySegment}. */
    public static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    /** The unaligned layout of a I32 element in a {@code MemorySegment}. */
    public static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    /** The unaligned layout of a I64 element in a {@code MemorySegment}. */
    public static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private ScalarOps() {
    }

    /**
     * Java's {@code a < b} on float operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean lt(float a, float b) { return a < b; }
    /**
     * Java's {@code a <= b} on float operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean le(float a, float b) { return a <= b; }
    /**
     * Java's {@code a > b} on float operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean gt(float a, float b) { return a > b; }
    /**
     * Java's {@code a >= b} on float operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean ge(float a, float b) { return a >= b; }
    /**
     * Java's {@code a == b} on float operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean eq(float a, float b) { return a == b; }
    /**
     * Java's {@code a != b} on float operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean ne(float a, float b) { return a != b; }

    /**
     * Java's {@code a < b} on double operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean lt(double a, double b) { return a < b; }
    /**
     * Java's {@code a <= b} on double operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean le(double a, double b) { return a <= b; }
    /**
     * Java's {@code a > b} on double operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean gt(double a, double b) { return a > b; }
    /**
     * Java's {@code a >= b} on double operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean ge(double a, double b) { return a >= b; }
    /**
     * Java's {@code a == b} on double operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean eq(double a, double b) { return a == b; }
    /**
     * Java's {@code a != b} on double operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean ne(double a, double b) { return a != b; }

    /**
     * Java's {@code a < b} on int operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean lt(int a, int b) { return a < b; }
    /**
     * Java's {@code a <= b} on int operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean le(int a, int b) { return a <= b; }
    /**
     * Java's {@code a > b} on int operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean gt(int a, int b) { return a > b; }
    /**
     * Java's {@code a >= b} on int operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean ge(int a, int b) { return a >= b; }
    /**
     * Java's {@code a == b} on int operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean eq(int a, int b) { return a == b; }
    /**
     * Java's {@code a != b} on int operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean ne(int a, int b) { return a != b; }

    /**
     * Java's {@code a < b} on long operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean lt(long a, long b) { return a < b; }
    /**
     * Java's {@code a <= b} on long operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean le(long a, long b) { return a <= b; }
    /**
     * Java's {@code a > b} on long operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean gt(long a, long b) { return a > b; }
    /**
     * Java's {@code a >= b} on long operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean ge(long a, long b) { return a >= b; }
    /**
     * Java's {@code a == b} on long operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean eq(long a, long b) { return a == b; }
    /**
     * Java's {@code a != b} on long operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean ne(long a, long b) { return a != b; }

    /**
     * Java's {@code a == b} on boolean operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean eq(boolean a, boolean b) { return a == b; }
    /**
     * Java's {@code a != b} on boolean operands.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the comparison
     */
    public static boolean ne(boolean a, boolean b) { return a != b; }

    /**
     * Java's {@code m ? a : b} on boolean values.
     *
     * @param m the condition
     * @param a the value if true
     * @param b the value if false
     * @return the chosen value
     */
    public static float select(boolean m, float a, float b) { return m ? a : b; }
    /**
     * Java's {@code m ? a : b} on boolean values.
     *
     * @param m the condition
     * @param a the value if true
     * @param b the value if false
     * @return the chosen value
     */
    public static double select(boolean m, double a, double b) { return m ? a : b; }
    /**
     * Java's {@code m ? a : b} on boolean values.
     *
     * @param m the condition
     * @param a the value if true
     * @param b the value if false
     * @return the chosen value
     */
    public static int select(boolean m, int a, int b) { return m ? a : b; }
    /**
     * Java's {@code m ? a : b} on boolean values.
     *
     * @param m the condition
     * @param a the value if true
     * @param b the value if false
     * @return the chosen value
     */
    public static long select(boolean m, long a, long b) { return m ? a : b; }
    /**
     * Java's {@code m ? a : b} on boolean values.
     *
     * @param m the condition
     * @param a the value if true
     * @param b the value if false
     * @return the chosen value
     */
    public static boolean select(boolean m, boolean a, boolean b) { return m ? a : b; }

    // Integer / and %: Java's ArithmeticException, created here rather than raised by idiv, since a hot
    // compiled loop replaces idiv's implicit exception by a preallocated one without message or stack
    // trace (HotSpot's OmitStackTraceInFastThrow). After the test C2 knows b != 0 and drops its own check.
    /**
     * Java's int {@code a / b}.
     *
     * @param a the dividend
     * @param b the divisor
     * @return the quotient
     * @throws ArithmeticException with Java's message {@code "/ by zero"} if {@code b} is 0
     */
    public static int div(int a, int b) {
        if (b == 0) {
            throw divisionByZero();
        }
        return a / b;
    }

    /**
     * Java's long {@code a / b}.
     *
     * @param a the dividend
     * @param b the divisor
     * @return the quotient
     * @throws ArithmeticException with Java's message {@code "/ by zero"} if {@code b} is 0
     */
    public static long div(long a, long b) {
        if (b == 0) {
            throw divisionByZero();
        }
        return a / b;
    }

    /**
     * Java's int {@code a % b}.
     *
     * @param a the dividend
     * @param b the divisor
     * @return the remainder
     * @throws ArithmeticException with Java's message {@code "/ by zero"} if {@code b} is 0
     */
    public static int rem(int a, int b) {
        if (b == 0) {
            throw divisionByZero();
        }
        return a % b;
    }

    /**
     * Java's long {@code a % b}.
     *
     * @param a the dividend
     * @param b the divisor
     * @return the remainder
     * @throws ArithmeticException with Java's message {@code "/ by zero"} if {@code b} is 0
     */
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
}
