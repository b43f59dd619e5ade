package dev.flynn.spi;

import dev.flynn.DType;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.ReduceSpec;

import java.util.List;
import java.util.concurrent.RecursiveAction;

/**
 * Base of the CPU backends: compiles a kernel once per shape and bindings, then runs it over index
 * ranges, split across the call's threads.
 *
 * <p>Reductions always cut {@code [0, n)} into blocks of {@link #BLOCK} elements, reduce each block
 * on its own and combine the block results in a fixed pairwise tree ({@link Partials#tree}); the
 * threads only decide who computes which block, so results are bitwise identical whatever the
 * thread count.
 */
public abstract class CpuBackend implements BackendProvider {
    /** Elements per reduction block (a block of F64 is 128 KiB: it stays in L2 for two-pass reductions). */
    public static final int BLOCK = 1 << 14;
    /** Calls smaller than this always run on the calling thread. */
    static final long MIN_PARALLEL = 1 << 15;
    /**
     * Waking the pool's threads and joining them costs tens of microseconds on a shared machine: a
     * call is split only when one thread would take longer than this.
     */
    static final double PARALLEL_WORTH_NANOS = 200_000;

    /** A compiled kernel and the smallest call worth splitting across threads. */
    private record Compiled(CpuKernel kernel, long minParallel, java.lang.invoke.MethodHandle map) {
        Compiled(CpuKernel kernel, long minParallel) {
            this(kernel, minParallel, MAP.bindTo(kernel));
        }

