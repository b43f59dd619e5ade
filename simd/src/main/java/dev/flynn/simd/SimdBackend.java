package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.ir.KernelIR;
import dev.flynn.spi.Availability;
import dev.flynn.spi.Binding;
import dev.flynn.spi.CpuBackend;
import dev.flynn.spi.CpuKernel;

import java.util.List;
import java.util.Objects;

/**
 * The SIMD backend: kernels compiled to JDK Vector API loops. Needs
 * {@code --add-modules jdk.incubator.vector} and HotSpot's C2; {@link #probe()} says why not otherwise.
 *
 * <p>C2 compiles a kernel's loop only after it has run a while; until then every vector op runs as
 * slow Java code. Call {@link #warmUp(Kernel)} before latency-sensitive use.
 */
public final class SimdBackend extends CpuBackend {
    /** Calls {@link #warmUp(Kernel)} makes: past C2's invocation and loop thresholds with a margin. */
    static final int WARM_UP_CALLS = 3_000;
    /** Elements per warm-up call: several vectors and a partial one, so C2 sees the main loop and the tail. */
    static final int WARM_UP_LENGTH = 4096 + 13;

    /** Creates the backend, as {@link java.util.ServiceLoader} does; all probing happens in {@link #probe()}. */
    public SimdBackend() {
    }

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public int priority() {
        return 200;
    }

    @Override
    public Availability probe() {
        return SimdProbe.probe();
    }

    /**
     * Compiles a kernel for these bindings, bypassing the cache: IR to a loaded hidden class (before
     * C2 has seen it). Public so that a benchmark can measure compile time.
     */
    @Override
    public CpuKernel compile(KernelIR ir, List<Binding> inputs, Binding output) {
        return SimdCompiler.compile(ir, inputs, output);
    }

    /**
     * {@link SimdLayout}'s partials; none in fast-math mode, where the JIT decides a transcendental's
     * last bit and a map's values need not be the reduction's.
     */
    @Override
    public java.util.OptionalInt blockPartials(KernelIR ir) {
        if (SimdRoutines.FAST_MATH) {
            return java.util.OptionalInt.empty();
        }
        return java.util.OptionalInt.of(SimdLayout.partials(ir.body().type(),
                dev.flynn.ir.Schedule.of(ir.body()).nodes().size()));
    }

    /** A vector loop handles 8 to 16 elements per instruction; SVML-style math costs a few instructions per lane. */
    @Override
    protected double nanosPerElement(KernelIR ir) {
        return 0.1 + 0.02 * arithmeticOps(ir) + 0.25 * transcendentalOps(ir);
    }

    /**
     * Runs {@code kernel} on the SIMD backend, one thread, with arrays of a few thousand elements,
     * until C2 has had every reason to compile its loops; afterwards calls with array inputs run the
     * compiled loop from the first call. Segment-bound calls compile their own code and warm separately.
     * Takes some tens of milliseconds; C2 finishes in the background shortly after it returns.
     *
     *
     * @param kernel a map or reduction kernel
     * @throws dev.flynn.BackendUnavailableException if the SIMD backend cannot run here
     */
    public static void warmUp(Kernel kernel) {
        Objects.requireNonNull(kernel, "kernel");
        Object[] inputs = new Object[kernel.arity()];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = sample(kernel.inputTypes().get(i), WARM_UP_LENGTH);
        }
        try (Flynn simd = Flynn.builder().backend(Backend.SIMD).threads(1).build()) {
            if (kernel.isReduction()) {
                for (int i = 0; i < WARM_UP_CALLS; i++) {
                    simd.reduce(kernel, inputs);
                }
            } else {
                Object out = sample(kernel.resultType(), WARM_UP_LENGTH);
                for (int i = 0; i < WARM_UP_CALLS; i++) {
                    simd.into(kernel, out, inputs);
                }
            }
        }
    }

    // values in [1, 2]: no integer division by zero, no overflow in exp or pow, no NaN from log or sqrt
    private static Object sample(DType type, int n) {
        return switch (type) {
            case F32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = 1 + (i % 17) / 16f;
                }
                yield a;
            }
            case F64 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = 1 + (i % 17) / 16d;
                }
                yield a;
            }
            case I32 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = 1 + i % 2;
                }
                yield a;
            }
            case I64 -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = 1 + i % 2;
                }
                yield a;
            }
            case BOOL -> throw new IllegalArgumentException("kernel inputs are numbers, not masks");
        };
    }
}
