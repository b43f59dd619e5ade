package dev.flynn;

import dev.flynn.HandleSignature.Form;
import dev.flynn.HandleSignature.Operand;
import dev.flynn.spi.BackendProvider;
import dev.flynn.spi.Binding;
import dev.flynn.spi.CpuBackend;
import dev.flynn.spi.CpuKernel;
import dev.flynn.spi.Partial;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The direct path of a handle whose operands are all whole arrays on a CPU backend: the generated
 * handle checks nulls and lengths itself and calls the compiled kernel from its own call site, one per
 * binding, so that C2 sees one receiver class there (a call site shared by every kernel, as in
 * {@link CpuBackend}, goes megamorphic in a program that runs several). It runs only what
 * {@link CpuBackend} would run on the calling thread for the same call: a map when no split is
 * possible, a reduction of a single block; everything else takes the handle's general path.
 *
 * <p>Nothing is checked here that the general path would reject: whole arrays of the declared element
 * types cannot overlap other than exactly, and a kernel that may throw midway (integer division)
 * never takes this path, so there is no temporary to write into.
 *
 * <p>{@link Flynn}'s generic calls with one to three whole arrays take the same path on a runtime
 * with a forced CPU backend ({@link #generic}): they check the arrays' classes and lengths here
 * instead of binding a {@link dev.flynn.spi.Call}, and enter the kernel from this class's call site.
 */
final class HandleDirect {
    final CpuKernel kernel;
    /** Constants by slot: the kernel has no scalar inputs on this path. */
    final long[] args;
    /** The largest element count the direct path runs; larger (and empty) calls take the general path. */
    final int limit;
    private final Kernel source;
    /** The backend's cache entry of {@link #kernel}: held so that the cache keeps it as long as this path lives. */
    private final Object compiled;
    private final int arity;
    private final ThreadLocal<Scratch> local = ThreadLocal.withInitial(this::newScratch);
    /**
     * The scratch of the thread that called last: most handles are called from one thread, which then
     * skips the thread-local lookup. Read racily, which is safe: a scratch's owner is final and only its
     * owner touches the rest.
     */
    private Scratch recent;
    /** For the generic calls: the runtime this path belongs to, its backend's name and the array class of each input. */
    private final Flynn runtime;
    private final String backendName;
    private final Class<?>[] inputClasses;
    private final Class<?> outClass;

    private HandleDirect(Kernel source, Object compiled, CpuKernel kernel, int limit, Flynn runtime,
                         String backendName) {
        this.source = source;
        this.compiled = compiled;
        this.kernel = kernel;
        this.arity = source.arity();
        this.args = java.util.Arrays.copyOf(source.constants(), source.ir().argCount());
        this.limit = limit;
        this.runtime = runtime;
        this.backendName = backendName;
        this.inputClasses = new Class<?>[arity];
        for (int i = 0; i < arity; i++) {
            DType t = source.ir().inputs().get(i);
            inputClasses[i] = t == DType.BOOL ? null : t.javaType().arrayType();
        }
        this.outClass = source.resultType() == DType.BOOL ? null : source.resultType().javaType().arrayType();
    }

    /** Per thread: the kernel's operand arrays and reduction state, reused by every call of that thread. */
    static final class Scratch {
        final Thread owner;
        final Object[] data;
        final long[] offsets;
        final Partial partial = new Partial();
        /** The thread's generic-call scratch, which records the backend of its last call ({@link Flynn#lastBackend}). */
        final CallBinder.Scratch binder;

        Scratch(Thread owner, int arity) {
            this.owner = owner;
            this.data = new Object[arity];
            this.offsets = new long[arity];
            this.binder = CallBinder.threadScratch();
        }

        /** Drops the caller's arrays, so a thread's scratch keeps nothing alive between calls. */
        void clear() {
            Object[] d = data;
            for (int i = 0; i < d.length; i++) {
                d[i] = null;
            }
        }
    }

    /**
     * The direct path of a bound kernel, where its signature and backend allow one.
     *
     * @param kernel the kernel
     * @param signature how the handle passes its operands
     * @param backend the backend the handle runs on
     * @param threads the runtime's thread count
     * @return the direct path, or empty when every call takes the general path
     */
    static Optional<HandleDirect> of(Kernel kernel, HandleSignature signature, BackendProvider backend, int threads) {
        if (signature.slices()) {
            return Optional.empty();
        }
        for (Operand o : signature.operands()) {
            if (o.form() != Form.ARRAY) {
                return Optional.empty();
            }
        }
        return of(kernel, backend, null, threads);
    }

    /**
     * The direct path of {@code runtime}'s generic calls of {@code kernel} with whole arrays: present
     * when the runtime forces a CPU backend (AUTO decides per call, and the choice is its to make).
     *
     * @param kernel the kernel
     * @param runtime the runtime
     * @param backend its forced backend, or {@code null} for AUTO
     * @return the path, or empty
     */
    static Optional<HandleDirect> generic(Kernel kernel, Flynn runtime, BackendProvider backend) {
        if (backend == null || kernel.ir().inputs().contains(DType.BOOL)) {
            return Optional.empty();
        }
        return of(kernel, backend, runtime, runtime.threads());
    }

    private static Optional<HandleDirect> of(Kernel kernel, BackendProvider backend, Flynn runtime, int threads) {
        if (!(backend instanceof CpuBackend cpu) || kernel.mayThrow()) {
            return Optional.empty();
        }
        if (kernel.resultType() == DType.BOOL) {
            // masks are not stored, and any/all finish through the general path
            return Optional.empty();
        }
        List<Binding> inputs = new ArrayList<>();
        for (int i = 0; i < kernel.arity(); i++) {
            inputs.add(Binding.ARRAY);
        }
        boolean map = !kernel.isReduction();
        Binding out = map ? Binding.ARRAY : Binding.NONE;
        Object compiled = cpu.prepare(kernel.ir(), kernel.shapeKey(), inputs, out);
        CpuKernel k = cpu.kernel(kernel.ir(), kernel.shapeKey(), inputs, out);
        // a reduction of one block is that block's state, whatever the thread count; a map below one
        // block is never split (CpuBackend's smallest split is larger)
        int limit = map && threads <= 1 ? Integer.MAX_VALUE : CpuBackend.BLOCK;
        return Optional.of(new HandleDirect(kernel, compiled, k, limit, runtime, backend.name()));
    }

    /** Whether this is the generic path of {@code r}'s calls. */
    boolean belongsTo(Flynn r) {
        return runtime == r;
    }

    /**
     * The element count of a generic call, when its operands are whole arrays of the kernel's types and
     * of one length that this path runs; otherwise 0, and the call takes the general path. {@code out}
     * is {@code null} for a reduction; inputs past the kernel's arity are {@code null}.
     */
    int length(Object out, Object a, Object b, Object c, int count) {
        if (count != arity) {
            return 0;
        }
        Class<?>[] cls = inputClasses;
        if (a == null || a.getClass() != cls[0]) {
            return 0;
        }
        int n = java.lang.reflect.Array.getLength(a);
        if (count > 1 && (b == null || b.getClass() != cls[1] || java.lang.reflect.Array.getLength(b) != n)) {
            return 0;
        }
        if (count > 2 && (c == null || c.getClass() != cls[2] || java.lang.reflect.Array.getLength(c) != n)) {
            return 0;
        }
        if (out != null && (out.getClass() != outClass || java.lang.reflect.Array.getLength(out) != n)) {
            return 0;
        }
        return n <= limit ? n : 0;
    }

    /** Runs a generic map call whose operands {@link #length} accepted. */
    void map(Object out, Object a, Object b, Object c, int n) {
        Scratch s = scratch();
        Object[] d = s.data;
        d[0] = a;
        if (arity > 1) {
            d[1] = b;
        }
        if (arity > 2) {
            d[2] = c;
        }
        kernel.map(d, s.offsets, out, 0, 0, n, args);
        s.clear();
        s.binder.last = backendName;
    }

    /**
     * Runs a generic reduction call whose operands {@link #length} accepted; its state, or {@code null}
     * when the general path must finish it ({@link #rescue}).
     */
    Partial reduce(Object a, Object b, int n) {
        Scratch s = scratch();
        Object[] d = s.data;
        d[0] = a;
        if (arity > 1) {
            d[1] = b;
        }
        Partial p = s.partial;
        p.clear();
        kernel.reduce(d, s.offsets, 0, n, args, p);
        s.clear();
        if (rescue(p, n)) {
            return null;
        }
        s.binder.last = backendName;
        return p;
    }

    /** This thread's scratch. */
    Scratch scratch() {
        Scratch s = recent;
        if (s == null || s.owner != Thread.currentThread()) {
            s = local.get();
            recent = s;
        }
        return s;
    }

    private Scratch newScratch() {
        return new Scratch(Thread.currentThread(), arity);
    }

    /**
     * Whether a reduction's state must be finished by the general path: one that left the exponent
     * range is rerun there over scaled values ({@link RangeRescue}).
     */
    boolean rescue(Partial p, long n) {
        return RangeRescue.needed(source, p, n);
    }

    /** A floating reduction's value from its state. */
    double value(Partial p) {
        return ReductionFinish.value(source, p);
    }

    /** An integer reduction's value from its state. */
    long longValue(Partial p) {
        return ReductionFinish.longChecked(source, p);
    }
}
