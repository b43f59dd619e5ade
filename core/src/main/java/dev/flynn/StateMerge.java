package dev.flynn;

import dev.flynn.ir.KernelIR;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.spi.Partials;
import dev.flynn.spi.State;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/** {@link Flynn#merge}: two neighbouring pieces' {@link ReductionState}s through {@link Partials}' typed merge. */
final class StateMerge {
    /**
     * A custom reduction's combine as a map over {@code (acc, value)}, per kernel: compiled once, since
     * a backend compiles a kernel's code per kernel.
     */
    private static final Map<Kernel, Kernel> COMBINES = new WeakHashMap<>();

    private StateMerge() {
    }

    static ReductionState merge(Flynn runtime, ReductionState lower, ReductionState higher) {
        java.util.Objects.requireNonNull(lower, "lower");
        java.util.Objects.requireNonNull(higher, "higher");
        lower.requireCompatible(higher);
        long count = Math.addExact(lower.count(), higher.count());
        if (higher.isEmpty()) {
            return lower;
        }
        State b = shifted(higher.state(), lower.count());
        if (lower.isEmpty()) {
            return ReductionState.of(lower.kernel(), b, count);
        }
        Kernel kernel = lower.kernel();
        ReduceSpec spec = kernel.ir().reduce().orElseThrow();
        State merged = Partials.merge(spec, lower.state(), b, (x, y) -> combine(runtime, kernel, x, y));
        return ReductionState.of(kernel, merged, count);
    }

    /** An argmin's or argmax's state with its index counted from {@code offset} elements earlier. */
    private static State shifted(State s, long offset) {
        return switch (s) {
            case State.FloatIndexed x -> new State.FloatIndexed(x.type(), x.value(), x.index() + offset);
            case State.IntIndexed x -> new State.IntIndexed(x.type(), x.value(), x.index() + offset);
            case State.Plain x -> x;
            case State.Compensated x -> x;
            case State.Moments x -> x;
        };
    }

    private static State.Plain combine(Flynn runtime, Kernel kernel, State.Plain a, State.Plain b) {
        Kernel c = combineKernel(kernel);
        return switch (a) {
            case State.FloatValue x when x.type() == DType.F32 -> new State.FloatValue(DType.F32, runtime.floats(c,
                    new float[] {(float) x.value()}, new float[] {(float) ((State.FloatValue) b).value()})[0]);
            case State.FloatValue x -> new State.FloatValue(DType.F64, runtime.doubles(c,
                    new double[] {x.value()}, new double[] {((State.FloatValue) b).value()})[0]);
            case State.IntValue x when x.type() == DType.I32 -> new State.IntValue(DType.I32, runtime.ints(c,
                    new int[] {(int) x.value()}, new int[] {(int) ((State.IntValue) b).value()})[0]);
            case State.IntValue x -> new State.IntValue(DType.I64, runtime.longs(c,
                    new long[] {x.value()}, new long[] {((State.IntValue) b).value()})[0]);
        };
    }

    private static Kernel combineKernel(Kernel kernel) {
        synchronized (COMBINES) {
            return COMBINES.computeIfAbsent(kernel, k -> {
                KernelIR ir = k.ir();
                DType t = ir.body().type();
                return Kernel.fromIR(new KernelIR(List.of(t, t), ir.reduce().orElseThrow().combine().orElseThrow(),
                        Optional.empty(), ir.constCount()), List.of("acc", "value"), Optional.empty(), k.constants());
            });
        }
    }
}
