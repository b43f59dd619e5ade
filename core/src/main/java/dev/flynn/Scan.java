package dev.flynn;

import dev.flynn.ir.ScanOp;

import java.util.Objects;

/**
 * A scan (prefix fold) to apply to a map kernel's values: {@code Kernel.map(F32, x -> x).scan(Scan.sum())}
 * is a cumulative sum, {@code Scan.sum(true)} its exclusive form ({@code out[0] = 0},
 * {@code out[i]} the sum of the values before {@code i}). Integer sums and products wrap, as in Java;
 * min and max follow {@code Math.min}/{@code Math.max} (NaN from the first NaN on, -0.0 below 0.0).
 * The order of evaluation is fixed ({@link ScanOp}), so results do not depend on the thread count or
 * the backend.
 *
 * @param op the fold
 * @param exclusive whether element {@code i} of the result leaves out value {@code i}
 */
public record Scan(ScanOp op, boolean exclusive) {
    /**
     * Checks that the op is given.
     *
     * @throws NullPointerException if {@code op} is null
     */
    public Scan {
        Objects.requireNonNull(op, "op");
    }

    /**
     * The inclusive running sum: {@code out[i] = x[0] + ... + x[i]}.
     *
     * @return the scan
     */
    public static Scan sum() {
        return new Scan(ScanOp.SUM, false);
    }

    /**
     * The running sum, inclusive or exclusive. Exclusive: element 0 is the start value (0 for a sum, 1 for a
     * product, +Inf or the integer maximum for min, -Inf or the minimum for max) and element {@code i}
     * the inclusive result at {@code i - 1}.
     *
     * @param exclusive whether element {@code i} leaves out value {@code i}
     * @return the scan
     */
    public static Scan sum(boolean exclusive) {
        return new Scan(ScanOp.SUM, exclusive);
    }

    /**
     * The inclusive running product.
     *
     * @return the scan
     */
    public static Scan prod() {
        return new Scan(ScanOp.PROD, false);
    }

    /**
     * The running product, inclusive or exclusive. Exclusive: element 0 is the start value (0 for a sum, 1 for a
     * product, +Inf or the integer maximum for min, -Inf or the minimum for max) and element {@code i}
     * the inclusive result at {@code i - 1}.
     *
     * @param exclusive whether element {@code i} leaves out value {@code i}
     * @return the scan
     */
    public static Scan prod(boolean exclusive) {
        return new Scan(ScanOp.PROD, exclusive);
    }

    /**
     * The inclusive running minimum ({@code Math.min}).
     *
     * @return the scan
     */
    public static Scan min() {
        return new Scan(ScanOp.MIN, false);
    }

    /**
     * The running minimum, inclusive or exclusive. Exclusive: element 0 is the start value (0 for a sum, 1 for a
     * product, +Inf or the integer maximum for min, -Inf or the minimum for max) and element {@code i}
     * the inclusive result at {@code i - 1}.
     *
     * @param exclusive whether element {@code i} leaves out value {@code i}
     * @return the scan
     */
    public static Scan min(boolean exclusive) {
        return new Scan(ScanOp.MIN, exclusive);
    }

    /**
     * The inclusive running maximum ({@code Math.max}).
     *
     * @return the scan
     */
    public static Scan max() {
        return new Scan(ScanOp.MAX, false);
    }

    /**
     * The running maximum, inclusive or exclusive. Exclusive: element 0 is the start value (0 for a sum, 1 for a
     * product, +Inf or the integer maximum for min, -Inf or the minimum for max) and element {@code i}
     * the inclusive result at {@code i - 1}.
     *
     * @param exclusive whether element {@code i} leaves out value {@code i}
     * @return the scan
     */
    public static Scan max(boolean exclusive) {
        return new Scan(ScanOp.MAX, exclusive);
    }

    @Override
    public String toString() {
        return (exclusive ? "exclusive " : "") + op.name().toLowerCase(java.util.Locale.ROOT) + " scan";
    }
}
