package dev.flynn;

import dev.flynn.ir.KernelIR;
import dev.flynn.spi.BackendProvider;
import dev.flynn.spi.Binding;
import dev.flynn.spi.Call;
import dev.flynn.spi.Partial;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns the arguments of one call into a {@link Call}: checks every input and the output (types,
 * lengths, scalars that must convert exactly), encodes how each is bound, decides whether the call
 * must run into a temporary (partial overlap, a kernel that may throw), all before anything is
 * written; and holds the per-thread objects that let a steady-state call allocate nothing.
 */
final class CallBinder {
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    /** The array class of each element type, by ordinal ({@code null} for BOOL, which has no arrays). */
    private static final Class<?>[] ARRAY_CLASS = {float[].class, double[].class, int[].class, long[].class, null};
    /** A thread that is not the caller, to ask whether a segment may be used by pool workers. */
    private static final Thread OTHER_THREAD = Thread.ofPlatform().unstarted(() -> { });

    private CallBinder() {
    }

    /** Per-thread objects reused by every call, so a steady-state call allocates nothing. */
    static final class Scratch {
        final Call call = new Call();
        final Partial partial = new Partial();
        long[] args = new long[8];
        long[] scalars = new long[4];
        final Object[] fixed = new Object[3];
        /** The thread's own scratch, which records the last backend even for a re-entrant call. */
        final Scratch owner;
        String last;
        /** How this thread's most recent axis reduction ran: "columns" or "lines". */
        String axisPath;
        boolean busy;
        /** Whether the call being bound has a scalar input, whose value goes into {@link #args}. */
        boolean scalarsBound;

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

    /** Binds and checks a map call, then runs it on the runtime's backend. */
    static void map(Flynn runtime, Kernel kernel, Object out, Object[] inputs, int count, Scratch s) {
        run(runtime, kernel, null, out, inputs, count, s);
    }

    /**
     * Binds and checks a scan call as the map it scans (the same checks, the same compiled map), then
     * runs it as a scan on the runtime's backend.
     */
    static void scan(Flynn runtime, ScanKernel kernel, Object out, Object[] inputs, Scratch s) {
        run(runtime, kernel.map(), kernel.scan(), out, inputs, inputs.length, s);
    }

    private static void launch(BackendProvider b, Call call, Scan scan) {
        if (scan == null) {
            b.map(call);
        } else {
            b.scan(call, scan.op(), scan.exclusive());
        }
    }

