package dev.flynn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Reductions of {@link NdView}s: along one axis ({@link #along}), each line reduced by one 1-D
 * reduction call on the runtime's backend, so a line's result is bitwise what the 1-D reduction of
 * that line's elements gives; and over all elements ({@link #flatten}), as one 1-D reduction of the
 * elements in row-major order.
 */
final class NdReduce {
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private NdReduce() {
    }

    /** Whether a reduction's inputs hold a view. */
    static boolean involved(Object[] inputs, int count) {
        for (int i = 0; i < count; i++) {
            if (inputs[i] instanceof NdView) {
                return true;
            }
        }
        return false;
    }

    /**
     * The type results of {@code kernel} are stored in: its result type, and I32 (1 or 0) for any/all,
     * whose masks are never stored.
     */
    static DType storedType(Kernel kernel) {
        return kernel.resultType() == DType.BOOL ? DType.I32 : kernel.resultType();
    }

    /**
     * Reduces along {@code axis} into {@code out} (null: a new row-major array), after checking
     * everything; returns the output view.
     */
    static NdView along(Flynn rt, Kernel kernel, int axis, Object out, Object[] inputs) {
        java.util.Objects.requireNonNull(kernel, "kernel");
        java.util.Objects.requireNonNull(inputs, "inputs");
        if (!kernel.isReduction()) {
            throw new IllegalArgumentException("kernel " + kernel + " is a map; reduce it first (kernel.reduce(Reduction.sum()))");
        }
        Object[] in = inputs(kernel, inputs);
        long[] shape = shape(in);
        if (shape == null) {
            throw new IllegalArgumentException("reduction " + kernel + " was given only scalars; give at least one array or view");
        }
        if (shape.length == 0) {
            throw new IllegalArgumentException("the inputs are a single element (shape []), which has no axis " + axis
                    + "; reduce it with reduce()");
        }
        NdView.checkAxis(axis, shape.length);
        long[] rest = NdRows.without(shape, axis);
        long lines = 1;
        for (long d : rest) {
            lines = Math.multiplyExact(lines, d);
        }
        DType t = storedType(kernel);
        NdView o;
        if (out == null) {
            if (lines > MAX_ARRAY) {
                throw new IllegalArgumentException(lines + " results do not fit a Java array; give an output view of a MemorySegment");
            }
            o = newView(java.lang.reflect.Array.newInstance(t.javaType(), (int) lines), t, rest);
        } else {
            o = NdMaps.asView(out, t, "the output");
            if (!Arrays.equals(o.shape(), rest)) {
                throw new IllegalArgumentException("reducing shape " + Arrays.toString(shape) + " along axis " + axis
                        + " gives shape " + Arrays.toString(rest) + ", but the output has shape " + Arrays.toString(o.shape()));
            }
            if (o.storage() instanceof MemorySegment m && m.isReadOnly()) {
                throw new IllegalArgumentException("the output segment is read-only");
            }
            NdRows.plan(0, new NdRows.Operand(withAxis(o), NdRows.Use.WRITE));
            for (int i = 0; i < in.length; i++) {
                if (in[i] instanceof NdView v && NdMaps.overlaps(v, o)) {
                    throw new IllegalArgumentException(CallBinder.what(kernel, i) + " shares memory with the output;"
                            + " a reduction's output needs memory of its own");
                }
            }
            if (lines > MAX_ARRAY) {
                throw new IllegalArgumentException(lines + " results are more than one call holds; reduce in parts");
            }
        }
        // every input broadcast to the full shape; the first view is gathered even where it is broadcast
        // along the axis, so each 1-D call has an array to take its length from
        NdRows.Operand[] ops = operands(in, shape, axis);
        int[] slot = new int[in.length];
        int k = 0;
        for (int i = 0; i < in.length; i++) {
            slot[i] = in[i] instanceof NdView ? k++ : -1;
        }
        NdRows.Plan plan = NdRows.plan(axis, ops);
        // results go into a temporary first: a line that throws (an empty min, a division by zero) leaves
        // the caller's output untouched
        java.util.Optional<Object> columns = NdColumns.reduce(rt, kernel, in, shape, axis, lines);
        CallBinder.threadScratch().axisPath = columns.isPresent() ? "columns" : "lines";
        Object results = columns.isPresent() ? columns.get() : lines(rt, kernel, in, slot, plan, t, lines);
        if (out == null) {
            return newView(results, t, rest);
        }
        if (lines > 0) {
            rt.into(NdMaps.Identity.of(t), o, newView(results, t, rest));
        }
        return o;
    }

    /** Each line by one 1-D call, its strided operands gathered a chunk of lines at a time. */
    private static Object lines(Flynn rt, Kernel kernel, Object[] in, int[] slot, NdRows.Plan plan, DType t, long lines) {
        Object results = java.lang.reflect.Array.newInstance(t.javaType(), (int) lines);
        DType rt0 = kernel.resultType();
        if (!reduceInOneCall(rt, kernel, plan, in, slot, results)) {
            plan.run(rt, (lineRt, line, lineArgs) -> {
                Object[] args = new Object[in.length];
                for (int i = 0; i < in.length; i++) {
                    args[i] = slot[i] < 0 ? in[i] : lineArgs[slot[i]].arg();
                }
                int at = (int) line;
                switch (rt0) {
                    case F32 -> ((float[]) results)[at] = (float) lineRt.reduceDouble(kernel, args);
                    case F64 -> ((double[]) results)[at] = lineRt.reduceDouble(kernel, args);
                    case I32 -> ((int[]) results)[at] = (int) lineRt.reduceLong(kernel, args);
                    case I64 -> ((long[]) results)[at] = lineRt.reduceLong(kernel, args);
                    case BOOL -> ((int[]) results)[at] = lineRt.reduceBoolean(kernel, args) ? 1 : 0;
                }
            });
        }
        return results;
    }

    /**
     * Reduces every line through one {@link RowReducer} where the lines lie in place on a CPU backend,
     * each line's value bitwise that of its own 1-D call; false where each line takes that call instead.
     */
    private static boolean reduceInOneCall(Flynn rt, Kernel kernel, NdRows.Plan plan, Object[] in, int[] slot, Object results) {
        Object[] fixed = new Object[in.length];
        for (int i = 0; i < in.length; i++) {
            fixed[i] = slot[i] < 0 ? in[i] : null;
        }
        RowReducer reducer = RowReducer.of(rt, kernel, plan, fixed, slot);
        if (reducer == null) {
            return false;
        }
        DType type = kernel.resultType();
        plan.runRanges(rt, (one, from, to) -> {
            RowReducer.Lane lane = reducer.lane();
            for (long line = from; line < to; line++) {
                int at = (int) line;
                switch (type) {
                    case F32 -> ((float[]) results)[at] = (float) lane.doubleValue(line);
                    case F64 -> ((double[]) results)[at] = lane.doubleValue(line);
                    case I32 -> ((int[]) results)[at] = (int) lane.longValue(line);
                    case I64 -> ((long[]) results)[at] = lane.longValue(line);
                    case BOOL -> ((int[]) results)[at] = lane.booleanValue(line) ? 1 : 0;
                }
            }
            return reducer.backend();
        });
        CallBinder.threadScratch().last = reducer.backend();
        return true;
    }

    private static NdRows.Operand[] operands(Object[] in, long[] shape, int axis) {
        int count = 0;
        boolean allBroadcast = true;
        for (Object x : in) {
            if (x instanceof NdView v) {
                count++;
                NdView b = v.broadcastTo(shape);
                allBroadcast &= b.stride(axis) == 0 && b.dim(axis) > 1;
            }
        }
        NdRows.Operand[] ops = new NdRows.Operand[count];
        int k = 0;
        for (Object x : in) {
            if (x instanceof NdView v) {
                NdRows.Use use = k == 0 && allBroadcast ? NdRows.Use.READ_ARRAY : NdRows.Use.READ;
                ops[k++] = new NdRows.Operand(v.broadcastTo(shape), use);
            }
        }
        return ops;
    }

    /** A view with a length-1 axis appended, so that {@link NdRows#plan} can check it as an output. */
    private static NdView withAxis(NdView v) {
        long[] s = Arrays.copyOf(v.shape(), v.rank() + 1);
        long[] st = Arrays.copyOf(v.strides(), v.rank() + 1);
        s[v.rank()] = 1;
        st[v.rank()] = 1;
        return new NdView(v.storage(), v.type(), s, st, v.offset());
    }

    /**
     * The inputs of a reduction over all elements with views among them: every view broadcast to the
     * common shape and handed over as 1-D storage of its elements in row-major order (in place where the
     * view is contiguous, else copied), other storage as it is, numbers as they are.
     */
    static Object[] flatten(Flynn rt, Kernel kernel, Object[] inputs, int count, java.util.List<DeviceArray> temporaries) {
        Object[] in = inputs(kernel, Arrays.copyOf(inputs, count));
        long[] shape = shape(in);
        Object[] out = new Object[count];
        for (int i = 0; i < count; i++) {
            if (!(in[i] instanceof NdView v)) {
                out[i] = in[i];
                continue;
            }
            NdView b = v.broadcastTo(shape);
            long size = b.size();
            if (rowMajor(b)) {
                out[i] = NdRows.span(b.storage(), b.type(), b.offset(), size);
                continue;
            }
            if (b.storage() instanceof DeviceArray) {
                // gathered on the device into a row-major temporary, which the caller closes after the call
                DeviceArray packed = DeviceViews.gather(b);
                temporaries.add(packed);
                out[i] = NdRows.span(packed, b.type(), 0, size);
                continue;
            }
            DType t = b.type();
            NdView copy = size <= MAX_ARRAY
                    ? newView(java.lang.reflect.Array.newInstance(t.javaType(), (int) size), t, shape)
                    : NdView.of(Arena.ofAuto().allocate(size * t.byteSize(), t.byteSize()), t, shape);
            rt.into(NdMaps.Identity.of(t), copy, b);
            out[i] = copy.storage() instanceof MemorySegment m ? m : NdRows.span(copy.storage(), t, 0, size);
        }
        return out;
    }

    private static NdView newView(Object storage, DType t, long[] shape) {
        return new NdView(storage, t, shape, NdMaps.rowMajorStrides(shape), 0);
    }

    /** Whether a view's elements lie one after another in row-major order. */
    private static boolean rowMajor(NdView v) {
        long want = 1;
        for (int i = v.rank() - 1; i >= 0; i--) {
            if (v.dim(i) != 1 && v.stride(i) != want) {
                return v.size() == 0;
            }
            want *= v.dim(i);
        }
        return true;
    }

    private static Object[] inputs(Kernel kernel, Object[] inputs) {
        if (inputs.length != kernel.arity()) {
            throw new IllegalArgumentException("kernel " + kernel + " takes " + kernel.arity() + " inputs "
                    + kernel.inputNames() + ", got " + inputs.length);
        }
        Object[] out = new Object[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Object x = inputs[i];
            String what = CallBinder.what(kernel, i);
            if (x == null) {
                throw new NullPointerException(what + " is null");
            }
            out[i] = x instanceof Number ? x : NdMaps.asView(x, kernel.inputTypes().get(i), what);
        }
        return out;
    }

    /** The views' broadcast shape, or null if there is none (all numbers). */
    private static long[] shape(Object[] in) {
        long[][] shapes = Arrays.stream(in).filter(x -> x instanceof NdView).map(x -> ((NdView) x).shape()).toArray(long[][]::new);
        return shapes.length == 0 ? null : NdView.broadcastShape(shapes);
    }
}
