package dev.flynn.ir;

/** How an operation types its operands; the single source of the typing rules in {@link Types}. */
public enum OpKind {
    /** Numeric operands promoted to a common type; result of that type (add, neg, min, ...). */
    ARITH,
    /** Floating-point math; integer operands are promoted to F64 as Java's {@code Math} does. */
    MATH,
    /** Bitwise on integers, logical on masks (and, or, xor, not). */
    LOGIC,
    /** Integer shifts: result has the left operand's type, the count is taken modulo its width. */
    SHIFT
}