        /**
         * Runs the kernel's map through a method handle that C2 does not see as a constant: the
         * kernel's loop is then compiled as a unit of its own, where C2 unrolls it, instead of being
         * inlined into the runtime's call path, where it is left rolled.
         */
        void runMap(Object[] data, long[] offsets, Object out, long outOffset, long start, long end, long[] args) {
            try {
                map.invokeExact(data, offsets, out, outOffset, start, end, args);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final java.lang.invoke.MethodHandle MAP;

    static {
        try {
            MAP = java.lang.invoke.MethodHandles.publicLookup().findVirtual(CpuKernel.class, "map",
                    java.lang.invoke.MethodType.methodType(void.class, Object[].class, long[].class, Object.class,
                            long.class, long.class, long.class, long[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Hidden classes and C libraries go once unreachable: no release action is needed. */
    private final KernelCache<Compiled> cache = new KernelCache<>();
    private static final ThreadLocal<Partial[]> SCRATCH = ThreadLocal.withInitial(() -> new Partial[0]);

    /** For subclasses: constructing a backend must be cheap and must not fail (probing happens in {@link #probe()}). */
    protected CpuBackend() {
    }

    /**
     * Compiles a kernel for these bindings. Called once per shape and bindings.
     *
     * @param ir the verified IR
     * @param inputs how each input is bound
     * @param output how the output is bound ({@link Binding#NONE} for reductions)
     * @return the compiled kernel
     */
    protected abstract CpuKernel compile(KernelIR ir, List<Binding> inputs, Binding output);

    private static final java.util.Optional<String> DEVICE_DATA =
            java.util.Optional.of("the call has data resident on a device");

    /** CPU backends cannot reach device memory: AUTO goes to the backend that owns it. */
    @Override
    public java.util.Optional<String> declines(Call call) {
        for (int i = 0; i < call.ir().arity(); i++) {
            if (call.data()[i] instanceof dev.flynn.DeviceArray) {
                return DEVICE_DATA;
            }
        }
        return call.out() instanceof dev.flynn.DeviceArray ? DEVICE_DATA : java.util.Optional.empty();
    }

    @Override
    public final Object prepare(KernelIR ir, String shapeKey, List<Binding> inputs, Binding output) {
        if (inputs.contains(Binding.DEVICE) || output == Binding.DEVICE) {
            throw new IllegalArgumentException("the " + name() + " backend cannot read or write device-resident"
                    + " arrays: run on the backend that owns them, or copy them to the host first");
        }
        String key = shapeKey + "|" + inputs + "->" + output;
        return cache.get(key, () -> new Compiled(compile(ir, inputs, output),
                Math.max(MIN_PARALLEL, (long) (PARALLEL_WORTH_NANOS / nanosPerElement(ir)))));
    }

    /**
     * The compiled kernel for these bindings, from this backend's cache (compiled on first use).
     *
     * @param ir the verified IR
     * @param shapeKey {@code ir.shapeKey()}
     * @param inputs how each input is bound
     * @param output how the output is bound
     * @return the compiled kernel
     */
    public final CpuKernel kernel(KernelIR ir, String shapeKey, List<Binding> inputs, Binding output) {
        return ((Compiled) prepare(ir, shapeKey, inputs, output)).kernel();
    }

    /**
     * A rough single-thread cost of one element of this kernel, from which the runtime decides when
     * splitting a call across threads pays. The default models a plain Java loop: a few tenths of a
     * nanosecond per arithmetic op, about 3 ns per call of a {@code Math} transcendental.
     *
     * @param ir the kernel's IR
     * @return nanoseconds per element on one thread, an estimate
     */
    protected double nanosPerElement(KernelIR ir) {
        return 0.25 + 0.1 * arithmeticOps(ir) + 3.0 * transcendentalOps(ir);
    }

    /**
     * Number of distinct operations in the kernel's body that are not transcendental functions.
     *
     * @param ir the kernel's IR
     * @return the count
     */
    protected static int arithmeticOps(KernelIR ir) {
        int ops = 0;
        for (dev.flynn.ir.Node n : dev.flynn.ir.Schedule.of(ir.body()).nodes()) {
            if (!(n instanceof dev.flynn.ir.Node.Input || n instanceof dev.flynn.ir.Node.Const) && !transcendental(n)) {
                ops++;
            }
        }
        return ops;
    }

    /**
     * Number of distinct transcendental function calls ({@code exp}, {@code sin}, {@code pow}, ...) in the body.
     *
     * @param ir the kernel's IR
     * @return the count
     */
    protected static int transcendentalOps(KernelIR ir) {
        int ops = 0;
        for (dev.flynn.ir.Node n : dev.flynn.ir.Schedule.of(ir.body()).nodes()) {
            if (transcendental(n)) {
                ops++;
            }
        }
        return ops;
    }

    private static boolean transcendental(dev.flynn.ir.Node n) {
        return n instanceof dev.flynn.ir.Node.Unary u && u.op().transcendental()
                || n instanceof dev.flynn.ir.Node.Binary b && b.op().transcendental();
    }

    /**
     * How this backend orders a block's reduction of {@code ir}, where it is the canonical form: the
     * number {@code P} of partials, element {@code k} of a block folded into partial {@code k mod P} in
     * index order from the op's identity ({@link Partials#identity}), then {@code p[j] = p[j] op p[j + h]}
     * for {@code h = P/2, ..., 1}; moments take the block's sum this way, its mean, then the squared
     * deviations from that mean this way. Argmin, argmax and integer reductions give the same result in
     * any order. Core then reduces many strided lines at once, row by row, with exactly these steps per
     * line (the columns of a matrix). Empty (the default) where the backend orders the steps otherwise
     * (compensated and custom reductions are never asked).
     *
     * @param ir a reduction's IR
     * @return {@code P}, a power of two, or empty
     */
    public java.util.OptionalInt blockPartials(KernelIR ir) {
        return java.util.OptionalInt.empty();
    }

    @Override
    public int cachedKernels() {
        return cache.size();
    }

    @Override
    public void map(Call call) {
        Compiled c = (Compiled) call.compiled();
        CpuKernel k = c.kernel();
        long n = call.n();
        if (call.threads() <= 1 || n < c.minParallel()) {
            c.runMap(call.data(), call.offsets(), call.out(), call.outOffset(), 0, n, call.args());
            return;
        }
        // a few chunks per thread balance uneven cores; chunk edges on 64-element boundaries keep vector loops unmasked
        long chunk = Math.max(MIN_PARALLEL / 2, ((n / (call.threads() * 4L)) + 63) & ~63L);
        call.pool().invoke(new MapTask(c, call, 0, n, chunk));
    }

    @Override
    public void scan(Call call, dev.flynn.ir.ScanOp op, boolean exclusive) {
        Compiled c = (Compiled) call.compiled();
        CpuScan.run(call, op, exclusive, (start, end) -> c.runMap(call.data(), call.offsets(), call.out(),
                call.outOffset(), start, end, call.args()), c.minParallel());
    }

    @Override
    public void reduce(Call call, Partial result) {
        Compiled c = (Compiled) call.compiled();
        CpuKernel k = c.kernel();
        KernelIR ir = call.ir();
        ReduceSpec spec = ir.reduce().orElseThrow();
        DType type = ir.body().type();
        long n = call.n();
        int nb = blocks(n);
        if (nb == 1 || call.threads() <= 1 || n < c.minParallel()) {
            reduceLine(k, spec, type, call.data(), call.offsets(), n, call.args(), nb == 1 ? null : scratch(nb), result);
            return;
        }
        Partial[] parts = scratch(nb);
        int per = Math.max(1, nb / (call.threads() * 4));
        call.pool().invoke(new ReduceTask(k, call, parts, 0, nb, per));
        Partials.tree(spec, type, parts, nb, k, call.args());
        result.copyFrom(parts[0]);
    }

    /**
     * Reduces {@code [0, n)} of one line on the calling thread into {@code result}, exactly as {@link #reduce}
     * does for a call of these operands at any thread count: the same blocks of {@link #BLOCK} elements, the
     * same tree. Runners of many lines call this once per line, each line's offsets in {@code offsets}, so
     * each line's state is bitwise that of a 1-D reduction of the line alone.
     *
     * @param k the compiled kernel
     * @param spec the kernel's reduction
     * @param type the type of the kernel's body
     * @param data each input's array or segment ({@code null} for scalars)
     * @param offsets each input's element offset of the line's first element
     * @param n the line's length, at least 1
     * @param args constants, then scalar inputs, as raw bits
     * @param parts scratch of at least {@link #blocks(long)} states where that is more than one (else unused)
     * @param result receives the line's state
     */
    public static void reduceLine(CpuKernel k, ReduceSpec spec, DType type, Object[] data, long[] offsets, long n,
                                  long[] args, Partial[] parts, Partial result) {
        if (n <= BLOCK) {
            // one block: its state is the result, no scratch and no tree
            k.reduce(data, offsets, 0, n, args, result);
            return;
        }
        int nb = blocks(n);
        for (int b = 0; b < nb; b++) {
            long start = (long) b * BLOCK;
            k.reduce(data, offsets, start, Math.min(n, start + BLOCK), args, parts[b]);
        }
        Partials.tree(spec, type, parts, nb, k, args);
        result.copyFrom(parts[0]);
    }

    /**
     * The number of reduction blocks of a line of {@code n} elements.
     *
     * @param n the line's length
     * @return {@code ceil(n / BLOCK)}
     * @throws IllegalArgumentException if that is more than an {@code int}
     */
    public static int blocks(long n) {
        long blocks = (n + BLOCK - 1) / BLOCK;
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many elements for one reduction: " + n);
        }
        return (int) blocks;
    }

    private static Partial[] scratch(int count) {
        Partial[] parts = SCRATCH.get();
        if (parts.length < count) {
            Partial[] grown = java.util.Arrays.copyOf(parts, Math.max(count, parts.length * 2));
            for (int i = parts.length; i < grown.length; i++) {
                grown[i] = new Partial();
            }
            SCRATCH.set(grown);
            parts = grown;
        }
        return parts;
    }

    private static final class MapTask extends RecursiveAction {
        private final Compiled c;
        private final Call call;
        private final long start;
        private final long end;
        private final long chunk;

        MapTask(Compiled c, Call call, long start, long end, long chunk) {
            this.c = c;
            this.call = call;
            this.start = start;
            this.end = end;
            this.chunk = chunk;
        }

        @Override
        protected void compute() {
            if (end - start <= chunk) {
                c.runMap(call.data(), call.offsets(), call.out(), call.outOffset(), start, end, call.args());
                return;
            }
            long mid = start + (((end - start) / 2 + 63) & ~63L);
            invokeAll(new MapTask(c, call, start, mid, chunk), new MapTask(c, call, mid, end, chunk));
        }
    }

    private static final class ReduceTask extends RecursiveAction {
        private final CpuKernel k;
        private final Call call;
        private final Partial[] parts;
        private final int from;
        private final int to;
        private final int per;

        ReduceTask(CpuKernel k, Call call, Partial[] parts, int from, int to, int per) {
            this.k = k;
            this.call = call;
            this.parts = parts;
            this.from = from;
            this.to = to;
            this.per = per;
        }

        @Override
        protected void compute() {
            if (to - from <= per) {
                long n = call.n();
                for (int b = from; b < to; b++) {
                    long start = (long) b * BLOCK;
                    k.reduce(call.data(), call.offsets(), start, Math.min(n, start + BLOCK), call.args(), parts[b]);
                }
                return;
            }
            int mid = (from + to) >>> 1;
            invokeAll(new ReduceTask(k, call, parts, from, mid, per), new ReduceTask(k, call, parts, mid, to, per));
        }
    }
}
