package dev.flynn.ir;

/** Comparisons; operands are promoted to a common type, the result is a mask. NaN compares false except {@code ne}. */
public enum CompareOp implements Op {
    /** {@code a < b}. */
    LT("lt", "<"),
    /** {@code a <= b}. */
    LE("le", "<="),
    /** {@code a > b}. */
    GT("gt", ">"),
    /** {@code a >= b}. */
    GE("ge", ">="),
    /** {@code a == b}. */
    EQ("eq", "=="),
    /** {@code a != b}: true where either operand is NaN. */
    NE("ne", "!=");

    private final String symbol;
    private final String infix;

    CompareOp(String symbol, String infix) {
        this.symbol = symbol;
        this.infix = infix;
    }

    /**
     * The function name in expressions ({@code lt}, ...).
     *
     * @return the name
     */
    @Override
    public String symbol() {
        return symbol;
    }

    /**
     * The infix operator in expressions ({@code <}, ...).
     *
     * @return the operator
     */
    public String infix() {
        return infix;
    }

    /**
     * Two operands.
     *
     * @return 2
     */
    @Override
    public int arity() {
        return 2;
    }

    /**
     * The Java expression whose result this op must give.
     *
     * @return the Java expression, such as {@code a < b}
     */
    @Override
    public String javaSpec() {
        return "a " + infix + " b";
    }

    /**
     * Exact on every backend.
     *
     * @return {@link Accuracy#EXACT}
     */
    @Override
    public Accuracy accuracy() {
        return Accuracy.EXACT;
    }
}
