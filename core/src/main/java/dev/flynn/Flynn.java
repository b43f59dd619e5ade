package dev.flynn;

import dev.flynn.ir.KernelIR;
import dev.flynn.spi.Availability;
import dev.flynn.spi.BackendProvider;
import dev.flynn.spi.Binding;
import dev.flynn.spi.Call;
import dev.flynn.spi.Partial;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    private static final System.Logger LOG = System.getLogger("dev.flynn");
    private static final List<Provider> PROVIDERS = discover();
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    private static volatile Flynn global;
    /** A thread that is not the caller, to ask whether a segment may be used by pool workers. */
    private static final Thread OTHER_THREAD = Thread.ofPlatform().unstarted(() -> { });

    private final Backend backend;
    private final int threads;
    private volatile ForkJoinPool pool;
    /** The provider of a forced backend, once found available. */
    private volatile Provider forced;

    /** One discovered backend with its availability, probed once on first use. */
    private static final class Provider {
        final BackendProvider impl;
        private volatile Availability availability;

        Provider(BackendProvider impl) {
            this.impl = impl;
        }

        Availability availability() {
            Availability a = availability;
            if (a == null) {
                synchronized (this) {
                    a = availability;
                    if (a == null) {
                        try {
                            a = Objects.requireNonNull(impl.probe(), "probe");
                        } catch (RuntimeException | LinkageError e) {
                            a = Availability.unavailable("its probe failed: " + e, "report this as a bug");
                        }
                        availability = a;
                    }
                }
            }
            return a;
        }
    }

    /** Per-thread objects reused by every call, so a steady-state call allocates nothing. */
    private static final class Scratch {
        final Call call = new Call();
        final Partial partial = new Partial();
        long[] args = new long[8];
        long[] scalars = new long[4];
        final Object[] fixed = new Object[3];
        /** The thread's own scratch, which records the last backend even for a re-entrant call. */
        final Scratch owner;
        String last;
        boolean busy;

        Scratch() {
            owner = this;
        }

        Scratch(Scratch owner) {
            this.owner = owner;
        }

        Object[] inputs(Object a, Object b, Object c) {
            fixed[0] = a;
            fixed[1] = b;
            fixed[2] = c;
            return fixed;
        }

        void scalarBits(int input, long bits) {
            if (scalars.length <= input) {
                scalars = java.util.Arrays.copyOf(scalars, input + 4);
            }
            scalars[input] = bits;
        }
    }

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
        List<BackendInfo> out = new ArrayList<>();
        for (Provider p : PROVIDERS) {
            Availability a = p.availability();
            out.add(new BackendInfo(p.impl.name(), p.impl.priority(), a.available(), a.reason(), a.fix()));
        }
        return out;
    }

    /**
     * The provider named {@code name}, for tools that drive a backend directly.
     *
     * @param name a backend name: {@code scalar}, {@code simd}, {@code gpu}, {@code c}
     * @return the provider, or empty if none of that name is present
     */
    public static java.util.Optional<BackendProvider> provider(String name) {
        return PROVIDERS.stream().filter(p -> p.impl.name().equals(name)).map(p -> p.impl).findFirst();
    }

    /**
     * The name of the backend that ran this thread's most recent call, if any.
     *
     * @return the backend's name, such as {@code "simd"}, or empty if this thread ran no kernel yet
     */
    public static java.util.Optional<String> lastBackend() {
        return java.util.Optional.ofNullable(SCRATCH.get().last);
    }

    @Override
    public void close() {
        ForkJoinPool p = pool;
        if (p != null && this != global) {
            p.shutdown();
        }
    }

    // ---- maps --------------------------------------------------------------------------------

    /**
     * Runs a map kernel into {@code out}: an array, {@link Slice} or {@code MemorySegment} of the result type.
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
        Scratch s = acquire();
        try {
            run(kernel, out, inputs, inputs.length, s);
        } finally {
            release(s);
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
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(out, "out");
        requireMap(kernel);
        Scratch s = acquire();
        try {
            run(kernel, out, s.inputs(a, b, c), count, s);
        } finally {
            release(s);
        }
    }

    /**
     * Runs a map kernel into a new array of its result type.
     *
     * @param kernel the kernel to run
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     * @return a new array of the result type ({@code float[]} for F32, ...)
     * @throws IllegalArgumentException if the lengths or element types do not match the kernel
     * @throws BackendUnavailableException if this runtime's forced backend cannot run
     */
    public Object apply(Kernel kernel, Object... inputs) {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(inputs, "inputs");
        requireMap(kernel);
        Scratch s = acquire();
        try {
            long n = bindInputs(kernel, inputs, inputs.length, s.call, s);
            if (n < 0) {
                throw new IllegalArgumentException("kernel " + kernel + " was given only scalars; give at least one array"
                        + " so the output length is known");
            }
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(n + " elements do not fit a Java array; use into() with a MemorySegment");
            }
            Object out = java.lang.reflect.Array.newInstance(kernel.resultType().javaType(), (int) n);
            run(kernel, out, inputs, inputs.length, s);
            return out;
        } finally {
            release(s);
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

    private Object typed(Kernel kernel, DType want, Object[] inputs) {
        Objects.requireNonNull(kernel, "kernel");
        if (kernel.resultType() != want) {
            throw new IllegalArgumentException("kernel " + kernel + " produces " + kernel.resultType() + ", not " + want);
        }
        return apply(kernel, inputs);
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

    private void run(Kernel kernel, Object out, Object[] inputs, int count, Scratch s) {
        Call call = s.call;
        long n = bindInputs(kernel, inputs, count, call, s);
        DType t = kernel.resultType();
        Object outStore;
        long outOff;
        long outLen;
        Binding outBinding;
        switch (out) {
            case Slice sl -> {
                checkType("output", t, sl.type());
                outStore = sl.array();
                outOff = sl.offset();
                outLen = sl.length();
                outBinding = Binding.ARRAY;
            }
            case DeviceArray d -> {
                checkType("output", t, d.type());
                outStore = d;
                outOff = 0;
                outLen = d.length();
                outBinding = Binding.DEVICE;
            }
            case MemorySegment seg -> {
                if (seg.isReadOnly()) {
                    throw new IllegalArgumentException("the output segment is read-only");
                }
                outStore = seg;
                outOff = 0;
                outLen = segmentLength("output", seg, t);
                outBinding = Binding.SEGMENT;
            }
            default -> {
                DType at = arrayType(out);
                if (at == null) {
                    throw new IllegalArgumentException("output must be a float[], double[], int[], long[], Slice,"
                            + " MemorySegment or DeviceArray, got " + out.getClass().getSimpleName());
                }
                if (at != t) {
                    checkType("output", t, at);
                }
                outStore = out;
                outOff = 0;
                outLen = java.lang.reflect.Array.getLength(out);
                outBinding = Binding.ARRAY;
            }
        }
        if (n < 0) {
            n = outLen;
        } else if (outLen != n) {
            throw new IllegalArgumentException("lengths differ: the output has " + outLen + " elements, the inputs have " + n);
        }
        BackendProvider b = select(kernel, call, n, outStore);
        long codes = bindingCodes(kernel, call, outBinding);
        Object compiled = kernel.plan(b, codes, call, outBinding);
        long[] args = args(kernel, call, s);
        // integer division may throw midway, and an output that partly overlaps an input would be
        // overwritten before it is read: compute such calls into a temporary and copy on success
        int workers = threadsFor(call, outStore);
        boolean temp = n > 0 && (kernel.mayThrow() || overlapsPartly(kernel, call, outStore, outOff, n));
        if (temp) {
            runIntoTemporary(kernel, b, call, compiled, outStore, outOff, outBinding, n, args, workers);
        } else if (n > 0) {
            call.set(kernel.ir(), compiled, outStore, outOff, n, args, workers, workers > 1 ? pool() : null);
            b.map(call);
        }
        s.owner.last = b.name();
    }

    private void runIntoTemporary(Kernel kernel, BackendProvider b, Call call, Object compiled, Object outStore,
                                  long outOff, Binding outBinding, long n, long[] args, int workers) {
        DType t = kernel.resultType();
        if (outBinding == Binding.DEVICE) {
            // device memory is written by its backend; a failed launch leaves no partial host state
            call.set(kernel.ir(), compiled, outStore, outOff, n, args, workers, workers > 1 ? pool() : null);
            b.map(call);
        } else if (outBinding == Binding.ARRAY) {
            Object tmp = java.lang.reflect.Array.newInstance(t.javaType(), (int) n);
            Object tmpCompiled = kernel.plan(b, bindingCodes(kernel, call, Binding.ARRAY), call, Binding.ARRAY);
            call.set(kernel.ir(), tmpCompiled, tmp, 0, n, args, workers, workers > 1 ? pool() : null);
            b.map(call);
            System.arraycopy(tmp, 0, outStore, (int) outOff, (int) n);
        } else {
            try (Arena arena = Arena.ofShared()) {
                MemorySegment tmp = arena.allocate(n * t.byteSize(), t.byteSize());
                call.set(kernel.ir(), compiled, tmp, 0, n, args, workers, workers > 1 ? pool() : null);
                b.map(call);
                MemorySegment.copy(tmp, 0, (MemorySegment) outStore, outOff * t.byteSize(), n * t.byteSize());
            }
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
        Scratch s = acquire();
        long n;
        try {
            Partial p = reduceRaw(kernel, inputs, inputs.length, s);
            n = s.call.n();
            if (!RangeRescue.needed(kernel, p, n)) {
                return finish(kernel, p);
            }
        } finally {
            release(s);
        }
        return RangeRescue.value(kernel, n, k -> reduceUnrescued(k, inputs));
    }

    /** A reduction's value from its first run, even where it left the exponent range: for {@link RangeRescue}. */
    private double reduceUnrescued(Kernel kernel, Object[] inputs) {
        Scratch s = acquire();
        try {
            return finish(kernel, reduceRaw(kernel, inputs, inputs.length, s));
        } finally {
            release(s);
        }
    }

    /**
     * {@link #reduceDouble(Kernel, Object...)} for one input, without a varargs array.
     *
     * @param kernel the reduction kernel
     * @param a the only input: an array, {@link Slice}, {@code MemorySegment}, {@link DeviceArray} or number
     * @return the reduced value
     */
    public double reduceDouble(Kernel kernel, Object a) {
        return reduceDoubleFixed(kernel, 1, a, null);
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
        return reduceDoubleFixed(kernel, 2, a, b);
    }

    private double reduceDoubleFixed(Kernel kernel, int count, Object a, Object b) {
        Scratch s = acquire();
        long n;
        try {
            Partial p = reduceRaw(kernel, s.inputs(a, b, null), count, s);
            n = s.call.n();
            if (!RangeRescue.needed(kernel, p, n)) {
                return finish(kernel, p);
            }
        } finally {
            release(s);
        }
        Object[] inputs = count == 1 ? new Object[] {a} : new Object[] {a, b};
        return RangeRescue.value(kernel, n, k -> reduceUnrescued(k, inputs));
    }

    private static double finish(Kernel kernel, Partial p) {
        DType body = kernel.ir().body().type();
        return switch (kernel.resultType()) {
            case BOOL -> throw new IllegalArgumentException(kernel + " is a " + kernel.reduction().orElseThrow()
                    + "; call reduceBoolean");
            case I64, I32 -> finishLong(kernel, p, body);
            default -> finishDouble(kernel, p, body);
        };
    }

    /**
     * {@link #reduceLong(Kernel, Object...)} for one input, without a varargs array.
     *
     * @param kernel the reduction kernel
     * @param a the only input: an array, {@link Slice}, {@code MemorySegment}, {@link DeviceArray} or number
     * @return the reduced value
     */
    public long reduceLong(Kernel kernel, Object a) {
        Scratch s = acquire();
        try {
            Partial p = reduceRaw(kernel, s.inputs(a, null, null), 1, s);
            return finishLongChecked(kernel, p);
        } finally {
            release(s);
        }
    }

    private static long finishLongChecked(Kernel kernel, Partial p) {
        if (!kernel.resultType().isIntegral()) {
            throw new IllegalArgumentException(kernel + " has a " + kernel.resultType() + " result; call reduceDouble");
        }
        return finishLong(kernel, p, kernel.ir().body().type());
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
        Scratch s = acquire();
        try {
            return finishLongChecked(kernel, reduceRaw(kernel, inputs, inputs.length, s));
        } finally {
            release(s);
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
        Scratch s = acquire();
        try {
            Partial p = reduceRaw(kernel, inputs, inputs.length, s);
            Reduction.Kind k = kernel.reduction().orElseThrow().kind();
            if (k == Reduction.Kind.ANY) {
                return p.l > 0;
            }
            if (k == Reduction.Kind.ALL) {
                return p.l == s.call.n();
            }
            throw new IllegalArgumentException(kernel + " has a " + kernel.resultType() + " result, not a boolean");
        } finally {
            release(s);
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
     * Runs a reduction over a non-empty range of data and copies its unfinished state into {@code into},
     * for callers that reduce pieces of a larger whole (Spark partitions, say): merge the states of
     * neighbouring pieces with {@link dev.flynn.spi.Partials#merge} (lower indices first), then
     * {@link #finish} gives the value. Argmin/argmax indices in the state count from the start of this
     * piece.
     *
     * @param kernel the reduction kernel
     * @param into receives the unfinished state; its previous content is replaced
     * @param inputs the inputs in order: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s, or
    numbers, which broadcast
     */
    public void reducePartial(Kernel kernel, Partial into, Object... inputs) {
        Objects.requireNonNull(into, "into");
        Scratch s = acquire();
        try {
            Partial p = reduceRaw(kernel, inputs, inputs.length, s);
            if (s.call.n() == 0) {
                throw new IllegalArgumentException("reducePartial of no elements: skip empty pieces before merging");
            }
            into.copyFrom(p);
        } finally {
            release(s);
        }
    }

    /**
     * The value of a reduction kernel from its (merged) state over {@code n} elements, boxed in its own
     * type (Float, Double, Integer, Long or Boolean): what {@link #reduce(Kernel, Object...)} returns.
     *
     * @param kernel the reduction kernel the state came from
     * @param state the merged state
     * @param n the number of elements the state covers
     * @return the value, boxed
     */
    public static Object finish(Kernel kernel, Partial state, long n) {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(state, "state");
        Reduction r = kernel.reduction().orElseThrow(() -> new IllegalArgumentException(kernel + " is not a reduction"));
        DType body = kernel.ir().body().type();
        return switch (kernel.resultType()) {
            case F32 -> (float) finishDouble(kernel, state, body);
            case F64 -> finishDouble(kernel, state, body);
            case I32 -> (int) finishLong(kernel, state, body);
            case I64 -> finishLong(kernel, state, body);
            case BOOL -> r.kind() == Reduction.Kind.ANY ? state.l > 0 : state.l == n;
        };
    }

    private Partial reduceRaw(Kernel kernel, Object[] inputs, int count, Scratch s) {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(inputs, "inputs");
        if (!kernel.isReduction()) {
            throw new IllegalArgumentException("kernel " + kernel + " is a map; call into/apply, or reduce it first");
        }
        Call call = s.call;
        long n = bindInputs(kernel, inputs, count, call, s);
        if (n < 0) {
            throw new IllegalArgumentException("reduction " + kernel + " was given only scalars; give at least one array");
        }
        BackendProvider b = select(kernel, call, n, null);
        Object compiled = kernel.plan(b, bindingCodes(kernel, call, Binding.NONE), call, Binding.NONE);
        long[] args = args(kernel, call, s);
        Partial p = s.partial;
        p.clear();
        int workers = threadsFor(call, null);
        call.set(kernel.ir(), compiled, null, 0, n, args, workers, workers > 1 ? pool() : null);
        if (n == 0) {
            empty(kernel, p);
        } else {
            b.reduce(call, p);
        }
        s.owner.last = b.name();
        return p;
    }

    private static void empty(Kernel kernel, Partial p) {
        Reduction r = kernel.reduction().orElseThrow();
        DType t = kernel.ir().body().type();
        switch (r.kind()) {
            case SUM, NORM1, NORM2, NORM_INF, COUNT, ANY, ALL -> {
            }
            case PROD -> {
                p.d = 1;
                p.l = 1;
            }
            case MEAN, VARIANCE, STD -> p.n = 0;
            case CUSTOM -> {
                long bits = kernel.constantsShared()[kernel.ir().reduce().orElseThrow().identity().orElseThrow().slot()];
                if (t == DType.F32) {
                    p.d = Float.intBitsToFloat((int) bits);
                } else if (t == DType.F64) {
                    p.d = Double.longBitsToDouble(bits);
                } else {
                    p.l = bits;
                }
            }
            case MIN, MAX, ARGMIN, ARGMAX ->
                    throw new IllegalArgumentException(r + " of no elements is undefined (kernel " + kernel + ")");
        }
    }

    private static double finishDouble(Kernel kernel, Partial p, DType body) {
        Reduction r = kernel.reduction().orElseThrow();
        return switch (r.kind()) {
            case MEAN -> p.n == 0 ? Double.NaN : p.mean;
            case VARIANCE -> variance(p, r.ddof());
            case STD -> Math.sqrt(variance(p, r.ddof()));
            case NORM2 -> body == DType.F32 ? (float) Math.sqrt((float) p.d) : Math.sqrt(p.d);
            case SUM -> r.summation() == Reduction.Summation.COMPENSATED && body.isFloating()
                    ? dev.flynn.spi.Partials.compensatedValue(body, p)
                    : body.isFloating() ? p.d : p.l;
            default -> body.isFloating() ? p.d : p.l;
        };
    }

    private static double variance(Partial p, int ddof) {
        long dof = p.n - ddof;
        return dof <= 0 ? Double.NaN : p.m2 / dof;
    }

    private static long finishLong(Kernel kernel, Partial p, DType body) {
        return switch (kernel.reduction().orElseThrow().kind()) {
            case ARGMIN, ARGMAX -> p.index;
            default -> body == DType.I32 ? (int) p.l : p.l;
        };
    }

    // ---- binding and validation ----------------------------------------------------------------

    /**
     * Checks the inputs and stores them in {@code call}; returns their common length, or -1 if all are
     * scalars. Throws before anything is written.
     */
    private static long bindInputs(Kernel kernel, Object[] inputs, int count, Call call, Scratch s) {
        KernelIR ir = kernel.ir();
        if (count != ir.arity()) {
            throw new IllegalArgumentException("kernel " + kernel + " takes " + ir.arity() + " inputs "
                    + kernel.inputNames() + ", got " + count);
        }
        call.set(ir, null, null, 0, 0, null, 1, null);
        long n = -1;
        int first = -1;
        for (int i = 0; i < count; i++) {
            Object in = inputs[i];
            DType want = ir.inputs().get(i);
            if (in == null) {
                throw new NullPointerException(what(kernel, i) + " is null");
            }
            long len;
            DType at = arrayType(in);
            if (at != null) {
                if (at != want) {
                    checkType(what(kernel, i), want, at);
                }
                call.input(i, in, 0);
                len = java.lang.reflect.Array.getLength(in);
            } else if (in instanceof MemorySegment seg) {
                len = segmentLength(what(kernel, i), seg, want);
                call.input(i, seg, 0);
            } else if (in instanceof DeviceArray d) {
                if (d.type() != want) {
                    checkType(what(kernel, i), want, d.type());
                }
                call.input(i, d, 0);
                len = d.length();
            } else if (in instanceof Slice sl) {
                checkType(what(kernel, i), want, sl.type());
                call.input(i, sl.array(), sl.offset());
                len = sl.length();
            } else if (in instanceof Number num) {
                call.input(i, null, 0);
                s.scalarBits(i, scalarBits(kernel, i, want, num));
                continue;
            } else {
                throw new IllegalArgumentException(what(kernel, i)
                        + " must be a float[], double[], int[], long[], Slice, MemorySegment or a Number, got "
                        + in.getClass().getSimpleName());
            }
            if (n < 0) {
                n = len;
                first = i;
            } else if (len != n) {
                throw new IllegalArgumentException("lengths differ: " + what(kernel, first) + " has " + n
                        + " elements, " + what(kernel, i) + " has " + len);
            }
        }
        return n;
    }

    private static String what(Kernel kernel, int i) {
        return "input " + i + " (" + kernel.inputNames().get(i) + ")";
    }

    private static DType arrayType(Object o) {
        return switch (o) {
            case float[] a -> DType.F32;
            case double[] a -> DType.F64;
            case int[] a -> DType.I32;
            case long[] a -> DType.I64;
            default -> null;
        };
    }

    private static long segmentLength(String what, MemorySegment seg, DType want) {
        long bytes = seg.byteSize();
        if (bytes % want.byteSize() != 0) {
            throw new IllegalArgumentException(what + " is a segment of " + bytes + " bytes, not a whole number of "
                    + want + " elements (" + want.byteSize() + " bytes each)");
        }
        return bytes / want.byteSize();
    }

    private static void checkType(String what, DType want, DType got) {
        if (want != got) {
            throw new IllegalArgumentException(what + " must hold " + want + " (" + want.javaType() + "[]), got "
                    + got + " (" + got.javaType() + "[])");
        }
    }

    /** The raw bits of a scalar input converted to {@code want}, if the conversion is exact. */
    private static long scalarBits(Kernel kernel, int input, DType want, Number num) {
        double d = num.doubleValue();
        long l = num.longValue();
        boolean integral = num instanceof Integer || num instanceof Long || num instanceof Short || num instanceof Byte;
        return switch (want) {
            case F32 -> {
                float f = num.floatValue();
                if (!(num instanceof Float) && (integral ? (long) f != l : (double) f != d && !Double.isNaN(d))) {
                    throw new IllegalArgumentException(what(kernel, input) + " is F32; " + num + " (" + num.getClass().getSimpleName()
                            + ") is not exactly a float: pass a Float");
                }
                yield Float.floatToRawIntBits(f);
            }
            case F64 -> {
                if (integral && (long) d != l) {
                    throw new IllegalArgumentException(what(kernel, input) + " is F64; " + num + " is not exactly a double");
                }
                yield Double.doubleToRawLongBits(d);
            }
            case I32, I64 -> {
                if (!integral) {
                    throw new IllegalArgumentException(what(kernel, input) + " is " + want + "; pass an Integer or Long, got "
                            + num.getClass().getSimpleName() + " " + num);
                }
                if (want == DType.I32 && l != (int) l) {
                    throw new IllegalArgumentException(what(kernel, input) + " is I32; " + num + " does not fit an int");
                }
                yield l;
            }
            case BOOL -> throw new IllegalStateException("BOOL input");
        };
    }

    private static long bindingCodes(Kernel kernel, Call call, Binding out) {
        long code = out.ordinal();
        for (int i = 0; i < kernel.arity(); i++) {
            code = (code << 2) | binding(call.data()[i]).ordinal();
        }
        return code;
    }

    private static Binding binding(Object storage) {
        if (storage == null) {
            return Binding.SCALAR;
        }
        if (storage instanceof MemorySegment) {
            return Binding.SEGMENT;
        }
        return storage instanceof DeviceArray ? Binding.DEVICE : Binding.ARRAY;
    }

    static List<Binding> bindingList(Kernel kernel, Call call) {
        List<Binding> out = new ArrayList<>(kernel.arity());
        for (int i = 0; i < kernel.arity(); i++) {
            out.add(binding(call.data()[i]));
        }
        return out;
    }

    private static long[] args(Kernel kernel, Call call, Scratch s) {
        KernelIR ir = kernel.ir();
        boolean scalars = false;
        for (int i = 0; i < ir.arity(); i++) {
            scalars |= call.data()[i] == null;
        }
        long[] consts = kernel.constantsShared();
        if (!scalars) {
            return consts;
        }
        if (s.args.length < ir.argCount()) {
            s.args = new long[Math.max(ir.argCount(), s.args.length * 2)];
        }
        long[] args = s.args;
        System.arraycopy(consts, 0, args, 0, consts.length);
        for (int i = 0; i < ir.arity(); i++) {
            if (call.data()[i] == null) {
                args[ir.scalarSlot(i)] = s.scalars[i];
            }
        }
        return args;
    }

    /**
     * Memory confined to the calling thread cannot be touched by pool workers: calls on such segments
     * run on the calling thread (results are the same, since they never depend on the thread count).
     */
    private int threadsFor(Call call, Object out) {
        if (threads > 1) {
            for (int i = 0; i < call.ir().arity(); i++) {
                if (call.data()[i] instanceof MemorySegment m && !m.isAccessibleBy(OTHER_THREAD)) {
                    return 1;
                }
            }
            if (out instanceof MemorySegment m && !m.isAccessibleBy(OTHER_THREAD)) {
                return 1;
            }
        }
        return threads;
    }

    /**
     * Whether the output shares a byte with an input other than as exact in-place use (same start, same
     * element size): writing element i would then clobber input bytes of some element j > i, or one not
     * yet read by another thread or vector lane. Such calls run into a temporary.
     */
    private static boolean overlapsPartly(Kernel kernel, Call call, Object out, long outOff, long n) {
        if (out instanceof DeviceArray) {
            // a device array is never a view of another or of host memory: sharing one is exact in-place use
            return false;
        }
        int outSize = kernel.resultType().byteSize();
        for (int i = 0; i < kernel.arity(); i++) {
            Object in = call.data()[i];
            if (in == null || in instanceof DeviceArray) {
                continue;
            }
            long inOff = call.offsets()[i];
            int inSize = kernel.ir().inputs().get(i).byteSize();
            if (in == out) {
                // one Java array: one element type, so only the offsets can differ
                if (inOff != outOff && inOff < outOff + n && outOff < inOff + n) {
                    return true;
                }
            } else if ((in instanceof MemorySegment || out instanceof MemorySegment)
                    && sharesBytes(bytes(in, inOff, n, inSize), bytes(out, outOff, n, outSize), inSize, outSize)) {
                return true;
            }
        }
        return false;
    }

    /** The bytes of {@code n} elements from element {@code offset} of an array or segment. */
    private static MemorySegment bytes(Object store, long offset, long n, int size) {
        MemorySegment all = switch (store) {
            case MemorySegment m -> m;
            case float[] a -> MemorySegment.ofArray(a);
            case double[] a -> MemorySegment.ofArray(a);
            case int[] a -> MemorySegment.ofArray(a);
            case long[] a -> MemorySegment.ofArray(a);
            default -> throw new IllegalStateException("not host memory: " + store.getClass().getName());
        };
        return all.asSlice(offset * size, n * size);
    }

    /**
     * Whether two views of memory overlap other than exactly. Segments compare by their backing memory,
     * so a read-only view of an array, which hides its array, still matches that array.
     */
    private static boolean sharesBytes(MemorySegment in, MemorySegment out, int inSize, int outSize) {
        // overlapping segments share their memory, so their addresses (offsets into an array, for heap
        // segments) compare
        return in.asOverlappingSlice(out).isPresent() && (inSize != outSize || in.address() != out.address());
    }

    // ---- backend selection -----------------------------------------------------------------------

    private BackendProvider select(Kernel kernel, Call call, long n, Object out) {
        if (backend != Backend.AUTO) {
            Provider p = forced;
            if (p == null) {
                p = forced = forcedProvider();
            }
            return p.impl;
        }
        call.set(kernel.ir(), null, out, 0, n, kernel.constantsShared(), threads, null);
        Provider skipped = null;
        for (Provider p : PROVIDERS) {
            Availability a = p.availability();
            if (!a.available()) {
                if (skipped == null) {
                    skipped = p;
                }
                continue;
            }
            if (p.impl.declines(call).isPresent()) {
                continue;
            }
            if (LOGGED.add(p.impl.name())) {
                if (skipped != null) {
                    Availability why = skipped.availability();
                    LOG.log(System.Logger.Level.WARNING, "Flynn AUTO runs kernels on {0} because {1} is unavailable: {2}{3}",
                            p.impl.name(), skipped.impl.name(), why.reason(), why.fix().isEmpty() ? "" : ". Fix: " + why.fix());
                } else {
                    LOG.log(System.Logger.Level.INFO, "Flynn AUTO runs kernels on {0} ({1})", p.impl.name(), a.reason());
                }
            }
            return p.impl;
        }
        throw new BackendUnavailableException("no backend is available: add dev.flynn:flynn-cpu-fallback (the scalar"
                + " backend) to the class path" + (skipped == null ? "" : "; " + skipped.impl.name() + ": " + skipped.availability()));
    }

    private Provider forcedProvider() {
        for (Provider p : PROVIDERS) {
            if (p.impl.name().equals(backend.id())) {
                Availability a = p.availability();
                if (!a.available()) {
                    throw new BackendUnavailableException("backend " + backend.id() + " is unavailable: " + a.reason()
                            + (a.fix().isEmpty() ? "" : ". Fix: " + a.fix()));
                }
                return p;
            }
        }
        throw new BackendUnavailableException("backend " + backend.id()
                + " is not on the class path: add the dev.flynn:flynn-" + moduleOf(backend) + " dependency");
    }

    private static String moduleOf(Backend b) {
        return switch (b) {
            case SCALAR -> "cpu-fallback";
            case C -> "native";
            default -> b.id();
        };
    }

    private ForkJoinPool pool() {
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

    private static Scratch acquire() {
        Scratch s = SCRATCH.get();
        if (s.busy) {
            // re-entered on this thread (from a callback): use fresh objects rather than the busy ones
            s = new Scratch(s);
        }
        s.busy = true;
        return s;
    }

    private static void release(Scratch s) {
        s.call.clear();
        java.util.Arrays.fill(s.fixed, null);
        s.busy = false;
    }

    private static List<Provider> discover() {
        List<Provider> out = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Flynn.class.getClassLoader())) {
            out.add(new Provider(p));
        }
        out.sort(Comparator.comparingInt((Provider p) -> -p.impl.priority()).thenComparing(p -> p.impl.name()));
        return List.copyOf(out);
    }
}
