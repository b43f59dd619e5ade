package dev.flynn;

import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.CompareOp;
import dev.flynn.ir.Node;
import dev.flynn.ir.Types;
import dev.flynn.ir.UnaryOp;

import java.util.List;
import java.util.Objects;

/**
 * How an {@link Expr} node is built: the operand type from {@code ir.Types}, the literal rule (a
 * literal-only float takes its partner's type) and the error that shows the expression. Every
 * {@code Expr} method and the parser build their nodes here.
 */
final class ExprTyping {
    private ExprTyping() {
    }

    static Expr unary(UnaryOp op, Expr x) {
        DType t;
        try {
            t = Types.unaryOperand(op, x.type());
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage() + " in " + op.symbol(), x);
        }
        return new Expr(new Node.Unary(op, coerce(x, t), t), x.weak(), x.names(), x.rows());
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
        return new Expr(new Node.Binary(op, coerce(a, t), coerce(b, t), t), a.weak() && b.weak(), namesOf(a, b),
                RowTerms.union(a.rows(), b.rows()));
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
        return new Expr(new Node.Compare(op, coerce(a, t), coerce(b, t)), false, namesOf(a, b),
                RowTerms.union(a.rows(), b.rows()));
    }

    /** Java promotion, except that a literal-only float operand takes a float partner's type. */
    static DType joinType(Expr a, Expr b) {
        if (a.weak() != b.weak()) {
            Expr strong = a.weak() ? b : a;
            Expr lit = a.weak() ? a : b;
            if (strong.type().isFloating() && lit.type().isNumeric()) {
                return strong.type();
            }
        }
        return DType.promote(a.type(), b.type());
    }

    static Node coerce(Expr e, DType t) {
        if (e.type() == t) {
            return e.node();
        }
        if (e.weak() && e.node() instanceof Node.Const c && t.isNumeric()) {
            return c.type().isFloating() ? Node.Const.of(t, c.asDouble()) : Node.Const.ofLong(t, c.bits());
        }
        return new Node.Cast(e.node(), t);
    }

    static List<String> namesOf(Expr... es) {
        for (Expr e : es) {
            if (!e.names().isEmpty()) {
                return e.names();
            }
        }
        return List.of();
    }

    static IllegalArgumentException error(String why, Expr... operands) {
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
