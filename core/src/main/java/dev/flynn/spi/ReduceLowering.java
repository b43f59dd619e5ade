package dev.flynn.spi;

import dev.flynn.DType;
import dev.flynn.ir.Node;
import dev.flynn.ir.ReduceSpec;

/**
 * How a backend's code generator lowers each of core's reductions: one method per reduction, so that
 * a reduction added here is a method every backend's lowering must implement, and the compiler names
 * each class that lacks it. {@link #lower} is the one switch over {@link dev.flynn.ir.ReduceOp}; a
 * backend implements the cases and never switches on the op itself.
 *
 * <p>What a case emits is the backend's own (bytecode, C, PTX); what it must compute is core's: the
 * identities of {@link Partials#identity}, the state fields of {@link StateLayout}, and the merge and
 * step rules of {@link Partials}, which {@code conformance.ReductionRulesSuite} holds every backend to.
 *
 * @param <R> what a case produces: generated code, a state, or nothing ({@link Void})
 */
public interface ReduceLowering<R> {

    /**
     * A sum in the values' type: integers wrap.
     *
     * @param type the type of the reduced values
     * @return the case's result
     */
    R sum(DType type);

    /**
     * A floating sum with Neumaier's compensation ({@link Partials#neumaier}).
     *
     * @param type F32 or F64
     * @return the case's result
     */
    R compensatedSum(DType type);

    /**
     * A product in the values' type.
     *
     * @param type the type of the reduced values
     * @return the case's result
     */
    R prod(DType type);

    /**
     * {@code Math.min} over the values.
     *
     * @param type the type of the reduced values
     * @return the case's result
     */
    R min(DType type);

    /**
     * {@code Math.max} over the values.
     *
     * @param type the type of the reduced values
     * @return the case's result
     */
    R max(DType type);

    /**
     * The index of the smallest value, by {@link Partials#argminTakes} and {@link Partials#argminReplaces}.
     *
     * @param type the type of the reduced values
     * @return the case's result
     */
    R argmin(DType type);

    /**
     * The index of the largest value, by {@link Partials#argmaxTakes} and {@link Partials#argmaxReplaces}.
     *
     * @param type the type of the reduced values
     * @return the case's result
     */
    R argmax(DType type);

    /**
     * Count, mean and sum of squared deviations, in F64.
     *
     * @param type the type of the reduced values
     * @return the case's result
     */
    R moments(DType type);

    /**
     * A user's combine expression with its identity.
     *
     * @param type the type of the reduced values
     * @param combine an expression over {@code Input(0)} (the accumulator) and {@code Input(1)} (the value)
     * @param identity the identity of {@code combine}, a hoisted constant
     * @return the case's result
     */
    R custom(DType type, Node combine, Node.Const identity);

    /**
     * Calls the case of {@code spec}. Compensation applies to floating sums only: an integer sum is
     * exact, so a compensated integer sum is a {@link #sum}.
     *
     * @param spec the reduction
     * @param type the type of the reduced values
     * @param cases the backend's lowering
     * @param <R> what a case produces
     * @return the case's result
     */
    static <R> R lower(ReduceSpec spec, DType type, ReduceLowering<R> cases) {
        return switch (spec.op()) {
            case SUM -> spec.compensated() && type.isFloating() ? cases.compensatedSum(type) : cases.sum(type);
            case PROD -> cases.prod(type);
            case MIN -> cases.min(type);
            case MAX -> cases.max(type);
            case ARGMIN -> cases.argmin(type);
            case ARGMAX -> cases.argmax(type);
            case MOMENTS -> cases.moments(type);
            case CUSTOM -> cases.custom(type, spec.combine().orElseThrow(), spec.identity().orElseThrow());
        };
    }
}
