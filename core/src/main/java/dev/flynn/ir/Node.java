package dev.flynn.ir;

import dev.flynn.DType;

import java.util.List;
import java.util.Objects;

/**
 * A node of a kernel's IR: an immutable tree (a DAG where the user reused a value).
 * Every backend lowers it with an exhaustive {@code switch}, so a new node type is a compile error
 * in each backend until it is lowered there.
 *
 * <p>Equality is structural. A traced expression such as {@code s = s.mul(s)} repeated is a DAG whose
 * tree is exponentially large, so the operation nodes are classes rather than records: each caches
 * its hash, computed from its operands' at construction, and compares without recursion, once per
 * distinct pair of nodes ({@link Structure}). Walk a graph through {@link Schedule}, never by
 * recursion: the depth of an expression is not bounded.
 *
 * <p>Invariants (checked by {@link Verifier}): operands of an arithmetic, logic, compare, select or
 * ternary node all have the node's operand type (implicit conversions are explicit {@link Cast}s);
 * a shift's count has the type of the shifted value.
 */
public sealed interface Node permits Node.Input, Node.Const, Node.Unary, Node.Binary, Node.Ternary,
        Node.Compare, Node.Select, Node.Cast {

    /**
     * The type of the value this node computes.
     *
     * @return the type
     */
    DType type();

    /**
     * Kernel input number {@code index}.
     *
     * @param index the input's position, from 0
     * @param type its element type
     */
    record Input(int index, DType type) implements Node {
    }

    /**
     * A literal, hoisted into the kernel's argument array at {@code slot}. Compiled code must read the
     * value from the arguments, never from {@code bits}: kernels that differ only in literals share code.
     *
     *
     * @param bits the value: {@code Float.floatToRawIntBits} for F32, {@code Double.doubleToRawLongBits}
     *             for F64, the value itself for integers, 0 or 1 for masks
     * @param slot the index in the argument array, or -1 before hoisting
     * @param type the constant's type
     */
    record Const(int slot, DType type, long bits) implements Node {
        /**
         * A literal not yet hoisted (slot -1), converted to {@code type} as a Java cast would.
         *
         * @param type the type
         * @param value the value
         * @return the constant
         */
        public static Const of(DType type, double value) {
            return new Const(-1, type, bitsOf(type, value));
        }

        /**
         * An integer literal not yet hoisted (slot -1), converted to {@code type} as a Java cast would.
         *
         * @param type the type
         * @param value the value
         * @return the constant
         */
        public static Const ofLong(DType type, long value) {
            return new Const(-1, type, switch (type) {
                case F32 -> Float.floatToRawIntBits((float) value);
                case F64 -> Double.doubleToRawLongBits((double) value);
                case I32 -> (int) value;
                case I64 -> value;
                case BOOL -> value != 0 ? 1 : 0;
            });
        }

        /**
         * The raw bits of {@code value} converted to {@code type} (Java casts: float→int saturates).
         *
         * @param type the target type
         * @param value the value
         * @return the raw bits, as stored in {@code bits}
         */
        public static long bitsOf(DType type, double value) {
            return switch (type) {
                case F32 -> Float.floatToRawIntBits((float) value);
                case F64 -> Double.doubleToRawLongBits(value);
                case I32 -> (int) value;
                case I64 -> (long) value;
                case BOOL -> value != 0 ? 1 : 0;
            };
        }

        /**
         * The value as a double (exact for F32 and F64).
         *
         * @return the value
         */
        public double asDouble() {
            return switch (type) {
                case F32 -> Float.intBitsToFloat((int) bits);
                case F64 -> Double.longBitsToDouble(bits);
                default -> bits;
            };
        }

        /**
         * This constant at another argument slot.
         *
         * @param newSlot the slot
         * @return a constant with the same type and value
         */
        public Const withSlot(int newSlot) {
            return new Const(newSlot, type, bits);
        }
    }

    /** {@code op(x)}. */
    final class Unary implements Node {
        private final UnaryOp op;
        private final Node x;
        private final DType type;
        private final int hash;

        /**
         * Creates the node; the {@link Verifier} checks its types.
         *
         * @param op the operation
         * @param x the operand
         * @param type the result type
         */
        public Unary(UnaryOp op, Node x, DType type) {
            this.op = Objects.requireNonNull(op, "op");
            this.x = Objects.requireNonNull(x, "x");
            this.type = Objects.requireNonNull(type, "type");
            this.hash = Structure.hash(1, op.ordinal(), type, x);
        }

        /**
         * The operation.
         *
         * @return the operation
         */
        public UnaryOp op() {
            return op;
        }

        /**
         * The operand.
         *
         * @return the operand
         */
        public Node x() {
            return x;
        }

        @Override
        public DType type() {
            return type;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unary u && Structure.equal(this, u);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return Printer.print(this, List.of());
        }
    }

    /** {@code a op b}, or {@code op(a, b)} for functions. */
    final class Binary implements Node {
        private final BinaryOp op;
        private final Node a;
        private final Node b;
        private final DType type;
        private final int hash;

        /**
         * Creates the node; the {@link Verifier} checks its types.
         *
         * @param op the operation
         * @param a the left operand
         * @param b the right operand
         * @param type the result type
         */
        public Binary(BinaryOp op, Node a, Node b, DType type) {
            this.op = Objects.requireNonNull(op, "op");
            this.a = Objects.requireNonNull(a, "a");
            this.b = Objects.requireNonNull(b, "b");
            this.type = Objects.requireNonNull(type, "type");
            this.hash = Structure.hash(2, op.ordinal(), type, a, b);
        }

        /**
         * The operation.
         *
         * @return the operation
         */
        public BinaryOp op() {
            return op;
        }

        /**
         * The left operand.
         *
         * @return the left operand
         */
        public Node a() {
            return a;
        }

        /**
         * The right operand.
         *
         * @return the right operand
         */
        public Node b() {
            return b;
        }

        @Override
        public DType type() {
            return type;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Binary other && Structure.equal(this, other);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return Printer.print(this, List.of());
        }
    }

    /** {@code op(a, b, c)}. */
    final class Ternary implements Node {
        private final TernaryOp op;
        private final Node a;
        private final Node b;
        private final Node c;
        private final DType type;
        private final int hash;

        /**
         * Creates the node; the {@link Verifier} checks its types.
         *
         * @param op the operation
         * @param a the first operand
         * @param b the second operand
         * @param c the third operand
         * @param type the result type
         */
        public Ternary(TernaryOp op, Node a, Node b, Node c, DType type) {
            this.op = Objects.requireNonNull(op, "op");
            this.a = Objects.requireNonNull(a, "a");
            this.b = Objects.requireNonNull(b, "b");
            this.c = Objects.requireNonNull(c, "c");
            this.type = Objects.requireNonNull(type, "type");
            this.hash = Structure.hash(3, op.ordinal(), type, a, b, c);
        }

        /**
         * The operation.
         *
         * @return the operation
         */
        public TernaryOp op() {
            return op;
        }

        /**
         * The first operand.
         *
         * @return the first operand
         */
        public Node a() {
            return a;
        }

        /**
         * The second operand.
         *
         * @return the second operand
         */
        public Node b() {
            return b;
        }

        /**
         * The third operand.
         *
         * @return the third operand
         */
        public Node c() {
            return c;
        }

        @Override
        public DType type() {
            return type;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ternary other && Structure.equal(this, other);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return Printer.print(this, List.of());
        }
    }

    /** A comparison of two operands of the same type; the result is a mask. */
    final class Compare implements Node {
        private final CompareOp op;
        private final Node a;
        private final Node b;
        private final int hash;

        /**
         * Creates the node, of type BOOL; the {@link Verifier} checks its operands.
         *
         * @param op the comparison
         * @param a the left operand
         * @param b the right operand
         */
        public Compare(CompareOp op, Node a, Node b) {
            this.op = Objects.requireNonNull(op, "op");
            this.a = Objects.requireNonNull(a, "a");
            this.b = Objects.requireNonNull(b, "b");
            this.hash = Structure.hash(4, op.ordinal(), DType.BOOL, a, b);
        }

        /**
         * The comparison.
         *
         * @return the comparison
         */
        public CompareOp op() {
            return op;
        }

        /**
         * The left operand.
         *
         * @return the left operand
         */
        public Node a() {
            return a;
        }

        /**
         * The right operand.
         *
         * @return the right operand
         */
        public Node b() {
            return b;
        }

        @Override
        public DType type() {
            return DType.BOOL;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Compare other && Structure.equal(this, other);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return Printer.print(this, List.of());
        }
    }

    /** {@code mask ? a : b}, elementwise; both operands are evaluated. */
    final class Select implements Node {
        private final Node mask;
        private final Node a;
        private final Node b;
        private final DType type;
        private final int hash;

        /**
         * Creates the node; the {@link Verifier} checks its types.
         *
         * @param mask the BOOL condition
         * @param a the value where the mask is true
         * @param b the value where the mask is false
         * @param type the result type
         */
        public Select(Node mask, Node a, Node b, DType type) {
            this.mask = Objects.requireNonNull(mask, "mask");
            this.a = Objects.requireNonNull(a, "a");
            this.b = Objects.requireNonNull(b, "b");
            this.type = Objects.requireNonNull(type, "type");
            this.hash = Structure.hash(5, 0, type, mask, a, b);
        }

        /**
         * The condition.
         *
         * @return the BOOL condition
         */
        public Node mask() {
            return mask;
        }

        /**
         * The value where the mask is true.
         *
         * @return the value where the mask is true
         */
        public Node a() {
            return a;
        }

        /**
         * The value where the mask is false.
         *
         * @return the value where the mask is false
         */
        public Node b() {
            return b;
        }

        @Override
        public DType type() {
            return type;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Select other && Structure.equal(this, other);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return Printer.print(this, List.of());
        }
    }

    /** A Java primitive conversion to {@code type} (float→int saturates, NaN→0; mask→number is 1 or 0). */
    final class Cast implements Node {
        private final Node x;
        private final DType type;
        private final int hash;

        /**
         * Creates the node; the {@link Verifier} checks that Java has the conversion.
         *
         * @param x the operand
         * @param type the target type
         */
        public Cast(Node x, DType type) {
            this.x = Objects.requireNonNull(x, "x");
            this.type = Objects.requireNonNull(type, "type");
            this.hash = Structure.hash(6, 0, type, x);
        }

        /**
         * The operand.
         *
         * @return the operand
         */
        public Node x() {
            return x;
        }

        @Override
        public DType type() {
            return type;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cast other && Structure.equal(this, other);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return Printer.print(this, List.of());
        }
    }
}
