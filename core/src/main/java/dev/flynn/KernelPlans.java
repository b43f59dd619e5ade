package dev.flynn;

import dev.flynn.spi.BackendProvider;
import dev.flynn.spi.Binding;
import dev.flynn.spi.Call;

import java.util.Arrays;

/**
 * The compiled forms of one kernel, one per backend and set of bindings. A call reads the array
 * without a lock (it is replaced, never changed); only a call that must compile takes the lock, so a
 * kernel is compiled once per backend and bindings however many threads ask at once.
 */
final class KernelPlans {
    private volatile Plan[] plans = new Plan[0];

    /** A compiled form of the kernel for one backend and one set of bindings. */
    record Plan(BackendProvider backend, long bindings, Object compiled) {
    }

    // takes the call's parts rather than a compile function, so that a cached call allocates nothing
    Object get(Kernel kernel, BackendProvider backend, long bindings, Call call, Binding output) {
        for (Plan p : plans) {
            if (p.backend() == backend && p.bindings() == bindings) {
                return p.compiled();
            }
        }
        synchronized (this) {
            for (Plan p : plans) {
                if (p.backend() == backend && p.bindings() == bindings) {
                    return p.compiled();
                }
            }
            Object compiled = backend.prepare(kernel.ir(), kernel.shapeKey(), CallBinder.bindingList(kernel, call),
                    output);
            Plan[] grown = Arrays.copyOf(plans, plans.length + 1);
            grown[plans.length] = new Plan(backend, bindings, compiled);
            plans = grown;
            return compiled;
        }
    }
}
