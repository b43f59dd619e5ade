package dev.flynn;

import dev.flynn.spi.StateLayout;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.Node;
import dev.flynn.ir.Printer;
import dev.flynn.ir.Schedule;
import dev.flynn.spi.Binding;
import dev.flynn.spi.BackendProvider;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An element-wise (map) or reduction kernel: immutable, thread-safe, compiled once per backend and
 * shape. Build one by tracing a lambda or by parsing text:
 * <pre>{@code
 * Kernel saxpy = Kernel.map(F32, F32, (x, y) -> x.mul(2).add(y));
 * Kernel same  = Kernel.parse("2*x + y", DType.F32);
 * Kernel sumsq = Kernel.map(F64, x -> x.mul(x)).reduce(Reduction.sum());
 * float[] r = saxpy.floats(xs, ys);
 * double s = sumsq.reduceDouble(ds);
 * }</pre>
 * Literals are hoisted into arguments: {@code x*2+y} and {@code x*3+y} share one compiled kernel.
 */
public final class Kernel {

    /** A one-input kernel body. */
    @FunctionalInterface
    public interface Fn1 {
        /**
         * Builds the body from the kernel's input.
         *
         * @param x the input
         * @return the body's value
         */
        Expr apply(Expr x);
    }

    /** A two-input kernel body. */
    @FunctionalInterface
    public interface Fn2 {
        /**
         * Builds the body from the kernel's inputs.
         *
         * @param x the first input
         * @param y the second input
         * @return the body's value
         */
        Expr apply(Expr x, Expr y);
    }

    /** A three-input kernel body. */
    @FunctionalInterface
    public interface Fn3 {
        /**
         * Builds the body from the kernel's inputs.
         *
         * @param x the first input
         * @param y the second input
         * @param z the third input
         * @return the body's value
         */
        Expr apply(Expr x, Expr y, Expr z);
    }

    /** A four-input kernel body. */
    @FunctionalInterface
    public interface Fn4 {
        /**
         * Builds the body from the kernel's inputs.
         *
         * @param x the first input
         * @param y the second input
         * @param z the third input
         * @param w the fourth input
         * @return the body's value
         */
        Expr apply(Expr x, Expr y, Expr z, Expr w);
    }

    /** An n-input kernel body. */
    @FunctionalInterface
    public interface FnN {
        /**
         * Builds the body from the kernel's inputs.
         *
         * @param inputs the inputs, in order
         * @return the body's value
         */
        Expr apply(List<Expr> inputs);
    }

    private final KernelIR ir;
    private final List<String> names;
    private final Optional<Reduction> reduction;
    private final String shapeKey;
    private final long[] constants;
    private final boolean mayThrow;
    /** Asked on every call: computed once. */
    private final DType resultType;
    /** A reduction's state layout, read on every call; null for a map. */
    private final StateLayout stateLayout;
    /** The printed kernel, made on first use: printing a kernel of a million nodes takes a while. */
    private volatile String text;
    private final KernelPlans plans = new KernelPlans();
    /** The direct path of the runtime that ran this kernel last (read racily: a stale one is only replaced). */
    private HandleDirect generic;
    /** The runtime {@link #generic} was made for, also when it is absent. */
    private Flynn genericOwner;

    Kernel(KernelIR ir, List<String> names, Optional<Reduction> reduction, long[] constants) {
        this.ir = ir;
        this.names = List.copyOf(names);
        this.reduction = reduction;
        this.shapeKey = ir.shapeKey();
        this.constants = constants;
        this.mayThrow = Schedule.of(ir.body()).nodes().stream().anyMatch(n -> n instanceof Node.Binary b
                && (b.op() == BinaryOp.DIV || b.op() == BinaryOp.REM) && b.type().isIntegral());
        this.resultType = ReductionLowering.resultTypeOf(ir, reduction);
        this.stateLayout = reduction.isPresent() ? StateLayout.of(ir.reduce().orElseThrow(), ir.body().type()) : null;
    }

    // ---- building ---------------------------------------------------------------------------

