package dev.flynn;

import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.CompareOp;
import dev.flynn.ir.Node;
import dev.flynn.ir.Printer;
import dev.flynn.ir.TernaryOp;
import dev.flynn.ir.Types;
import dev.flynn.ir.UnaryOp;

import java.util.List;
import java.util.Objects;

/**
 * A symbolic value of a kernel: an input, a literal, or an operation on other values. Kernels are
 * built by tracing a lambda over {@code Expr}s, e.g. {@code (x, y) -> x.mul(2).add(exp(y))}
 * (with {@code import static dev.flynn.Expr.*}).
 *
 * <p>Types follow Java's binary numeric promotion, with one convenience: a floating-point literal
 * next to a float value is a float ({@code x.mul(0.1)} with F32 {@code x} is F32, as
 * {@code x * 0.1f} in Java). Every method checks types at once and throws
 * {@link IllegalArgumentException} showing the expression.
 */
public final class Expr {
    private final Node node;
    /** True when the value depends on literals only: it takes its partner's float type. */
    private final boolean weak;
    private final List<String> names;

    Expr(Node node, boolean weak, List<String> names) {
        this.node = node;
        this.weak = weak;
        this.names = names;
    }

    /**
     * The IR node behind this value.
     *
     * @return the node; its type is this value's type
     */
    public Node node() {
        return node;
    }

    /**
     * The type of this value.
     *
     * @return the element type, from Java's promotion rules
     */
    public DType type() {
        return node.type();
    }

    @Override
    public String toString() {
        return Printer.print(node, names);
    }

    // ---- literals --------------------------------------------------------------------------

    /**
     * A literal: F64 that becomes F32 next to a float value.
     *
     * @param value the literal
     * @return a literal value
     */
    public static Expr lit(double value) {
        return new Expr(Node.Const.of(DType.F64, value), true, List.of());
    }

    /**
     * An integer literal: I32 where it fits, else I64.
     *
     * @param value the literal
     * @return a literal value
     */
    public static Expr lit(long value) {
        DType t = value == (int) value ? DType.I32 : DType.I64;
        return new Expr(Node.Const.ofLong(t, value), true, List.of());
    }

    /**
     * A constant of exactly the given type (never re-typed by its partner).
     *
     * @param type a numeric type
     * @param value the value, converted to {@code type} as a Java cast would
     * @return a constant of type {@code type}
     * @throws IllegalArgumentException if {@code type} is BOOL
     */
    public static Expr constant(DType type, double value) {
        if (!type.isNumeric()) {
            throw new IllegalArgumentException("constants are numbers; use a comparison for a mask");
        }
        return new Expr(Node.Const.of(type, value), false, List.of());
    }

    // ---- arithmetic --------------------------------------------------------------------------

    /**
     * {@code this + o}, with Java's binary numeric promotion.
     *
     * @param o the right operand
     * @return the sum
     */
    public Expr add(Expr o) {
        return binary(BinaryOp.ADD, this, o);
    }

    /**
     * {@code this + o}, with Java's binary numeric promotion.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return the sum
     */
    public Expr add(double o) {
        return add(lit(o));
    }

    /**
     * {@code this + o}, with Java's binary numeric promotion.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return the sum
     */
    public Expr add(long o) {
        return add(lit(o));
    }

    /**
     * {@code this - o}, with Java's binary numeric promotion.
     *
     * @param o the right operand
     * @return the difference
     */
    public Expr sub(Expr o) {
        return binary(BinaryOp.SUB, this, o);
    }

    /**
     * {@code this - o}, with Java's binary numeric promotion.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return the difference
     */
    public Expr sub(double o) {
        return sub(lit(o));
    }

    /**
     * {@code this - o}, with Java's binary numeric promotion.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return the difference
     */
    public Expr sub(long o) {
        return sub(lit(o));
    }

    /**
     * {@code this * o}, with Java's binary numeric promotion.
     *
     * @param o the right operand
     * @return the product
     */
    public Expr mul(Expr o) {
        return binary(BinaryOp.MUL, this, o);
    }

    /**
     * {@code this * o}, with Java's binary numeric promotion.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return the product
     */
    public Expr mul(double o) {
        return mul(lit(o));
    }

    /**
     * {@code this * o}, with Java's binary numeric promotion.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return the product
     */
    public Expr mul(long o) {
        return mul(lit(o));
    }

