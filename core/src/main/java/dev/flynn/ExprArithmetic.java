package dev.flynn;

import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.UnaryOp;

import static dev.flynn.Expr.lit;
import static dev.flynn.ExprTyping.binary;
import static dev.flynn.ExprTyping.unary;

/**
 * The arithmetic and bitwise methods of {@link Expr}, which alone implements this interface: they
 * live apart from {@code Expr} so that no one file holds its whole API. {@link Expr} gives the typing
 * rules.
 */
sealed interface ExprArithmetic permits Expr {

    // ---- arithmetic --------------------------------------------------------------------------

    /**
     * {@code this + o}, with Java's binary numeric promotion.
     *
     * @param o the right operand
     * @return the sum
     */
    default Expr add(Expr o) {
        return binary(BinaryOp.ADD, self(), o);
    }

    /**
     * {@code this + o}, with Java's binary numeric promotion.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return the sum
     */
    default Expr add(double o) {
        return add(lit(o));
    }

    /**
     * {@code this + o}, with Java's binary numeric promotion.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return the sum
     */
    default Expr add(long o) {
        return add(lit(o));
    }

    /**
     * {@code this - o}, with Java's binary numeric promotion.
     *
     * @param o the right operand
     * @return the difference
     */
    default Expr sub(Expr o) {
        return binary(BinaryOp.SUB, self(), o);
    }

    /**
     * {@code this - o}, with Java's binary numeric promotion.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return the difference
     */
    default Expr sub(double o) {
        return sub(lit(o));
    }

    /**
     * {@code this - o}, with Java's binary numeric promotion.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return the difference
     */
    default Expr sub(long o) {
        return sub(lit(o));
    }

    /**
     * {@code this * o}, with Java's binary numeric promotion.
     *
     * @param o the right operand
     * @return the product
     */
    default Expr mul(Expr o) {
        return binary(BinaryOp.MUL, self(), o);
    }

    /**
     * {@code this * o}, with Java's binary numeric promotion.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return the product
     */
    default Expr mul(double o) {
        return mul(lit(o));
    }

    /**
     * {@code this * o}, with Java's binary numeric promotion.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return the product
     */
    default Expr mul(long o) {
        return mul(lit(o));
    }

    /**
     * {@code this / o}, as in Java: integer division truncates and a zero integer divisor throws
     * {@link ArithmeticException} when the kernel runs.
     *
     * @param o the right operand
     * @return the quotient
     */
    default Expr div(Expr o) {
        return binary(BinaryOp.DIV, self(), o);
    }

    /**
     * {@code this / o}, as in Java: integer division truncates and a zero integer divisor throws
     * {@link ArithmeticException} when the kernel runs.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return the quotient
     */
    default Expr div(double o) {
        return div(lit(o));
    }

    /**
     * {@code this / o}, as in Java: integer division truncates and a zero integer divisor throws
     * {@link ArithmeticException} when the kernel runs.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return the quotient
     */
    default Expr div(long o) {
        return div(lit(o));
    }

    /**
     * {@code this % o}, as in Java: the result has the sign of the dividend; a zero integer divisor
     * throws {@link ArithmeticException} when the kernel runs.
     *
     * @param o the right operand
     * @return the remainder
     */
    default Expr rem(Expr o) {
        return binary(BinaryOp.REM, self(), o);
    }

    /**
     * {@code this % o}, as in Java: the result has the sign of the dividend; a zero integer divisor
     * throws {@link ArithmeticException} when the kernel runs.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return the remainder
     */
    default Expr rem(double o) {
        return rem(lit(o));
    }

    /**
     * {@code this % o}, as in Java: the result has the sign of the dividend; a zero integer divisor
     * throws {@link ArithmeticException} when the kernel runs.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return the remainder
     */
    default Expr rem(long o) {
        return rem(lit(o));
    }

    /**
     * {@code Math.min(this, o)}: NaN if either is NaN, and -0.0 is less than 0.0.
     *
     * @param o the right operand
     * @return the smaller value
     */
    default Expr min(Expr o) {
        return binary(BinaryOp.MIN, self(), o);
    }

    /**
     * {@code Math.min(this, o)}: NaN if either is NaN, and -0.0 is less than 0.0.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return the smaller value
     */
    default Expr min(double o) {
        return min(lit(o));
    }

    /**
     * {@code Math.min(this, o)}: NaN if either is NaN, and -0.0 is less than 0.0.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return the smaller value
     */
    default Expr min(long o) {
        return min(lit(o));
    }

