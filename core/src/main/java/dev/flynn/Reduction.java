package dev.flynn;

import dev.flynn.ir.ReduceOp;
import dev.flynn.spi.Partials;
import dev.flynn.spi.State;

import java.util.Objects;
import java.util.function.BinaryOperator;

/**
 * How a reduction kernel folds its values: {@code Kernel.map(F32, x -> x.mul(x)).reduce(Reduction.sum())}
 * is a sum of squares in one pass, with no temporary array. Each reduction names the {@link ReduceOp}
 * every backend implements that it is lowered to ({@link #op()}); {@code Kernel.reduce} adds the body
 * that turns one into the other (mean reduces F64 moments, norm1 sums absolute values). Each
 * reduction also declares its rules on the state its op leaves: what no elements give
 * ({@link ReductionRules}).
 */
public sealed interface Reduction extends ReductionRules permits Reduction.Sum, Reduction.Moments, Reduction.Custom, Reduction.Plain {

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

    /**
     * Which reduction this is.
     *
     * @return the kind
     */
    Kind kind();

    /**
     * The reduction every backend implements that this one is lowered to.
     *
     * @return the reduce op
     */
    ReduceOp op();

    /**
     * The summation mode of a sum.
     *
     * @return the mode; {@link Summation#DEFAULT} for other kinds
     */
    default Summation summation() {
        return Summation.DEFAULT;
    }

    /**
     * Delta degrees of freedom of VARIANCE and STD.
     *
     * @return the delta degrees of freedom; 0 for other kinds
     */
    default int ddof() {
        return 0;
    }

    /**
     * A sum with its summation mode.
     *
     * @param summation plain or compensated
     */
    record Sum(Summation summation) implements Reduction {
        /** Checks the mode. */
        public Sum {
            Objects.requireNonNull(summation, "mode");
        }

        @Override
        public Kind kind() {
            return Kind.SUM;
        }

        @Override
        public ReduceOp op() {
            return ReduceOp.SUM;
        }

        @Override
        public State empty(DType body) {
            if (summation == Summation.COMPENSATED && body.isFloating()) {
                return new State.Compensated(body, 0, 0);
            }
            return zero(body);
        }

        @Override
        public double finishValue(DType type, double value) {
            return value;
        }

        @Override
        public long finishValue(DType type, long value) {
            return value;
        }

        @Override
        public double finishCompensated(DType type, double sum, double compensation) {
            return Partials.compensatedValue(type, sum, compensation);
        }

        @Override
        public String toString() {
            return summation == Summation.COMPENSATED ? "sum(compensated)" : "sum";
        }
    }

    /**
     * Mean, variance or standard deviation: F64 moments finished with the divisor {@code n - ddof}.
     *
     * @param kind MEAN, VARIANCE or STD
     * @param ddof delta degrees of freedom, at least 0 (0 for MEAN)
     */
    record Moments(Kind kind, int ddof) implements Reduction {
        /** Checks the kind and ddof. */
        public Moments {
            if (kind != Kind.MEAN && kind != Kind.VARIANCE && kind != Kind.STD) {
                throw new IllegalArgumentException("moments finish as MEAN, VARIANCE or STD, not " + kind);
            }
            if (ddof < 0) {
                throw new IllegalArgumentException("ddof must be >= 0, got " + ddof);
            }
        }

        @Override
        public ReduceOp op() {
            return ReduceOp.MOMENTS;
        }

        @Override
        public DType resultType(DType body) {
            return DType.F64;
        }

        @Override
        public State empty(DType body) {
            return new State.Moments(0, 0, 0);
        }

        @Override
        public double finishMoments(long count, double mean, double m2) {
            if (kind == Kind.MEAN) {
                return count == 0 ? Double.NaN : mean;
            }
            long dof = count - ddof;
            double variance = dof <= 0 ? Double.NaN : m2 / dof;
            return kind == Kind.STD ? Math.sqrt(variance) : variance;
        }

        @Override
        public String toString() {
            String base = kind.name().toLowerCase(java.util.Locale.ROOT);
            return ddof != 0 ? base + "(ddof=" + ddof + ")" : base;
        }
    }

