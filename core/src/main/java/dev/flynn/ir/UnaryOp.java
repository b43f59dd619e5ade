package dev.flynn.ir;

/** Unary operations, each with the Java expression that defines it. */
public enum UnaryOp implements Op {
    /** {@code -x}. */
    NEG("neg", OpKind.ARITH, "-x", Accuracy.EXACT),
    /** {@code Math.abs(x)}. */
    ABS("abs", OpKind.ARITH, "Math.abs(x)", Accuracy.EXACT),
    /** {@code ~x on integers, !x on masks}. */
    NOT("not", OpKind.LOGIC, "~x on integers, !x on masks", Accuracy.EXACT),
    /** {@code Math.sqrt(x)}. */
    SQRT("sqrt", OpKind.MATH, "Math.sqrt(x)", Accuracy.EXACT),
    /** {@code Math.cbrt(x)}. */
    CBRT("cbrt", OpKind.MATH, "Math.cbrt(x)",
            Accuracy.math(1).on(Accuracy.Target.C, 2, 4)),
    /** {@code Math.exp(x)}. */
    EXP("exp", OpKind.MATH, "Math.exp(x)",
            Accuracy.math(1)),
    /** {@code Math.expm1(x)}. */
    EXPM1("expm1", OpKind.MATH, "Math.expm1(x)",
            Accuracy.math(1)),
    /** {@code Math.log(x)}. */
    LOG("log", OpKind.MATH, "Math.log(x)",
            Accuracy.math(1)),
    /** {@code Math.log1p(x)}. */
    LOG1P("log1p", OpKind.MATH, "Math.log1p(x)",
            Accuracy.math(1)),
    /** {@code Math.log10(x)}. */
    LOG10("log10", OpKind.MATH, "Math.log10(x)",
            Accuracy.math(1)),
    /** {@code Math.sin(x)}. */
    SIN("sin", OpKind.MATH, "Math.sin(x)",
            Accuracy.math(1)),
    /** {@code Math.cos(x)}. */
    COS("cos", OpKind.MATH, "Math.cos(x)",
            Accuracy.math(1)),
    /** {@code Math.tan(x)}. */
    TAN("tan", OpKind.MATH, "Math.tan(x)",
            Accuracy.math(1).on(Accuracy.Target.GPU, 2, 2)),
    /** {@code Math.asin(x)}. */
    ASIN("asin", OpKind.MATH, "Math.asin(x)",
            Accuracy.math(1).on(Accuracy.Target.GPU, 2, 2)),
    /** {@code Math.acos(x)}. */
    ACOS("acos", OpKind.MATH, "Math.acos(x)",
            Accuracy.math(1).on(Accuracy.Target.GPU, 2, 2)),
    /** {@code Math.atan(x)}. */
    ATAN("atan", OpKind.MATH, "Math.atan(x)",
            Accuracy.math(1)),
    /** {@code Math.sinh(x)}. */
    SINH("sinh", OpKind.MATH, "Math.sinh(x)",
            Accuracy.math(2.5).on(Accuracy.Target.SIMD_FAST_MATH, 1, 2).on(Accuracy.Target.C, 2, 4)),
    /** {@code Math.cosh(x)}. */
    COSH("cosh", OpKind.MATH, "Math.cosh(x)",
            Accuracy.math(2.5).on(Accuracy.Target.SIMD_FAST_MATH, 1, 2)),
    /** {@code Math.tanh(x)}. */
    TANH("tanh", OpKind.MATH, "Math.tanh(x)",
            Accuracy.math(2.5).on(Accuracy.Target.SIMD_FAST_MATH, 1, 3)),
    /** {@code Math.floor(x)}. */
    FLOOR("floor", OpKind.MATH, "Math.floor(x)", Accuracy.EXACT),
    /** {@code Math.ceil(x)}. */
    CEIL("ceil", OpKind.MATH, "Math.ceil(x)", Accuracy.EXACT),
    /** {@code Math.rint(x)}. */
    RINT("rint", OpKind.MATH, "Math.rint(x)", Accuracy.EXACT),
    /** {@code Math.signum(x)}. */
    SIGNUM("signum", OpKind.MATH, "Math.signum(x)", Accuracy.EXACT);

    private static final int ARITY = 1;

    private final String symbol;
    private final OpKind kind;
    private final Accuracy accuracy;
    private final String javaSpec;

    UnaryOp(String symbol, OpKind kind, String javaSpec, Accuracy accuracy) {
        this.symbol = symbol;
        this.kind = kind;
        this.accuracy = accuracy;
        this.javaSpec = javaSpec;
    }

    /**
     * The function name in expressions.
     *
     * @return the name
     */
    @Override
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

    @Override
    public Accuracy accuracy() {
        return accuracy;
    }

    @Override
    public int arity() {
        return ARITY;
    }

    /**
     * The Java expression whose result this op must give (for F32: computed in double, rounded once).
     *
     * @return the Java expression, such as {@code Math.pow(a, b)}
     */
    @Override
    public String javaSpec() {
        return javaSpec;
    }
}
