package dev.flynn;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A reduce-then-map kernel: reductions over the row feed a map over the same row, such as row
 * softmax {@code exp(x - max(x)) / sum(exp(x - max(x)))}, log-softmax, layer norm or RMS norm, with no
 * temporary array. Built from text, where a one-argument {@code max(e)}, {@code sum(e)},
 * {@code mean(e)}, {@code var(e)}, ... ({@link Row#names()}) is the reduction of {@code e} over the
 * row, or traced with {@link Row}:
 * <pre>{@code
 * RowKernel softmax = RowKernel.parse("exp(x - max(x)) / sum(exp(x - max(x)))", DType.F32);
 * float[] p = softmax.floats(logits);          // a 1-D array is one row
 * }</pre>
 * It runs as a few of Flynn's ordinary 1-D kernels per row ({@link #passes()}): the reductions,
 * deduplicated and ordered in stages, each stage's values entering the next kernels as scalar
 * arguments, then the map that writes the output. So it runs on every backend, every row reuses
 * the same compiled code, and a row's result is bitwise the same whatever the thread count.
 * Immutable and thread-safe.
 */
public final class RowKernel {
    private final List<String> names;
    private final List<DType> types;
    private final String text;
    private final RowPlan plan;
    /** The axis of n-D views that rows run along; negative counts from the last. */
    private final int axis;

    private RowKernel(ExpressionParser.Parsed parsed) {
        this.names = parsed.names();
        this.types = parsed.types();
        this.text = parsed.body().toString();
        this.plan = RowPlan.of(names, types, parsed.body());
        this.axis = -1;
    }

    private RowKernel(RowKernel k, int axis) {
        this.names = k.names;
        this.types = k.types;
        this.text = k.text;
        this.plan = k.plan;
        this.axis = axis;
    }

    // ---- building ---------------------------------------------------------------------------------

    /**
     * Parses an expression whose inputs all have type {@code type}, in order of first appearance:
     * {@code RowKernel.parse("x / sqrt(mean(x * x) + 1e-6)", DType.F64)}.
     *
     * @param expression the text; a one-argument {@code sum}, {@code max}, {@code mean}, ... reduces over the row
     * @param type the type of every input
     * @return the kernel
     * @throws IllegalArgumentException if the text does not parse or is ill-typed, with a caret at the position
     */
    public static RowKernel parse(String expression, DType type) {
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(type, "type");
        return of(expression, ExpressionParser.parse(expression, Optional.empty(), type, true));
    }

    /**
     * Parses an expression with named, typed inputs in the given order:
     * {@code RowKernel.parse("(x - mean(x)) * g", List.of("x", "g"), List.of(F64, F64))}.
     *
     * @param expression the text
     * @param names the input names, in the kernel's input order
     * @param types the type of each named input
     * @return the kernel
     * @throws IllegalArgumentException if the text does not parse, is ill-typed, or uses a name not listed
     */
    public static RowKernel parse(String expression, List<String> names, List<DType> types) {
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(names, "names");
        Objects.requireNonNull(types, "types");
        if (names.size() != types.size()) {
            throw new IllegalArgumentException(names.size() + " names but " + types.size() + " types");
        }
        return of(expression, ExpressionParser.parse(expression, Optional.of(List.of(names, types)), null, true));
    }

    private static RowKernel of(String expression, ExpressionParser.Parsed parsed) {
        try {
            return new RowKernel(parsed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "\n  in: " + expression, e);
        }
    }

    /**
     * A kernel of one input traced once from {@code body}, with {@link Row}'s reductions:
     * {@code RowKernel.map(DType.F64, x -> x.sub(Row.mean(x)))}.
     *
     * @param x the type of the input
     * @param body builds the result from the input
     * @return the kernel
     * @throws IllegalArgumentException if the body is ill-typed
     */
    public static RowKernel map(DType x, Kernel.Fn1 body) {
        Objects.requireNonNull(body, "body");
        return map(List.of(x), in -> body.apply(in.get(0)));
    }

    /**
     * A kernel of two inputs traced once from {@code body}.
     *
     * @param x the type of the first input
     * @param y the type of the second input
     * @param body builds the result from the inputs
     * @return the kernel
     * @throws IllegalArgumentException if the body is ill-typed
     */
    public static RowKernel map(DType x, DType y, Kernel.Fn2 body) {
        Objects.requireNonNull(body, "body");
        return map(List.of(x, y), in -> body.apply(in.get(0), in.get(1)));
    }

    /**
     * A kernel of three inputs traced once from {@code body}.
     *
     * @param x the type of the first input
     * @param y the type of the second input
     * @param z the type of the third input
     * @param body builds the result from the inputs
     * @return the kernel
     * @throws IllegalArgumentException if the body is ill-typed
     */
    public static RowKernel map(DType x, DType y, DType z, Kernel.Fn3 body) {
        Objects.requireNonNull(body, "body");
        return map(List.of(x, y, z), in -> body.apply(in.get(0), in.get(1), in.get(2)));
    }

    /**
     * A kernel of any number of inputs, named {@code x, y, z, w} (up to four) or {@code x0, x1, ...}.
     *
     * @param types the type of each input
     * @param body builds the result from the inputs
     * @return the kernel
     * @throws IllegalArgumentException if the body is ill-typed
     */
    public static RowKernel map(List<DType> types, Kernel.FnN body) {
        Objects.requireNonNull(types, "types");
        Objects.requireNonNull(body, "body");
        if (types.isEmpty()) {
            throw new IllegalArgumentException("a kernel needs at least one input");
        }
        List<String> names = KernelBuilder.names(types.size());
        List<Expr> inputs = KernelBuilder.inputs(names, types);
        Expr result = Objects.requireNonNull(body.apply(inputs), "the kernel body returned null");
        return new RowKernel(new ExpressionParser.Parsed(names, List.copyOf(types), result));
    }

    /**
     * Softmax over the row, {@code exp(x - max(x)) / sum(exp(x - max(x)))}: three passes.
     *
     * @param type F32 or F64
     * @return the kernel of one input
     * @throws IllegalArgumentException if {@code type} is not floating
     */
    public static RowKernel softmax(DType type) {
        return parse("exp(x - max(x)) / sum(exp(x - max(x)))", floating(type, "softmax"));
    }

    /**
     * Log-softmax over the row, {@code x - max(x) - log(sum(exp(x - max(x))))}: three passes.
     *
     * @param type F32 or F64
     * @return the kernel of one input
     * @throws IllegalArgumentException if {@code type} is not floating
     */
    public static RowKernel logSoftmax(DType type) {
        return parse("x - max(x) - log(sum(exp(x - max(x))))", floating(type, "log-softmax"));
    }

    /**
     * Layer norm over the row, {@code (x - mean(x)) / sqrt(var(x) + eps) * g + b}, with {@code g} and
     * {@code b} arrays of the row's length or numbers: two passes (the mean and variance share one).
     * On F32 the mean is rounded to F32 and {@code sqrt(var(x) + eps)} computed in F64 and rounded to
     * F32, so that values anywhere in the float range normalize without overflow.
     *
     * @param type F32 or F64
     * @param eps added to the variance, at least 0
     * @return the kernel of inputs {@code x, g, b}
     * @throws IllegalArgumentException if {@code type} is not floating or {@code eps} is negative or not finite
     */
    public static RowKernel layerNorm(DType type, double eps) {
        // on F32: the square root in F64, where the variance of any floats fits, then rounded once
        String e = epsilon(eps);
        String text = floating(type, "layer norm") == DType.F32
                ? "(x - f32(mean(x))) / f32(sqrt(var(x) + " + e + ")) * g + b"
                : "(x - mean(x)) / sqrt(var(x) + " + e + ") * g + b";
        return parse(text, List.of("x", "g", "b"), List.of(type, type, type));
    }

    /**
     * RMS norm over the row, {@code x / sqrt(mean(x * x) + eps) * g}, with {@code g} an array of the
     * row's length or a number: two passes. On F32 the squares and {@code sqrt(mean + eps)} are
     * computed in F64 (the squares exactly) and the root rounded to F32, so that values anywhere in
     * the float range normalize without overflow.
     *
     * @param type F32 or F64
     * @param eps added to the mean square, at least 0
     * @return the kernel of inputs {@code x, g}
     * @throws IllegalArgumentException if {@code type} is not floating or {@code eps} is negative or not finite
     */
    public static RowKernel rmsNorm(DType type, double eps) {
        // on F32: the squares in F64, where they are exact, and the square root there, where the mean
        // square of any floats fits, then rounded once
        String e = epsilon(eps);
        String text = floating(type, "RMS norm") == DType.F32
                ? "x / f32(sqrt(mean(f64(x) * f64(x)) + " + e + ")) * g"
                : "x / sqrt(mean(x * x) + " + e + ") * g";
        return parse(text, List.of("x", "g"), List.of(type, type));
    }

    private static DType floating(DType type, String what) {
        Objects.requireNonNull(type, "type");
        if (!type.isFloating()) {
            throw new IllegalArgumentException(what + " needs F32 or F64, got " + type);
        }
        return type;
    }

    private static String epsilon(double eps) {
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("eps must be finite and at least 0, got " + eps);
        }
        return Double.toString(eps);
    }

    // ---- description ------------------------------------------------------------------------------

    /**
     * The name of each input, in order.
     *
     * @return the input names
     */
    public List<String> inputNames() {
        return names;
    }

    /**
     * The element type of each input, in order.
     *
     * @return the input types
     */
    public List<DType> inputTypes() {
        return types;
    }

    /**
     * The element type of the output.
     *
     * @return the result type
     */
    public DType resultType() {
        return plan.map().resultType();
    }

    /**
     * The passes over a row's data: one per distinct reduction (the mean, variance and standard
     * deviation of one expression count once), then the map. Softmax takes 3, layer norm 2.
     *
     * @return the number of passes
     */
    public int passes() {
        return plan.passes();
    }

    /**
     * The kernels one row runs, in order: the reduction kernels of each stage, then the map, whose
     * inputs after the user's are the values of the reductions.
     *
     * @return the kernels, the map last
     */
    public List<Kernel> kernels() {
        List<Kernel> ks = new java.util.ArrayList<>();
        plan.stages().forEach(s -> s.forEach(p -> ks.add(p.kernel())));
        ks.add(plan.map());
        return List.copyOf(ks);
    }

    /**
     * This kernel with its rows along {@code axis} of n-D views (the default is the last axis, -1):
     * {@code RowKernel.softmax(F32).alongAxis(0)} normalizes each column of a matrix. 1-D storage is one
     * row whatever the axis.
     *
     * @param axis an axis of the views it will run on, from 0, or negative to count from the last (-1)
     * @return a kernel of the same expression along {@code axis}
     */
    public RowKernel alongAxis(int axis) {
        return new RowKernel(this, axis);
    }

    /**
     * The axis of n-D views that rows run along.
     *
     * @return the axis; negative counts from the last
     */
    public int axis() {
        return axis;
    }

    @Override
    public String toString() {
        return text;
    }

    // ---- running ----------------------------------------------------------------------------------

    /**
     * Runs this kernel on the global runtime into {@code out}. Over 1-D storage the whole array is one
     * row; with an {@link NdView} among the operands (the output must then be one) rows run along
     * {@link #axis()}, inputs broadcast to the output's shape with NumPy's rules (a row vector of
     * shape {@code [C]} for every row of {@code [R, C]}), lines in parallel, each computed as its 1-D form:
     * <pre>{@code RowKernel.layerNorm(F32, 1e-5).into(NdView.of(out, R, C), NdView.of(x, R, C), NdView.of(g, C), NdView.of(b, C));}</pre>
     *
     * @param out an array, {@link Slice} or {@code MemorySegment} of the result type; may be an input (in place)
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s,
     *               {@link NdView}s, or numbers, which broadcast
     * @throws IllegalArgumentException if the lengths, shapes or element types do not match, or the axis does
     *                                  not exist, before anything is written
     */
    public void into(Object out, Object... inputs) {
        into(Flynn.global(), out, inputs);
    }

    /**
     * Runs this kernel on {@code runtime} into {@code out}; see {@link #into(Object, Object...)}.
     *
     * @param runtime the runtime: its backend and threads
     * @param out the output
     * @param inputs the inputs in order
     * @throws IllegalArgumentException if the lengths or element types do not match, before anything is written
     */
    public void into(Flynn runtime, Object out, Object... inputs) {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(out, "out");
        check(inputs);
        if (RowLines.involved(out, inputs)) {
            RowLines.run(runtime, plan, axis, types, names, out, inputs);
        } else {
            RowRun.run(runtime, plan, out, inputs);
        }
    }

    /**
     * Runs this kernel on the global runtime into a new array of the result type.
     *
     * @param inputs the inputs in order; at least one an array, {@link Slice} or segment
     * @return a new array ({@code float[]} for F32, ...); with an {@link NdView} input, a new row-major view of
     *         the inputs' broadcast shape
     * @throws IllegalArgumentException if the lengths or element types do not match
     */
    public Object apply(Object... inputs) {
        check(inputs);
        if (RowLines.involved(null, inputs)) {
            long[] shape = RowLines.shape(types, names, inputs);
            long size = 1;
            for (long d : shape) {
                size = Math.multiplyExact(size, d);
            }
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " holds " + size
                        + " elements, more than a Java array; use into() with a view of a MemorySegment");
            }
            NdView out = new NdView(java.lang.reflect.Array.newInstance(resultType().javaType(), (int) size), resultType(),
                    shape, NdMaps.rowMajorStrides(shape), 0);
            into(Flynn.global(), out, inputs);
            return out;
        }
        long n = -1;
        for (int i = 0; i < inputs.length && n < 0; i++) {
            Object in = inputs[i];
            if (in == null) {
                throw new NullPointerException("input " + i + " (" + names.get(i) + ") is null");
            }
            n = switch (in) {
                case Number num -> -1;
                case Slice sl -> sl.length();
                case java.lang.foreign.MemorySegment seg -> seg.byteSize() / types.get(i).byteSize();
                case DeviceArray d -> d.length();
                default -> in.getClass().isArray() ? java.lang.reflect.Array.getLength(in) : -1;
            };
        }
        if (n < 0) {
            throw new IllegalArgumentException("row kernel " + this + " was given only numbers; give at least one array"
                    + " so the row's length is known");
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(n + " elements do not fit a Java array; use into() with a MemorySegment");
        }
        Object out = java.lang.reflect.Array.newInstance(resultType().javaType(), (int) n);
        into(Flynn.global(), out, inputs);
        return out;
    }

    /**
     * Runs this F32 kernel on the global runtime into a new {@code float[]}: {@code softmax.floats(x)}.
     *
     * @param inputs the inputs in order
     * @return the results; with {@link NdView} inputs, in row-major order of their broadcast shape
     * @throws IllegalArgumentException if the result type is not F32, or the inputs do not match
     */
    public float[] floats(Object... inputs) {
        requireResult(DType.F32);
        Object r = apply(inputs);
        return (float[]) (r instanceof NdView v ? v.storage() : r);
    }

    /**
     * Runs this F64 kernel on the global runtime into a new {@code double[]}.
     *
     * @param inputs the inputs in order
     * @return the results; with {@link NdView} inputs, in row-major order of their broadcast shape
     * @throws IllegalArgumentException if the result type is not F64, or the inputs do not match
     */
    public double[] doubles(Object... inputs) {
        requireResult(DType.F64);
        Object r = apply(inputs);
        return (double[]) (r instanceof NdView v ? v.storage() : r);
    }

    private void requireResult(DType want) {
        if (resultType() != want) {
            throw new IllegalArgumentException("row kernel " + this + " produces " + resultType() + ", not " + want);
        }
    }

    private void check(Object[] inputs) {
        Objects.requireNonNull(inputs, "inputs");
        if (inputs.length != names.size()) {
            throw new IllegalArgumentException("row kernel " + this + " takes " + names.size() + " inputs " + names
                    + ", got " + inputs.length);
        }
    }
}
