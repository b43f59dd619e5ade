package dev.flynn;

import dev.flynn.spi.BackendProvider;
import dev.flynn.spi.Call;
import dev.flynn.spi.Partial;
import dev.flynn.spi.State;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runtime: which backend runs kernels and on how many threads. {@link #global()} is configured
 * by the system properties {@code flynn.backend} (auto, scalar, simd, gpu, c) and
 * {@code flynn.threads}; other instances come from {@link #builder()}:
 * <pre>{@code
 * try (Flynn simd = Flynn.builder().backend(Backend.SIMD).threads(2).build()) {
 *     simd.into(kernel, out, x, y);
 * }
 * }</pre>
 */
public final class Flynn implements AutoCloseable {
    private static volatile Flynn global;

    private final Backend backend;
    private final int threads;
    private volatile ForkJoinPool pool;
    /** The provider of a forced backend, once found available. */
    private volatile BackendProvider forced;
    /** This runtime on one thread, for the per-line calls of n-D work that runs lines in parallel. */
    private volatile Flynn serial;

    private Flynn(Backend backend, int threads) {
        this.backend = backend;
        this.threads = threads;
    }

    /**
     * The process-wide runtime, configured from {@code flynn.backend} and {@code flynn.threads}.
     *
     * @return the runtime that {@code Kernel}'s own run methods use
     */
    public static Flynn global() {
        Flynn g = global;
        if (g == null) {
            synchronized (Flynn.class) {
                g = global;
                if (g == null) {
                    Backend b = Backend.of(System.getProperty("flynn.backend", "auto"));
                    int t = Integer.getInteger("flynn.threads", Runtime.getRuntime().availableProcessors());
                    g = global = new Flynn(b, Math.max(1, t));
                }
            }
        }
        return g;
    }

    /**
     * Starts configuring a runtime of its own backend and thread count:
     * {@code try (Flynn f = Flynn.builder().backend(Backend.SIMD).threads(4).build()) { ... }}.
     *
     * @return a builder with AUTO and all cores
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a runtime. */
    public static final class Builder {
        private Backend backend = Backend.AUTO;
        private int threads = Runtime.getRuntime().availableProcessors();

        private Builder() {
        }

        /**
         * The backend to run on (default {@link Backend#AUTO}); a forced backend that cannot run throws
         * {@link BackendUnavailableException} when a kernel runs.
         *
         * @param backend the backend
         * @return this builder
         */
        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /**
         * Threads for CPU backends (default: all cores). Results do not depend on it.
         *
         * @param threads at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code threads} is less than 1
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Creates the runtime; close it to stop its threads.
         *
         * @return a new runtime
         */
        public Flynn build() {
            return new Flynn(backend, threads);
        }
    }

    /**
     * The backend this runtime runs on.
     *
     * @return the backend, {@link Backend#AUTO} unless one was forced
     */
    public Backend backend() {
        return backend;
    }

    /**
     * The number of threads CPU backends split a call over.
     *
     * @return the thread count
     */
    public int threads() {
        return threads;
    }

    /**
     * Every backend found on the class or module path, with its availability.
     *
     * @return one entry per backend, in AUTO's order of preference
     */
    public static List<BackendInfo> backends() {
        return BackendRegistry.backends();
    }

    /**
     * The provider named {@code name}, for tools that drive a backend directly.
     *
     * @param name a backend name: {@code scalar}, {@code simd}, {@code gpu}, {@code c}
     * @return the provider, or empty if none of that name is present
     */
    public static java.util.Optional<BackendProvider> provider(String name) {
        return BackendRegistry.provider(name);
    }

    /**
     * The name of the backend that ran this thread's most recent call, if any.
     *
     * @return the backend's name, such as {@code "simd"}, or empty if this thread ran no kernel yet
     */
    public static java.util.Optional<String> lastBackend() {
        return java.util.Optional.ofNullable(CallBinder.lastBackend());
    }

    /**
     * How this thread's most recent {@link #reduceAxis}/{@link #reduceAxisInto} ran: {@code "columns"}
     * where strided lines (a matrix's columns) were reduced together row by row, {@code "lines"} where
     * each line was one 1-D call. The results are the same bits either way; this says which cost was paid.
     *
     * @return the path, or empty if this thread reduced along no axis yet
     */
    public static java.util.Optional<String> lastAxisPath() {
        return java.util.Optional.ofNullable(CallBinder.lastAxisPath());
    }

    @Override
    public void close() {
        ForkJoinPool p = pool;
        if (p != null && this != global) {
            p.shutdown();
        }
    }

    /**
     * Binds a kernel, once, to the one method of an interface, for calls in a hot loop: the types are
     * checked now, and a call checks only lengths, bounds and overlap before entering the compiled loop.
     * A map's method takes the output first and returns {@code void}; a reduction's returns the
     * primitive of its result type. Operands are arrays of the element type, slices as
     * {@code (array, int offset)} pairs ending with an {@code int length}, {@code MemorySegment}s,
     * {@link DeviceArray}s, or primitives that broadcast. {@link Handles} has the common shapes.
     * <pre>{@code
     * public interface Dot { float apply(float[] a, float[] b); }
     * Dot dot = flynn.bind(Kernel.dot(DType.F32), Dot.class);
     * float d = dot.apply(a, b);
     * }</pre>
     *
     * @param kernel the kernel
     * @param shape a public interface with one abstract method
     * @param <T> the interface
     * @return an implementation of {@code shape} that runs {@code kernel} on this runtime
     * @throws IllegalArgumentException if the method's parameters or result do not fit the kernel, naming the mismatch
     * @throws BackendUnavailableException if this runtime's forced backend cannot run
     */
    public <T> T bind(Kernel kernel, Class<T> shape) {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(shape, "shape");
        return HandleCompiler.implement(shape, new BoundKernel(this, kernel, HandleSignature.of(shape, kernel)));
    }

    /** The forced backend, or {@code null} under AUTO or where it cannot run (the general path then says why). */
    BackendProvider forcedBackend() {
        if (backend == Backend.AUTO) {
            return null;
        }
        try {
            return BackendRegistry.forced(backend);
        } catch (BackendUnavailableException e) {
            return null;
        }
    }

    /** The backend a handle runs on: the forced one, or AUTO's choice for host or device memory. */
    BackendProvider handleBackend(boolean device) {
        return backend != Backend.AUTO ? BackendRegistry.forced(backend) : BackendRegistry.autoForHandle(device);
    }

    // ---- maps --------------------------------------------------------------------------------

    /**
     * Runs a map kernel into {@code out}: an array, {@link Slice} or {@code MemorySegment} of the result type.
     * With an {@link NdView} among the output and inputs the call is n-dimensional: 1-D operands count as
     * views of shape {@code [n]}, the inputs broadcast to the output's shape by NumPy's rules, and each
     * line of the output is one 1-D call on this runtime's backend (see docs/SEMANTICS.md, "Views and
     * broadcasting"):
     * <pre>{@code flynn.into(add, NdView.of(out, 3, 4), NdView.of(m, 3, 4), NdView.of(row, 1, 4));}</pre>
     *
     * @param kernel the kernel to run
     * @param out the output: an array, {@link Slice} or {@code MemorySegment} of the result type; may be an input
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @throws IllegalArgumentException if the lengths or element types do not match the kernel
     * @throws BackendUnavailableException if this runtime's forced backend cannot run
     */
    public void into(Kernel kernel, Object out, Object... inputs) {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(inputs, "inputs");
        requireMap(kernel);
        if (NdMaps.involved(out, inputs, inputs.length)) {
            NdMaps.into(this, kernel, out, inputs, inputs.length);
            return;
        }
        CallBinder.Scratch s = CallBinder.acquire();
        try {
            CallBinder.map(this, kernel, out, inputs, inputs.length, s);
        } finally {
            CallBinder.release(s);
        }
    }

    /**
     * {@link #into(Kernel, Object, Object...)} for one input, without a varargs array.
     *
     * @param kernel the kernel to run
     * @param out the output: an array, {@link Slice} or {@code MemorySegment} of the result type; may be an input
     * @param a the only input: an array, {@link Slice}, {@code MemorySegment}, {@link DeviceArray} or number
     */
    public void into(Kernel kernel, Object out, Object a) {
        intoFixed(kernel, out, 1, a, null, null);
    }

    /**
     * {@link #into(Kernel, Object, Object...)} for two inputs, without a varargs array.
     *
     * @param kernel the kernel to run
     * @param out the output: an array, {@link Slice} or {@code MemorySegment} of the result type; may be an input
     * @param a the first input
     * @param b the second input
     */
    public void into(Kernel kernel, Object out, Object a, Object b) {
        intoFixed(kernel, out, 2, a, b, null);
    }

    /**
     * {@link #into(Kernel, Object, Object...)} for three inputs, without a varargs array.
     *
     * @param kernel the kernel to run
     * @param out the output: an array, {@link Slice} or {@code MemorySegment} of the result type; may be an input
     * @param a the first input
     * @param b the second input
     * @param c the third input
     */
    public void into(Kernel kernel, Object out, Object a, Object b, Object c) {
        intoFixed(kernel, out, 3, a, b, c);
    }

    private void intoFixed(Kernel kernel, Object out, int count, Object a, Object b, Object c) {
        HandleDirect d = kernel == null || out == null || kernel.isReduction() ? null : kernel.generic(this);
        if (d != null) {
            int n = d.length(out, a, b, c, count);
            if (n > 0) {
                d.map(out, a, b, c, n);
                return;
            }
        }
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(out, "out");
        requireMap(kernel);
        if (out instanceof NdView || a instanceof NdView || b instanceof NdView || c instanceof NdView) {
            NdMaps.into(this, kernel, out, new Object[] {a, b, c}, count);
            return;
        }
        CallBinder.Scratch s = CallBinder.acquire();
        try {
            CallBinder.map(this, kernel, out, s.inputs(a, b, c), count, s);
        } finally {
            CallBinder.release(s);
        }
    }

    /**
     * Runs a map kernel into a new array of its result type.
     *
     * @param kernel the kernel to run
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @return a new array of the result type ({@code float[]} for F32, ...); with an {@link NdView} input, a
     *     row-major view of a new array of the inputs' broadcast shape
     * @throws IllegalArgumentException if the lengths or element types do not match the kernel
     * @throws BackendUnavailableException if this runtime's forced backend cannot run
     */
    public Object apply(Kernel kernel, Object... inputs) {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(inputs, "inputs");
        requireMap(kernel);
        if (NdMaps.involved(null, inputs, inputs.length)) {
            return NdMaps.apply(this, kernel, inputs, inputs.length);
        }
        CallBinder.Scratch s = CallBinder.acquire();
        try {
            Object out = newOutput(kernel, inputs, s);
            CallBinder.map(this, kernel, out, inputs, inputs.length, s);
            return out;
        } finally {
            CallBinder.release(s);
        }
    }

    /**
     * Runs a scan into {@code out} on this runtime: the map's values folded in {@link dev.flynn.ir.ScanOp}'s
     * block order, the same bits on every backend and for any thread count. Along an axis
     * ({@link ScanKernel#along}) of {@link NdView}s, each line is the 1-D scan of its values.
     *
     * @param kernel the scan
     * @param out an array, {@link Slice}, {@code MemorySegment} or {@link DeviceArray} of the result type;
     *            may be an input (in place)
     * @param inputs the map's inputs: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
     *               numbers, which broadcast
     * @throws IllegalArgumentException if the lengths or element types do not match the kernel
     * @throws BackendUnavailableException if this runtime's forced backend cannot run
     */
    public void into(ScanKernel kernel, Object out, Object... inputs) {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(inputs, "inputs");
        if (kernel.axis().isPresent() || NdMaps.involved(out, inputs, inputs.length)) {
            NdScans.into(this, kernel, out, inputs);
            return;
        }
        CallBinder.Scratch s = CallBinder.acquire();
        try {
            CallBinder.scan(this, kernel, out, inputs, s);
        } finally {
            CallBinder.release(s);
        }
    }

    /**
     * Runs a scan into a new array of its result type.
     *
     * @param kernel the scan
     * @param inputs the map's inputs
     * @return a new array of the result type ({@code float[]} for F32, ...); along an axis, a new
     *         row-major {@link NdView} of the inputs' broadcast shape
     * @throws IllegalArgumentException if the lengths or element types do not match the kernel
     */
    public Object apply(ScanKernel kernel, Object... inputs) {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(inputs, "inputs");
        if (kernel.axis().isPresent() || NdMaps.involved(null, inputs, inputs.length)) {
            return NdScans.apply(this, kernel, inputs);
        }
        CallBinder.Scratch s = CallBinder.acquire();
        try {
            Object out = newOutput(kernel.map(), inputs, s);
            CallBinder.scan(this, kernel, out, inputs, s);
            return out;
        } finally {
            CallBinder.release(s);
        }
    }

    /**
     * Runs an F32 map kernel into a new {@code float[]}.
     *
     * @param kernel the kernel to run
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @return the results
     * @throws IllegalArgumentException if the result type is not F32, or the inputs do not match
     */
    public float[] floats(Kernel kernel, Object... inputs) {
        return (float[]) typed(kernel, DType.F32, inputs);
    }

    /**
     * Runs an F64 map kernel into a new {@code double[]}.
     *
     * @param kernel the kernel to run
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @return the results
     * @throws IllegalArgumentException if the result type is not F64, or the inputs do not match
     */
    public double[] doubles(Kernel kernel, Object... inputs) {
        return (double[]) typed(kernel, DType.F64, inputs);
    }

    /**
     * Runs an I32 map kernel into a new {@code int[]}.
     *
     * @param kernel the kernel to run
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @return the results
     * @throws IllegalArgumentException if the result type is not I32, or the inputs do not match
     */
    public int[] ints(Kernel kernel, Object... inputs) {
        return (int[]) typed(kernel, DType.I32, inputs);
    }

    /**
     * Runs an I64 map kernel into a new {@code long[]}.
     *
     * @param kernel the kernel to run
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @return the results
     * @throws IllegalArgumentException if the result type is not I64, or the inputs do not match
     */
    public long[] longs(Kernel kernel, Object... inputs) {
        return (long[]) typed(kernel, DType.I64, inputs);
    }

    /** A new array as long as the inputs, checked first. */
    private static Object newOutput(Kernel kernel, Object[] inputs, CallBinder.Scratch s) {
        long n = CallBinder.bindInputs(kernel, inputs, inputs.length, s.call, s);
        if (n < 0) {
            throw new IllegalArgumentException("kernel " + kernel + " was given only scalars; give at least one array"
                    + " so the output length is known");
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(n + " elements do not fit a Java array; use into() with a MemorySegment");
        }
        return java.lang.reflect.Array.newInstance(kernel.resultType().javaType(), (int) n);
    }

    private Object typed(Kernel kernel, DType want, Object[] inputs) {
        Objects.requireNonNull(kernel, "kernel");
        if (kernel.resultType() != want) {
            throw new IllegalArgumentException("kernel " + kernel + " produces " + kernel.resultType() + ", not " + want);
        }
        Object out = apply(kernel, inputs);
        // n-D inputs give a row-major view of a new array: the typed forms return that array
        return out instanceof NdView v ? v.storage() : out;
    }

    private static void requireMap(Kernel kernel) {
        if (kernel.isReduction()) {
            throw new IllegalArgumentException("kernel " + kernel + " is a reduction; call reduceDouble/reduceLong/reduce");
        }
        if (kernel.resultType() == DType.BOOL) {
            throw new IllegalArgumentException("kernel " + kernel + " computes a mask, which is not stored: use"
                    + " select(mask, 1, 0) or .toI32() for numbers, or reduce it with count(), any() or all()");
        }
    }

    // ---- reductions ----------------------------------------------------------------------------

    /**
     * Runs a reduction; its value as a double.
     *
     * @param kernel the reduction kernel
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @return the reduced value (exact for F32, F64 and I32 results)
     * @throws IllegalArgumentException if the lengths or element types do not match the kernel
     * @throws BackendUnavailableException if this runtime's forced backend cannot run
     */
    public double reduceDouble(Kernel kernel, Object... inputs) {
        return ReduceCalls.reduceDouble(this, kernel, inputs);
    }

    /**
     * {@link #reduceDouble(Kernel, Object...)} for one input, without a varargs array.
     *
     * @param kernel the reduction kernel
     * @param a the only input: an array, {@link Slice}, {@code MemorySegment}, {@link DeviceArray} or number
     * @return the reduced value
     */
    public double reduceDouble(Kernel kernel, Object a) {
        return ReduceCalls.reduceDouble(this, kernel, 1, a, null);
    }

    /**
     * {@link #reduceDouble(Kernel, Object...)} for two inputs (a dot product, say), without a varargs array.
     *
     * @param kernel the reduction kernel
     * @param a the first input
     * @param b the second input
     * @return the reduced value
     */
    public double reduceDouble(Kernel kernel, Object a, Object b) {
        return ReduceCalls.reduceDouble(this, kernel, 2, a, b);
    }

    /**
     * {@link #reduceLong(Kernel, Object...)} for one input, without a varargs array.
     *
     * @param kernel the reduction kernel
     * @param a the only input: an array, {@link Slice}, {@code MemorySegment}, {@link DeviceArray} or number
     * @return the reduced value
     */
    public long reduceLong(Kernel kernel, Object a) {
        CallBinder.Scratch s = CallBinder.acquire();
        try {
            Partial p = ReduceCalls.reduceRaw(this, kernel, s.inputs(a, null, null), 1, s);
            return ReductionFinish.longChecked(kernel, p);
        } finally {
            CallBinder.release(s);
        }
    }

    /**
     * Runs a reduction with an integer result.
     *
     * @param kernel the reduction kernel, of an integer result type
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @return the reduced value
     * @throws IllegalArgumentException if the result type is not an integer type
     */
    public long reduceLong(Kernel kernel, Object... inputs) {
        CallBinder.Scratch s = CallBinder.acquire();
        try {
            return ReductionFinish.longChecked(kernel, ReduceCalls.reduceRaw(this, kernel, inputs, inputs.length, s));
        } finally {
            CallBinder.release(s);
        }
    }

    /**
     * Runs an any/all reduction.
     *
     * @param kernel an any or all reduction kernel
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @return the reduced value
     */
    public boolean reduceBoolean(Kernel kernel, Object... inputs) {
        CallBinder.Scratch s = CallBinder.acquire();
        try {
            Partial p = ReduceCalls.reduceRaw(this, kernel, inputs, inputs.length, s);
            return ReductionFinish.booleanChecked(kernel, p, s.call.n());
        } finally {
            CallBinder.release(s);
        }
    }

    /**
     * Runs a reduction; the value boxed in its own type (Float, Double, Integer, Long or Boolean).
     *
     * @param kernel the reduction kernel
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @return the reduced value, boxed
     */
    public Object reduce(Kernel kernel, Object... inputs) {
        Objects.requireNonNull(kernel, "kernel");
        return switch (kernel.resultType()) {
            case F32 -> (float) reduceDouble(kernel, inputs);
            case F64 -> reduceDouble(kernel, inputs);
            case I32 -> (int) reduceLong(kernel, inputs);
            case I64 -> reduceLong(kernel, inputs);
            case BOOL -> reduceBoolean(kernel, inputs);
        };
    }

    /**
     * Reduces along one axis of n-D inputs: each line along {@code axis} (a row for axis 1 of a matrix,
     * a column for axis 0) is reduced by the kernel, fused with its map, and the results form a new
     * row-major array of the inputs' broadcast shape without that axis. Each line's result is bitwise what
     * {@link #reduce} gives for that line's elements, whatever the thread count. Results of {@code any}
     * and {@code all} are stored as I32 1 or 0.
     * <pre>{@code NdView rowSums = flynn.reduceAxis(Kernel.parse("x", DType.F32).reduce(Reduction.sum()), 1, NdView.of(m, rows, cols));}</pre>
     *
     * @param kernel the reduction kernel
     * @param axis the axis to reduce, 0 for the outermost
     * @param inputs the inputs: {@link NdView}s and 1-D storage (a view of shape {@code [n]}) that broadcast
     *     to one shape by NumPy's rules, or numbers
     * @return a row-major view of the results over a new array of the stored result type
     * @throws IllegalArgumentException if the shapes do not broadcast, the axis does not exist, or the
     *     types do not match the kernel; before anything is computed
     */
    public NdView reduceAxis(Kernel kernel, int axis, Object... inputs) {
        return NdReduce.along(this, kernel, axis, null, inputs);
    }

    /**
     * {@link #reduceAxis(Kernel, int, Object...)} into a caller's output: an {@link NdView}, or 1-D storage
     * (a view of shape {@code [n]}), of the inputs' broadcast shape without {@code axis}, holding the
     * stored result type (the kernel's result type; I32 for {@code any} and {@code all}). Nothing is
     * written unless every line succeeds.
     *
     * @param kernel the reduction kernel
     * @param axis the axis to reduce, 0 for the outermost
     * @param out the output, which must not share memory with an input
     * @param inputs the inputs: {@link NdView}s, 1-D storage or numbers
     * @throws IllegalArgumentException if the output's shape or type does not fit, it shares memory with an
     *     input, the shapes do not broadcast, or the axis does not exist
     */
    public void reduceAxisInto(Kernel kernel, int axis, Object out, Object... inputs) {
        java.util.Objects.requireNonNull(out, "out");
        NdReduce.along(this, kernel, axis, out, inputs);
    }

    /**
     * Runs a reduction over one piece of a larger whole (a file, a partition, a range reduced on another
     * machine) and returns its unfinished state: {@link #merge} the states of neighbouring pieces in
     * index order, then {@link #finish} gives the value one reduction over the whole would. An empty
     * piece gives the empty state, which merges as nothing. Argmin and argmax indices count from the
     * start of this piece; merging shifts them.
     *
     * @param kernel the reduction kernel
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @return the state of the piece
     * @throws IllegalArgumentException if the lengths or element types do not match the kernel
     */
    public ReductionState reducePartial(Kernel kernel, Object... inputs) {
        return ReduceCalls.reducePartial(this, kernel, inputs);
    }

    /**
     * The state of two neighbouring pieces: {@code lower} covers the elements just before those of
     * {@code higher}. Merging is associative: any grouping of consecutive pieces gives the same state
     * (bitwise for min, max, argmin, argmax, integer sums and products; floating sums and moments round
     * as the backends' own block merges do). A custom reduction's combine runs on this runtime.
     *
     * @param lower the state of the lower indices
     * @param higher the state of the higher indices
     * @return the state of both
     * @throws IllegalArgumentException if the states are of different kernels
     */
    public ReductionState merge(ReductionState lower, ReductionState higher) {
        return StateMerge.merge(this, lower, higher);
    }

    /**
     * The value of a reduction from the merged state of all its pieces, boxed in its own type (Float,
     * Double, Integer, Long or Boolean): what {@link #reduce(Kernel, Object...)} over the whole returns.
     * The empty state finishes as a reduction over no elements does (0 for a sum, NaN for a mean, an
     * error for min, max, argmin and argmax).
     *
     * @param state the merged state
     * @return the value, boxed
     * @throws IllegalArgumentException if the reduction of no elements is undefined
     */
    public static Object finish(ReductionState state) {
        Objects.requireNonNull(state, "state");
        Kernel kernel = state.kernel();
        State s = state.isEmpty() ? ReductionFinish.emptyState(kernel) : state.state();
        return kernel.reduction().orElseThrow().finish(s, state.count());
    }

    // ---- backend selection and threads -----------------------------------------------------------

    BackendProvider select(Kernel kernel, Call call, long n, Object out) {
        if (backend != Backend.AUTO) {
            BackendProvider p = forced;
            if (p == null) {
                p = forced = BackendRegistry.forced(backend);
            }
            return p;
        }
        return BackendRegistry.auto(kernel, call, n, out, threads);
    }

    /** This runtime's backend on the calling thread only: n-D work runs its lines in parallel instead. */
    Flynn serial() {
        if (threads == 1) {
            return this;
        }
        Flynn s = serial;
        if (s == null) {
            s = serial = new Flynn(backend, 1);
        }
        return s;
    }

    ForkJoinPool pool() {
        if (threads <= 1) {
            return null;
        }
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (this) {
                p = pool;
                if (p == null) {
                    AtomicInteger count = new AtomicInteger();
                    p = pool = new ForkJoinPool(threads, fj -> {
                        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(fj);
                        t.setName("flynn-worker-" + count.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    }, null, false);
                }
            }
        }
        return p;
    }
}
