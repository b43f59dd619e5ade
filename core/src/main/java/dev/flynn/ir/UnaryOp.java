package dev.flynn.ir;

/** Unary operations, each with the Java expression that defines it. */
public enum UnaryOp {
    /** {@code -x}. */
    NEG("neg", OpKind.ARITH, false, "-x"),
    /** {@code Math.abs(x)}. */
    ABS("abs", OpKind.ARITH, false, "Math.abs(x)"),
    /** {@code ~x on integers, !x on masks}. */
    NOT("not", OpKind.LOGIC, false, "~x on integers, !x on masks"),
    /** {@code Math.sqrt(x)}. */
    SQRT("sqrt", OpKind.MATH, false, "Math.sqrt(x)"),
    /** {@code Math.cbrt(x)}. */
    CBRT("cbrt", OpKind.MATH, true, "Math.cbrt(x)"),
    /** {@code Math.exp(x)}. */
    EXP("exp", OpKind.MATH, true, "Math.exp(x)"),
    /** {@code Math.expm1(x)}. */
    EXPM1("expm1", OpKind.MATH, true, "Math.expm1(x)"),
    /** {@code Math.log(x)}. */
    LOG("log", OpKind.MATH, true, "Math.log(x)"),
    /** {@code Math.log1p(x)}. */
    LOG1P("log1p", OpKind.MATH, true, "Math.log1p(x)"),
    /** {@code Math.log10(x)}. */
    LOG10("log10", OpKind.MATH, true, "Math.log10(x)"),
    /** {@code Math.sin(x)}. */
    SIN("sin", OpKind.MATH, true, "Math.sin(x)"),
    /** {@code Math.cos(x)}. */
    COS("cos", OpKind.MATH, true, "Math.cos(x)"),
    /** {@code Math.tan(x)}. */
    TAN("tan", OpKind.MATH, true, "Math.tan(x)"),
    /** {@code Math.asin(x)}. */
    ASIN("asin", OpKind.MATH, true, "Math.asin(x)"),
    /** {@code Math.acos(x)}. */
    ACOS("acos", OpKind.MATH, true, "Math.acos(x)"),
    /** {@code Math.atan(x)}. */
    ATAN("atan", OpKind.MATH, true, "Math.atan(x)"),
    /** {@code Math.sinh(x)}. */
    SINH("sinh", OpKind.MATH, true, "Math.sinh(x)"),
    /** {@code Math.cosh(x)}. */
    COSH("cosh", OpKind.MATH, true, "Math.cosh(x)"),
    /** {@code Math.tanh(x)}. */
    TANH("tanh", OpKind.MATH, true, "Math.tanh(x)"),
    /** {@code Math.floor(x)}. */
    FLOOR("floor", OpKind.MATH, false, "Math.floor(x)"),
    /** {@code Math.ceil(x)}. */
    CEIL("ceil", OpKind.MATH, false, "Math.ceil(x)"),
    /** {@code Math.rint(x)}. */
    RINT("rint", OpKind.MATH, false, "Math.rint(x)"),
    /** {@code Math.signum(x)}. */
    SIGNUM("signum", OpKind.MATH, false, "Math.signum(x)");

    private final String symbol;
    private final OpKind kind;
    private final boolean transcendental;
    private final String javaSpec;

    UnaryOp(String symbol, OpKind kind, boolean transcendental, String javaSpec) {
        this.symbol = symbol;
        this.kind = kind;
        this.transcendental = transcendental;
        this.javaSpec = javaSpec;
    }

    /**
     * The function name in expressions.
     *
     * @return the name
     */
    public String symbol() {
        return symbol;
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
     * The Java expression whose result this op must give (for F32: computed in double, rounded once).
     *
     * @return the Java expression, such as {@code Math.pow(a, b)}
     */
    public String javaSpec() {
        return javaSpec;
    }
}
