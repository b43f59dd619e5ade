package dev.flynn.scalar;

import dev.flynn.ir.KernelIR;
import dev.flynn.spi.Availability;
import dev.flynn.spi.Binding;
import dev.flynn.spi.CpuBackend;
import dev.flynn.spi.CpuKernel;

import java.util.List;

/**
 * The scalar (SISD) backend: each kernel compiled to the bytecode of a plain Java loop. It gives
 * exactly what the equivalent hand-written loop gives and is the reference every other backend is
 * checked against; it is also the honest "scalar" column of the benchmarks (C2 may auto-vectorize
 * such loops, as it would the user's own).
 */
public final class ScalarBackend extends CpuBackend {

    /** Creates the backend, as {@link java.util.ServiceLoader} does; all probing happens in {@link #probe()}. */
    public ScalarBackend() {
    }
    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability probe() {
        return Availability.available("plain Java loops compiled to bytecode, " + Runtime.version());
    }

    @Override
    protected CpuKernel compile(KernelIR ir, List<Binding> inputs, Binding output) {
        return ScalarCodegen.compile(ir, inputs, output);
    }

    /** A plain loop folds a block into one accumulator, in index order. */
    @Override
    public java.util.OptionalInt blockPartials(KernelIR ir) {
        return java.util.OptionalInt.of(1);
    }
}
