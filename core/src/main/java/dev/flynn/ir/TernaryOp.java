package dev.flynn.ir;

/** Ternary operations. */
public enum TernaryOp implements Op {
    /** {@code Math.fma(a, b, c)}: one rounding. Integer operands are promoted to F64. */
    FMA("fma", "Math.fma(a, b, c)");

    private final String symbol;
    private final String javaSpec;

    TernaryOp(String symbol, String javaSpec) {
        this.symbol = symbol;
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
     * Three operands.
     *
     * @return 3
     */
    @Override
    public int arity() {
        return 3;
    }

    /**
     * The Java expression whose result this op must give.
     *
     * @return the Java expression
     */
    @Override
    public String javaSpec() {
        return javaSpec;
    }

    /**
     * Exact on every backend: one rounding, as {@code Math.fma}.
     *
     * @return {@link Accuracy#EXACT}
     */
    @Override
    public Accuracy accuracy() {
        return Accuracy.EXACT;
    }
}
