package dev.flynn.ir;

import dev.flynn.DType;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A verified kernel: input types, the body (a map expression), and for reductions how the body's
 * values are folded. Constants are numbered {@code 0..constCount-1}; the argument array that
 * compiled code reads holds those, then one slot per input for an input bound to a scalar.
 */
public record KernelIR(List<DType> inputs, Node body, Optional<ReduceSpec> reduce, int constCount) {
    public KernelIR {
        inputs = List.copyOf(inputs);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(reduce, "reduce");
    }

    public int arity() {
        return inputs.size();
    }

    public boolean isReduction() {
        return reduce.isPresent();
    }

    /** Where the value of input {@code i} is found in the argument array when bound to a scalar. */
    public int scalarSlot(int input) {
        return constCount + input;
    }

    /** Length of the argument array. */
    public int argCount() {
        return constCount + inputs.size();
    }

    /** A key that identifies the compiled code: equal for kernels that differ only in literal values. */
    public String shapeKey() {
        return Shapes.key(this);
    }
}
