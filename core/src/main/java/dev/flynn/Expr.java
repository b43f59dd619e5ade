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

    /** The IR node behind this value. */
    public Node node() {
        return node;
    }

    /** The type of this value. */
    public DType type() {
        return node.type();
    }

    @Override
    public String toString() {
        return Printer.print(node, names);
    }

    // ---- literals --------------------------------------------------------------------------

    /** A literal: F64 that becomes F32 next to a float value. */
    public static Expr lit(double value) {
        return new Expr(Node.Const.of(DType.F64, value), true, List.of());
    }

    /** An integer literal: I32 where it fits, else I64. */
    public static Expr lit(long value) {
        DType t = value == (int) value ? DType.I32 : DType.I64;
        return new Expr(Node.Const.ofLong(t, value), true, List.of());
    }

    /** A constant of exactly the given type (never re-typed by its partner). */
    public static Expr constant(DType type, double value) {
        if (!type.isNumeric()) {
            throw new IllegalArgumentException("constants are numbers; use a comparison for a mask");
        }
        return new Expr(Node.Const.of(type, value), false, List.of());
    }

    // ---- arithmetic --------------------------------------------------------------------------

    public Expr add(Expr o) {
        return binary(BinaryOp.ADD, this, o);
    }

    public Expr add(double o) {
        return add(lit(o));
    }

    public Expr add(long o) {
        return add(lit(o));
    }

    public Expr sub(Expr o) {
        return binary(BinaryOp.SUB, this, o);
    }

    public Expr sub(double o) {
        return sub(lit(o));
    }

    public Expr sub(long o) {
        return sub(lit(o));
    }

    public Expr mul(Expr o) {
        return binary(BinaryOp.MUL, this, o);
    }

    public Expr mul(double o) {
        return mul(lit(o));
    }

    public Expr mul(long o) {
        return mul(lit(o));
    }

    public Expr div(Expr o) {
        return binary(BinaryOp.DIV, this, o);
    }

    public Expr div(double o) {
        return div(lit(o));
    }

    public Expr div(long o) {
        return div(lit(o));
    }

    public Expr rem(Expr o) {
        return binary(BinaryOp.REM, this, o);
    }

    public Expr rem(double o) {
        return rem(lit(o));
    }

    public Expr rem(long o) {
        return rem(lit(o));
    }

    public Expr min(Expr o) {
        return binary(BinaryOp.MIN, this, o);
    }

    public Expr min(double o) {
        return min(lit(o));
    }

    public Expr min(long o) {
        return min(lit(o));
    }

    public Expr max(Expr o) {
        return binary(BinaryOp.MAX, this, o);
    }

    public Expr max(double o) {
        return max(lit(o));
    }

    public Expr max(long o) {
        return max(lit(o));
    }

    public Expr pow(Expr o) {
        return binary(BinaryOp.POW, this, o);
    }

    public Expr pow(double o) {
        return pow(lit(o));
    }

    public Expr neg() {
        return unary(UnaryOp.NEG, this);
    }

    public Expr abs() {
        return unary(UnaryOp.ABS, this);
    }

    // ---- bitwise and mask logic -------------------------------------------------------------

    /** Bitwise and of integers, logical and of masks. */
    public Expr and(Expr o) {
        return binary(BinaryOp.AND, this, o);
    }

    public Expr and(long o) {
        return and(lit(o));
    }

    public Expr or(Expr o) {
        return binary(BinaryOp.OR, this, o);
    }

    public Expr or(long o) {
        return or(lit(o));
    }

    public Expr xor(Expr o) {
        return binary(BinaryOp.XOR, this, o);
    }

    public Expr xor(long o) {
        return xor(lit(o));
    }

    /** Bitwise complement of an integer, negation of a mask. */
    public Expr not() {
        return unary(UnaryOp.NOT, this);
    }

    public Expr shl(Expr count) {
        return binary(BinaryOp.SHL, this, count);
    }

    public Expr shl(long count) {
        return shl(lit(count));
    }

    public Expr shr(Expr count) {
        return binary(BinaryOp.SHR, this, count);
    }

    public Expr shr(long count) {
        return shr(lit(count));
    }

    public Expr ushr(Expr count) {
        return binary(BinaryOp.USHR, this, count);
    }

    public Expr ushr(long count) {
        return ushr(lit(count));
    }

    // ---- comparisons --------------------------------------------------------------------------

    public Expr lt(Expr o) {
        return compare(CompareOp.LT, this, o);
    }

    public Expr lt(double o) {
        return lt(lit(o));
    }

    public Expr lt(long o) {
        return lt(lit(o));
    }

    public Expr le(Expr o) {
        return compare(CompareOp.LE, this, o);
    }

    public Expr le(double o) {
        return le(lit(o));
    }

    public Expr le(long o) {
        return le(lit(o));
    }

    public Expr gt(Expr o) {
        return compare(CompareOp.GT, this, o);
    }

    public Expr gt(double o) {
        return gt(lit(o));
    }

    public Expr gt(long o) {
        return gt(lit(o));
    }

    public Expr ge(Expr o) {
        return compare(CompareOp.GE, this, o);
    }

    public Expr ge(double o) {
        return ge(lit(o));
    }

    public Expr ge(long o) {
        return ge(lit(o));
    }

    public Expr eq(Expr o) {
        return compare(CompareOp.EQ, this, o);
    }

    public Expr eq(double o) {
        return eq(lit(o));
    }

    public Expr eq(long o) {
        return eq(lit(o));
    }

    public Expr ne(Expr o) {
        return compare(CompareOp.NE, this, o);
    }

    public Expr ne(double o) {
        return ne(lit(o));
    }

    public Expr ne(long o) {
        return ne(lit(o));
    }

    // ---- casts --------------------------------------------------------------------------------

    /** Java's primitive conversion to {@code type}: float to int saturates and maps NaN to 0; a mask gives 1 or 0. */
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

    public Expr toF32() {
        return to(DType.F32);
    }

    public Expr toF64() {
        return to(DType.F64);
    }

    public Expr toI32() {
        return to(DType.I32);
    }

    public Expr toI64() {
        return to(DType.I64);
    }

    // ---- functions (use with import static dev.flynn.Expr.*) ---------------------------------

    public static Expr neg(Expr x) {
        return x.neg();
    }

    public static Expr abs(Expr x) {
        return x.abs();
    }

    public static Expr not(Expr x) {
        return x.not();
    }

    public static Expr sqrt(Expr x) {
        return unary(UnaryOp.SQRT, x);
    }

    public static Expr cbrt(Expr x) {
        return unary(UnaryOp.CBRT, x);
    }

    public static Expr exp(Expr x) {
        return unary(UnaryOp.EXP, x);
    }

    public static Expr expm1(Expr x) {
        return unary(UnaryOp.EXPM1, x);
    }

    public static Expr log(Expr x) {
        return unary(UnaryOp.LOG, x);
    }

    public static Expr log1p(Expr x) {
        return unary(UnaryOp.LOG1P, x);
    }

    public static Expr log10(Expr x) {
        return unary(UnaryOp.LOG10, x);
    }

    public static Expr sin(Expr x) {
        return unary(UnaryOp.SIN, x);
    }

    public static Expr cos(Expr x) {
        return unary(UnaryOp.COS, x);
    }

    public static Expr tan(Expr x) {
        return unary(UnaryOp.TAN, x);
    }

    public static Expr asin(Expr x) {
        return unary(UnaryOp.ASIN, x);
    }

    public static Expr acos(Expr x) {
        return unary(UnaryOp.ACOS, x);
    }

    public static Expr atan(Expr x) {
        return unary(UnaryOp.ATAN, x);
    }

    public static Expr sinh(Expr x) {
        return unary(UnaryOp.SINH, x);
    }

    public static Expr cosh(Expr x) {
        return unary(UnaryOp.COSH, x);
    }

    public static Expr tanh(Expr x) {
        return unary(UnaryOp.TANH, x);
    }

    public static Expr floor(Expr x) {
        return unary(UnaryOp.FLOOR, x);
    }

    public static Expr ceil(Expr x) {
        return unary(UnaryOp.CEIL, x);
    }

    public static Expr rint(Expr x) {
        return unary(UnaryOp.RINT, x);
    }

    public static Expr signum(Expr x) {
        return unary(UnaryOp.SIGNUM, x);
    }

    public static Expr atan2(Expr y, Expr x) {
        return binary(BinaryOp.ATAN2, y, x);
    }

    public static Expr hypot(Expr x, Expr y) {
        return binary(BinaryOp.HYPOT, x, y);
    }

    public static Expr pow(Expr x, Expr y) {
        return binary(BinaryOp.POW, x, y);
    }

    public static Expr min(Expr a, Expr b) {
        return a.min(b);
    }

    public static Expr max(Expr a, Expr b) {
        return a.max(b);
    }

    /** {@code Math.fma(a, b, c)}: {@code a*b+c} with one rounding. */
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

    /** {@code mask ? a : b} elementwise. Both {@code a} and {@code b} are evaluated. */
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

    public static Expr select(Expr mask, Expr a, double b) {
        return select(mask, a, lit(b));
    }

    public static Expr select(Expr mask, double a, Expr b) {
        return select(mask, lit(a), b);
    }

    public static Expr select(Expr mask, double a, double b) {
        return select(mask, lit(a), lit(b));
    }

    /** Same as {@link #select(Expr, Expr, Expr)}, NumPy's name. */
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
