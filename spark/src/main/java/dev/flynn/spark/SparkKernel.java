package dev.flynn.spark;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import dev.flynn.Slice;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.spi.Partial;
import dev.flynn.spi.Partials;

import java.util.List;
import java.util.Optional;

/**
 * A kernel as an executor holds it: decoded once per JVM (see {@link SparkKernelCache}), run on the
 * executor's Flynn runtime, and for reductions the kernels that give a range's mergeable state.
 *
 * <p>Core's public reductions return finished values, so a range's state is rebuilt from those:
 * the kernel's own IR re-labelled with the reduction that leaves the raw accumulator (the sum of
 * squares of a norm2, the count of an all); argmin/argmax add the value at the found index, from the
 * body as a map; mean, variance and std take the mean and the population variance of the range
 * (two passes over a batch that is still in cache), from which Chan's merge needs {@code n, mean,
 * m2 = variance * n}.
 */
final class SparkKernel {
    final Kernel kernel;
    private final Reduction.Kind kind;
    private final ReduceSpec spec;
    private final DType bodyType;
    /** Gives the state's value: the kernel itself, or its IR with SUM/MAX (norms, count, any, all) or MEAN. */
    private final Kernel value;
    /** MEAN, VARIANCE, STD: the range's population variance. */
    private final Kernel variance;
    /** ARGMIN, ARGMAX: the body as a map, to read the value at the index found. */
    private final Kernel body;
    /** CUSTOM: the combine expression as a map over (acc, value). */
    private final Kernel combine;

    SparkKernel(Kernel kernel) {
        this.kernel = kernel;
        KernelIR ir = kernel.ir();
        this.bodyType = ir.body().type();
        List<String> names = kernel.inputNames();
        long[] constants = kernel.constants();
        if (!kernel.isReduction()) {
            kind = null;
            spec = null;
            value = variance = body = combine = null;
            return;
        }
        kind = kernel.reduction().orElseThrow().kind();
        spec = ir.reduce().orElseThrow();
        value = switch (kind) {
            case NORM1, NORM2, COUNT, ANY, ALL -> Kernel.fromIR(ir, names, Optional.of(Reduction.sum()), constants);
            case NORM_INF -> Kernel.fromIR(ir, names, Optional.of(Reduction.max()), constants);
            case MEAN, VARIANCE, STD -> Kernel.fromIR(ir, names, Optional.of(Reduction.mean()), constants);
            default -> kernel;
        };
        variance = switch (kind) {
            case MEAN, VARIANCE, STD -> Kernel.fromIR(ir, names, Optional.of(Reduction.variance()), constants);
            default -> null;
        };
        body = kind == Reduction.Kind.ARGMIN || kind == Reduction.Kind.ARGMAX
                ? Kernel.fromIR(new KernelIR(ir.inputs(), ir.body(), Optional.empty(), ir.constCount()), names,
                Optional.empty(), constants)
                : null;
        combine = spec.combine().isPresent()
                ? Kernel.fromIR(new KernelIR(List.of(bodyType, bodyType), spec.combine().get(), Optional.empty(),
                ir.constCount()), List.of("acc", "value"), Optional.empty(), constants)
                : null;
    }

    /** Runs the map over the first {@code n} elements of {@code inputs} into {@code out}. */
    void map(Flynn flynn, Object out, Object[] inputs, int n) {
        flynn.into(kernel, new Slice(out, 0, n), slices(inputs, n));
    }

    /**
     * The state of the reduction over the first {@code n} elements of {@code inputs}.
     *
     * @param rows    rows the range covers, nulls included
     * @param rowOf   the row (from the range's start) of each element, or null when element i is row i
     */
    SparkPartial reduce(Flynn flynn, Object[] inputs, int n, long rows, int[] rowOf) {
        SparkPartial p = SparkPartial.empty(rows);
        if (n == 0) {
            return p;
        }
        p.count = n;
        Object[] in = slices(inputs, n);
        switch (kind) {
            case MEAN, VARIANCE, STD -> {
                p.n = n;
                p.mean = flynn.reduceDouble(value, in);
                p.m2 = flynn.reduceDouble(variance, in) * n;
            }
            case ARGMIN, ARGMAX -> {
                long i = flynn.reduceLong(kernel, in);
                Object[] at = new Object[in.length];
                for (int k = 0; k < at.length; k++) {
                    at[k] = new Slice(inputs[k], (int) i, 1);
                }
                Object v = flynn.apply(body, at);
                store(p, java.lang.reflect.Array.get(v, 0));
                p.index = rowOf == null ? i : rowOf[(int) i];
            }
            default -> {
                if (bodyType.isFloating()) {
                    p.d = flynn.reduceDouble(value, in);
                } else {
                    p.l = flynn.reduceLong(value, in);
                }
            }
        }
        return p;
    }

    /** {@code left} followed by {@code right}: a new state covering both ranges. */
    SparkPartial merge(Flynn flynn, SparkPartial left, SparkPartial right) {
        SparkPartial out;
        if (right.count == 0) {
            out = copy(left);
        } else if (left.count == 0) {
            out = copy(right);
            out.index += left.rows;
        } else {
            Partial a = left.toPartial();
            Partial b = right.toPartial();
            b.index += left.rows;
            if (spec.combine().isPresent()) {
                combine(flynn, a, b);
            } else {
                Partials.merge(spec, bodyType, a, b, null, null);
            }
            out = new SparkPartial();
            out.set(a);
        }
        out.rows = left.rows + right.rows;
        out.count = left.count + right.count;
        return out;
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
        int ddof = kernel.reduction().orElseThrow().ddof();
        return switch (kind) {
            case MEAN -> p.mean;
            case VARIANCE -> variance(p, ddof);
            case STD -> Math.sqrt(variance(p, ddof));
            case NORM2 -> bodyType == DType.F32 ? (Object) (float) Math.sqrt((float) p.d) : (Object) Math.sqrt(p.d);
            case ARGMIN, ARGMAX -> p.index;
            case COUNT -> p.l;
            case ANY -> p.l > 0;
            case ALL -> p.l == p.count;
            case SUM -> {
                if (spec.compensated()) {
                    Partial q = p.toPartial();
                    Partials.finishCompensated(bodyType, q);
                    yield box(q.d, q.l);
                }
                yield box(p.d, p.l);
            }
            default -> box(p.d, p.l);
        };
    }

    private Object box(double d, long l) {
        return switch (bodyType) {
            case F32 -> (float) d;
            case F64 -> d;
            case I32 -> (int) l;
            case I64 -> l;
            case BOOL -> throw new IllegalStateException("a reduction over a mask body");
        };
    }

    private static double variance(SparkPartial p, int ddof) {
        long dof = p.n - ddof;
        return dof <= 0 ? Double.NaN : p.m2 / dof;
    }

    private void store(SparkPartial p, Object v) {
        switch (v) {
            case Float f -> p.d = f;
            case Double d -> p.d = d;
            case Integer i -> p.l = i;
            case Long l -> p.l = l;
            default -> throw new IllegalStateException("unexpected value " + v);
        }
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

    private static SparkPartial copy(SparkPartial s) {
        SparkPartial p = new SparkPartial();
        p.set(s.toPartial());
        p.rows = s.rows;
        p.count = s.count;
        return p;
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
