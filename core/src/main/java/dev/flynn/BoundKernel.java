package dev.flynn;

import dev.flynn.HandleSignature.Form;
import dev.flynn.HandleSignature.Operand;
import dev.flynn.spi.BackendProvider;
import dev.flynn.spi.Binding;
import dev.flynn.spi.Call;
import dev.flynn.spi.Partial;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A kernel bound, once, to a runtime, a backend and the bindings of a handle's signature, with its
 * compiled code: what the generated handle calls. A call stores its operands in a per-thread
 * {@link Invocation}, which checks only what the types leave open (nulls, lengths, bounds, overlap)
 * and then enters the compiled loop; small calls run on the calling thread, large ones split as
 * {@link Flynn}'s own calls do.
 */
final class BoundKernel {
    private final Flynn runtime;
    private final Kernel kernel;
    private final HandleSignature signature;
    private final BackendProvider backend;
    private final Object compiled;
    private final java.util.Optional<HandleDirect> direct;
    private final ThreadLocal<Invocation> local = ThreadLocal.withInitial(() -> new Invocation(this, Thread.currentThread()));
    /**
     * The invocation of the thread that called last: most handles are called from one thread, which then
     * skips the thread-local lookup. Read racily, which is safe: an invocation's owner is final, and only
     * its owner touches the rest of it.
     */
    private Invocation recent;
    /** Per operand, as arrays: read on every call. */
    private final Form[] forms;
    private final int[] inputs;
    private final DType[] types;

    BoundKernel(Flynn runtime, Kernel kernel, HandleSignature signature) {
        this.runtime = runtime;
        this.kernel = kernel;
        this.signature = signature;
        List<Binding> inputs = new ArrayList<>(kernel.arity());
        for (int i = 0; i < kernel.arity(); i++) {
            inputs.add(null);
        }
        Binding out = Binding.NONE;
        boolean device = false;
        for (Operand o : signature.operands()) {
            device |= o.form() == Form.DEVICE;
            if (o.input() < 0) {
                out = o.form().binding;
            } else {
                inputs.set(o.input(), o.form().binding);
            }
        }
        int count = signature.operands().size();
        this.forms = new Form[count];
        this.inputs = new int[count];
        this.types = new DType[count];
        for (int i = 0; i < count; i++) {
            Operand o = signature.operands().get(i);
            forms[i] = o.form();
            this.inputs[i] = o.input();
            types[i] = o.input() < 0 ? kernel.resultType() : kernel.ir().inputs().get(o.input());
        }
        this.backend = runtime.handleBackend(device);
        this.compiled = backend.prepare(kernel.ir(), kernel.shapeKey(), List.copyOf(inputs), out);
        this.direct = HandleDirect.of(kernel, signature, backend, runtime.threads());
    }

    /** The path that the generated handle takes for its common calls by itself, if the binding has one. */
    java.util.Optional<HandleDirect> direct() {
        return direct;
    }

    Kernel kernel() {
        return kernel;
    }

    HandleSignature signature() {
        return signature;
    }

    /** This thread's invocation, or a fresh one when a call re-enters from inside another. */
    Invocation begin() {
        Thread t = Thread.currentThread();
        Invocation c = recent;
        if (c == null || c.owner != t) {
            c = local.get();
            recent = c;
        }
        if (c.busy) {
            c = new Invocation(this, t);
        }
        c.busy = true;
        return c;
    }

    /**
     * The operands of one call, stored by the generated handle (which cannot throw while storing), then
     * checked and run by one of the {@code run} methods, which always leave it free for the next call.
     */
    static final class Invocation {
        private final BoundKernel bound;
        private final Thread owner;
        private final Call call = new Call();
        private final Partial partial = new Partial();
        private final Object[] store;
        private final long[] offsets;
        private final long[] args;
        private int length = -1;
        boolean busy;

        Invocation(BoundKernel bound, Thread owner) {
            this.bound = bound;
            this.owner = owner;
            int operands = bound.signature.operands().size();
            this.store = new Object[operands];
            this.offsets = new long[operands];
            // constants, then a slot per scalar input (see KernelIR.scalarSlot)
            this.args = java.util.Arrays.copyOf(bound.kernel.constants(), bound.kernel.ir().argCount());
        }

        /** Operand {@code i}'s array, segment or device array (with its offset, for slices). */
        public void operand(int i, Object value, int offset) {
            store[i] = value;
            offsets[i] = offset;
        }

        /** Operand {@code i}, a scalar input, as raw bits. */
        public void scalar(int i, long bits) {
            args[bound.kernel.ir().scalarSlot(bound.signature.operands().get(i).input())] = bits;
        }

        /** The slice form's element count. */
        public void length(int n) {
            length = n;
        }

