package dev.flynn.ir;

import dev.flynn.DType;

/**
 * A node of a kernel's IR: an immutable tree (a DAG where the user reused a value).
 * Every backend lowers it with an exhaustive {@code switch}, so a new node type is a compile error
 * in each backend until it is lowered there.
 *
 * <p>Invariants (checked by {@link Verifier}): operands of an arithmetic, logic, compare, select or
 * ternary node all have the node's operand type (implicit conversions are explicit {@link Cast}s);
 * a shift's count has the type of the shifted value.
 */
public sealed interface Node permits Node.Input, Node.Const, Node.Unary, Node.Binary, Node.Ternary,
        Node.Compare, Node.Select, Node.Cast {

    /** The type of the value this node computes. */
    DType type();

    /** Kernel input number {@code index}. */
    record Input(int index, DType type) implements Node {
    }

    /**
     * A literal, hoisted into the kernel's argument array at {@code slot}. Compiled code must read the
     * value from the arguments, never from {@code bits}: kernels that differ only in literals share code.
     *
     * @param bits the value: {@code Float.floatToRawIntBits} for F32, {@code Double.doubleToRawLongBits}
     *             for F64, the value itself for integers, 0 or 1 for masks
     */
    record Const(int slot, DType type, long bits) implements Node {
        public static Const of(DType type, double value) {
            return new Const(-1, type, bitsOf(type, value));
        }

        public static Const ofLong(DType type, long value) {
            return new Const(-1, type, switch (type) {
                case F32 -> Float.floatToRawIntBits((float) value);
                case F64 -> Double.doubleToRawLongBits((double) value);
                case I32 -> (int) value;
                case I64 -> value;
                case BOOL -> value != 0 ? 1 : 0;
            });
        }

        /** The raw bits of {@code value} converted to {@code type} (Java casts: float→int saturates). */
        public static long bitsOf(DType type, double value) {
            return switch (type) {
                case F32 -> Float.floatToRawIntBits((float) value);
                case F64 -> Double.doubleToRawLongBits(value);
                case I32 -> (int) value;
                case I64 -> (long) value;
                case BOOL -> value != 0 ? 1 : 0;
            };
        }

        /** The value as a double (exact for F32 and F64). */
        public double asDouble() {
            return switch (type) {
                case F32 -> Float.intBitsToFloat((int) bits);
                case F64 -> Double.longBitsToDouble(bits);
                default -> bits;
            };
        }

        public Const withSlot(int newSlot) {
            return new Const(newSlot, type, bits);
        }
    }

    record Unary(UnaryOp op, Node x, DType type) implements Node {
    }

    record Binary(BinaryOp op, Node a, Node b, DType type) implements Node {
    }

    record Ternary(TernaryOp op, Node a, Node b, Node c, DType type) implements Node {
    }

    /** A comparison of two operands of the same type; the result is a mask. */
    record Compare(CompareOp op, Node a, Node b) implements Node {
        @Override
        public DType type() {
            return DType.BOOL;
        }
    }

    /** {@code mask ? a : b}, elementwise; both operands are evaluated. */
    record Select(Node mask, Node a, Node b, DType type) implements Node {
    }

    /** A Java primitive conversion to {@code type} (float→int saturates, NaN→0; mask→number is 1 or 0). */
    record Cast(Node x, DType type) implements Node {
    }
}
