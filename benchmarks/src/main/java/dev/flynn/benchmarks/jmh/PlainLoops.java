package dev.flynn.benchmarks.jmh;

import dev.flynn.DType;
import dev.flynn.benchmarks.BenchKernel.Domain;
import dev.flynn.benchmarks.InputData;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The loops a Java developer would write for the catalog's kernels (float). Two subclasses run them:
 * {@link PlainLoopBenchmark} as C2 compiles them (it may auto-vectorize the simple ones) and
 * {@link SisdLoopBenchmark} with auto-vectorization off, so "SIMD vs scalar" can be read against both.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class PlainLoops {
    @Param({"4096", "262144", "16777216"})
    public int n;

    private float[] x;
    private float[] y;
    private float[] positive;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        x = (float[]) InputData.array(DType.F32, n, new Domain(-1, 1), 1);
        y = (float[]) InputData.array(DType.F32, n, new Domain(-1, 1), 2);
        positive = (float[]) InputData.array(DType.F32, n, new Domain(1e-3, 1e3), 3);
        out = new float[n];
    }

    @Benchmark
    public float[] saxpy() {
        for (int i = 0; i < n; i++) {
            out[i] = 2.5f * x[i] + y[i];
        }
        return out;
    }

    @Benchmark
    public float[] poly() {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            out[i] = ((((0.5f * v + 0.25f) * v - 1.5f) * v + 0.75f) * v - 2.0f) * v + 1.25f;
        }
        return out;
    }

    @Benchmark
    public float[] exp() {
        for (int i = 0; i < n; i++) {
            out[i] = (float) Math.exp(x[i]);
        }
        return out;
    }

    @Benchmark
    public float[] log() {
        for (int i = 0; i < n; i++) {
            out[i] = (float) Math.log(positive[i]);
        }
        return out;
    }

    @Benchmark
    public float[] sin() {
        for (int i = 0; i < n; i++) {
            out[i] = (float) Math.sin(x[i]);
        }
        return out;
    }

    @Benchmark
    public float[] relu() {
        for (int i = 0; i < n; i++) {
            out[i] = x[i] > 0 ? x[i] : 0f;
        }
        return out;
    }

    /** One accumulator, as written: C2 keeps the order of float adds, so it cannot vectorize this. */
    @Benchmark
    public float sum() {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += x[i];
        }
        return s;
    }

    @Benchmark
    public float dot() {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
}
