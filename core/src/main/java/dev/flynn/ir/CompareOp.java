package dev.flynn.ir;

/** Comparisons; operands are promoted to a common type, the result is a mask. NaN compares false except {@code ne}. */
public enum CompareOp {
    LT("lt", "<"), LE("le", "<="), GT("gt", ">"), GE("ge", ">="), EQ("eq", "=="), NE("ne", "!=");

    private final String symbol;
    private final String infix;

    CompareOp(String symbol, String infix) {
        this.symbol = symbol;
        this.infix = infix;
    }

    public String symbol() {
        return symbol;
    }

    public String infix() {
        return infix;
    }
}
