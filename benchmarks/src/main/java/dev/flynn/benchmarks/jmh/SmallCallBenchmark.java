package dev.flynn.benchmarks.jmh;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Handles;
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
 * The cost of many small calls, float32, one thread: Flynn's SIMD backend through typed handles
 * ({@code Handle} suffix) and through the generic {@code Flynn} entry points ({@code Flynn}) beside the loops Lucene's {@code PanamaVectorUtilSupport} and jvector
 * write by hand (four accumulators, FMA, a vector tail, a scalar tail) and the plain Java loop. The
 * hand-written dot and squared distance use FMA, as Lucene does; Flynn's kernels mean Java's
 * {@code a*b + s}, rounded twice, so the {@code MulAdd} variants show what FMA itself is worth.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE})
public class SmallCallBenchmark {
    private static final float ALPHA = 2.5f;

    @Param({"128", "768", "4096", "1048576"})
    public int n;

    private float[] x;
    private float[] y;
    private float[] out;
    private Flynn simd;
    private Kernel dot;
    private Kernel l2;
    private Kernel sum;
    private Kernel saxpy;
    private Handles.FloatReduce2 dotHandle;
    private Handles.FloatReduce2 l2Handle;
    private Handles.FloatReduce1 sumHandle;
    private Handles.FloatMap2 saxpyHandle;

    @Setup(Level.Trial)
    public void setUp() {
        x = (float[]) InputData.array(DType.F32, n, new Domain(-1, 1), 1);
        y = (float[]) InputData.array(DType.F32, n, new Domain(-1, 1), 2);
        out = new float[n];
        simd = Backends.runtime("simd", 1);
        dot = Kernel.dot(DType.F32);
        l2 = Kernel.parse("(x - y) * (x - y)", DType.F32).reduce(Reduction.sum());
        sum = Kernel.parse("x", DType.F32).reduce(Reduction.sum());
        saxpy = Kernel.parse("2.5*x + y", DType.F32);
        dotHandle = simd.bind(dot, Handles.FloatReduce2.class);
        l2Handle = simd.bind(l2, Handles.FloatReduce2.class);
        sumHandle = simd.bind(sum, Handles.FloatReduce1.class);
        saxpyHandle = simd.bind(saxpy, Handles.FloatMap2.class);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        simd.close();
    }

    // ---- dot ----------------------------------------------------------------------------------

    @Benchmark
    public double dotFlynn() {
        return simd.reduceDouble(dot, x, y);
    }

    @Benchmark
    public float dotHandle() {
        return dotHandle.apply(x, y);
    }

    @Benchmark
    public float dotLucene() {
        return HandWrittenLoops.dotFma(x, y);
    }

    @Benchmark
    public float dotLuceneMulAdd() {
        return HandWrittenLoops.dotMulAdd(x, y);
    }

    @Benchmark
    public float dotPlain() {
        float s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    // ---- squared L2 distance -------------------------------------------------------------------

    @Benchmark
    public double l2Flynn() {
        return simd.reduceDouble(l2, x, y);
    }

    @Benchmark
    public float l2Handle() {
        return l2Handle.apply(x, y);
    }

    @Benchmark
    public float l2Lucene() {
        return HandWrittenLoops.squareDistanceFma(x, y);
    }

    @Benchmark
    public float l2Plain() {
        float s = 0;
        for (int i = 0; i < x.length; i++) {
            float d = x[i] - y[i];
            s += d * d;
        }
        return s;
    }

    // ---- sum ------------------------------------------------------------------------------------

    @Benchmark
    public double sumFlynn() {
        return simd.reduceDouble(sum, x);
    }

    @Benchmark
    public float sumHandle() {
        return sumHandle.apply(x);
    }

    @Benchmark
    public float sumLucene() {
        return HandWrittenLoops.sum(x);
    }

    @Benchmark
    public float sumPlain() {
        float s = 0;
        for (float v : x) {
            s += v;
        }
        return s;
    }

    // ---- saxpy ----------------------------------------------------------------------------------

    @Benchmark
    public float[] saxpyFlynn() {
        simd.into(saxpy, out, x, y);
        return out;
    }

    @Benchmark
    public float[] saxpyHandle() {
        saxpyHandle.apply(out, x, y);
        return out;
    }

    @Benchmark
    public float[] saxpyLucene() {
        return HandWrittenLoops.saxpy(ALPHA, x, y, out);
    }

    @Benchmark
    public float[] saxpyPlain() {
        for (int i = 0; i < x.length; i++) {
            out[i] = ALPHA * x[i] + y[i];
        }
        return out;
    }
}
