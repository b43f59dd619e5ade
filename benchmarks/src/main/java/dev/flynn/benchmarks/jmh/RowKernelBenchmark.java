package dev.flynn.benchmarks.jmh;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.NdView;
import dev.flynn.RowKernel;
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
 * Row softmax and RMS norm of a float matrix (4096x4096 by default) as reduce-then-map kernels along
 * the last axis, on each CPU backend at one thread and at all of them, beside the plain Java loops a
 * developer would write (three passes per row for softmax, two for RMS norm, one thread). The NumPy
 * yardsticks are in {@code benchmarks/python/rowsoftmax.py}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE})
public class RowKernelBenchmark {
    private static final float EPS = 1e-6f;

    @Param({"scalar", "simd", "c"})
    public String backend;

    /** 0: all cores. */
    @Param({"1", "0"})
    public int threads;

    @Param({"4096"})
    public int rows;

    @Param({"4096"})
    public int cols;

    private float[] x;
    private float[] g;
    private float[] out;
    private NdView xv;
    private NdView gv;
    private NdView outv;
    private Flynn flynn;
    private RowKernel softmax;
    private RowKernel rms;

    @Setup(Level.Trial)
    public void setUp() {
        x = (float[]) InputData.array(DType.F32, rows * cols, new Domain(-10, 10), 1);
        g = (float[]) InputData.array(DType.F32, cols, new Domain(0.5, 1.5), 2);
        out = new float[rows * cols];
        xv = NdView.of(x, rows, cols);
        gv = NdView.of(g, cols);
        outv = NdView.of(out, rows, cols);
        flynn = Backends.runtime(backend, threads == 0 ? Runtime.getRuntime().availableProcessors() : threads);
        softmax = RowKernel.softmax(DType.F32);
        rms = RowKernel.rmsNorm(DType.F32, EPS);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        flynn.close();
    }

    @Benchmark
    public float[] softmax() {
        softmax.into(flynn, outv, xv);
        return out;
    }

    @Benchmark
    public float[] rmsNorm() {
        rms.into(flynn, outv, xv, gv);
        return out;
    }

    /** The loop a Java developer writes: max, then the sum of exponentials, then the division, per row. */
    @Benchmark
    public float[] softmaxPlainLoop() {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, x[base + c]);
            }
            float sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += (float) Math.exp(x[base + c] - max);
            }
            for (int c = 0; c < cols; c++) {
                out[base + c] = (float) Math.exp(x[base + c] - max) / sum;
            }
        }
        return out;
    }

    /** The plain loop of RMS norm: the mean square in double, then the scaling, per row. */
    @Benchmark
    public float[] rmsNormPlainLoop() {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double sq = 0;
            for (int c = 0; c < cols; c++) {
                double v = x[base + c];
                sq += v * v;
            }
            float root = (float) Math.sqrt(sq / cols + EPS);
            for (int c = 0; c < cols; c++) {
                out[base + c] = x[base + c] / root * g[c];
            }
        }
        return out;
    }
}
