package dev.flynn;

import dev.flynn.spi.BackendProvider;
import dev.flynn.spi.Binding;
import dev.flynn.spi.Call;
import dev.flynn.spi.Partial;

import java.util.Objects;

/**
 * The work behind a runtime's reduction calls: bind the inputs, pick the backend and the plan, run,
 * and finish or rescue the state. {@link Flynn}'s public methods document and delegate.
 */
final class ReduceCalls {
    private ReduceCalls() {
    }

    static double reduceDouble(Flynn rt, Kernel kernel, Object[] inputs) {
        CallBinder.Scratch s = CallBinder.acquire();
        long n;
        try {
            Partial p = reduceRaw(rt, kernel, inputs, inputs.length, s);
            n = s.call.n();
            if (!RangeRescue.needed(kernel, p, n)) {
                return ReductionFinish.value(kernel, p);
            }
        } finally {
            CallBinder.release(s);
        }
        return RangeRescue.value(kernel, n, k -> reduceUnrescued(rt, k, inputs));
    }

    /** {@link #reduceDouble(Flynn, Kernel, Object[])} of one or two inputs, entering the kernel directly where it can. */
    static double reduceDouble(Flynn rt, Kernel kernel, int count, Object a, Object b) {
        HandleDirect d = kernel == null || !kernel.isReduction() ? null : kernel.generic(rt);
        if (d != null) {
            int n = d.length(null, a, b, null, count);
            if (n > 0) {
                Partial p = d.reduce(a, b, n);
                if (p != null) {
                    return d.value(p);
                }
            }
        }
        CallBinder.Scratch s = CallBinder.acquire();
        long n;
        try {
            Partial p = reduceRaw(rt, kernel, s.inputs(a, b, null), count, s);
            n = s.call.n();
            if (!RangeRescue.needed(kernel, p, n)) {
                return ReductionFinish.value(kernel, p);
            }
        } finally {
            CallBinder.release(s);
        }
        Object[] inputs = count == 1 ? new Object[] {a} : new Object[] {a, b};
        return RangeRescue.value(kernel, n, k -> reduceUnrescued(rt, k, inputs));
    }

    /** A reduction's value from its first run, even where it left the exponent range: for {@link RangeRescue}. */
    private static double reduceUnrescued(Flynn rt, Kernel kernel, Object[] inputs) {
        CallBinder.Scratch s = CallBinder.acquire();
        try {
            return ReductionFinish.value(kernel, reduceRaw(rt, kernel, inputs, inputs.length, s));
        } finally {
            CallBinder.release(s);
        }
    }

    static ReductionState reducePartial(Flynn rt, Kernel kernel, Object[] inputs) {
        CallBinder.Scratch s = CallBinder.acquire();
        try {
            Partial p;
            try {
                p = reduceRaw(rt, kernel, inputs, inputs.length, s);
            } catch (ReductionFinish.UndefinedEmptyException e) {
                // a piece of no elements is fine; only finishing the whole is undefined
                return ReductionState.empty(kernel);
            }
            long n = s.call.n();
            return n == 0 ? ReductionState.empty(kernel) : ReductionState.of(kernel, ReductionFinish.state(kernel, p), n);
        } finally {
            CallBinder.release(s);
        }
    }

    /** Runs {@code kernel} into the scratch's state, which the caller finishes before releasing {@code s}. */
    static Partial reduceRaw(Flynn rt, Kernel kernel, Object[] inputs, int count, CallBinder.Scratch s) {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(inputs, "inputs");
        if (!kernel.isReduction()) {
            throw new IllegalArgumentException("kernel " + kernel + " is a map; call into/apply, or reduce it first");
        }
        if (NdReduce.involved(inputs, count)) {
            // over all elements of n-D views: one 1-D reduction of their elements in row-major order
            java.util.List<DeviceArray> temporaries = new java.util.ArrayList<>(0);
            try {
                return reduceBound(rt, kernel, NdReduce.flatten(rt, kernel, inputs, count, temporaries), count, s);
            } finally {
                temporaries.forEach(DeviceArray::close);
            }
        }
        return reduceBound(rt, kernel, inputs, count, s);
    }

    private static Partial reduceBound(Flynn rt, Kernel kernel, Object[] inputs, int count, CallBinder.Scratch s) {
        Call call = s.call;
        long n = CallBinder.bindInputs(kernel, inputs, count, call, s);
        if (n < 0) {
            throw new IllegalArgumentException("reduction " + kernel + " was given only scalars; give at least one array");
        }
        BackendProvider b = rt.select(kernel, call, n, null);
        Object compiled = kernel.plan(b, CallBinder.bindingCodes(kernel, call, Binding.NONE), call, Binding.NONE);
        long[] args = CallBinder.args(kernel, call, s);
        Partial p = s.partial;
        p.clear();
        int workers = CallBinder.threadsFor(rt.threads(), call, null);
        call.set(kernel.ir(), compiled, null, 0, n, args, workers, workers > 1 ? rt.pool() : null);
        if (n == 0) {
            ReductionFinish.empty(kernel, p);
        } else {
            b.reduce(call, p);
        }
        s.owner.last = b.name();
        return p;
    }
}
