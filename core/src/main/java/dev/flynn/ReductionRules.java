package dev.flynn;

import dev.flynn.spi.State;

/**
 * What each {@link Reduction} declares about the state its op leaves: its result type, what no
 * elements give ({@link #empty(DType)}) and how a merged state becomes the value, one finish step per
 * state layout ({@link #finishValue(DType, double)} and its siblings). Every backend's result and
 * {@link Flynn#finish} go through these; a reduction overrides the steps for the layouts its op
 * leaves, and the others say that the state is not its own.
 */
public interface ReductionRules {
    /**
     * The type of this reduction's value over values of {@code body}'s type: I64 for argmin, argmax and
     * count, F64 for mean, variance and std, BOOL for any and all, the values' type otherwise.
     *
     * @param body the type of the reduced values
     * @return the result type
     */
    default DType resultType(DType body) {
        return body;
    }

    /**
     * The state of this reduction over no elements, in the layout its op uses for {@code body}.
     *
     * @param body the type of the reduced values
     * @return the state of no elements
     * @throws IllegalArgumentException where no elements have no value (min, max, argmin, argmax)
     */
    State empty(DType body);

    /**
     * The finish step for a plain floating value (sum, product, min, max, the norms, custom).
     *
     * @param type F32 or F64
     * @param value the merged value
     * @return the result (an F32 result exactly, widened)
     * @throws IllegalArgumentException if this reduction's state is not a plain floating value
     */
    default double finishValue(DType type, double value) {
        throw notMine("a plain " + type + " value");
    }

    /**
     * The finish step for a plain integer value (sum, product, min, max, the norms, count, custom).
     *
     * @param type I32 or I64
     * @param value the merged value
     * @return the result (an I32 result widened)
     * @throws IllegalArgumentException if this reduction's state is not a plain integer value with an integer result
     */
    default long finishValue(DType type, long value) {
        throw notMine("a plain " + type + " value");
    }

    /**
     * The finish step for a compensated sum.
     *
     * @param type F32 or F64
     * @param sum the running sum
     * @param compensation its compensation
     * @return the result
     * @throws IllegalArgumentException if this reduction's state is not compensated
     */
    default double finishCompensated(DType type, double sum, double compensation) {
        throw notMine("a compensated " + type + " sum");
    }

    /**
     * The finish step for a value with its index (argmin, argmax).
     *
     * @param index the index of the value kept
     * @return the result
     * @throws IllegalArgumentException if this reduction's state has no index
     */
    default long finishIndexed(long index) {
        throw notMine("a value with an index");
    }

    /**
     * The finish step for moments (mean, variance, std).
     *
     * @param count the number of values
     * @param mean their mean
     * @param m2 their sum of squared deviations from the mean
     * @return the result
     * @throws IllegalArgumentException if this reduction's state is not moments
     */
    default double finishMoments(long count, double mean, double m2) {
        throw notMine("moments");
    }

    /**
     * The finish step for a boolean result (any, all) from the sum of the mask.
     *
     * @param trues the number of true elements
     * @param n the number of elements
     * @return the result
     * @throws IllegalArgumentException if this reduction's result is not boolean
     */
    default boolean finishBoolean(long trues, long n) {
        throw notMine("a count of true elements");
    }

    /**
     * The value of a merged state boxed in its own type (Float, Double, Integer, Long or Boolean): the
     * state's record picks the finish step above.
     *
     * @param state the state over all the elements
     * @param n the number of elements it covers
     * @return the value
     * @throws IllegalArgumentException if the state is not one this reduction leaves
     */
    default Object finish(State state, long n) {
        DType result = resultType(state.type());
        return switch (state) {
            case State.FloatValue v -> result == DType.F32 ? (Object) (float) finishValue(v.type(), v.value())
                    : (Object) finishValue(v.type(), v.value());
            case State.IntValue v -> switch (result) {
                case BOOL -> finishBoolean(v.value(), n);
                case I32 -> (int) finishValue(v.type(), v.value());
                default -> finishValue(v.type(), v.value());
            };
            case State.Compensated c -> c.type() == DType.F32
                    ? (Object) (float) finishCompensated(c.type(), c.sum(), c.compensation())
                    : (Object) finishCompensated(c.type(), c.sum(), c.compensation());
            case State.Indexed i -> finishIndexed(i.index());
            case State.Moments m -> finishMoments(m.count(), m.mean(), m.m2());
        };
    }

    private IllegalArgumentException notMine(String state) {
        return new IllegalArgumentException(this + " does not finish " + state + ": the state is of another reduction");
    }
}
