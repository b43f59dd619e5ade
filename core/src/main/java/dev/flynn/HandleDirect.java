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
 */
final class HandleDirect {
    final CpuKernel kernel;
    /** Constants by slot: the kernel has no scalar inputs on this path. */
    final long[] args;
    /** The largest element count the direct path runs; larger (and empty) calls take the general path. */
    final int limit;
    private final Kernel source;
    private final int arity;
    private final ThreadLocal<Scratch> local = ThreadLocal.withInitial(this::newScratch);
    /**
     * The scratch of the thread that called last: most handles are called from one thread, which then
     * skips the thread-local lookup. Read racily, which is safe: a scratch's owner is final and only its
     * owner touches the rest.
     */
    private Scratch recent;

    private HandleDirect(Kernel source, CpuKernel kernel, int limit) {
        this.source = source;
        this.kernel = kernel;
        this.arity = source.arity();
        this.args = java.util.Arrays.copyOf(source.constants(), source.ir().argCount());
        this.limit = limit;
    }

    /** Per thread: the kernel's operand arrays and reduction state, reused by every call of that thread. */
    static final class Scratch {
        final Thread owner;
        final Object[] data;
        final long[] offsets;
        final Partial partial = new Partial();

        Scratch(Thread owner, int arity) {
            this.owner = owner;
            this.data = new Object[arity];
            this.offsets = new long[arity];
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
        if (!(backend instanceof CpuBackend cpu) || kernel.mayThrow() || signature.slices()) {
            return Optional.empty();
        }
        if (kernel.isReduction() && kernel.resultType() == DType.BOOL) {
            return Optional.empty();
        }
        for (Operand o : signature.operands()) {
            if (o.form() != Form.ARRAY) {
                return Optional.empty();
            }
        }
        List<Binding> inputs = new ArrayList<>();
        for (int i = 0; i < kernel.arity(); i++) {
            inputs.add(Binding.ARRAY);
        }
        boolean map = !kernel.isReduction();
        CpuKernel k = cpu.kernel(kernel.ir(), kernel.shapeKey(), inputs, map ? Binding.ARRAY : Binding.NONE);
        // a reduction of one block is that block's state, whatever the thread count; a map below one
        // block is never split (CpuBackend's smallest split is larger)
        int limit = map && threads <= 1 ? Integer.MAX_VALUE : CpuBackend.BLOCK;
        return Optional.of(new HandleDirect(kernel, k, limit));
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