    /**
     * {@code Math.max(this, o)}: NaN if either is NaN, and 0.0 is greater than -0.0.
     *
     * @param o the right operand
     * @return the larger value
     */
    default Expr max(Expr o) {
        return binary(BinaryOp.MAX, self(), o);
    }

    /**
     * {@code Math.max(this, o)}: NaN if either is NaN, and 0.0 is greater than -0.0.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return the larger value
     */
    default Expr max(double o) {
        return max(lit(o));
    }

    /**
     * {@code Math.max(this, o)}: NaN if either is NaN, and 0.0 is greater than -0.0.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return the larger value
     */
    default Expr max(long o) {
        return max(lit(o));
    }

    /**
     * {@code Math.pow(this, o)}, within the documented ulp bound of each backend.
     *
     * @param o the right operand
     * @return this value raised to the power {@code o}
     */
    default Expr pow(Expr o) {
        return binary(BinaryOp.POW, self(), o);
    }

    /**
     * {@code Math.pow(this, o)}, within the documented ulp bound of each backend.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return this value raised to the power {@code o}
     */
    default Expr pow(double o) {
        return pow(lit(o));
    }

    /**
     * {@code -this}: integer negation wraps, as in Java.
     *
     * @return the negated value
     */
    default Expr neg() {
        return unary(UnaryOp.NEG, self());
    }

    /**
     * {@code Math.abs(this)}: of an integer minimum value, that value, as in Java.
     *
     * @return the absolute value
     */
    default Expr abs() {
        return unary(UnaryOp.ABS, self());
    }

    // ---- bitwise and mask logic -------------------------------------------------------------

    /**
     * Bitwise and of integers, logical and of masks.
     *
     * @param o the right operand
     * @return the bitwise or logical and
     */
    default Expr and(Expr o) {
        return binary(BinaryOp.AND, self(), o);
    }

    /**
     * Bitwise and with an integer literal.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return the bitwise and
     */
    default Expr and(long o) {
        return and(lit(o));
    }

    /**
     * Bitwise or of integers, logical or of masks.
     *
     * @param o the right operand
     * @return the bitwise or logical or
     */
    default Expr or(Expr o) {
        return binary(BinaryOp.OR, self(), o);
    }

    /**
     * Bitwise or of integers, logical or of masks.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return the bitwise or logical or
     */
    default Expr or(long o) {
        return or(lit(o));
    }

    /**
     * Bitwise exclusive or of integers, logical exclusive or of masks.
     *
     * @param o the right operand
     * @return the bitwise or logical exclusive or
     */
    default Expr xor(Expr o) {
        return binary(BinaryOp.XOR, self(), o);
    }

    /**
     * Bitwise exclusive or of integers, logical exclusive or of masks.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return the bitwise or logical exclusive or
     */
    default Expr xor(long o) {
        return xor(lit(o));
    }

    /**
     * Bitwise complement of an integer, negation of a mask.
     *
     * @return the complement or negation
     */
    default Expr not() {
        return unary(UnaryOp.NOT, self());
    }

    /**
     * {@code this << count}: Java uses the low 5 (int) or 6 (long) bits of the count.
     *
     * @param count the shift count, an integer value
     * @return the shifted value
     */
    default Expr shl(Expr count) {
        return binary(BinaryOp.SHL, self(), count);
    }

    /**
     * {@code this << count}: Java uses the low 5 (int) or 6 (long) bits of the count.
     *
     * @param count the shift count
     * @return the shifted value
     */
    default Expr shl(long count) {
        return shl(lit(count));
    }

    /**
     * {@code this >> count}, the arithmetic shift that keeps the sign; the count as in Java.
     *
     * @param count the shift count, an integer value
     * @return the shifted value
     */
    default Expr shr(Expr count) {
        return binary(BinaryOp.SHR, self(), count);
    }

    /**
     * {@code this >> count}, the arithmetic shift that keeps the sign; the count as in Java.
     *
     * @param count the shift count
     * @return the shifted value
     */
    default Expr shr(long count) {
        return shr(lit(count));
    }

    /**
     * {@code this >>> count}, the logical shift that fills with zeros; the count as in Java.
     *
     * @param count the shift count, an integer value
     * @return the shifted value
     */
    default Expr ushr(Expr count) {
        return binary(BinaryOp.USHR, self(), count);
    }

    /**
     * {@code this >>> count}, the logical shift that fills with zeros; the count as in Java.
     *
     * @param count the shift count
     * @return the shifted value
     */
    default Expr ushr(long count) {
        return ushr(lit(count));
    }

    /** The one implementation; the interface only groups {@link Expr}'s methods by job. */
    private Expr self() {
        return (Expr) this;
    }
}
