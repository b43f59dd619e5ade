package dev.flynn.benchmarks.jmh;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
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

import java.util.concurrent.TimeUnit;

/**
 * Each reduction whose lowering reads core's rules (sum, dot, argmax, mean, variance) and one map
 * ({@code 2*x + y}) on each CPU backend, float, one thread: the figures compared before and after a change
 * to how backends lower reductions. Each op has its own method, so each compiles on its own.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE})
public class ReductionBenchmark {
    @Param({"scalar", "simd", "c"})
    public String backend;

    @Param({"4096", "262144"})
    public int n;

    private float[] x;
    private float[] y;
    private float[] out;
    private Flynn flynn;
    private Kernel sum;
    private Kernel dot;
    private Kernel argmax;
    private Kernel mean;
    private Kernel var;
    private Kernel saxpy;

    @Setup(Level.Trial)
    public void setUp() {
        x = (float[]) InputData.array(DType.F32, n, new Domain(-1, 1), 1);
        y = (float[]) InputData.array(DType.F32, n, new Domain(-1, 1), 2);
        out = new float[n];
        flynn = Backends.runtime(backend, 1);
        Kernel identity = Kernel.parse("x", DType.F32);
        sum = identity.reduce(Reduction.sum());
        dot = Kernel.dot(DType.F32);
        argmax = identity.reduce(Reduction.argmax());
        mean = identity.reduce(Reduction.mean());
        var = identity.reduce(Reduction.variance());
        saxpy = Kernel.parse("2*x + y", DType.F32);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        flynn.close();
    }

    @Benchmark
    public double sum() {
        return flynn.reduceDouble(sum, x);
    }

    @Benchmark
    public double dot() {
        return flynn.reduceDouble(dot, x, y);
    }

    @Benchmark
    public long argmax() {
        return flynn.reduceLong(argmax, x);
    }

    @Benchmark
    public double mean() {
        return flynn.reduceDouble(mean, x);
    }

    @Benchmark
    public double var() {
        return flynn.reduceDouble(var, x);
    }

    @Benchmark
    public float[] saxpy() {
        flynn.into(saxpy, out, x, y);
        return out;
    }
}