    /**
     * A user's reduction: {@code acc = combine(acc, value)} starting from {@code identity}.
     *
     * @param identity the neutral element of {@code combine}: a Double, or a Long for integer values
     * @param combine folds a value into the accumulator; associative and commutative
     */
    record Custom(Number identity, BinaryOperator<Expr> combine) implements Reduction {
        /** Checks that both are given, the identity as a Double or a Long. */
        public Custom {
            Objects.requireNonNull(combine, "combine");
            if (!(identity instanceof Double) && !(identity instanceof Long)) {
                throw new IllegalArgumentException("the identity is a Double or a Long, got " + identity);
            }
        }

        @Override
        public Kind kind() {
            return Kind.CUSTOM;
        }

        @Override
        public ReduceOp op() {
            return ReduceOp.CUSTOM;
        }

        @Override
        public State empty(DType body) {
            return body.isFloating()
                    ? new State.FloatValue(body, identity.doubleValue())
                    : new State.IntValue(body, identity.longValue());
        }

        @Override
        public double finishValue(DType type, double value) {
            return value;
        }

        @Override
        public long finishValue(DType type, long value) {
            return value;
        }

        @Override
        public String toString() {
            return "custom";
        }
    }

    /**
     * A reduction with no parameter: PROD, MIN, MAX, ARGMIN, ARGMAX, NORM1, NORM2, NORM_INF, COUNT, ANY
     * or ALL.
     *
     * @param kind which
     */
    record Plain(Kind kind) implements Reduction {
        /** Checks that the kind takes no parameter. */
        public Plain {
            switch (kind) {
                case SUM, MEAN, VARIANCE, STD, CUSTOM ->
                        throw new IllegalArgumentException(kind + " has its own record: use Reduction's factories");
                default -> {
                }
            }
        }

        @Override
        public ReduceOp op() {
            return switch (kind) {
                case PROD -> ReduceOp.PROD;
                case MIN -> ReduceOp.MIN;
                case MAX, NORM_INF -> ReduceOp.MAX;
                case ARGMIN -> ReduceOp.ARGMIN;
                case ARGMAX -> ReduceOp.ARGMAX;
                case NORM1, NORM2, COUNT, ANY, ALL -> ReduceOp.SUM;
                case SUM, MEAN, VARIANCE, STD, CUSTOM -> throw new IllegalStateException(kind.name());
            };
        }

        @Override
        public DType resultType(DType body) {
            return switch (kind) {
                case ARGMIN, ARGMAX, COUNT -> DType.I64;
                case ANY, ALL -> DType.BOOL;
                default -> body;
            };
        }

        @Override
        public State empty(DType body) {
            return switch (kind) {
                case PROD -> body.isFloating() ? new State.FloatValue(body, 1) : new State.IntValue(body, 1);
                case NORM1, NORM2, NORM_INF, COUNT, ANY, ALL -> zero(body);
                case MIN, MAX, ARGMIN, ARGMAX -> throw new IllegalArgumentException(
                        this + " of no elements is undefined: give at least one element, or use a reduction with an"
                                + " identity");
                case SUM, MEAN, VARIANCE, STD, CUSTOM -> throw new IllegalStateException(kind.name());
            };
        }

        @Override
        public double finishValue(DType type, double value) {
            return switch (kind) {
                case NORM2 -> type == DType.F32 ? (float) Math.sqrt((float) value) : Math.sqrt(value);
                case PROD, MIN, MAX, NORM1, NORM_INF -> value;
                default -> Reduction.super.finishValue(type, value);
            };
        }

        @Override
        public long finishValue(DType type, long value) {
            return switch (kind) {
                case PROD, MIN, MAX, NORM1, NORM2, NORM_INF, COUNT -> value;
                default -> Reduction.super.finishValue(type, value);
            };
        }

        @Override
        public long finishIndexed(long index) {
            return kind == Kind.ARGMIN || kind == Kind.ARGMAX ? index : Reduction.super.finishIndexed(index);
        }

        @Override
        public boolean finishBoolean(long trues, long n) {
            return switch (kind) {
                case ANY -> trues > 0;
                case ALL -> trues == n;
                default -> Reduction.super.finishBoolean(trues, n);
            };
        }

