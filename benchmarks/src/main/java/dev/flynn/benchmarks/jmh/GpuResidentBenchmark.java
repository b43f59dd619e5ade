package dev.flynn.benchmarks.jmh;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.benchmarks.BenchKernel;
import dev.flynn.benchmarks.InputData;
import dev.flynn.benchmarks.KernelCatalog;
import dev.flynn.gpu.GpuArray;
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

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Catalog kernels on device-resident arrays ({@link GpuArray}): one synchronous launch per call, no
 * transfer, which is how a GPU user chains kernels. {@code benchmarks/python/gpu_cupy.py} times the same
 * kernels in CuPy on the same sizes, the yardstick; {@code flynn bench --backends gpu} measures the
 * host-array form, copies included. Fails its combinations with the probe's reason where no GPU is.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE})
public class GpuResidentBenchmark {
    @Param({"saxpy", "exp", "sin", "blackscholes", "sum", "dot"})
    public String kernel;

    @Param({"1048576", "16777216", "134217728"})
    public int n;

    @Param({"f32"})
    public String dtype;

    private Flynn flynn;
    private Kernel compiled;
    private boolean reduction;
    private GpuArray[] inputs;
    private GpuArray out;

    @Setup(Level.Trial)
    public void setUp() {
        DType type = DType.valueOf(dtype.toUpperCase(Locale.ROOT));
        BenchKernel k = KernelCatalog.named(kernel);
        flynn = Backends.runtime("gpu", 1);
        compiled = k.kernel(type);
        reduction = k.isReduction();
        Object[] host = InputData.inputs(k, type, n, 42);
        inputs = new GpuArray[host.length];
        for (int i = 0; i < host.length; i++) {
            inputs[i] = GpuArray.upload(host[i]);
        }
        out = reduction ? null : GpuArray.allocate(compiled.resultType(), n);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (GpuArray a : inputs) {
            a.close();
        }
        if (out != null) {
            out.close();
        }
        flynn.close();
    }

    /** One launch, finished when it returns (the backend synchronizes); a reduction brings back one value. */
    @Benchmark
    public void run(Blackhole bh) {
        if (reduction) {
            bh.consume(flynn.reduceDouble(compiled, (Object[]) inputs));
        } else {
            flynn.into(compiled, out, (Object[]) inputs);
            bh.consume(out);
        }
    }
}
