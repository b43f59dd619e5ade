package dev.flynn.benchmarks.jmh;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Scan;
import dev.flynn.ScanKernel;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Cumulative sum of float32 ({@code Kernel.map(F32, x -> x).scan(Scan.sum())}) into a caller's array,
 * beside the loop a Java developer writes ({@code acc += x[i]; out[i] = acc}), which one thread runs
 * at the latency of a float add per element. {@code threads = 0} uses every core. Compare with
 * {@code benchmarks/python/cumsum.py} ({@code np.cumsum}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE})
public class ScanBenchmark {
    @Param({"scalar", "simd", "c"})
    public String backend;

    @Param({"16777216"})
    public int n;

    @Param({"1", "0"})
    public int threads;

    private Flynn flynn;
    private ScanKernel cumsum;
    private float[] x;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        flynn = Backends.runtime(backend, threads == 0 ? Runtime.getRuntime().availableProcessors() : threads);
        cumsum = Kernel.map(DType.F32, v -> v).scan(Scan.sum());
        SplittableRandom rng = new SplittableRandom(42);
        x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        out = new float[n];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        flynn.close();
    }

    @Benchmark
    public void flynnCumsum(Blackhole bh) {
        flynn.into(cumsum, out, x);
        bh.consume(out);
    }

    /** The hand-written loop; the same for every backend parameter (run it with one). */
    @Benchmark
    public void plainLoop(Blackhole bh) {
        float[] a = x;
        float[] o = out;
        float acc = 0;
        for (int i = 0; i < a.length; i++) {
            acc += a[i];
            o[i] = acc;
        }
        bh.consume(o);
    }
}
