package dev.flynn.ir;

/**
 * The vocabulary of element-wise ops, one enum per arity: {@link UnaryOp}, {@link BinaryOp},
 * {@link TernaryOp} and {@link CompareOp}. Each constant declares, once, its name in expressions, the
 * Java expression that specifies its result and the accuracy every backend promises
 * ({@link Accuracy}); unary and binary ops also name their typing rule ({@link OpKind}, applied by
 * {@link Types}). Backends lower ops with exhaustive switches over these enums, so a new constant
 * does not compile until each backend's lowering has a case for it.
 */
public sealed interface Op permits UnaryOp, BinaryOp, TernaryOp, CompareOp {
    /**
     * The constant's name ({@code ADD}, {@code EXP}, ...), as {@link Enum#name()}.
     *
     * @return the name
     */
    String name();

    /**
     * The function name in expressions ({@code add}, {@code exp}, {@code lt}, ...).
     *
     * @return the name
     */
    String symbol();

    /**
     * The number of operands.
     *
     * @return 1, 2 or 3
     */
    int arity();

    /**
     * The Java expression whose result this op must give, in the operands {@code x} (unary) or
     * {@code a}, {@code b}, {@code c}.
     *
     * @return the Java expression, such as {@code Math.pow(a, b)}
     */
    String javaSpec();

    /**
     * The bound each backend promises, in ulps of the correctly rounded result.
     *
     * @return the accuracy; {@link Accuracy#EXACT} for an exact op
     */
    Accuracy accuracy();

    /**
     * Whether backends may differ from Java within a documented ulp bound (the others are exact).
     *
     * @return true for the transcendental functions
     */
    default boolean transcendental() {
        return !accuracy().exact();
    }
}
