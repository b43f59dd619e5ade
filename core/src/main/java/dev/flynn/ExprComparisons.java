package dev.flynn;

import dev.flynn.ir.CompareOp;

import static dev.flynn.Expr.lit;
import static dev.flynn.ExprTyping.compare;

/**
 * The comparison methods of {@link Expr}, which alone implements this interface: each gives a mask
 * (BOOL). They live apart from {@code Expr} so that no one file holds its whole API.
 */
sealed interface ExprComparisons permits Expr {

    // ---- comparisons --------------------------------------------------------------------------

    /**
     * {@code this < o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand
     * @return a mask (BOOL) that is true where {@code this < o}
     */
    default Expr lt(Expr o) {
        return compare(CompareOp.LT, self(), o);
    }

    /**
     * {@code this < o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return a mask (BOOL) that is true where {@code this < o}
     */
    default Expr lt(double o) {
        return lt(lit(o));
    }

    /**
     * {@code this < o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return a mask (BOOL) that is true where {@code this < o}
     */
    default Expr lt(long o) {
        return lt(lit(o));
    }

    /**
     * {@code this <= o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand
     * @return a mask (BOOL) that is true where {@code this <= o}
     */
    default Expr le(Expr o) {
        return compare(CompareOp.LE, self(), o);
    }

    /**
     * {@code this <= o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return a mask (BOOL) that is true where {@code this <= o}
     */
    default Expr le(double o) {
        return le(lit(o));
    }

    /**
     * {@code this <= o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return a mask (BOOL) that is true where {@code this <= o}
     */
    default Expr le(long o) {
        return le(lit(o));
    }

    /**
     * {@code this > o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand
     * @return a mask (BOOL) that is true where {@code this > o}
     */
    default Expr gt(Expr o) {
        return compare(CompareOp.GT, self(), o);
    }

    /**
     * {@code this > o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return a mask (BOOL) that is true where {@code this > o}
     */
    default Expr gt(double o) {
        return gt(lit(o));
    }

    /**
     * {@code this > o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return a mask (BOOL) that is true where {@code this > o}
     */
    default Expr gt(long o) {
        return gt(lit(o));
    }

    /**
     * {@code this >= o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand
     * @return a mask (BOOL) that is true where {@code this >= o}
     */
    default Expr ge(Expr o) {
        return compare(CompareOp.GE, self(), o);
    }

    /**
     * {@code this >= o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return a mask (BOOL) that is true where {@code this >= o}
     */
    default Expr ge(double o) {
        return ge(lit(o));
    }

    /**
     * {@code this >= o}: a mask, false where either operand is NaN.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return a mask (BOOL) that is true where {@code this >= o}
     */
    default Expr ge(long o) {
        return ge(lit(o));
    }

    /**
     * {@code this == o}: a mask, false where either operand is NaN (and true for 0.0 == -0.0).
     *
     * @param o the right operand
     * @return a mask (BOOL) that is true where {@code this == o}
     */
    default Expr eq(Expr o) {
        return compare(CompareOp.EQ, self(), o);
    }

    /**
     * {@code this == o}: a mask, false where either operand is NaN (and true for 0.0 == -0.0).
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return a mask (BOOL) that is true where {@code this == o}
     */
    default Expr eq(double o) {
        return eq(lit(o));
    }

    /**
     * {@code this == o}: a mask, false where either operand is NaN (and true for 0.0 == -0.0).
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return a mask (BOOL) that is true where {@code this == o}
     */
    default Expr eq(long o) {
        return eq(lit(o));
    }

    /**
     * {@code this != o}: a mask, true where either operand is NaN.
     *
     * @param o the right operand
     * @return a mask (BOOL) that is true where {@code this != o}
     */
    default Expr ne(Expr o) {
        return compare(CompareOp.NE, self(), o);
    }

    /**
     * {@code this != o}: a mask, true where either operand is NaN.
     *
     * @param o the right operand, a literal (F32 next to a float value)
     * @return a mask (BOOL) that is true where {@code this != o}
     */
    default Expr ne(double o) {
        return ne(lit(o));
    }

    /**
     * {@code this != o}: a mask, true where either operand is NaN.
     *
     * @param o the right operand, an integer literal (I32 where it fits, else I64)
     * @return a mask (BOOL) that is true where {@code this != o}
     */
    default Expr ne(long o) {
        return ne(lit(o));
    }

    /** The one implementation; the interface only groups {@link Expr}'s methods by job. */
    private Expr self() {
        return (Expr) this;
    }
}