    /**
     * {@code this / o}, as in Java: integer division truncates and a zero integer divisor throws
     * {@link ArithmeticException} when the kernel runs.
     *
     * @param o the right operand
     * @return the quotient
     */
    public Expr div(Expr o) {
        return binary(BinaryOp.DIV, this, o);
    }

    /**
     * {@code this / o}, as in Java: integer division truncates and a zero integer divisor throws
     * {@link ArithmeticException} when the kernel runs.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return the quotient
     */
    public Expr div(double o) {
        return div(lit(o));
    }

    /**
     * {@code this / o}, as in Java: integer division truncates and a zero integer divisor throws
     * {@link ArithmeticException} when the kernel runs.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return the quotient
     */
    public Expr div(long o) {
        return div(lit(o));
    }

    /**
     * {@code this % o}, as in Java: the result has the sign of the dividend; a zero integer divisor
     * throws {@link ArithmeticException} when the kernel runs.
     *
     * @param o the right operand
     * @return the remainder
     */
    public Expr rem(Expr o) {
        return binary(BinaryOp.REM, this, o);
    }

    /**
     * {@code this % o}, as in Java: the result has the sign of the dividend; a zero integer divisor
     * throws {@link ArithmeticException} when the kernel runs.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return the remainder
     */
    public Expr rem(double o) {
        return rem(lit(o));
    }

    /**
     * {@code this % o}, as in Java: the result has the sign of the dividend; a zero integer divisor
     * throws {@link ArithmeticException} when the kernel runs.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return the remainder
     */
    public Expr rem(long o) {
        return rem(lit(o));
    }

    /**
     * {@code Math.min(this, o)}: NaN if either is NaN, and -0.0 is less than 0.0.
     *
     * @param o the right operand
     * @return the smaller value
     */
    public Expr min(Expr o) {
        return binary(BinaryOp.MIN, this, o);
    }

    /**
     * {@code Math.min(this, o)}: NaN if either is NaN, and -0.0 is less than 0.0.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return the smaller value
     */
    public Expr min(double o) {
        return min(lit(o));
    }

    /**
     * {@code Math.min(this, o)}: NaN if either is NaN, and -0.0 is less than 0.0.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return the smaller value
     */
    public Expr min(long o) {
        return min(lit(o));
    }

    /**
     * {@code Math.max(this, o)}: NaN if either is NaN, and 0.0 is greater than -0.0.
     *
     * @param o the right operand
     * @return the larger value
     */
    public Expr max(Expr o) {
        return binary(BinaryOp.MAX, this, o);
    }

    /**
     * {@code Math.max(this, o)}: NaN if either is NaN, and 0.0 is greater than -0.0.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return the larger value
     */
    public Expr max(double o) {
        return max(lit(o));
    }

    /**
     * {@code Math.max(this, o)}: NaN if either is NaN, and 0.0 is greater than -0.0.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return the larger value
     */
    public Expr max(long o) {
        return max(lit(o));
    }

    /**
     * {@code Math.pow(this, o)}, within the documented ulp bound of each backend.
     *
     * @param o the right operand
     * @return this value raised to the power {@code o}
     */
    public Expr pow(Expr o) {
        return binary(BinaryOp.POW, this, o);
    }

    /**
     * {@code Math.pow(this, o)}, within the documented ulp bound of each backend.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return this value raised to the power {@code o}
     */
    public Expr pow(double o) {
        return pow(lit(o));
    }

    /**
     * {@code -this}: integer negation wraps, as in Java.
     *
     * @return the negated value
     */
    public Expr neg() {
        return unary(UnaryOp.NEG, this);
    }

    /**
     * {@code Math.abs(this)}: of an integer minimum value, that value, as in Java.
     *
     * @return the absolute value
     */
    public Expr abs() {
        return unary(UnaryOp.ABS, this);
    }

    // ---- bitwise and mask logic -------------------------------------------------------------

    /**
     * Bitwise and of integers, logical and of masks.
     *
     * @param o the right operand
     * @return the bitwise or logical and
     */
    public Expr and(Expr o) {
        return binary(BinaryOp.AND, this, o);
    }

    /**
     * Bitwise and with an integer literal.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return the bitwise and
     */
    public Expr and(long o) {
        return and(lit(o));
    }

    /**
     * Bitwise or of integers, logical or of masks.
     *
     * @param o the right operand
     * @return the bitwise or logical or
     */
    public Expr or(Expr o) {
        return binary(BinaryOp.OR, this, o);
    }

