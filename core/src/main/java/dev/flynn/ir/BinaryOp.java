package dev.flynn.ir;

/** Binary operations, each with the Java expression that defines it. */
public enum BinaryOp implements Op {
    /** {@code a + b}. */
    ADD("add", "+", OpKind.ARITH, "a + b", Accuracy.EXACT),
    /** {@code a - b}. */
    SUB("sub", "-", OpKind.ARITH, "a - b", Accuracy.EXACT),
    /** {@code a * b}. */
    MUL("mul", "*", OpKind.ARITH, "a * b", Accuracy.EXACT),
    /** {@code a / b (integer: ArithmeticException when b == 0)}. */
    DIV("div", "/", OpKind.ARITH, "a / b (integer: ArithmeticException when b == 0)", Accuracy.EXACT),
    /** {@code a % b (integer: ArithmeticException when b == 0)}. */
    REM("rem", "%", OpKind.ARITH, "a % b (integer: ArithmeticException when b == 0)", Accuracy.EXACT),
    /** {@code Math.min(a, b)}. */
    MIN("min", null, OpKind.ARITH, "Math.min(a, b)", Accuracy.EXACT),
    /** {@code Math.max(a, b)}. */
    MAX("max", null, OpKind.ARITH, "Math.max(a, b)", Accuracy.EXACT),
    /** {@code Math.atan2(a, b)}. */
    ATAN2("atan2", null, OpKind.MATH, "Math.atan2(a, b)",
            Accuracy.math(2).on(Accuracy.Target.SIMD_FAST_MATH, 1, 2)),
    /** {@code Math.pow(a, b)}. */
    POW("pow", "**", OpKind.MATH, "Math.pow(a, b)",
            Accuracy.math(1).on(Accuracy.Target.GPU, 2, 2)),
    /** {@code Math.hypot(a, b)}. */
    HYPOT("hypot", null, OpKind.MATH, "Math.hypot(a, b)",
            Accuracy.math(1)),
    /** {@code a & b}. */
    AND("and", "&", OpKind.LOGIC, "a & b", Accuracy.EXACT),
    /** {@code a | b}. */
    OR("or", "|", OpKind.LOGIC, "a | b", Accuracy.EXACT),
    /** {@code a ^ b}. */
    XOR("xor", "^", OpKind.LOGIC, "a ^ b", Accuracy.EXACT),
    /** {@code a << b}. */
    SHL("shl", "<<", OpKind.SHIFT, "a << b", Accuracy.EXACT),
    /** {@code a >> b}. */
    SHR("shr", ">>", OpKind.SHIFT, "a >> b", Accuracy.EXACT),
    /** {@code a >>> b}. */
    USHR("ushr", ">>>", OpKind.SHIFT, "a >>> b", Accuracy.EXACT);

    private static final int ARITY = 2;

    private final String symbol;
    private final String infix;
    private final OpKind kind;
    private final Accuracy accuracy;
    private final String javaSpec;

    BinaryOp(String symbol, String infix, OpKind kind, String javaSpec, Accuracy accuracy) {
        this.symbol = symbol;
        this.infix = infix;
        this.kind = kind;
        this.accuracy = accuracy;
        this.javaSpec = javaSpec;
    }

    /**
     * The function name in expressions ({@code add}, {@code atan2}, ...).
     *
     * @return the name
     */
    @Override
    public String symbol() {
        return symbol;
    }

    /**
     * The infix operator in expressions, or empty if the op is written only as a function.
     *
     * @return the operator, such as {@code "+"}
     */
    public java.util.Optional<String> infix() {
        return java.util.Optional.ofNullable(infix);
    }

    /**
     * The typing rule this op follows (arithmetic, math, logic or shift).
     *
     * @return the kind
     */
    public OpKind kind() {
        return kind;
    }

    @Override
    public Accuracy accuracy() {
        return accuracy;
    }

    @Override
    public int arity() {
        return ARITY;
    }

    /**
     * The Java expression whose result this op must give.
     *
     * @return the Java expression, such as {@code Math.pow(a, b)}
     */
    @Override
    public String javaSpec() {
        return javaSpec;
    }
}
