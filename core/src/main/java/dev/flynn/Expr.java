package dev.flynn;

import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.Node;
import dev.flynn.ir.Printer;
import dev.flynn.ir.TernaryOp;
import dev.flynn.ir.Types;
import dev.flynn.ir.UnaryOp;

import java.util.List;
import java.util.Objects;

import static dev.flynn.ExprTyping.coerce;
import static dev.flynn.ExprTyping.error;
import static dev.flynn.ExprTyping.joinType;
import static dev.flynn.ExprTyping.namesOf;
import static dev.flynn.ExprTyping.binary;
import static dev.flynn.ExprTyping.unary;

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
public final class Expr implements ExprArithmetic, ExprComparisons {
    private final Node node;
    /** True when the value depends on literals only: it takes its partner's float type. */
    private final boolean weak;
    private final List<String> names;
    /** The reductions over the row this value refers to ({@link Row}); none in a plain kernel. */
    private final RowTerms rows;

    Expr(Node node, boolean weak, List<String> names) {
        this(node, weak, names, RowTerms.NONE);
    }

    Expr(Node node, boolean weak, List<String> names, RowTerms rows) {
        this.node = node;
        this.weak = weak;
        this.names = names;
        this.rows = rows;
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

    /** True when the value depends on literals only. */
    boolean weak() {
        return weak;
    }

    /** The input names, for error messages and printing. */
    List<String> names() {
        return names;
    }

    RowTerms rows() {
        return rows;
    }

    @Override
    public String toString() {
        return rows.isEmpty() ? Printer.print(node, names) : RowText.print(this);
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
        return new Expr(new Node.Cast(node, type), false, names, rows);
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
                a.weak && b.weak && c.weak, namesOf(a, b, c), RowTerms.union(a.rows, b.rows, c.rows));
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
                namesOf(mask, a, b), RowTerms.union(mask.rows, a.rows, b.rows));
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

    static Expr input(int index, DType type, List<String> names) {
        return new Expr(new Node.Input(index, type), false, names);
    }
}