    /**
     * Bitwise or of integers, logical or of masks.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return the bitwise or logical or
     */
    public Expr or(long o) {
        return or(lit(o));
    }

    /**
     * Bitwise exclusive or of integers, logical exclusive or of masks.
     *
     * @param o the right operand
     * @return the bitwise or logical exclusive or
     */
    public Expr xor(Expr o) {
        return binary(BinaryOp.XOR, this, o);
    }

    /**
     * Bitwise exclusive or of integers, logical exclusive or of masks.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return the bitwise or logical exclusive or
     */
    public Expr xor(long o) {
        return xor(lit(o));
    }

    /**
     * Bitwise complement of an integer, negation of a mask.
     *
     * @return the complement or negation
     */
    public Expr not() {
        return unary(UnaryOp.NOT, this);
    }

    /**
     * {@code this << count}: Java uses the low 5 (int) or 6 (long) bits of the count.
     *
     * @param count the shift count, an integer value
     * @return the shifted value
     */
    public Expr shl(Expr count) {
        return binary(BinaryOp.SHL, this, count);
    }

    /**
     * {@code this << count}: Java uses the low 5 (int) or 6 (long) bits of the count.
     *
     * @param count the shift count
     * @return the shifted value
     */
    public Expr shl(long count) {
        return shl(lit(count));
    }

    /**
     * {@code this >> count}, the arithmetic shift that keeps the sign; the count as in Java.
     *
     * @param count the shift count, an integer value
     * @return the shifted value
     */
    public Expr shr(Expr count) {
        return binary(BinaryOp.SHR, this, count);
    }

    /**
     * {@code this >> count}, the arithmetic shift that keeps the sign; the count as in Java.
     *
     * @param count the shift count
     * @return the shifted value
     */
    public Expr shr(long count) {
        return shr(lit(count));
    }

    /**
     * {@code this >>> count}, the logical shift that fills with zeros; the count as in Java.
     *
     * @param count the shift count, an integer value
     * @return the shifted value
     */
    public Expr ushr(Expr count) {
        return binary(BinaryOp.USHR, this, count);
    }

    /**
     * {@code this >>> count}, the logical shift that fills with zeros; the count as in Java.
     *
     * @param count the shift count
     * @return the shifted value
     */
    public Expr ushr(long count) {
        return ushr(lit(count));
    }

    // ---- comparisons --------------------------------------------------------------------------

    /**
     * {@code this < o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand
     * @return a mask (BOOL) that is true where {@code this < o}
     */
    public Expr lt(Expr o) {
        return compare(CompareOp.LT, this, o);
    }

    /**
     * {@code this < o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return a mask (BOOL) that is true where {@code this < o}
     */
    public Expr lt(double o) {
        return lt(lit(o));
    }

    /**
     * {@code this < o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return a mask (BOOL) that is true where {@code this < o}
     */
    public Expr lt(long o) {
        return lt(lit(o));
    }

    /**
     * {@code this <= o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand
     * @return a mask (BOOL) that is true where {@code this <= o}
     */
    public Expr le(Expr o) {
        return compare(CompareOp.LE, this, o);
    }

    /**
     * {@code this <= o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return a mask (BOOL) that is true where {@code this <= o}
     */
    public Expr le(double o) {
        return le(lit(o));
    }

    /**
     * {@code this <= o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return a mask (BOOL) that is true where {@code this <= o}
     */
    public Expr le(long o) {
        return le(lit(o));
    }

    /**
     * {@code this > o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand
     * @return a mask (BOOL) that is true where {@code this > o}
     */
    public Expr gt(Expr o) {
        return compare(CompareOp.GT, this, o);
    }

    /**
     * {@code this > o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return a mask (BOOL) that is true where {@code this > o}
     */
    public Expr gt(double o) {
        return gt(lit(o));
    }

    /**
     * {@code this > o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return a mask (BOOL) that is true where {@code this > o}
     */
    public Expr gt(long o) {
        return gt(lit(o));
    }

    /**
     * {@code this >= o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand
     * @return a mask (BOOL) that is true where {@code this >= o}
     */
    public Expr ge(Expr o) {
        return compare(CompareOp.GE, this, o);
    }

    /**
     * {@code this >= o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return a mask (BOOL) that is true where {@code this >= o}
     */
    public Expr ge(double o) {
        return ge(lit(o));
    }