        public void runMap() {
            try {
                long n = bind();
                if (n == 0) {
                    return;
                }
                Operand outOp = bound.signature.operands().getFirst();
                Object out = store[0];
                long outOff = offsets[0];
                if (outOp.form() == Form.SEGMENT && ((MemorySegment) out).isReadOnly()) {
                    throw new IllegalArgumentException("the output segment " + outOp.name() + " is read-only");
                }
                if (bound.kernel.mayThrow() || CallBinder.overlapsPartly(bound.kernel, call, out, outOff, n)) {
                    bound.runtime.into(bound.kernel, boxed(0), boxedInputs());
                    return;
                }
                int workers = CallBinder.threadsFor(bound.runtime.threads(), call, out);
                call.set(bound.kernel.ir(), bound.compiled, out, outOff, n, args, workers,
                        workers > 1 ? bound.runtime.pool() : null);
                bound.backend.map(call);
            } finally {
                release();
            }
        }

        public double reduceDouble() {
            try {
                Partial p = reduce();
                long n = call.n();
                if (RangeRescue.needed(bound.kernel, p, n)) {
                    return bound.runtime.reduceDouble(bound.kernel, boxedInputs());
                }
                return ReductionFinish.value(bound.kernel, p);
            } finally {
                release();
            }
        }

        public long reduceLong() {
            try {
                return ReductionFinish.longChecked(bound.kernel, reduce());
            } finally {
                release();
            }
        }

        public boolean reduceBoolean() {
            try {
                Partial p = reduce();
                return ReductionFinish.booleanChecked(bound.kernel, p, call.n());
            } finally {
                release();
            }
        }

        private Partial reduce() {
            long n = bind();
            Partial p = partial;
            p.clear();
            int workers = CallBinder.threadsFor(bound.runtime.threads(), call, null);
            call.set(bound.kernel.ir(), bound.compiled, null, 0, n, args, workers, workers > 1 ? bound.runtime.pool() : null);
            if (n == 0) {
                ReductionFinish.empty(bound.kernel, p);
            } else {
                bound.backend.reduce(call, p);
            }
            return p;
        }

        /** Checks every operand and puts the inputs into the call; the common length. */
        private long bind() {
            BoundKernel b = bound;
            Form[] forms = b.forms;
            int[] inputs = b.inputs;
            call.set(b.kernel.ir(), null, null, 0, 0, null, 1, null);
            long n = length;
            if (b.signature.slices() && n < 0) {
                throw new IllegalArgumentException("length " + n + " is negative");
            }
            int first = -1;
            for (int i = 0; i < forms.length; i++) {
                Form form = forms[i];
                if (form == Form.SCALAR) {
                    call.input(inputs[i], null, 0);
                    continue;
                }
                Object v = store[i];
                if (v == null) {
                    throw new NullPointerException("parameter " + name(i) + " of " + b.signature.method().getName()
                            + " is null");
                }
                long len = lengthOf(i, form, v);
                if (form == Form.SLICE) {
                    java.util.Objects.checkFromIndexSize(offsets[i], n, len);
                } else if (first < 0) {
                    n = len;
                    first = i;
                } else if (len != n) {
                    throw new IllegalArgumentException("lengths differ: " + name(first) + " has " + n
                            + " elements, " + name(i) + " has " + len);
                }
                if (inputs[i] >= 0) {
                    call.input(inputs[i], v, offsets[i]);
                }
            }
            return n;
        }

        private String name(int i) {
            return bound.signature.operands().get(i).name();
        }

        private long lengthOf(int i, Form form, Object v) {
            DType t = bound.types[i];
            return switch (form) {
                case ARRAY, SLICE -> java.lang.reflect.Array.getLength(v);
                case SEGMENT -> CallBinder.segmentLength("parameter " + name(i), (MemorySegment) v, t);
                case DEVICE -> {
                    DeviceArray d = (DeviceArray) v;
                    CallBinder.checkType("parameter " + name(i), t, d.type());
                    yield d.length();
                }
                case SCALAR -> throw new IllegalStateException("a scalar has no length");
            };
        }

        /** The generic call's form of operand {@code i}: for the rare calls that take the general path. */
        private Object boxed(int i) {
            Operand o = bound.signature.operands().get(i);
            return switch (o.form()) {
                case SLICE -> switch (store[i]) {
                    case float[] a -> Slice.of(a, (int) offsets[i], length);
                    case double[] a -> Slice.of(a, (int) offsets[i], length);
                    case int[] a -> Slice.of(a, (int) offsets[i], length);
                    case long[] a -> Slice.of(a, (int) offsets[i], length);
                    default -> throw new IllegalStateException("not an array: " + store[i]);
                };
                case SCALAR -> {
                    long bits = args[bound.kernel.ir().scalarSlot(o.input())];
                    yield switch (bound.kernel.ir().inputs().get(o.input())) {
                        case F32 -> Float.intBitsToFloat((int) bits);
                        case F64 -> Double.longBitsToDouble(bits);
                        case I32 -> (int) bits;
                        default -> bits;
                    };
                }
                default -> store[i];
            };
        }

        private Object[] boxedInputs() {
            Object[] in = new Object[bound.kernel.arity()];
            for (int i = 0; i < bound.signature.operands().size(); i++) {
                int input = bound.signature.operands().get(i).input();
                if (input >= 0) {
                    in[input] = boxed(i);
                }
            }
            return in;
        }

        private void release() {
            for (int i = 0; i < store.length; i++) {
                store[i] = null;
            }
            call.clear();
            length = -1;
            busy = false;
        }
    }
}