    /**
     * A map kernel of one input, traced once from {@code body}:
     * {@code Kernel.map(DType.F64, x -> x.mul(x))}.
     *
     * @param x the type of the input
     * @param body builds the result from the input
     * @return the kernel
     * @throws IllegalArgumentException if the body is ill-typed, with the expression in the message
     */
    public static Kernel map(DType x, Fn1 body) {
        Objects.requireNonNull(body, "body");
        return KernelBuilder.traced(List.of(x), in -> body.apply(in.get(0)));
    }

    /**
     * A map kernel of two inputs, traced once from {@code body}:
     * {@code Kernel.map(DType.F32, DType.F32, (x, y) -> x.mul(2).add(y))}.
     *
     * @param x the type of the first input
     * @param y the type of the second input
     * @param body builds the result from the inputs
     * @return the kernel
     * @throws IllegalArgumentException if the body is ill-typed, with the expression in the message
     */
    public static Kernel map(DType x, DType y, Fn2 body) {
        Objects.requireNonNull(body, "body");
        return KernelBuilder.traced(List.of(x, y), in -> body.apply(in.get(0), in.get(1)));
    }

    /**
     * A map kernel of three inputs, traced once from {@code body}.
     *
     * @param x the type of the first input
     * @param y the type of the second input
     * @param z the type of the third input
     * @param body builds the result from the inputs
     * @return the kernel
     * @throws IllegalArgumentException if the body is ill-typed, with the expression in the message
     */
    public static Kernel map(DType x, DType y, DType z, Fn3 body) {
        Objects.requireNonNull(body, "body");
        return KernelBuilder.traced(List.of(x, y, z), in -> body.apply(in.get(0), in.get(1), in.get(2)));
    }

    /**
     * A map kernel of four inputs, traced once from {@code body}.
     *
     * @param x the type of the first input
     * @param y the type of the second input
     * @param z the type of the third input
     * @param w the type of the fourth input
     * @param body builds the result from the inputs
     * @return the kernel
     * @throws IllegalArgumentException if the body is ill-typed, with the expression in the message
     */
    public static Kernel map(DType x, DType y, DType z, DType w, Fn4 body) {
        Objects.requireNonNull(body, "body");
        return KernelBuilder.traced(List.of(x, y, z, w), in -> body.apply(in.get(0), in.get(1), in.get(2), in.get(3)));
    }

    /**
     * A kernel of any number of inputs, named {@code x0, x1, ...}.
     *
     * @param types the type of each input
     * @param body builds the result from the inputs
     * @return the kernel
     * @throws IllegalArgumentException if the body is ill-typed, with the expression in the message
     */
    public static Kernel map(List<DType> types, FnN body) {
        Objects.requireNonNull(types, "types");
        Objects.requireNonNull(body, "body");
        return KernelBuilder.traced(types, body);
    }

    /**
     * Parses an expression whose inputs all have type {@code type}, in order of first appearance:
     * {@code Kernel.parse("where(x > 0, x, 0.1*x)", DType.F32)}.
     *
     * @param expression the text, such as {@code "2*x + exp(y)"}
     * @param type the type of every input
     * @return the kernel
     * @throws IllegalArgumentException if the text does not parse or is ill-typed, with a caret at the position
     */
    public static Kernel parse(String expression, DType type) {
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(type, "type");
        return ExpressionParser.parse(expression, Optional.empty(), type);
    }

    /**
     * Parses an expression with named, typed inputs in the given order.
     *
     * @param expression the text, such as {@code "a*x + y"}
     * @param names the input names, in the kernel's input order
     * @param types the type of each named input
     * @return the kernel
     * @throws IllegalArgumentException if the text does not parse, is ill-typed, or uses a name not listed
     */
    public static Kernel parse(String expression, List<String> names, List<DType> types) {
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(names, "names");
        Objects.requireNonNull(types, "types");
        if (names.size() != types.size()) {
            throw new IllegalArgumentException(names.size() + " names but " + types.size() + " types");
        }
        return ExpressionParser.parse(expression, Optional.of(List.of(names, types)), null);
    }

