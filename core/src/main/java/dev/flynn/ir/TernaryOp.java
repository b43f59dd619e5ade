package dev.flynn.ir;

/** Ternary operations. */
public enum TernaryOp {
    /** {@code Math.fma(a, b, c)}: one rounding. Integer operands are promoted to F64. */
    FMA("fma");

    private final String symbol;

    TernaryOp(String symbol) {
        this.symbol = symbol;
    }

    /**
     * The function name in expressions.
     *
     * @return the name
     */
    public String symbol() {
        return symbol;
    }
}
