package dev.flynn.benchmarks.jmh;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.benchmarks.BenchKernel.Domain;
import dev.flynn.benchmarks.InputData;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The fused map {@code where(x > 0, sqrt(x)*exp(-y), log1p(abs(x)))} on floats: SIMD with Flynn's own
 * math, SIMD in SVML fast mode, and the C backend with {@code -ffast-math} (gcc, libmvec). Each mode is
 * a JVM-wide property, so each method runs in its own fork. The Numba and NumPy columns of
 * BENCHMARKS.md come from {@code benchmarks/python/fused.py} on the same inputs' domains.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FusedMathBenchmark {
    /** Also the expression of benchmarks/python/fused.py; change both together. */
    static final String EXPRESSION = "where(x > 0, sqrt(x)*exp(-y), log1p(abs(x)))";
    static final List<Domain> DOMAINS = List.of(new Domain(-10, 10), new Domain(0, 5));

    @Param({"4096", "16777216"})
    public int n;

    private Flynn simd;
    private Flynn c;
    private Kernel kernel;
    private Object[] inputs;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        kernel = Kernel.parse(EXPRESSION, DType.F32);
        inputs = InputData.inputs(DOMAINS, DType.F32, n, 42);
        out = new float[n];
        simd = Flynn.builder().backend(Backend.SIMD).threads(1).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        simd.close();
        if (c != null) {
            c.close();
        }
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE})
    public void simdOwn(Blackhole bh) {
        simd.into(kernel, out, inputs);
        bh.consume(out);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE, JvmFlags.SIMD_FAST_MATH})
    public void simdSvml(Blackhole bh) {
        simd.into(kernel, out, inputs);
        bh.consume(out);
    }

    /** The C backend is opened on first use, so the SIMD forks never start a compiler. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE, JvmFlags.C_FAST_MATH})
    public void cFastMath(Blackhole bh) {
        if (c == null) {
            c = Backends.runtime("c", 1);
        }
        c.into(kernel, out, inputs);
        bh.consume(out);
    }
}
