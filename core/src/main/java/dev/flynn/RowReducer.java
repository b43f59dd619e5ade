package dev.flynn;

import dev.flynn.ir.KernelIR;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.spi.BackendProvider;
import dev.flynn.spi.Binding;
import dev.flynn.spi.Call;
import dev.flynn.spi.CpuBackend;
import dev.flynn.spi.CpuKernel;
import dev.flynn.spi.Partial;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One reduction kernel over many lines of an {@link NdRows.Plan} on a CPU backend, compiled and bound
 * once: each line's state comes from the compiled {@link CpuKernel} called with that line's offsets,
 * through {@link CpuBackend#reduceLine}, the same blocks and tree as a 1-D call of the line alone, then
 * finished as that call finishes it (a state that left the exponent range is rerun by the 1-D call
 * itself). So a line's value is bitwise the 1-D call's, without that call's per-line cost of binding,
 * backend selection, plan lookup and scratch handling (100-300 ns, as much as reading a row of a few
 * hundred floats). Other backends (GPU) keep one 1-D call per line: {@link #of} says where this applies.
 *
 * <p>A reducer is shared by the threads of one run; each thread reduces through its own {@link Lane}.
 */
final class RowReducer {
    /** Reducers made since the start, for tests that must know which path ran. */
    static final AtomicLong MADE = new AtomicLong();

    private final Flynn serial;
    private final Kernel kernel;
    private final CpuKernel compiled;
    private final ReduceSpec spec;
    private final DType bodyType;
    private final String backend;
    private final long n;
    private final long[] args;
    private final NdRows.Plan plan;
    /** Per input: the plan operand whose lines it reads, or -1 for an input that is the same on every line. */
    private final int[] operandOf;
    /** Per input: its storage (full array or segment) and, for fixed inputs, its offset. */
    private final Object[] data;
    private final long[] fixedOffsets;
    /** Per input: the 1-D argument for fixed inputs (numbers, queries), for the rerun of a single line. */
    private final Object[] fixedArgs;

    private RowReducer(Flynn serial, Kernel kernel, CpuKernel compiled, String backend, long n, long[] args,
                       NdRows.Plan plan, int[] operandOf, Object[] data, long[] fixedOffsets, Object[] fixedArgs) {
        this.serial = serial;
        this.kernel = kernel;
        this.compiled = compiled;
        KernelIR ir = kernel.ir();
        this.spec = ir.reduce().orElseThrow();
        this.bodyType = ir.body().type();
        this.backend = backend;
        this.n = n;
        this.args = args;
        this.plan = plan;
        this.operandOf = operandOf;
        this.data = data;
        this.fixedOffsets = fixedOffsets;
        this.fixedArgs = fixedArgs;
    }

    /**
     * The reducer of {@code kernel} over the lines of {@code plan}, or null where lines take one 1-D call
     * each: the runtime's backend for such a line is not a CPU backend, a line is empty, an operand's lines
     * are not in place (gathered or numbers), or the lines run one after another with the whole runtime
     * (fewer lines than threads: each line's own call splits it).
     *
     * @param rt the runtime of the call
     * @param kernel a reduction kernel
     * @param plan the checked lines
     * @param inputs per kernel input: a number or other 1-D argument that is the same on every line, or
     *               null where {@code operandOf} names the plan operand whose lines it reads
     * @param operandOf per kernel input: a plan operand, or -1
     * @return the reducer, or null
     */
    static RowReducer of(Flynn rt, Kernel kernel, NdRows.Plan plan, Object[] inputs, int[] operandOf) {
        if (plan.lines() == 0 || !(plan.splitsLines(rt) || rt.threads() <= 1)) {
            return null;
        }
        long len = -1;
        for (int i = 0; i < inputs.length; i++) {
            int op = operandOf[i];
            if (op >= 0) {
                if (!plan.inPlace(op) || plan.view(op).storage() instanceof DeviceArray) {
                    return null;
                }
                len = plan.length(op);
            } else if (inputs[i] instanceof DeviceArray || inputs[i] instanceof DeviceSlice) {
                return null;
            }
        }
        if (len <= 0) {
            return null;
        }
        Flynn serial = rt.serial();
        Object[] first = lineArgs(plan, inputs, operandOf, 0);
        CallBinder.Scratch s = CallBinder.acquire();
        try {
            Call call = s.call;
            // binding line 0 checks lengths and types exactly as each line's 1-D call would
            long n = CallBinder.bindInputs(kernel, first, first.length, call, s);
            BackendProvider b = serial.select(kernel, call, n, null);
            if (!(b instanceof CpuBackend cpu)) {
                return null;
            }
            CpuKernel k = cpu.kernel(kernel.ir(), kernel.shapeKey(), CallBinder.bindingList(kernel, call), Binding.NONE);
            long[] args = CallBinder.args(kernel, call, s).clone();
            Object[] data = new Object[inputs.length];
            long[] fixed = new long[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                if (operandOf[i] >= 0) {
                    // the whole storage, so that a line's offset may point anywhere in it
                    data[i] = plan.view(operandOf[i]).storage();
                } else {
                    data[i] = call.data()[i];
                    fixed[i] = call.offsets()[i];
                }
            }
            MADE.getAndIncrement();
            return new RowReducer(serial, kernel, k, b.name(), n, args, plan, operandOf.clone(), data, fixed, inputs.clone());
        } finally {
            CallBinder.release(s);
        }
    }

    /** The 1-D arguments of line {@code line}: what the per-line call of that line is given. */
    private static Object[] lineArgs(NdRows.Plan plan, Object[] inputs, int[] operandOf, long line) {
        Object[] out = new Object[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            int op = operandOf[i];
            if (op < 0) {
                out[i] = inputs[i];
            } else {
                NdView v = plan.view(op);
                out[i] = NdRows.span(v.storage(), v.type(), plan.base(op, line), plan.length(op));
            }
        }
        return out;
    }

    /**
     * The name of the backend the lines run on.
     *
     * @return its name, as {@link Flynn#lastBackend()} reports it
     */
    String backend() {
        return backend;
    }

    /**
     * A thread's scratch for reducing lines.
     *
     * @return a new lane
     */
    Lane lane() {
        return new Lane();
    }

    /** One thread's operands and states, reused for every line it reduces. */
    final class Lane {
        private final Object[] laneData = data.clone();
        private final long[] offsets = fixedOffsets.clone();
        private final Partial[] parts;
        private final Partial state = new Partial();

        private Lane() {
            int nb = CpuBackend.blocks(n);
            parts = new Partial[nb > 1 ? nb : 0];
            for (int b = 0; b < parts.length; b++) {
                parts[b] = new Partial();
            }
        }

        /** The raw state of line {@code line}, as the 1-D call's backend leaves it. */
        private Partial state(long line) {
            for (int i = 0; i < offsets.length; i++) {
                if (operandOf[i] >= 0) {
                    offsets[i] = plan.base(operandOf[i], line);
                }
            }
            state.clear();
            CpuBackend.reduceLine(compiled, spec, bodyType, laneData, offsets, n, args, parts, state);
            return state;
        }

        /**
         * Line {@code line}'s value, bitwise {@link Flynn#reduceDouble} of the line alone.
         *
         * @param line the line's number
         * @return the value
         */
        double doubleValue(long line) {
            Partial p = state(line);
            if (!RangeRescue.needed(kernel, p, n)) {
                return ReductionFinish.value(kernel, p);
            }
            return serial.reduceDouble(kernel, lineArgs(plan, fixedArgs, operandOf, line));
        }

        /**
         * Line {@code line}'s value, bitwise {@link Flynn#reduceLong} of the line alone.
         *
         * @param line the line's number
         * @return the value
         */
        long longValue(long line) {
            return ReductionFinish.longChecked(kernel, state(line));
        }

        /**
         * Line {@code line}'s value, bitwise {@link Flynn#reduceBoolean} of the line alone.
         *
         * @param line the line's number
         * @return the value
         */
        boolean booleanValue(long line) {
            return ReductionFinish.booleanChecked(kernel, state(line), n);
        }
    }
}
