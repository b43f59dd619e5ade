package dev.flynn.benchmarks.jmh;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Metric;
import dev.flynn.NdView;
import dev.flynn.Scoring;
import dev.flynn.TopK;
import dev.flynn.benchmarks.BenchKernel.Domain;
import dev.flynn.benchmarks.InputData;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
 * Brute-force k-nearest-neighbour search, float32: one 768-d query scored against 100,000 rows
 * (dot and squared L2, 307 MB of matrix per call) and the top 10, on a Flynn backend at one and at all
 * threads, beside a plain Java loop and a hand-written Vector API loop per row (one thread), each
 * followed by Flynn's top-k of their scores. {@code benchmarks/python/knn.py} times NumPy's
 * {@code X @ q} and {@code np.argpartition} on the same sizes. The scoring reads the matrix once, so
 * its time against the machine's memory bandwidth ({@code flynn bench} measures it) says how close it is.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE, "-Xmx2g"})
public class KnnBenchmark {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int K = 10;

    @Param({"simd"})
    public String backend;

    /** 0: all cores. */
    @Param({"1", "0"})
    public int threads;

    @Param({"100000"})
    public int rows;

    @Param({"768"})
    public int d;

    private float[] data;
    private float[] query;
    private float[] scores;
    private NdView matrix;
    private Flynn flynn;

    @Setup(Level.Trial)
    public void setUp() {
        data = (float[]) InputData.array(DType.F32, rows * d, new Domain(-1, 1), 1);
        query = (float[]) InputData.array(DType.F32, d, new Domain(-1, 1), 2);
        scores = new float[rows];
        matrix = NdView.of(data, rows, d);
        flynn = Backends.runtime(backend, threads == 0 ? Runtime.getRuntime().availableProcessors() : threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        flynn.close();
    }

    @Benchmark
    public float[] dotScores() {
        Scoring.scoresInto(flynn, Metric.DOT, matrix, query, scores);
        return scores;
    }

    @Benchmark
    public float[] l2Scores() {
        Scoring.scoresInto(flynn, Metric.SQUARED_L2, matrix, query, scores);
        return scores;
    }

    @Benchmark
    public TopK dotKnn() {
        return Scoring.knn(flynn, matrix, query, K, Metric.DOT);
    }

    @Benchmark
    public TopK l2Knn() {
        return Scoring.knn(flynn, matrix, query, K, Metric.SQUARED_L2);
    }

    /** Top-k alone, over scores already computed. */
    @Benchmark
    public TopK topK() {
        return TopK.select(flynn, scores, null, K, TopK.Order.LARGEST);
    }

    /** The loop a Java developer writes, one thread, then the same top-k. */
    @Benchmark
    public TopK dotKnnPlainLoop() {
        for (int r = 0; r < rows; r++) {
            float s = 0;
            int base = r * d;
            for (int i = 0; i < d; i++) {
                s += data[base + i] * query[i];
            }
            scores[r] = s;
        }
        return TopK.select(flynn, scores, null, K, TopK.Order.LARGEST);
    }

    /** The same with a hand-written Vector API dot per row (four FMA accumulators, as Lucene's), one thread. */
    @Benchmark
    public TopK dotKnnVectorLoop() {
        for (int r = 0; r < rows; r++) {
            scores[r] = dotRow(data, r * d, query, d);
        }
        return TopK.select(flynn, scores, null, K, TopK.Order.LARGEST);
    }

    /** The plain squared-distance loop, one thread, then the smallest 10. */
    @Benchmark
    public TopK l2KnnPlainLoop() {
        for (int r = 0; r < rows; r++) {
            float s = 0;
            int base = r * d;
            for (int i = 0; i < d; i++) {
                float diff = data[base + i] - query[i];
                s += diff * diff;
            }
            scores[r] = s;
        }
        return TopK.select(flynn, scores, null, K, TopK.Order.SMALLEST);
    }

    private static float dotRow(float[] m, int off, float[] q, int n) {
        int i = 0;
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F);
        FloatVector acc3 = FloatVector.zero(F);
        FloatVector acc4 = FloatVector.zero(F);
        int step = F.length();
        // four independent chains hide the FMA unit's latency
        for (int bound = n - 4 * step; i <= bound; i += 4 * step) {
            acc1 = FloatVector.fromArray(F, m, off + i).fma(FloatVector.fromArray(F, q, i), acc1);
            acc2 = FloatVector.fromArray(F, m, off + i + step).fma(FloatVector.fromArray(F, q, i + step), acc2);
            acc3 = FloatVector.fromArray(F, m, off + i + 2 * step).fma(FloatVector.fromArray(F, q, i + 2 * step), acc3);
            acc4 = FloatVector.fromArray(F, m, off + i + 3 * step).fma(FloatVector.fromArray(F, q, i + 3 * step), acc4);
        }
        float res = acc1.add(acc2).add(acc3.add(acc4)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            res = Math.fma(m[off + i], q[i], res);
        }
        return res;
    }
}
