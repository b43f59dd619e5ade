package dev.flynn.ir;

/** Binary operations, each with the Java expression that defines it. */
public enum BinaryOp {
    ADD("add", "+", OpKind.ARITH, false, "a + b"),
    SUB("sub", "-", OpKind.ARITH, false, "a - b"),
    MUL("mul", "*", OpKind.ARITH, false, "a * b"),
    DIV("div", "/", OpKind.ARITH, false, "a / b (integer: ArithmeticException when b == 0)"),
    REM("rem", "%", OpKind.ARITH, false, "a % b (integer: ArithmeticException when b == 0)"),
    MIN("min", null, OpKind.ARITH, false, "Math.min(a, b)"),
    MAX("max", null, OpKind.ARITH, false, "Math.max(a, b)"),
    ATAN2("atan2", null, OpKind.MATH, true, "Math.atan2(a, b)"),
    POW("pow", "**", OpKind.MATH, true, "Math.pow(a, b)"),
    HYPOT("hypot", null, OpKind.MATH, true, "Math.hypot(a, b)"),
    AND("and", "&", OpKind.LOGIC, false, "a & b"),
    OR("or", "|", OpKind.LOGIC, false, "a | b"),
    XOR("xor", "^", OpKind.LOGIC, false, "a ^ b"),
    SHL("shl", "<<", OpKind.SHIFT, false, "a << b"),
    SHR("shr", ">>", OpKind.SHIFT, false, "a >> b"),
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

    /** The function name in expressions ({@code add}, {@code atan2}, ...). */
    public String symbol() {
        return symbol;
    }

    /** The infix operator in expressions, or empty if the op is written only as a function. */
    public java.util.Optional<String> infix() {
        return java.util.Optional.ofNullable(infix);
    }

    public OpKind kind() {
        return kind;
    }

    public boolean transcendental() {
        return transcendental;
    }

    public String javaSpec() {
        return javaSpec;
    }
}
