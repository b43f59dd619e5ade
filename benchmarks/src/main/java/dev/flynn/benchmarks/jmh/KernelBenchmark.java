package dev.flynn.benchmarks.jmh;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.benchmarks.BenchKernel;
import dev.flynn.benchmarks.InputData;
import dev.flynn.benchmarks.KernelCatalog;
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

import java.util.concurrent.TimeUnit;

/**
 * Every kernel of the catalog on each CPU backend, the same kernels {@code flynn bench} runs. A backend
 * that cannot run here fails its parameter combinations with the reason; the others still run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE})
public class KernelBenchmark {
    @Param({"saxpy", "poly", "exp", "log", "sin", "relu", "sum", "dot", "var", "blackscholes"})
    public String kernel;

    @Param({"scalar", "simd", "c"})
    public String backend;

    @Param({"4096", "262144", "16777216"})
    public int n;

    @Param({"1"})
    public int threads;

    @Param({"f32"})
    public String dtype;

    private Flynn flynn;
    private Kernel compiled;
    private boolean reduction;
    private Object[] inputs;
    private Object out;

    @Setup(Level.Trial)
    public void setUp() {
        DType type = DType.valueOf(dtype.toUpperCase(java.util.Locale.ROOT));
        BenchKernel k = KernelCatalog.named(kernel);
        flynn = Backends.runtime(backend, threads);
        compiled = k.kernel(type);
        reduction = k.isReduction();
        inputs = InputData.inputs(k, type, n, 42);
        out = reduction ? null : java.lang.reflect.Array.newInstance(compiled.resultType().javaType(), n);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        flynn.close();
    }

    /** One call; the branch goes the same way every time, so it costs nothing measurable. */
    @Benchmark
    public void run(Blackhole bh) {
        if (reduction) {
            bh.consume(flynn.reduceDouble(compiled, inputs));
        } else {
            flynn.into(compiled, out, inputs);
            bh.consume(out);
        }
    }
}
