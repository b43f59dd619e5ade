package dev.flynn;

import java.util.Objects;
import java.util.function.BinaryOperator;

/**
 * How a reduction kernel folds its values: {@code Kernel.map(F32, x -> x.mul(x)).reduce(Reduction.sum())}
 * is a sum of squares in one pass, with no temporary array.
 */
public final class Reduction {

    /** The user-level reductions. */
    public enum Kind {
        /** {@link #sum()}. */
        SUM,
        /** {@link #prod()}. */
        PROD,
        /** {@link #min()}. */
        MIN,
        /** {@link #max()}. */
        MAX,
        /** {@link #argmin()}. */
        ARGMIN,
        /** {@link #argmax()}. */
        ARGMAX,
        /** {@link #mean()}. */
        MEAN,
        /** {@link #variance(int)}. */
        VARIANCE,
        /** {@link #std(int)}. */
        STD,
        /** {@link #norm1()}. */
        NORM1,
        /** {@link #norm2()}. */
        NORM2,
        /** {@link #normInf()}. */
        NORM_INF,
        /** {@link #count()}. */
        COUNT,
        /** {@link #any()}. */
        ANY,
        /** {@link #all()}. */
        ALL,
        /** {@link #custom(double, BinaryOperator)} and {@link #custom(long, BinaryOperator)}. */
        CUSTOM
    }

    /** Summation modes. */
    public enum Summation {
        /** Plain summation in blocks combined pairwise. */
        DEFAULT,
        /** Neumaier's compensated summation: error about one rounding of the result, whatever n. */
        COMPENSATED
    }

    private final Kind kind;
    private final Summation summation;
    private final int ddof;
    private final BinaryOperator<Expr> combine;
    private final double identity;
    private final long identityLong;
    private final boolean identityIsLong;

    private Reduction(Kind kind, Summation summation, int ddof, BinaryOperator<Expr> combine, double identity,
                      long identityLong, boolean identityIsLong) {
        this.kind = kind;
        this.summation = summation;
        this.ddof = ddof;
        this.combine = combine;
        this.identity = identity;
        this.identityLong = identityLong;
        this.identityIsLong = identityIsLong;
    }

    private static Reduction of(Kind kind) {
        return new Reduction(kind, Summation.DEFAULT, 0, null, 0, 0, false);
    }

    /**
     * Sum in the values' type (integers wrap as in Java; cast to I64 first for a wide sum).
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    public static Reduction sum() {
        return of(Kind.SUM);
    }

    /**
     * Sum with the given summation mode.
     *
     * @param mode {@link Summation#COMPENSATED} for an error of about one rounding whatever the length
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    public static Reduction sum(Summation mode) {
        return new Reduction(Kind.SUM, Objects.requireNonNull(mode, "mode"), 0, null, 0, 0, false);
    }

    /**
     * Product in the values' type (integers wrap as in Java).
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    public static Reduction prod() {
        return of(Kind.PROD);
    }

    /**
     * Smallest value as {@code Math.min} orders them: NaN if any, -0.0 below 0.0.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    public static Reduction min() {
        return of(Kind.MIN);
    }

    /**
     * Largest value as {@code Math.max} orders them: NaN if any, 0.0 above -0.0.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    public static Reduction max() {
        return of(Kind.MAX);
    }

    /**
     * Index of the smallest value; ties to the lowest index; the first NaN if there is one.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}; its value is an I64 index
     */
    public static Reduction argmin() {
        return of(Kind.ARGMIN);
    }

    /**
     * Index of the largest value; ties to the lowest index; the first NaN if there is one.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}; its value is an I64 index
     */
    public static Reduction argmax() {
        return of(Kind.ARGMAX);
    }

    /**
     * Arithmetic mean, computed in F64. NaN for no elements.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    public static Reduction mean() {
        return of(Kind.MEAN);
    }

    /**
     * Population variance (divisor n), computed in F64 from block means merged with Chan's formula.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    public static Reduction variance() {
        return variance(0);
    }

    /**
     * Variance with divisor {@code n - ddof} (1 for the sample variance).
     *
     * @param ddof delta degrees of freedom, at least 0
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     * @throws IllegalArgumentException if {@code ddof} is negative
     */
    public static Reduction variance(int ddof) {
        if (ddof < 0) {
            throw new IllegalArgumentException("ddof must be >= 0, got " + ddof);
        }
        return new Reduction(Kind.VARIANCE, Summation.DEFAULT, ddof, null, 0, 0, false);
    }

