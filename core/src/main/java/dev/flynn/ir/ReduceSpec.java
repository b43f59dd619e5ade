package dev.flynn.ir;

import java.util.Objects;
import java.util.Optional;

/**
 * How a reduction kernel folds the values of its body.
 *
 * @param op          which reduction
 * @param compensated for SUM: Neumaier compensated summation
 * @param combine     for CUSTOM: an expression over {@code Input(0)} (the accumulator) and
 *                    {@code Input(1)} (the value), both of the body's type
 * @param identity    for CUSTOM: the identity of {@code combine}, a hoisted constant
 */
public record ReduceSpec(ReduceOp op, boolean compensated, Optional<Node> combine, Optional<Node.Const> identity) {
    /**
     * Checks that {@code combine} and {@code identity} are given exactly for CUSTOM, and compensation only for SUM.
     *
     * @throws IllegalArgumentException if they are not
     */
    public ReduceSpec {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(combine, "combine");
        Objects.requireNonNull(identity, "identity");
        if ((op == ReduceOp.CUSTOM) != combine.isPresent() || combine.isPresent() != identity.isPresent()) {
            throw new IllegalArgumentException("a combine expression and identity are given exactly for CUSTOM reductions");
        }
        if (compensated && op != ReduceOp.SUM) {
            throw new IllegalArgumentException("compensated summation applies to SUM only, not " + op);
        }
    }

    /**
     * A built-in reduction, not compensated.
     *
     * @param op the reduction, not CUSTOM
     * @return the spec
     * @throws IllegalArgumentException if {@code op} is CUSTOM
     */
    public static ReduceSpec of(ReduceOp op) {
        return new ReduceSpec(op, false, Optional.empty(), Optional.empty());
    }
}