    /**
     * {@code this >= o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return a mask (BOOL) that is true where {@code this >= o}
     */
    public Expr ge(long o) {
        return ge(lit(o));
    }

    /**
     * {@code this == o}: a mask, false where either operand is NaN (and true for 0.0 == -0.0).
     *
     * @param o the right operand
     * @return a mask (BOOL) that is true where {@code this == o}
     */
    public Expr eq(Expr o) {
        return compare(CompareOp.EQ, this, o);
    }

    /**
     * {@code this == o}: a mask, false where either operand is NaN (and true for 0.0 == -0.0).
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return a mask (BOOL) that is true where {@code this == o}
     */
    public Expr eq(double o) {
        return eq(lit(o));
    }

    /**
     * {@code this == o}: a mask, false where either operand is NaN (and true for 0.0 == -0.0).
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return a mask (BOOL) that is true where {@code this == o}
     */
    public Expr eq(long o) {
        return eq(lit(o));
    }

    /**
     * {@code this != o}: a mask, true where either operand is NaN.
     *
     * @param o the right operand
     * @return a mask (BOOL) that is true where {@code this != o}
     */
    public Expr ne(Expr o) {
        return compare(CompareOp.NE, this, o);
    }

    /**
     * {@code this != o}: a mask, true where either operand is NaN.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return a mask (BOOL) that is true where {@code this != o}
     */
    public Expr ne(double o) {
        return ne(lit(o));
    }

    /**
     * {@code this != o}: a mask, true where either operand is NaN.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return a mask (BOOL) that is true where {@code this != o}
     */
    public Expr ne(long o) {
        return ne(lit(o));
    }

    // ---- casts --------------------------------------------------------------------------------