    private static void run(Flynn runtime, Kernel kernel, Scan scan, Object out, Object[] inputs, int count, Scratch s) {
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
            case DeviceSlice d -> {
                checkType("output", t, d.array().type());
                outStore = d.array();
                outOff = d.offset();
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
                DType at = DType.ofArray(out).orElse(null);
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
        BackendProvider b = runtime.select(kernel, call, n, outStore);
        long codes = bindingCodes(kernel, call, outBinding);
        Object compiled = kernel.plan(b, codes, call, outBinding);
        long[] args = args(kernel, call, s);
        // integer division may throw midway, and an output that partly overlaps an input would be
        // overwritten before it is read: compute such calls into a temporary and copy on success
        int workers = threadsFor(runtime.threads(), call, outStore);
        boolean temp = n > 0 && (kernel.mayThrow() || overlapsPartly(kernel, call, outStore, outOff, n));
        if (temp) {
            runIntoTemporary(runtime, kernel, scan, b, call, compiled, outStore, outOff, outBinding, n, args, workers);
        } else if (n > 0) {
            call.set(kernel.ir(), compiled, outStore, outOff, n, args, workers, workers > 1 ? runtime.pool() : null);
            launch(b, call, scan);
        }
        s.owner.last = b.name();
    }

    private static void runIntoTemporary(Flynn runtime, Kernel kernel, Scan scan, BackendProvider b, Call call, Object compiled, Object outStore,
                                  long outOff, Binding outBinding, long n, long[] args, int workers) {
        DType t = kernel.resultType();
        if (outBinding == Binding.DEVICE) {
            // device memory is written by its backend; a failed launch leaves no partial host state
            call.set(kernel.ir(), compiled, outStore, outOff, n, args, workers, workers > 1 ? runtime.pool() : null);
            launch(b, call, scan);
        } else if (outBinding == Binding.ARRAY) {
            Object tmp = java.lang.reflect.Array.newInstance(t.javaType(), (int) n);
            Object tmpCompiled = kernel.plan(b, bindingCodes(kernel, call, Binding.ARRAY), call, Binding.ARRAY);
            call.set(kernel.ir(), tmpCompiled, tmp, 0, n, args, workers, workers > 1 ? runtime.pool() : null);
            launch(b, call, scan);
            System.arraycopy(tmp, 0, outStore, (int) outOff, (int) n);
        } else {
            try (Arena arena = Arena.ofShared()) {
                MemorySegment tmp = arena.allocate(n * t.byteSize(), t.byteSize());
                call.set(kernel.ir(), compiled, tmp, 0, n, args, workers, workers > 1 ? runtime.pool() : null);
                launch(b, call, scan);
                MemorySegment.copy(tmp, 0, (MemorySegment) outStore, outOff * t.byteSize(), n * t.byteSize());
            }
        }
    }

    // ---- binding and validation ----------------------------------------------------------------

    /**
     * Checks the inputs and stores them in {@code call}; returns their common length, or -1 if all are
     * scalars. Throws before anything is written.
     */
    static long bindInputs(Kernel kernel, Object[] inputs, int count, Call call, Scratch s) {
        KernelIR ir = kernel.ir();
        if (count != ir.arity()) {
            throw new IllegalArgumentException("kernel " + kernel + " takes " + ir.arity() + " inputs "
                    + kernel.inputNames() + ", got " + count);
        }
        call.set(ir, null, null, 0, 0, null, 1, null);
        s.scalarsBound = false;
        List<DType> types = ir.inputs();
        long n = -1;
        int first = -1;
        for (int i = 0; i < count; i++) {
            Object in = inputs[i];
            DType want = types.get(i);
            if (in == null) {
                throw new NullPointerException(what(kernel, i) + " is null");
            }
            long len;
            DType at;
            if (in.getClass() == ARRAY_CLASS[want.ordinal()]) {
                // the common case first: an array of exactly the kernel's type
                call.input(i, in, 0);
                len = java.lang.reflect.Array.getLength(in);
            } else if ((at = DType.ofArray(in).orElse(null)) != null) {
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
            } else if (in instanceof DeviceSlice d) {
                checkType(what(kernel, i), want, d.array().type());
                call.input(i, d.array(), d.offset());
                len = d.length();
            } else if (in instanceof Slice sl) {
                checkType(what(kernel, i), want, sl.type());
                call.input(i, sl.array(), sl.offset());
                len = sl.length();
            } else if (in instanceof Number num) {
                call.input(i, null, 0);
                s.scalarBits(i, scalarBits(kernel, i, want, num));
                s.scalarsBound = true;
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

    /** {@link Kernel#inputsByName}: the named values in {@code kernel}'s input order. */
    static Object[] byName(Kernel kernel, Map<String, ?> values) {
        Objects.requireNonNull(values, "values");
        List<String> names = kernel.inputNames();
        for (String name : values.keySet()) {
            if (!names.contains(name)) {
                throw new IllegalArgumentException("kernel " + kernel + " has no input named '" + name + "'; its inputs are "
                        + names);
            }
        }
        Object[] out = new Object[names.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = values.get(names.get(i));
            if (v == null) {
                throw new IllegalArgumentException("kernel " + kernel + " needs input '" + names.get(i) + "', which was not"
                        + " given; its inputs are " + names);
            }
            out[i] = v;
        }
        return out;
    }

    static String what(Kernel kernel, int i) {
        return "input " + i + " (" + kernel.inputNames().get(i) + ")";
    }

    static long segmentLength(String what, MemorySegment seg, DType want) {
        long bytes = seg.byteSize();
        if (bytes % want.byteSize() != 0) {
            throw new IllegalArgumentException(what + " is a segment of " + bytes + " bytes, not a whole number of "
                    + want + " elements (" + want.byteSize() + " bytes each)");
        }
        return bytes / want.byteSize();
    }

    static void checkType(String what, DType want, DType got) {
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

    static long bindingCodes(Kernel kernel, Call call, Binding out) {
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

    static long[] args(Kernel kernel, Call call, Scratch s) {
        long[] consts = kernel.constantsShared();
        if (!s.scalarsBound) {
            return consts;
        }
        KernelIR ir = kernel.ir();
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
    static int threadsFor(int threads, Call call, Object out) {
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
    static boolean overlapsPartly(Kernel kernel, Call call, Object out, long outOff, long n) {
        if (out instanceof DeviceArray) {
            // a device array is never a view of another or of host memory: sharing one is exact in-place use
            return false;
        }
        boolean outSegment = out instanceof MemorySegment;
        for (int i = 0; i < kernel.arity(); i++) {
            Object in = call.data()[i];
            if (in == null || in instanceof DeviceArray) {
                continue;
            }
            long inOff = call.offsets()[i];
            if (in == out) {
                // one Java array: one element type, so only the offsets can differ
                if (inOff != outOff && inOff < outOff + n && outOff < inOff + n) {
                    return true;
                }
            } else if (outSegment || in instanceof MemorySegment) {
                int inSize = kernel.ir().inputs().get(i).byteSize();
                int outSize = kernel.resultType().byteSize();
                if (sharesBytes(bytes(in, inOff, n, inSize), bytes(out, outOff, n, outSize), inSize, outSize)) {
                    return true;
                }
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

    /** The name of the backend that ran this thread's most recent call, or null. */
    static String lastBackend() {
        return SCRATCH.get().last;
    }

    /** How this thread's most recent axis reduction ran, or null. */
    static String lastAxisPath() {
        return SCRATCH.get().axisPath;
    }

    /** This thread's own scratch (not a re-entrant call's). */
    static Scratch threadScratch() {
        return SCRATCH.get();
    }

    static Scratch acquire() {
        Scratch s = SCRATCH.get();
        if (s.busy) {
            // re-entered on this thread (from a callback): use fresh objects rather than the busy ones
            s = new Scratch(s);
        }
        s.busy = true;
        return s;
    }

    static void release(Scratch s) {
        s.call.clear();
        Object[] fixed = s.fixed;
        fixed[0] = null;
        fixed[1] = null;
        fixed[2] = null;
        s.busy = false;
    }
}
