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

    /** The kernel. */
    public KernelIR ir() {
        return ir;
    }

    /** What this backend's {@link BackendProvider#prepare} returned for this kernel and these bindings. */
    public Object compiled() {
        return compiled;
    }

    /**
     * Input i's storage: a primitive array, a {@code MemorySegment}, or {@code null} for a scalar whose
     * value is {@code args()[ir().scalarSlot(i)]}. The array is at least {@code ir().arity()} long.
     */
    public Object[] data() {
        return data;
    }

    /** Element offset of input i's first element. */
    public long[] offsets() {
        return offsets;
    }

    /** For maps: the output array or segment. */
    public Object out() {
        return out;
    }

    public long outOffset() {
        return outOffset;
    }

    /** Number of elements. */
    public long n() {
        return n;
    }

    /** Constants, then scalar inputs: {@code ir().argCount()} raw values (see {@code Node.Const}). */
    public long[] args() {
        return args;
    }

    /** How many threads CPU backends may use. */
    public int threads() {
        return threads;
    }

    /** The pool for those threads. */
    public ForkJoinPool pool() {
        return pool;
    }

    /** Sets every field; used by core's runtime (and by tests that drive a backend directly). */
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

    /** Sets input i. */
    public Call input(int i, Object storage, long offset) {
        data[i] = storage;
        offsets[i] = offset;
        return this;
    }

    /** Drops references to the caller's data so a reused instance keeps nothing alive. */
    public void clear() {
        java.util.Arrays.fill(data, null);
        out = null;
        args = null;
        compiled = null;
        ir = null;
    }
}
