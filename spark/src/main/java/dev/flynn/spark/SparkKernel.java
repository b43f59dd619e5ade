package dev.flynn.spark;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import dev.flynn.ReductionState;
import dev.flynn.Slice;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.spi.Partial;
import dev.flynn.spi.Partials;
import dev.flynn.spi.StateLayout;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A kernel as an executor holds it: decoded once per JVM (see {@link SparkKernelCache}), run on the
 * executor's Flynn runtime, and for reductions the steps of a distributed reduction: the unfinished
 * state of a batch in one pass ({@link Flynn#reducePartial}), the merge of neighbouring states
 * ({@link Partials#merge}, which keeps a compensated sum's compensation and merges mean, variance and
 * std as {@code (n, mean, m2)} with Chan's formula), and the value of the merged state
 * ({@link Flynn#finish}). Spark merges states itself, in the rows of its ranges (nulls included) rather
 * than their values, so a batch's {@link ReductionState} travels as the slots of its {@link StateLayout}.
 */
final class SparkKernel {
    final Kernel kernel;
    private final ReduceSpec spec;
    private final DType bodyType;
    /** The slots a reduction's state travels in; null for a map. */
    private final StateLayout layout;
    /** ARGMIN, ARGMAX: the state carries an index, counted from the start of its range. */
    private final boolean indexed;
    /**
     * CUSTOM: the combine expression as a map over (acc, value). {@link Partials#merge} combines CUSTOM
     * states through a backend's compiled {@code CpuKernel}, which core does not hand out.
     */
    private final Kernel combine;

    SparkKernel(Kernel kernel) {
        this.kernel = kernel;
        KernelIR ir = kernel.ir();
        this.bodyType = ir.body().type();
        if (!kernel.isReduction()) {
            spec = null;
            layout = null;
            indexed = false;
            combine = null;
            return;
        }
        Reduction.Kind kind = kernel.reduction().orElseThrow().kind();
        spec = ir.reduce().orElseThrow();
        layout = StateLayout.of(spec, bodyType);
        indexed = kind == Reduction.Kind.ARGMIN || kind == Reduction.Kind.ARGMAX;
        combine = spec.combine().isPresent()
                ? Kernel.fromIR(new KernelIR(List.of(bodyType, bodyType), spec.combine().get(), Optional.empty(),
                ir.constCount()), List.of("acc", "value"), Optional.empty(), kernel.constants())
                : null;
    }

    /** Runs the map over the first {@code n} elements of {@code inputs} into {@code out}. */
    void map(Flynn flynn, Object out, Object[] inputs, int n) {
        flynn.into(kernel, new Slice(out, 0, n), slices(inputs, n));
    }

    /**
     * The unfinished state of the reduction over the first {@code n} elements of {@code inputs}, in
     * one pass over them.
     *
     * @param rows    rows the range covers, nulls included
     * @param rowOf   the row (from the range's start) of each element, or null when element i is row i
     */
    SparkPartial reduce(Flynn flynn, Object[] inputs, int n, long rows, int[] rowOf) {
        if (n == 0) {
            return SparkPartial.empty(rows);
        }
        long[] encoded = flynn.reducePartial(kernel, slices(inputs, n)).encode();
        Partial q = new Partial();
        layout.decode(Arrays.copyOfRange(encoded, 1, encoded.length), bodyType, q);
        if (indexed && rowOf != null) {
            q.index = rowOf[(int) q.index];
        }
        return SparkPartial.of(layout, bodyType, q, rows, n);
    }

    /** {@code left} followed by {@code right}: a new state covering both ranges. */
    SparkPartial merge(Flynn flynn, SparkPartial left, SparkPartial right) {
        long rows = left.rows + right.rows;
        long count = left.count + right.count;
        if (right.count == 0) {
            return SparkPartial.of(layout, bodyType, left.toPartial(layout, bodyType), rows, count);
        }
        Partial b = right.toPartial(layout, bodyType);
        b.index += left.rows;
        if (left.count == 0) {
            return SparkPartial.of(layout, bodyType, b, rows, count);
        }
        Partial a = left.toPartial(layout, bodyType);
        if (combine != null) {
            combine(flynn, a, b);
        } else {
            Partials.merge(spec, bodyType, a, b, null, null);
        }
        return SparkPartial.of(layout, bodyType, a, rows, count);
    }

    /** The reduction's value from the state of all rows, boxed in its own type as {@code Kernel.reduce} does. */
    Object finish(Flynn flynn, SparkPartial p) {
        if (p.count == 0) {
            // no values: whatever the kernel gives for no elements (0, NaN, the identity, or its error)
            Object[] none = new Object[kernel.arity()];
            for (int i = 0; i < none.length; i++) {
                none[i] = java.lang.reflect.Array.newInstance(kernel.inputTypes().get(i).javaType(), 0);
            }
            return flynn.reduce(kernel, none);
        }
        return Flynn.finish(ReductionState.decode(kernel, p.encoded(layout)));
    }

    /** The core state a Spark state carries. */
    Partial state(SparkPartial p) {
        return p.toPartial(layout, bodyType);
    }

    private void combine(Flynn flynn, Partial a, Partial b) {
        switch (bodyType) {
            case F32 -> a.d = flynn.floats(combine, new float[] {(float) a.d}, new float[] {(float) b.d})[0];
            case F64 -> a.d = flynn.doubles(combine, new double[] {a.d}, new double[] {b.d})[0];
            case I32 -> a.l = flynn.ints(combine, new int[] {(int) a.l}, new int[] {(int) b.l})[0];
            case I64 -> a.l = flynn.longs(combine, new long[] {a.l}, new long[] {b.l})[0];
            case BOOL -> throw new IllegalStateException("a reduction over a mask body");
        }
    }

    private static Object[] slices(Object[] inputs, int n) {
        Object[] out = new Object[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Object in = inputs[i];
            out[i] = in instanceof Number ? in : new Slice(in, 0, n);
        }
        return out;
    }
}