        @Override
        public String toString() {
            return kind.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Sum in the values' type (integers wrap as in Java; cast to I64 first for a wide sum).
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    static Reduction sum() {
        return new Sum(Summation.DEFAULT);
    }

    /**
     * Sum with the given summation mode.
     *
     * @param mode {@link Summation#COMPENSATED} for an error of about one rounding whatever the length
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    static Reduction sum(Summation mode) {
        return new Sum(mode);
    }

    /**
     * Product in the values' type (integers wrap as in Java).
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    static Reduction prod() {
        return new Plain(Kind.PROD);
    }

    /**
     * Smallest value as {@code Math.min} orders them: NaN if any, -0.0 below 0.0.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    static Reduction min() {
        return new Plain(Kind.MIN);
    }

    /**
     * Largest value as {@code Math.max} orders them: NaN if any, 0.0 above -0.0.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    static Reduction max() {
        return new Plain(Kind.MAX);
    }

    /**
     * Index of the smallest value; ties to the lowest index; the first NaN if there is one.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}; its value is an I64 index
     */
    static Reduction argmin() {
        return new Plain(Kind.ARGMIN);
    }

    /**
     * Index of the largest value; ties to the lowest index; the first NaN if there is one.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}; its value is an I64 index
     */
    static Reduction argmax() {
        return new Plain(Kind.ARGMAX);
    }

    /**
     * Arithmetic mean, computed in F64. NaN for no elements.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    static Reduction mean() {
        return new Moments(Kind.MEAN, 0);
    }

    /**
     * Population variance (divisor n), computed in F64 from block means merged with Chan's formula.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    static Reduction variance() {
        return variance(0);
    }

    /**
     * Variance with divisor {@code n - ddof} (1 for the sample variance).
     *
     * @param ddof delta degrees of freedom, at least 0
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     * @throws IllegalArgumentException if {@code ddof} is negative
     */
    static Reduction variance(int ddof) {
        return new Moments(Kind.VARIANCE, ddof);
    }

    /**
     * Population standard deviation.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    static Reduction std() {
        return std(0);
    }

    /**
     * Standard deviation with divisor {@code n - ddof}.
     *
     * @param ddof delta degrees of freedom, at least 0
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     * @throws IllegalArgumentException if {@code ddof} is negative
     */
    static Reduction std(int ddof) {
        return new Moments(Kind.STD, ddof);
    }

    /**
     * Sum of absolute values.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    static Reduction norm1() {
        return new Plain(Kind.NORM1);
    }

    /**
     * Square root of the sum of squares, scaled as BLAS {@code nrm2} is where the squares overflow or
     * underflow: it overflows only where the norm does.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    static Reduction norm2() {
        return new Plain(Kind.NORM2);
    }

    /**
     * Largest absolute value.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    static Reduction normInf() {
        return new Plain(Kind.NORM_INF);
    }

    /**
     * Number of true elements of a mask.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}; its value is an I64 count
     */
    static Reduction count() {
        return new Plain(Kind.COUNT);
    }

    /**
     * Whether any element of a mask is true.
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}; its value is a boolean
     */
    static Reduction any() {
        return new Plain(Kind.ANY);
    }

    /**
     * Whether every element of a mask is true (true for no elements).
     *
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}; its value is a boolean
     */
    static Reduction all() {
        return new Plain(Kind.ALL);
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
    static Reduction custom(double identity, BinaryOperator<Expr> combine) {
        return new Custom(identity, combine);
    }

    /**
     * A user-defined reduction over integers; see {@link #custom(double, BinaryOperator)}.
     *
     * @param identity the neutral element of {@code combine}
     * @param combine folds a value into the accumulator; associative and commutative
     * @return a reduction to pass to {@link Kernel#reduce(Reduction)}
     */
    static Reduction custom(long identity, BinaryOperator<Expr> combine) {
        return new Custom(identity, combine);
    }

    private static State zero(DType body) {
        return body.isFloating() ? new State.FloatValue(body, 0) : new State.IntValue(body, 0);
    }

}