    /**
     * Population standard deviation.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    public static Reduction std() {
        return std(0);
    }

    /**
     * Standard deviation with divisor {@code n - ddof}.
     *
     * @param ddof delta degrees of freedom, at least 0
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     * @throws IllegalArgumentException if {@code ddof} is negative
     */
    public static Reduction std(int ddof) {
        if (ddof < 0) {
            throw new IllegalArgumentException("ddof must be >= 0, got " + ddof);
        }
        return new Reduction(Kind.STD, Summation.DEFAULT, ddof, null, 0, 0, false);
    }

    /**
     * Sum of absolute values.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    public static Reduction norm1() {
        return of(Kind.NORM1);
    }

    /**
     * Square root of the sum of squares, scaled as BLAS {@code nrm2} is where the squares overflow or
     * underflow: it overflows only where the norm does.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    public static Reduction norm2() {
        return of(Kind.NORM2);
    }

    /**
     * Largest absolute value.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    public static Reduction normInf() {
        return of(Kind.NORM_INF);
    }

    /**
     * Number of true elements of a mask.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}; its value is an I64 count
     */
    public static Reduction count() {
        return of(Kind.COUNT);
    }

    /**
     * Whether any element of a mask is true.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}; its value is a boolean
     */
    public static Reduction any() {
        return of(Kind.ANY);
    }

    /**
     * Whether every element of a mask is true (true for no elements).
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}; its value is a boolean
     */
    public static Reduction all() {
        return of(Kind.ALL);
    }

    /**
     * A user-defined reduction: {@code acc = combine(acc, value)} starting from {@code identity}.
     * {@code combine} must be associative and commutative (backends regroup and reorder), and
     * {@code identity} its neutral element, e.g. {@code custom(Double.NEGATIVE_INFINITY, (acc, v) -> acc.max(v))}.
     *
     * @param identity the neutral element of {@code combine}
     * @param combine folds a value into the accumulator; associative and commutative
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    public static Reduction custom(double identity, BinaryOperator<Expr> combine) {
        return new Reduction(Kind.CUSTOM, Summation.DEFAULT, 0, Objects.requireNonNull(combine, "combine"), identity, 0,
                false);
    }

    /**
     * A user-defined reduction over integers; see {@link #custom(double, BinaryOperator)}.
     *
     * @param identity the neutral element of {@code combine}
     * @param combine folds a value into the accumulator; associative and commutative
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    public static Reduction custom(long identity, BinaryOperator<Expr> combine) {
        return new Reduction(Kind.CUSTOM, Summation.DEFAULT, 0, Objects.requireNonNull(combine, "combine"), 0, identity,
                true);
    }

    /**
     * Which reduction this is.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The summation mode of a sum.
     *
     * @return the mode; {@link Summation#DEFAULT} for other kinds
     */
    public Summation summation() {
        return summation;
    }

    /**
     * Delta degrees of freedom of VARIANCE and STD.
     *
     * @return the delta degrees of freedom; 0 for other kinds
     */
    public int ddof() {
        return ddof;
    }

    BinaryOperator<Expr> combine() {
        return combine;
    }

    Expr identity(DType type) {
        if (identityIsLong) {
            return new Expr(dev.flynn.ir.Node.Const.ofLong(type, identityLong), false, java.util.List.of());
        }
        return new Expr(dev.flynn.ir.Node.Const.of(type, identity), false, java.util.List.of());
    }

    @Override
    public String toString() {
        String base = kind.name().toLowerCase(java.util.Locale.ROOT);
        if (summation == Summation.COMPENSATED) {
            return base + "(compensated)";
        }
        return ddof != 0 ? base + "(ddof=" + ddof + ")" : base;
    }
}
