package dev.flynn.ir;

/**
 * The reductions every backend implements. The user-level reductions (mean, dot, norms, count, ...)
 * are built from these in core.
 */
public enum ReduceOp {
    /** Sum in the body's type (integers wrap); optionally compensated (Neumaier). */
    SUM,
    /** Product in the body's type. */
    PROD,
    /** {@code Math.min} over the values (NaN wins, -0.0 below +0.0). */
    MIN,
    /** {@code Math.max} over the values. */
    MAX,
    /** Index of the smallest value by {@code <}; ties and -0.0/+0.0 to the lowest index; the first NaN wins. */
    ARGMIN,
    /** Index of the largest value by {@code >}; ties to the lowest index; the first NaN wins. */
    ARGMAX,
    /** Count, mean and sum of squared deviations (F64), merged with Chan's formula. */
    MOMENTS,
    /** A user's associative, commutative combine expression with an identity. */
    CUSTOM
}
