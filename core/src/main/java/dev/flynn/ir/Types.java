package dev.flynn.ir;

import dev.flynn.DType;

/**
 * The typing rules of every op, in one place: Java's binary numeric promotion, with {@code Math}'s
 * promotion of integers to double for floating-point functions. Each method returns the type the
 * operands are converted to, or throws {@link IllegalArgumentException} with the reason.
 */
public final class Types {
    private Types() {
    }

    /**
     * The type a unary op computes in: the operand's, or F64 for a math function of an integer.
     *
     * @param op the operation
     * @param x the operand type
     * @return the operand and result type
     * @throws IllegalArgumentException if the operand types are not allowed, saying what to do
     */
    public static DType unaryOperand(UnaryOp op, DType x) {
        return switch (op.kind()) {
            case ARITH -> {
                requireNumeric(op.symbol(), x);
                yield x;
            }
            case LOGIC -> {
                if (x.isFloating()) {
                    throw new IllegalArgumentException(op.symbol() + " needs an integer or a mask, got " + x);
                }
                yield x;
            }
            case MATH -> {
                requireNumeric(op.symbol(), x);
                yield x.isFloating() ? x : DType.F64;
            }
            case SHIFT -> throw new IllegalStateException("no unary shift");
        };
    }

    /**
     * The type a binary op computes in, by Java's binary numeric promotion.
     *
     * @param op the operation
     * @param a the left operand type
     * @param b the right operand type
     * @return the operand type
     * @throws IllegalArgumentException if the operand types are not allowed, saying what to do
     */
    public static DType binaryOperand(BinaryOp op, DType a, DType b) {
        return switch (op.kind()) {
            case ARITH -> {
                requireNumeric(op.symbol(), a, b);
                yield DType.promote(a, b);
            }
            case MATH -> {
                requireNumeric(op.symbol(), a, b);
                DType t = DType.promote(a, b);
                yield t.isFloating() ? t : DType.F64;
            }
            case LOGIC -> {
                if (a == DType.BOOL && b == DType.BOOL) {
                    yield DType.BOOL;
                }
                if (a.isIntegral() && b.isIntegral()) {
                    yield DType.promote(a, b);
                }
                throw new IllegalArgumentException(op.symbol() + " needs two integers or two masks, got " + a + " and " + b);
            }
            case SHIFT -> {
                if (!a.isIntegral() || !b.isIntegral()) {
                    throw new IllegalArgumentException(op.symbol() + " needs integer operands, got " + a + " and " + b);
                }
                yield a;
            }
        };
    }

    /**
     * The type a comparison compares in; the result is always BOOL.
     *
     * @param op the comparison
     * @param a the left operand type
     * @param b the right operand type
     * @return the operand type
     * @throws IllegalArgumentException if the operand types are not allowed, saying what to do
     */
    public static DType compareOperand(CompareOp op, DType a, DType b) {
        if (a == DType.BOOL && b == DType.BOOL) {
            if (op == CompareOp.EQ || op == CompareOp.NE) {
                return DType.BOOL;
            }
            throw new IllegalArgumentException(op.symbol() + " does not order masks; compare numbers instead");
        }
        requireNumeric(op.symbol(), a, b);
        return DType.promote(a, b);
    }

    /**
     * The type of a select of {@code a} and {@code b}.
     *
     * @param mask the condition's type, which must be BOOL
     * @param a the type where the mask is true
     * @param b the type where the mask is false
     * @return the result type
     * @throws IllegalArgumentException if the operand types are not allowed, saying what to do
     */
    public static DType selectOperand(DType mask, DType a, DType b) {
        if (mask != DType.BOOL) {
            throw new IllegalArgumentException("select needs a mask as its first operand (a comparison), got " + mask);
        }
        if (a == DType.BOOL && b == DType.BOOL) {
            return DType.BOOL;
        }
        requireNumeric("select", a, b);
        return DType.promote(a, b);
    }

    /**
     * The type a ternary op computes in.
     *
     * @param op the operation
     * @param a the first operand type
     * @param b the second operand type
     * @param c the third operand type
     * @return the operand type
     * @throws IllegalArgumentException if the operand types are not allowed, saying what to do
     */
    public static DType ternaryOperand(TernaryOp op, DType a, DType b, DType c) {
        requireNumeric(op.symbol(), a, b, c);
        DType t = DType.promote(DType.promote(a, b), c);
        return t.isFloating() ? t : DType.F64;
    }

    /**
     * Checks that Java has a conversion between the two types.
     *
     * @param from the source type
     * @param to the target type
     * @throws IllegalArgumentException if there is none
     */
    public static void checkCast(DType from, DType to) {
        if (to == DType.BOOL && from != DType.BOOL) {
            throw new IllegalArgumentException("no cast from " + from + " to a mask; compare instead, e.g. x != 0");
        }
    }

    private static void requireNumeric(String op, DType... types) {
        for (DType t : types) {
            if (!t.isNumeric()) {
                throw new IllegalArgumentException(op + " needs numbers, got a mask; use select(mask, 1, 0) or a cast to get a number");
            }
        }
    }
}
