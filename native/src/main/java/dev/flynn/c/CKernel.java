package dev.flynn.c;

import dev.flynn.DType;
import dev.flynn.spi.CpuKernel;
import dev.flynn.spi.Partial;
import dev.flynn.spi.StateLayout;

import java.lang.foreign.Arena;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Reference;


/** A kernel compiled to a shared library, called through FFM downcall handles. */
final class CKernel implements CpuKernel {
    /**
     * Elements per native call of a map: a critical call that reads Java arrays in place holds off the
     * garbage collector, so long maps are cut into pieces of a fraction of a millisecond.
     */
    static final long MAP_PIECE = 1 << 16;
    private static final ThreadLocal<long[]> RESULT = ThreadLocal.withInitial(() -> new long[StateLayout.MAX_SLOTS]);
    private static final ThreadLocal<long[]> PAIR = ThreadLocal.withInitial(() -> new long[2]);

    /**
     * Keeps the library loaded while this kernel can be called: an automatic arena unloads it once
     * unreachable, so each native call is followed by a reachability fence on it (a caller may drop
     * the kernel while the call still runs).
     */
    private final Arena library;
    private final DType type;
    /** The slots of {@code flynn_reduce}'s result; null for a map. */
    private final StateLayout layout;
    private final MethodHandle map;
    private final MethodHandle reduce;
    private final MethodHandle combine;

    private CKernel(Arena library, DType type, StateLayout layout, MethodHandle map, MethodHandle reduce,
                    MethodHandle combine) {
        this.library = library;
        this.type = type;
        this.layout = layout;
        this.map = map;
        this.reduce = reduce;
        this.combine = combine;
    }

    static CKernel ofMap(Arena library, DType type, MethodHandle map) {
        return new CKernel(library, type, null, map, null, null);
    }

    static CKernel ofReduce(Arena library, DType type, StateLayout layout, MethodHandle reduce, MethodHandle combine) {
        return new CKernel(library, type, layout, null, reduce, combine);
    }

    @Override
    public void map(Object[] data, long[] offsets, Object out, long outOffset, long start, long end, long[] args) {
        for (long s = start; s < end; s += MAP_PIECE) {
            int rc;
            try {
                rc = (int) map.invokeExact(data, offsets, out, outOffset, s, Math.min(end, s + MAP_PIECE), args);
            } catch (Throwable t) {
                throw rethrow(t);
            } finally {
                Reference.reachabilityFence(library);
            }
            check(rc);
        }
    }

    @Override
    public void reduce(Object[] data, long[] offsets, long start, long end, long[] args, Partial result) {
        long[] r = RESULT.get();
        int rc;
        try {
            rc = (int) reduce.invokeExact(data, offsets, start, end, args, r);
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            Reference.reachabilityFence(library);
        }
        check(rc);
        layout.decode(r, type, result);
    }

    @Override
    public void combine(Partial into, Partial other, long[] args) {
        if (combine == null) {
            throw new IllegalStateException("combine is only defined for CUSTOM reductions");
        }
        long[] ab = PAIR.get();
        boolean floating = type.isFloating();
        ab[0] = floating ? Double.doubleToRawLongBits(into.d) : into.l;
        ab[1] = floating ? Double.doubleToRawLongBits(other.d) : other.l;
        int rc;
        try {
            rc = (int) combine.invokeExact(ab, args);
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            Reference.reachabilityFence(library);
        }
        check(rc);
        if (floating) {
            into.d = Double.longBitsToDouble(ab[0]);
        } else {
            into.l = ab[0];
        }
    }

    private static void check(int rc) {
        if (rc != 0) {
            throw new ArithmeticException("/ by zero");
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("native kernel call failed", t);
    }
}