    /**
     * Java's primitive conversion to {@code type}: float to int saturates and maps NaN to 0; a mask gives 1 or 0.
     *
     * @param type the target type
     * @return this value converted to {@code type}; this value itself if it already has that type
     * @throws IllegalArgumentException if Java has no such conversion
     */
    public Expr to(DType type) {
        Objects.requireNonNull(type, "type");
        if (type == type()) {
            return this;
        }
        try {
            Types.checkCast(type(), type);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage(), this);
        }
        return new Expr(new Node.Cast(node, type), false, names);
    }

    /**
     * Shorthand for {@code to(DType.F32)}.
     *
     * @return this value as a float
     */
    public Expr toF32() {
        return to(DType.F32);
    }

    /**
     * Shorthand for {@code to(DType.F64)}.
     *
     * @return this value as a double
     */
    public Expr toF64() {
        return to(DType.F64);
    }

    /**
     * Shorthand for {@code to(DType.I32)}: a float saturates and NaN becomes 0.
     *
     * @return this value as an int
     */
    public Expr toI32() {
        return to(DType.I32);
    }

    /**
     * Shorthand for {@code to(DType.I64)}: a float saturates and NaN becomes 0.
     *
     * @return this value as a long
     */
    public Expr toI64() {
        return to(DType.I64);
    }

    // ---- functions (use with import static dev.flynn.Expr.*) ---------------------------------

    /**
     * Static form of {@link #neg()}, for {@code import static dev.flynn.Expr.*}.
     *
     * @param x the operand
     * @return {@code -x}
     */
    public static Expr neg(Expr x) {
        return x.neg();
    }

    /**
     * Static form of {@link #abs()}.
     *
     * @param x the operand
     * @return {@code Math.abs(x)}
     */
    public static Expr abs(Expr x) {
        return x.abs();
    }

    /**
     * Static form of {@link #not()}.
     *
     * @param x an integer or a mask
     * @return the complement of an integer, the negation of a mask
     */
    public static Expr not(Expr x) {
        return x.not();
    }

    /**
     * {@code Math.sqrt(x)} elementwise, correctly rounded on every backend.
     *
     * @param x the operand; an integer is converted to F64
     * @return the result, of a floating type
     */
    public static Expr sqrt(Expr x) {
        return unary(UnaryOp.SQRT, x);
    }

    /**
     * {@code Math.cbrt(x)} elementwise, within the ulp bound docs/SEMANTICS.md gives for each backend.
     *
     * @param x the operand; an integer is converted to F64
     * @return the result, of a floating type
     */
    public static Expr cbrt(Expr x) {
        return unary(UnaryOp.CBRT, x);
    }

    /**
     * {@code Math.exp(x)} elementwise, within the ulp bound docs/SEMANTICS.md gives for each backend.
     *
     * @param x the operand; an integer is converted to F64
     * @return the result, of a floating type
     */
    public static Expr exp(Expr x) {
        return unary(UnaryOp.EXP, x);
    }

    /**
     * {@code Math.expm1(x)} elementwise, within the ulp bound docs/SEMANTICS.md gives for each backend.
     *
     * @param x the operand; an integer is converted to F64
     * @return the result, of a floating type
     */
    public static Expr expm1(Expr x) {
        return unary(UnaryOp.EXPM1, x);
    }

    /**
     * {@code Math.log(x)} elementwise, within the ulp bound docs/SEMANTICS.md gives for each backend.
     *
     * @param x the operand; an integer is converted to F64
     * @return the result, of a floating type
     */
    public static Expr log(Expr x) {
        return unary(UnaryOp.LOG, x);
    }

    /**
     * {@code Math.log1p(x)} elementwise, within the ulp bound docs/SEMANTICS.md gives for each backend.
     *
     * @param x the operand; an integer is converted to F64
     * @return the result, of a floating type
     */
    public static Expr log1p(Expr x) {
        return unary(UnaryOp.LOG1P, x);
    }

    /**
     * {@code Math.log10(x)} elementwise, within the ulp bound docs/SEMANTICS.md gives for each backend.
     *
     * @param x the operand; an integer is converted to F64
     * @return the result, of a floating type
     */
    public static Expr log10(Expr x) {
        return unary(UnaryOp.LOG10, x);
    }

    /**
     * {@code Math.sin(x)} elementwise, within the ulp bound docs/SEMANTICS.md gives for each backend.
     *
     * @param x the operand; an integer is converted to F64
     * @return the result, of a floating type
     */
    public static Expr sin(Expr x) {
        return unary(UnaryOp.SIN, x);
    }

    /**
     * {@code Math.cos(x)} elementwise, within the ulp bound docs/SEMANTICS.md gives for each backend.
     *
     * @param x the operand; an integer is converted to F64
     * @return the result, of a floating type
     */
    public static Expr cos(Expr x) {
        return unary(UnaryOp.COS, x);
    }

    /**
     * {@code Math.tan(x)} elementwise, within the ulp bound docs/SEMANTICS.md gives for each backend.
     *
     * @param x the operand; an integer is converted to F64
     * @return the result, of a floating type
     */
    public static Expr tan(Expr x) {
        return unary(UnaryOp.TAN, x);
    }

    /**
     * {@code Math.asin(x)} elementwise, within the ulp bound docs/SEMANTICS.md gives for each backend.
     *
     * @param x the operand; an integer is converted to F64
     * @return the result, of a floating type
     */
    public static Expr asin(Expr x) {
        return unary(UnaryOp.ASIN, x);
    }

    /**
     * {@code Math.acos(x)} elementwise, within the ulp bound docs/SEMANTICS.md gives for each backend.
     *
     * @param x the operand; an integer is converted to F64
     * @return the result, of a floating type
     */
    public static Expr acos(Expr x) {
        return unary(UnaryOp.ACOS, x);
    }

    /**
     * {@code Math.atan(x)} elementwise, within the ulp bound docs/SEMANTICS.md gives for each backend.
     *
     * @param x the operand; an integer is converted to F64
     * @return the result, of a floating type
     */
    public static Expr atan(Expr x) {
        return unary(UnaryOp.ATAN, x);
    }

    /**
     * {@code Math.sinh(x)} elementwise, within the ulp bound docs/SEMANTICS.md gives for each backend.
     *
     * @param x the operand; an integer is converted to F64
     * @return the result, of a floating type
     */
    public static Expr sinh(Expr x) {
        return unary(UnaryOp.SINH, x);
    }

    /**
     * {@code Math.cosh(x)} elementwise, within the ulp bound docs/SEMANTICS.md gives for each backend.
     *
     * @param x the operand; an integer is converted to F64
     * @return the result, of a floating type
     */
    public static Expr cosh(Expr x) {
        return unary(UnaryOp.COSH, x);
    }

    /**
     * {@code Math.tanh(x)} elementwise, within the ulp bound docs/SEMANTICS.md gives for each backend.
     *
     * @param x the operand; an integer is converted to F64
     * @return the result, of a floating type
     */
    public static Expr tanh(Expr x) {
        return unary(UnaryOp.TANH, x);
    }

    /**
     * {@code Math.floor(x)} elementwise, exact.
     *
     * @param x the operand; an integer is converted to F64
     * @return the result, of a floating type
     */
    public static Expr floor(Expr x) {
        return unary(UnaryOp.FLOOR, x);
    }

    /**
     * {@code Math.ceil(x)} elementwise, exact.
     *
     * @param x the operand; an integer is converted to F64
     * @return the result, of a floating type
     */
    public static Expr ceil(Expr x) {
        return unary(UnaryOp.CEIL, x);
    }

    /**
     * {@code Math.rint(x)} elementwise, exact: halfway cases go to the even integer.
     *
     * @param x the operand; an integer is converted to F64
     * @return the result, of a floating type
     */
    public static Expr rint(Expr x) {
        return unary(UnaryOp.RINT, x);
    }

    /**
     * {@code Math.signum(x)} elementwise, exact.
     *
     * @param x the operand; an integer is converted to F64
     * @return the result, of a floating type
     */
    public static Expr signum(Expr x) {
        return unary(UnaryOp.SIGNUM, x);
    }

    /**
     * {@code Math.atan2(y, x)} elementwise, within the documented ulp bound.
     *
     * @param y the ordinate
     * @param x the abscissa
     * @return the angle in radians, in [-pi, pi]
     */
    public static Expr atan2(Expr y, Expr x) {
        return binary(BinaryOp.ATAN2, y, x);
    }

    /**
     * {@code Math.hypot(x, y)} elementwise: {@code sqrt(x*x + y*y)} without overflow or underflow in between.
     *
     * @param x one side
     * @param y the other side
     * @return the hypotenuse; infinite if either is infinite, even with a NaN
     */
    public static Expr hypot(Expr x, Expr y) {
        return binary(BinaryOp.HYPOT, x, y);
    }

    /**
     * Static form of {@link #pow(Expr)}: {@code Math.pow(x, y)}.
     *
     * @param x the base
     * @param y the exponent
     * @return {@code x} raised to the power {@code y}
     */
    public static Expr pow(Expr x, Expr y) {
        return binary(BinaryOp.POW, x, y);
    }

    /**
     * Static form of {@link #min(Expr)}: {@code Math.min(a, b)}.
     *
     * @param a one operand
     * @param b the other operand
     * @return the smaller value
     */
    public static Expr min(Expr a, Expr b) {
        return a.min(b);
    }

    /**
     * Static form of {@link #max(Expr)}: {@code Math.max(a, b)}.
     *
     * @param a one operand
     * @param b the other operand
     * @return the larger value
     */
    public static Expr max(Expr a, Expr b) {
        return a.max(b);
    }

    /**
     * {@code Math.fma(a, b, c)}: {@code a*b+c} with one rounding.
     *
     * @param a the first factor
     * @param b the second factor
     * @param c the addend
     * @return {@code a*b+c}, rounded once
     */
    public static Expr fma(Expr a, Expr b, Expr c) {
        DType t;
        try {
            t = Types.ternaryOperand(TernaryOp.FMA, joinType(a, b), joinType(b, c), joinType(a, c));
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage(), a, b, c);
        }
        return new Expr(new Node.Ternary(TernaryOp.FMA, coerce(a, t), coerce(b, t), coerce(c, t), t),
                a.weak && b.weak && c.weak, namesOf(a, b, c));
    }

    /**
     * {@code mask ? a : b} elementwise. Both {@code a} and {@code b} are evaluated.
     *
     * @param mask a BOOL value, such as a comparison
     * @param a the value where the mask is true
     * @param b the value where the mask is false
     * @return the elementwise choice, of {@code a} and {@code b}'s promoted type
     */
    public static Expr select(Expr mask, Expr a, Expr b) {
        DType t;
        try {
            t = Types.selectOperand(mask.type(), a.type(), b.type());
            if (t.isNumeric()) {
                t = joinType(a, b);
            }
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage(), mask, a, b);
        }
        return new Expr(new Node.Select(mask.node, coerce(a, t), coerce(b, t), t), a.weak && b.weak,
                namesOf(mask, a, b));
    }

    /**
     * Same as {@link #select(Expr, Expr, Expr)} with a literal for {@code b}.
     *
     * @param mask a BOOL value
     * @param a the value where the mask is true
     * @param b the literal where the mask is false
     * @return the elementwise choice
     */
    public static Expr select(Expr mask, Expr a, double b) {
        return select(mask, a, lit(b));
    }

    /**
     * Same as {@link #select(Expr, Expr, Expr)} with a literal for {@code a}.
     *
     * @param mask a BOOL value
     * @param a the literal where the mask is true
     * @param b the value where the mask is false
     * @return the elementwise choice
     */
    public static Expr select(Expr mask, double a, Expr b) {
        return select(mask, lit(a), b);
    }

    /**
     * Same as {@link #select(Expr, Expr, Expr)} with two literals: {@code select(x.gt(0), 1, -1)}.
     *
     * @param mask a BOOL value
     * @param a the literal where the mask is true
     * @param b the literal where the mask is false
     * @return the elementwise choice
     */
    public static Expr select(Expr mask, double a, double b) {
        return select(mask, lit(a), lit(b));
    }

    /**
     * Same as {@link #select(Expr, Expr, Expr)}, NumPy's name.
     *
     * @param mask a BOOL value, such as a comparison
     * @param a the value where the mask is true
     * @param b the value where the mask is false
     * @return the elementwise choice
     */
    public static Expr where(Expr mask, Expr a, Expr b) {
        return select(mask, a, b);
    }

    // ---- construction with the typing rules ---------------------------------------------------

    static Expr unary(UnaryOp op, Expr x) {
        DType t;
        try {
            t = Types.unaryOperand(op, x.type());
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage() + " in " + op.symbol(), x);
        }
        return new Expr(new Node.Unary(op, coerce(x, t), t), x.weak, x.names);
    }

    static Expr binary(BinaryOp op, Expr a, Expr b) {
        Objects.requireNonNull(a, "operand");
        Objects.requireNonNull(b, "operand");
        DType t;
        try {
            t = Types.binaryOperand(op, a.type(), b.type());
            if (op.kind() == dev.flynn.ir.OpKind.ARITH || (op.kind() == dev.flynn.ir.OpKind.LOGIC && t != DType.BOOL)) {
                t = joinType(a, b);
            } else if (op.kind() == dev.flynn.ir.OpKind.MATH) {
                DType j = joinType(a, b);
                t = j.isFloating() ? j : DType.F64;
            }
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage(), a, b);
        }
        // a shift's count is converted to the shifted value's type: Java uses its low 5 or 6 bits either way
        return new Expr(new Node.Binary(op, coerce(a, t), coerce(b, t), t), a.weak && b.weak, namesOf(a, b));
    }

    static Expr compare(CompareOp op, Expr a, Expr b) {
        Objects.requireNonNull(b, "operand");
        DType t;
        try {
            t = Types.compareOperand(op, a.type(), b.type());
            if (t.isNumeric()) {
                t = joinType(a, b);
            }
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage(), a, b);
        }
        return new Expr(new Node.Compare(op, coerce(a, t), coerce(b, t)), false, namesOf(a, b));
    }

    /** Java promotion, except that a literal-only float operand takes a float partner's type. */
    private static DType joinType(Expr a, Expr b) {
        if (a.weak != b.weak) {
            Expr strong = a.weak ? b : a;
            Expr lit = a.weak ? a : b;
            if (strong.type().isFloating() && lit.type().isNumeric()) {
                return strong.type();
            }
        }
        return DType.promote(a.type(), b.type());
    }

    private static Node coerce(Expr e, DType t) {
        if (e.type() == t) {
            return e.node;
        }
        if (e.weak && e.node instanceof Node.Const c && t.isNumeric()) {
            return c.type().isFloating() ? Node.Const.of(t, c.asDouble()) : Node.Const.ofLong(t, c.bits());
        }
        return new Node.Cast(e.node, t);
    }

    private static List<String> namesOf(Expr... es) {
        for (Expr e : es) {
            if (!e.names.isEmpty()) {
                return e.names;
            }
        }
        return List.of();
    }

    private static IllegalArgumentException error(String why, Expr... operands) {
        StringBuilder sb = new StringBuilder(why).append("\n  operands:");
        for (Expr o : operands) {
            sb.append(" [").append(o).append(" : ").append(o.type()).append(']');
        }
        return new IllegalArgumentException(sb.toString());
    }

    static Expr input(int index, DType type, List<String> names) {
        return new Expr(new Node.Input(index, type), false, names);
    }
}
