package dev.flynn.benchmarks.jmh;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Handles;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
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
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
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
        float[] a = x;
        float[] b = y;
        int i = 0;
        float res = 0;
        if (a.length >= 2 * F.length()) {
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector acc2 = FloatVector.zero(F);
            FloatVector acc3 = FloatVector.zero(F);
            FloatVector acc4 = FloatVector.zero(F);
            // four independent chains hide the FMA unit's latency of four cycles
            int unrolled = F.loopBound(a.length - 3 * F.length());
            for (; i < unrolled; i += 4 * F.length()) {
                acc1 = FloatVector.fromArray(F, a, i).fma(FloatVector.fromArray(F, b, i), acc1);
                acc2 = FloatVector.fromArray(F, a, i + F.length()).fma(FloatVector.fromArray(F, b, i + F.length()), acc2);
                acc3 = FloatVector.fromArray(F, a, i + 2 * F.length())
                        .fma(FloatVector.fromArray(F, b, i + 2 * F.length()), acc3);
                acc4 = FloatVector.fromArray(F, a, i + 3 * F.length())
                        .fma(FloatVector.fromArray(F, b, i + 3 * F.length()), acc4);
            }
            for (int bound = F.loopBound(a.length); i < bound; i += F.length()) {
                acc1 = FloatVector.fromArray(F, a, i).fma(FloatVector.fromArray(F, b, i), acc1);
            }
            res = acc1.add(acc2).add(acc3.add(acc4)).reduceLanes(VectorOperators.ADD);
        }
        for (; i < a.length; i++) {
            res = Math.fma(a[i], b[i], res);
        }
        return res;
    }

    @Benchmark
    public float dotLuceneMulAdd() {
        float[] a = x;
        float[] b = y;
        int i = 0;
        float res = 0;
        if (a.length >= 2 * F.length()) {
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector acc2 = FloatVector.zero(F);
            FloatVector acc3 = FloatVector.zero(F);
            FloatVector acc4 = FloatVector.zero(F);
            int unrolled = F.loopBound(a.length - 3 * F.length());
            for (; i < unrolled; i += 4 * F.length()) {
                acc1 = acc1.add(FloatVector.fromArray(F, a, i).mul(FloatVector.fromArray(F, b, i)));
                acc2 = acc2.add(FloatVector.fromArray(F, a, i + F.length()).mul(FloatVector.fromArray(F, b, i + F.length())));
                acc3 = acc3.add(FloatVector.fromArray(F, a, i + 2 * F.length())
                        .mul(FloatVector.fromArray(F, b, i + 2 * F.length())));
                acc4 = acc4.add(FloatVector.fromArray(F, a, i + 3 * F.length())
                        .mul(FloatVector.fromArray(F, b, i + 3 * F.length())));
            }
            for (int bound = F.loopBound(a.length); i < bound; i += F.length()) {
                acc1 = acc1.add(FloatVector.fromArray(F, a, i).mul(FloatVector.fromArray(F, b, i)));
            }
            res = acc1.add(acc2).add(acc3.add(acc4)).reduceLanes(VectorOperators.ADD);
        }
        for (; i < a.length; i++) {
            res += a[i] * b[i];
        }
        return res;
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
        float[] a = x;
        float[] b = y;
        int i = 0;
        float res = 0;
        if (a.length >= 2 * F.length()) {
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector acc2 = FloatVector.zero(F);
            FloatVector acc3 = FloatVector.zero(F);
            FloatVector acc4 = FloatVector.zero(F);
            int unrolled = F.loopBound(a.length - 3 * F.length());
            for (; i < unrolled; i += 4 * F.length()) {
                FloatVector d1 = FloatVector.fromArray(F, a, i).sub(FloatVector.fromArray(F, b, i));
                acc1 = d1.fma(d1, acc1);
                FloatVector d2 = FloatVector.fromArray(F, a, i + F.length()).sub(FloatVector.fromArray(F, b, i + F.length()));
                acc2 = d2.fma(d2, acc2);
                FloatVector d3 = FloatVector.fromArray(F, a, i + 2 * F.length())
                        .sub(FloatVector.fromArray(F, b, i + 2 * F.length()));
                acc3 = d3.fma(d3, acc3);
                FloatVector d4 = FloatVector.fromArray(F, a, i + 3 * F.length())
                        .sub(FloatVector.fromArray(F, b, i + 3 * F.length()));
                acc4 = d4.fma(d4, acc4);
            }
            for (int bound = F.loopBound(a.length); i < bound; i += F.length()) {
                FloatVector d = FloatVector.fromArray(F, a, i).sub(FloatVector.fromArray(F, b, i));
                acc1 = d.fma(d, acc1);
            }
            res = acc1.add(acc2).add(acc3.add(acc4)).reduceLanes(VectorOperators.ADD);
        }
        for (; i < a.length; i++) {
            float d = a[i] - b[i];
            res = Math.fma(d, d, res);
        }
        return res;
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
        float[] a = x;
        int i = 0;
        float res = 0;
        if (a.length >= 2 * F.length()) {
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector acc2 = FloatVector.zero(F);
            FloatVector acc3 = FloatVector.zero(F);
            FloatVector acc4 = FloatVector.zero(F);
            int unrolled = F.loopBound(a.length - 3 * F.length());
            for (; i < unrolled; i += 4 * F.length()) {
                acc1 = acc1.add(FloatVector.fromArray(F, a, i));
                acc2 = acc2.add(FloatVector.fromArray(F, a, i + F.length()));
                acc3 = acc3.add(FloatVector.fromArray(F, a, i + 2 * F.length()));
                acc4 = acc4.add(FloatVector.fromArray(F, a, i + 3 * F.length()));
            }
            for (int bound = F.loopBound(a.length); i < bound; i += F.length()) {
                acc1 = acc1.add(FloatVector.fromArray(F, a, i));
            }
            res = acc1.add(acc2).add(acc3.add(acc4)).reduceLanes(VectorOperators.ADD);
        }
        for (; i < a.length; i++) {
            res += a[i];
        }
        return res;
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
        float[] a = x;
        float[] b = y;
        float[] o = out;
        int i = 0;
        for (int bound = F.loopBound(a.length); i < bound; i += F.length()) {
            FloatVector.fromArray(F, a, i).mul(ALPHA).add(FloatVector.fromArray(F, b, i)).intoArray(o, i);
        }
        for (; i < a.length; i++) {
            o[i] = ALPHA * a[i] + b[i];
        }
        return o;
    }

    @Benchmark
    public float[] saxpyPlain() {
        for (int i = 0; i < x.length; i++) {
            out[i] = ALPHA * x[i] + y[i];
        }
        return out;
    }
}