    /**
     * {@code sum(x * y)} in one pass.
     *
     * @param type the type of both inputs
     * @return a reduction kernel of two inputs
     */
    public static Kernel dot(DType type) {
        return map(type, type, Expr::mul).reduce(Reduction.sum());
    }

    /**
     * This map fused into a reduction: {@code map(F32, x -> x.mul(x)).reduce(sum())} sums squares
     * without a temporary array.
     *
     * @param r the reduction, such as {@link Reduction#sum()}
     * @return a new reduction kernel; this kernel is unchanged
     * @throws IllegalArgumentException if this kernel is already a reduction or the reduction does not fit its type
     */
    public Kernel reduce(Reduction r) {
        Objects.requireNonNull(r, "reduction");
        return ReductionLowering.lower(this, r);
    }

    /**
     * This map's values scanned: {@code map(F32, x -> x).scan(Scan.sum())} is a cumulative sum, fused
     * with the map (no temporary array).
     *
     * @param s the scan, such as {@link Scan#sum()} or {@code Scan.sum(true)}
     * @return the scan kernel; this kernel is unchanged
     * @throws IllegalArgumentException if this kernel is a reduction or computes a mask
     */
    public ScanKernel scan(Scan s) {
        return new ScanKernel(this, s);
    }

    /**
     * {@code r(f(value))} over this kernel's inputs, {@code value} a node of this kernel's body: the
     * reduction run again over rescaled values ({@link RangeRescue}).
     */
    Kernel rebuilt(Node value, java.util.function.UnaryOperator<Expr> f, Reduction r) {
        return KernelBuilder.fromExpr(names, ir.inputs(), f.apply(new Expr(value, false, names))).reduce(r);
    }

    /**
     * Rebuilds a kernel from its IR (as shipped to another JVM), verifying it first.
     *
     *
     * @param names one name per input, used in messages and {@link #toString()}
     * @param ir the IR
     * @param reduction the reduction, for a reduction kernel
     * @param constants the literal values by slot, as {@link #constants()} returns them
     * @return the kernel
     * @throws IllegalArgumentException if the IR does not verify or the constants do not match its slots
     */
    public static Kernel fromIR(KernelIR ir, List<String> names, Optional<Reduction> reduction, long[] constants) {
        return KernelBuilder.fromIR(ir, names, reduction, constants);
    }

    // ---- description --------------------------------------------------------------------------

    /**
     * The verified IR of this kernel, which backends compile.
     *
     * @return the IR
     */
    public KernelIR ir() {
        return ir;
    }

    /**
     * The number of inputs.
     *
     * @return the number of inputs
     */
    public int arity() {
        return ir.arity();
    }

    /**
     * The element type of each input, in order.
     *
     * @return the input types
     */
    public List<DType> inputTypes() {
        return ir.inputs();
    }

    /**
     * The name of each input, in order, as used in messages and {@link #toString()}.
     *
     * @return the input names
     */
    public List<String> inputNames() {
        return names;
    }

    /**
     * The inputs in this kernel's order, given by name, for any run method:
     * {@code k.floats(k.inputsByName(Map.of("x", xs, "y", ys)))} runs {@code Kernel.parse("y - x", F32)}
     * as {@code ys - xs} whatever the order of first appearance.
     *
     * @param values each input's array, slice, segment, device array or number, by input name
     * @return the values in input order
     * @throws IllegalArgumentException if a name is not an input of this kernel, or an input has no value
     */
    public Object[] inputsByName(Map<String, ?> values) {
        return CallBinder.byName(this, values);
    }

    /**
     * The reduction, for reduction kernels.
     *
     * @return the reduction, or empty for a map
     */
    public Optional<Reduction> reduction() {
        return reduction;
    }

    /**
     * Whether this kernel reduces to one value (rather than mapping elementwise).
     *
     * @return true for a reduction kernel
     */
    public boolean isReduction() {
        return reduction.isPresent();
    }

    /**
     * The type of the result: the element type of a map's output, or of a reduction's value
     * (I64 for argmin, argmax and count; F64 for mean, variance and std; BOOL for any and all).
     *
     * @return the result type
     */
    public DType resultType() {
        return resultType;
    }

