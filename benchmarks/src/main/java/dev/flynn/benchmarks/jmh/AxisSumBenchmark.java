package dev.flynn.benchmarks.jmh;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.NdView;
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
 * Row sums and column sums of a row-major float32 matrix (4096x4096 by default: 64 MiB, past every
 * cache) through {@code reduceAxisInto}, beside the plain Java loops a user would write: a loop per
 * row, and for columns the cache-friendly loop that adds each row into a vector of column sums.
 * The yardsticks are the machine's memory bandwidth and NumPy's {@code x.sum(axis=1)} /
 * {@code x.sum(axis=0)} ({@code benchmarks/python/axis_sums.py}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE, "-Xmx2g"})
public class AxisSumBenchmark {
    @Param({"scalar", "simd", "c"})
    public String backend;

    @Param({"1", "0"})
    public int threads;

    @Param({"4096"})
    public int rows;

    @Param({"4096"})
    public int cols;

    private float[] x;
    private float[] rowSums;
    private float[] colSums;
    private NdView matrix;
    private Flynn flynn;
    private Kernel sum;

    @Setup(Level.Trial)
    public void setUp() {
        x = (float[]) InputData.array(DType.F32, rows * cols, new Domain(-1, 1), 1);
        matrix = NdView.of(x, rows, cols);
        rowSums = new float[rows];
        colSums = new float[cols];
        flynn = Backends.runtime(backend, threads == 0 ? Runtime.getRuntime().availableProcessors() : threads);
        sum = Kernel.parse("x", DType.F32).reduce(Reduction.sum());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        flynn.close();
    }

    @Benchmark
    public float[] rowSums() {
        flynn.reduceAxisInto(sum, 1, rowSums, matrix);
        return rowSums;
    }

    @Benchmark
    public float[] columnSums() {
        flynn.reduceAxisInto(sum, 0, colSums, matrix);
        return colSums;
    }

    /** The plain loop per row, one thread (not a Flynn backend: the same figure under every backend). */
    @Benchmark
    public float[] javaRowSums() {
        for (int i = 0; i < rows; i++) {
            float s = 0;
            int base = i * cols;
            for (int j = 0; j < cols; j++) {
                s += x[base + j];
            }
            rowSums[i] = s;
        }
        return rowSums;
    }

    /** Column sums the way a Java developer writes them: each row added into the vector of sums, one pass. */
    @Benchmark
    public float[] javaColumnSums() {
        java.util.Arrays.fill(colSums, 0);
        for (int i = 0; i < rows; i++) {
            int base = i * cols;
            for (int j = 0; j < cols; j++) {
                colSums[j] += x[base + j];
            }
        }
        return colSums;
    }
}
