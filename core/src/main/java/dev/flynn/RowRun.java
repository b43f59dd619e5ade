package dev.flynn;

import dev.flynn.spi.Partial;

import java.util.Arrays;
import java.util.List;

/**
 * Runs a {@link RowPlan} over one row held in 1-D storage (arrays, {@link Slice}s, segments, device
 * arrays, numbers): each stage's passes in order, their values as scalar inputs of the next, then
 * the map into the output. Nothing is written before the map, which checks its output before it
 * writes; so bad input is rejected with the output untouched, and an output that is also an input
 * (in place) is read by every reduction before it is overwritten.
 */
final class RowRun {
    private RowRun() {
    }

    static void run(Flynn rt, RowPlan plan, Object out, Object[] inputs) {
        Object[] args = Arrays.copyOf(inputs, plan.map().arity());
        int known = plan.userArity();
        for (List<RowPlan.Pass> stage : plan.stages()) {
            Object[] stageArgs = Arrays.copyOf(args, known);
            for (RowPlan.Pass p : stage) {
                if (p.sharesMoments()) {
                    moments(rt, p, stageArgs, args);
                } else {
                    args[p.slots()[0]] = value(rt, p.kernel(), stageArgs);
                }
                known += p.slots().length;
            }
        }
        rt.into(plan.map(), out, args);
    }

    /** The value of a reduction kernel as the boxed scalar input of its type (a mask as I32 1 or 0). */
    private static Object value(Flynn rt, Kernel k, Object[] args) {
        return switch (k.resultType()) {
            case F32 -> (float) rt.reduceDouble(k, args);
            case F64 -> rt.reduceDouble(k, args);
            case I32 -> (int) rt.reduceLong(k, args);
            case I64 -> rt.reduceLong(k, args);
            case BOOL -> rt.reduceBoolean(k, args) ? 1 : 0;
        };
    }

    /**
     * The means, variances and standard deviations of one expression from one pass: the same moments
     * each of them would reduce on its own, finished each its way, so the values are bitwise theirs.
     * Where the moments left the exponent range each runs on its own, with its rescaled rerun.
     */
    private static void moments(Flynn rt, RowPlan.Pass p, Object[] stageArgs, Object[] args) {
        Kernel k = p.kernel();
        CallBinder.Scratch s = CallBinder.acquire();
        try {
            Partial state = ReduceCalls.reduceRaw(rt, k, stageArgs, stageArgs.length, s);
            if (!RangeRescue.needed(k, state, s.call.n())) {
                for (int i = 0; i < p.slots().length; i++) {
                    Reduction r = p.own().get(i).reduction().orElseThrow();
                    args[p.slots()[i]] = r.finishMoments(state.n, state.mean, state.m2);
                }
                return;
            }
        } finally {
            CallBinder.release(s);
        }
        for (int i = 0; i < p.slots().length; i++) {
            args[p.slots()[i]] = rt.reduceDouble(p.own().get(i), stageArgs);
        }
    }
}
