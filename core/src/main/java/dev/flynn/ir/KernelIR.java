package dev.flynn.ir;

import dev.flynn.DType;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A verified kernel: input types, the body (a map expression), and for reductions how the body's
 * values are folded. Constants are numbered {@code 0..constCount-1}; the argument array that
 * compiled code reads holds those, then one slot per input for an input bound to a scalar.
 *
 * @param inputs the element type of each input
 * @param body the map expression
 * @param reduce how the body's values are folded, or empty for a map
 * @param constCount the number of hoisted constants
 */
public record KernelIR(List<DType> inputs, Node body, Optional<ReduceSpec> reduce, int constCount) {
    /**
     * Copies the input list and checks that nothing is null.
     *
     * @throws NullPointerException if an argument is null
     */
    public KernelIR {
        inputs = List.copyOf(inputs);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(reduce, "reduce");
    }

    /**
     * The number of inputs.
     *
     * @return the number of inputs
     */
    public int arity() {
        return inputs.size();
    }

    /**
     * Whether this kernel reduces its body's values.
     *
     * @return true for a reduction
     */
    public boolean isReduction() {
        return reduce.isPresent();
    }

    /**
     * Where the value of input {@code i} is found in the argument array when bound to a scalar.
     *
     * @param input the input's index
     * @return the index in the argument array
     */
    public int scalarSlot(int input) {
        return constCount + input;
    }

    /**
     * Length of the argument array.
     *
     * @return the number of constants plus the number of inputs
     */
    public int argCount() {
        return constCount + inputs.size();
    }

    /**
     * A key that identifies the compiled code: equal for kernels that differ only in literal values.
     *
     * @return the shape key
     */
    public String shapeKey() {
        return Shapes.key(this);
    }
}
