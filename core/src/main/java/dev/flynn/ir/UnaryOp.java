package dev.flynn.ir;

/** Unary operations, each with the Java expression that defines it. */
public enum UnaryOp {
    NEG("neg", OpKind.ARITH, false, "-x"),
    ABS("abs", OpKind.ARITH, false, "Math.abs(x)"),
    NOT("not", OpKind.LOGIC, false, "~x on integers, !x on masks"),
    SQRT("sqrt", OpKind.MATH, false, "Math.sqrt(x)"),
    CBRT("cbrt", OpKind.MATH, true, "Math.cbrt(x)"),
    EXP("exp", OpKind.MATH, true, "Math.exp(x)"),
    EXPM1("expm1", OpKind.MATH, true, "Math.expm1(x)"),
    LOG("log", OpKind.MATH, true, "Math.log(x)"),
    LOG1P("log1p", OpKind.MATH, true, "Math.log1p(x)"),
    LOG10("log10", OpKind.MATH, true, "Math.log10(x)"),
    SIN("sin", OpKind.MATH, true, "Math.sin(x)"),
    COS("cos", OpKind.MATH, true, "Math.cos(x)"),
    TAN("tan", OpKind.MATH, true, "Math.tan(x)"),
    ASIN("asin", OpKind.MATH, true, "Math.asin(x)"),
    ACOS("acos", OpKind.MATH, true, "Math.acos(x)"),
    ATAN("atan", OpKind.MATH, true, "Math.atan(x)"),
    SINH("sinh", OpKind.MATH, true, "Math.sinh(x)"),
    COSH("cosh", OpKind.MATH, true, "Math.cosh(x)"),
    TANH("tanh", OpKind.MATH, true, "Math.tanh(x)"),
    FLOOR("floor", OpKind.MATH, false, "Math.floor(x)"),
    CEIL("ceil", OpKind.MATH, false, "Math.ceil(x)"),
    RINT("rint", OpKind.MATH, false, "Math.rint(x)"),
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

    /** The function name in expressions. */
    public String symbol() {
        return symbol;
    }

    public OpKind kind() {
        return kind;
    }

    /** Whether backends may differ from Java within a documented ulp bound (the others are exact). */
    public boolean transcendental() {
        return transcendental;
    }

    /** The Java expression whose result this op must give (for F32: computed in double, rounded once). */
    public String javaSpec() {
        return javaSpec;
    }
}
