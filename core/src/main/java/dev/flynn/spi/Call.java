package dev.flynn.spi;

import dev.flynn.ir.KernelIR;

import java.util.concurrent.ForkJoinPool;

/**
 * One validated invocation of a kernel, handed to a backend: inputs checked, lengths equal, the
 * output distinct from the inputs or exactly one of them (in place). Core reuses one instance per
 * thread so that a steady-state call allocates nothing; a backend must not keep it after returning.
 */
public final class Call {
    KernelIR ir;
    Object compiled;
    Object[] data = new Object[4];
    long[] offsets = new long[4];
    Object out;
    long outOffset;
    long n;
    long[] args;
    int threads;
    ForkJoinPool pool;

    /** Creates an empty call; core's runtime fills it with {@link #set} and {@link #input}. */
    public Call() {
    }

    /**
     * The kernel.
     *
     * @return the kernel's IR
     */
    public KernelIR ir() {
        return ir;
    }

    /**
     * What this backend's {@link BackendProvider#prepare} returned for this kernel and these bindings.
     *
     * @return the compiled code
     */
    public Object compiled() {
        return compiled;
    }

    /**
     * Input i's storage: a primitive array, a {@code MemorySegment}, or {@code null} for a scalar whose
     * value is {@code args()[ir().scalarSlot(i)]}. The array is at least {@code ir().arity()} long.
     *
     * @return the inputs' storage, indexed by input
     */
    public Object[] data() {
        return data;
    }

    /**
     * Element offset of input i's first element.
     *
     * @return the offsets, indexed by input
     */
    public long[] offsets() {
        return offsets;
    }

    /**
     * For maps: the output array or segment.
     *
     * @return the output's array or segment; {@code null} for reductions
     */
    public Object out() {
        return out;
    }

    /**
     * For maps: the element offset of the output's first element.
     *
     * @return the offset
     */
    public long outOffset() {
        return outOffset;
    }

    /**
     * Number of elements.
     *
     * @return the number of elements of each input and of the output
     */
    public long n() {
        return n;
    }

    /**
     * Constants, then scalar inputs: {@code ir().argCount()} raw values (see {@code Node.Const}).
     *
     * @return the raw argument values
     */
    public long[] args() {
        return args;
    }

    /**
     * How many threads CPU backends may use.
     *
     * @return the thread count, at least 1
     */
    public int threads() {
        return threads;
    }

    /**
     * The pool for those threads.
     *
     * @return the pool
     */
    public ForkJoinPool pool() {
        return pool;
    }

    /**
     * Sets every field; used by core's runtime (and by tests that drive a backend directly).
     *
     * @param ir the kernel's IR
     * @param compiled what the backend's {@link BackendProvider#prepare} returned
     * @param out the output's array or segment, {@code null} for a reduction
     * @param outOffset the element offset of the output
     * @param n the number of elements
     * @param args constants, then scalar inputs, as raw bits
     * @param threads how many threads CPU backends may use
     * @param pool the pool for those threads
     * @return this call
     */
    public Call set(KernelIR ir, Object compiled, Object out, long outOffset, long n, long[] args, int threads,
                    ForkJoinPool pool) {
        this.ir = ir;
        this.compiled = compiled;
        this.out = out;
        this.outOffset = outOffset;
        this.n = n;
        this.args = args;
        this.threads = threads;
        this.pool = pool;
        if (data.length < ir.arity()) {
            data = new Object[ir.arity()];
            offsets = new long[ir.arity()];
        }
        return this;
    }

    /**
     * Sets input i.
     *
     * @param i the input's index
     * @param storage its array or segment, or {@code null} for a scalar
     * @param offset the element offset of its first element
     * @return this call
     */
    public Call input(int i, Object storage, long offset) {
        data[i] = storage;
        offsets[i] = offset;
        return this;
    }

    /** Drops references to the caller's data so a reused instance keeps nothing alive. */
    public void clear() {
        // only the slots a call can have set: the kernel's arity, or all of them after a failed bind
        int used = ir == null ? data.length : ir.arity();
        for (int i = 0; i < used; i++) {
            data[i] = null;
        }
        out = null;
        args = null;
        compiled = null;
        ir = null;
    }
}