    /**
     * The literal values, by slot.
     *
     * @return a copy of the literal values, as raw bits by slot
     */
    public long[] constants() {
        return constants.clone();
    }

    StateLayout stateLayout() {
        return stateLayout;
    }

    long[] constantsShared() {
        return constants;
    }

    /**
     * The cache key of the compiled code: kernels that differ only in literal values share it.
     *
     * @return the shape key
     */
    public String shapeKey() {
        return shapeKey;
    }

    boolean mayThrow() {
        return mayThrow;
    }

    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            t = Printer.print(ir.body(), names);
            if (reduction.isPresent()) {
                t = reduction.get() + "(" + t + ")";
            }
            text = t;
        }
        return t;
    }

    // ---- compiled plans -----------------------------------------------------------------------

    /** {@code runtime}'s direct path for generic calls of this kernel with whole arrays, or {@code null}. */
    HandleDirect generic(Flynn runtime) {
        HandleDirect d = generic;
        if (d != null ? d.belongsTo(runtime) : genericOwner == runtime) {
            return d;
        }
        d = HandleDirect.generic(this, runtime, runtime.forcedBackend()).orElse(null);
        generic = d;
        genericOwner = runtime;
        return d;
    }

    Object plan(BackendProvider backend, long bindings, dev.flynn.spi.Call call, Binding output) {
        return plans.get(this, backend, bindings, call, output);
    }

    // ---- running on the global runtime ------------------------------------------------------

    /**
     * Binds this kernel to the one method of {@code shape} on the global runtime: see {@link Flynn#bind}.
     *
     * @param shape a public interface with one abstract method, such as {@link Handles.FloatReduce2}
     * @param <T> the interface
     * @return an implementation that runs this kernel
     * @throws IllegalArgumentException if the method's parameters or result do not fit this kernel
     */
    public <T> T bind(Class<T> shape) {
        return Flynn.global().bind(this, shape);
    }

    /**
     * Runs this map into {@code out} (an array, {@link Slice} or {@code MemorySegment}; may be an input).
     *
     * @param out the output: an array, {@link Slice} or {@code MemorySegment} of the result type; may be an input
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @throws IllegalArgumentException if the lengths or element types do not match the kernel
     * @throws BackendUnavailableException if the forced backend cannot run
     */
    public void into(Object out, Object... inputs) {
        Flynn.global().into(this, out, inputs);
    }

    /**
     * {@link #into(Object, Object...)} for one input, without a varargs array.
     *
     * @param out the output: an array, {@link Slice} or {@code MemorySegment} of the result type; may be an input
     * @param a the only input: an array, {@link Slice}, {@code MemorySegment}, {@link DeviceArray} or number
     */
    public void into(Object out, Object a) {
        Flynn.global().into(this, out, a);
    }

    /**
     * {@link #into(Object, Object...)} for two inputs, without a varargs array.
     *
     * @param out the output: an array, {@link Slice} or {@code MemorySegment} of the result type; may be an input
     * @param a the first input
     * @param b the second input
     */
    public void into(Object out, Object a, Object b) {
        Flynn.global().into(this, out, a, b);
    }

    /**
     * {@link #into(Object, Object...)} for three inputs, without a varargs array.
     *
     * @param out the output: an array, {@link Slice} or {@code MemorySegment} of the result type; may be an input
     * @param a the first input
     * @param b the second input
     * @param c the third input
     */
    public void into(Object out, Object a, Object b, Object c) {
        Flynn.global().into(this, out, a, b, c);
    }

    /**
     * Runs this map into a new array of the result type ({@code float[]} for F32, ...).
     *
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @return a new array of the result type
     * @throws IllegalArgumentException if the lengths or element types do not match the kernel
     * @throws BackendUnavailableException if the forced backend cannot run
     */
    public Object apply(Object... inputs) {
        return Flynn.global().apply(this, inputs);
    }

    /**
     * Runs this F32 map into a new {@code float[]}: {@code saxpy.floats(x, y)}.
     *
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @return the results
     * @throws IllegalArgumentException if the result type is not F32, or the inputs do not match
     */
    public float[] floats(Object... inputs) {
        return Flynn.global().floats(this, inputs);
    }

    /**
     * Runs this F64 map into a new {@code double[]}.
     *
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @return the results
     * @throws IllegalArgumentException if the result type is not F64, or the inputs do not match
     */
    public double[] doubles(Object... inputs) {
        return Flynn.global().doubles(this, inputs);
    }

    /**
     * Runs this I32 map into a new {@code int[]}.
     *
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @return the results
     * @throws IllegalArgumentException if the result type is not I32, or the inputs do not match
     */
    public int[] ints(Object... inputs) {
        return Flynn.global().ints(this, inputs);
    }

    /**
     * Runs this I64 map into a new {@code long[]}.
     *
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @return the results
     * @throws IllegalArgumentException if the result type is not I64, or the inputs do not match
     */
    public long[] longs(Object... inputs) {
        return Flynn.global().longs(this, inputs);
    }

    /**
     * Runs this reduction; the value as a double (exact for F32, F64 and I32 results).
     *
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @return the reduced value
     * @throws IllegalArgumentException if the lengths or element types do not match the kernel
     * @throws BackendUnavailableException if the forced backend cannot run
     */
    public double reduceDouble(Object... inputs) {
        return Flynn.global().reduceDouble(this, inputs);
    }

    /**
     * {@link #reduceDouble(Object...)} for one input, without a varargs array.
     *
     * @param a the only input: an array, {@link Slice}, {@code MemorySegment}, {@link DeviceArray} or number
     * @return the reduced value
     */
    public double reduceDouble(Object a) {
        return Flynn.global().reduceDouble(this, a);
    }

    /**
     * {@link #reduceDouble(Object...)} for two inputs, without a varargs array.
     *
     * @param a the first input
     * @param b the second input
     * @return the reduced value
     */
    public double reduceDouble(Object a, Object b) {
        return Flynn.global().reduceDouble(this, a, b);
    }

    /**
     * {@link #reduceLong(Object...)} for one input, without a varargs array.
     *
     * @param a the only input: an array, {@link Slice}, {@code MemorySegment}, {@link DeviceArray} or number
     * @return the reduced value
     */
    public long reduceLong(Object a) {
        return Flynn.global().reduceLong(this, a);
    }

    /**
     * Runs this reduction with an integer result (argmin, argmax, count, sums of integers, ...).
     *
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @return the reduced value
     * @throws IllegalArgumentException if the result type is not an integer type
     */
    public long reduceLong(Object... inputs) {
        return Flynn.global().reduceLong(this, inputs);
    }

    /**
     * Runs an any/all reduction.
     *
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @return the value of the any or all reduction
     */
    public boolean reduceBoolean(Object... inputs) {
        return Flynn.global().reduceBoolean(this, inputs);
    }

    /**
     * Runs this reduction; the value boxed in its own type (Float, Double, Integer, Long or Boolean).
     *
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @return the reduced value, boxed
     */
    public Object reduce(Object... inputs) {
        return Flynn.global().reduce(this, inputs);
    }

    /**
     * Reduces along one axis of n-D inputs on the global runtime: see {@link Flynn#reduceAxis}.
     *
     * @param axis the axis to reduce, 0 for the outermost
     * @param inputs {@link NdView}s, 1-D storage or numbers that broadcast to one shape
     * @return the results, a row-major view of a new array of the remaining shape
     */
    public NdView reduceAxis(int axis, Object... inputs) {
        return Flynn.global().reduceAxis(this, axis, inputs);
    }

    /**
     * Reduces along one axis of n-D inputs into {@code out} on the global runtime: see {@link Flynn#reduceAxisInto}.
     *
     * @param axis the axis to reduce, 0 for the outermost
     * @param out the output, of the remaining shape
     * @param inputs {@link NdView}s, 1-D storage or numbers that broadcast to one shape
     */
    public void reduceAxisInto(int axis, Object out, Object... inputs) {
        Flynn.global().reduceAxisInto(this, axis, out, inputs);
    }
}
