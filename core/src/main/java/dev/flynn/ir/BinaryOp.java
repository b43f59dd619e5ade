package dev.flynn.ir;

/** Binary operations, each with the Java expression that defines it. */
public enum BinaryOp {
    /** {@code a + b}. */
    ADD("add", "+", OpKind.ARITH, false, "a + b"),
    /** {@code a - b}. */
    SUB("sub", "-", OpKind.ARITH, false, "a - b"),
    /** {@code a * b}. */
    MUL("mul", "*", OpKind.ARITH, false, "a * b"),
    /** {@code a / b (integer: ArithmeticException when b == 0)}. */
    DIV("div", "/", OpKind.ARITH, false, "a / b (integer: ArithmeticException when b == 0)"),
    /** {@code a % b (integer: ArithmeticException when b == 0)}. */
    REM("rem", "%", OpKind.ARITH, false, "a % b (integer: ArithmeticException when b == 0)"),
    /** {@code Math.min(a, b)}. */
    MIN("min", null, OpKind.ARITH, false, "Math.min(a, b)"),
    /** {@code Math.max(a, b)}. */
    MAX("max", null, OpKind.ARITH, false, "Math.max(a, b)"),
    /** {@code Math.atan2(a, b)}. */
    ATAN2("atan2", null, OpKind.MATH, true, "Math.atan2(a, b)"),
    /** {@code Math.pow(a, b)}. */
    POW("pow", "**", OpKind.MATH, true, "Math.pow(a, b)"),
    /** {@code Math.hypot(a, b)}. */
    HYPOT("hypot", null, OpKind.MATH, true, "Math.hypot(a, b)"),
    /** {@code a & b}. */
    AND("and", "&", OpKind.LOGIC, false, "a & b"),
    /** {@code a | b}. */
    OR("or", "|", OpKind.LOGIC, false, "a | b"),
    /** {@code a ^ b}. */
    XOR("xor", "^", OpKind.LOGIC, false, "a ^ b"),
    /** {@code a << b}. */
    SHL("shl", "<<", OpKind.SHIFT, false, "a << b"),
    /** {@code a >> b}. */
    SHR("shr", ">>", OpKind.SHIFT, false, "a >> b"),
    /** {@code a >>> b}. */
    USHR("ushr", ">>>", OpKind.SHIFT, false, "a >>> b");

    private final String symbol;
    private final String infix;
    private final OpKind kind;
    private final boolean transcendental;
    private final String javaSpec;

    BinaryOp(String symbol, String infix, OpKind kind, boolean transcendental, String javaSpec) {
        this.symbol = symbol;
        this.infix = infix;
        this.kind = kind;
        this.transcendental = transcendental;
        this.javaSpec = javaSpec;
    }

    /**
     * The function name in expressions ({@code add}, {@code atan2}, ...).
     *
     * @return the name
     */
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

    /**
     * Whether backends may differ from Java within a documented ulp bound (the others are exact).
     *
     * @return true for the transcendental functions
     */
    public boolean transcendental() {
        return transcendental;
    }

    /**
     * The Java expression whose result this op must give.
     *
     * @return the Java expression, such as {@code Math.pow(a, b)}
     */
    public String javaSpec() {
        return javaSpec;
    }
}
