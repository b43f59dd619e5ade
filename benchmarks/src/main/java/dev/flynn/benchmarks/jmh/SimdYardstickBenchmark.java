package dev.flynn.benchmarks.jmh;

import dev.flynn.DType;
import dev.flynn.Flynn;
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
 * Hand-written Vector API loops (the yardstick) beside the simd backend's compiled kernels for the same
 * expressions, float, one thread: {@code 2*x+y}, {@code sum(x)}, {@code dot(x,y)}, {@code exp(x)} and a
 * six-op polynomial. Pairs are named {@code <expr>Vector} and {@code <expr>Flynn}. The saxpy, sum and dot
 * loops are {@link HandWrittenLoops}', the ones {@link SmallCallBenchmark} races too; dot multiplies then adds,
 * not FMA, because the kernel means Java's {@code x*y + s}, rounded twice.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE})
public class SimdYardstickBenchmark {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /** Coefficients of the six-op polynomial {@code ((A*x + B)*x + C)*x + D}. */
    private static final float A = 0.5f;
    private static final float B = 0.25f;
    private static final float C = -1.5f;
    private static final float D = 2.0f;

    @Param({"4096", "262144", "16777216"})
    public int n;

    private float[] x;
    private float[] y;
    private float[] out;
    private Flynn simd;
    private Kernel saxpy;
    private Kernel sum;
    private Kernel dot;
    private Kernel exp;
    private Kernel poly;

    @Setup(Level.Trial)
    public void setUp() {
        x = (float[]) InputData.array(DType.F32, n, new Domain(-1, 1), 1);
        y = (float[]) InputData.array(DType.F32, n, new Domain(-1, 1), 2);
        out = new float[n];
        simd = Backends.runtime("simd", 1);
        saxpy = Kernel.parse("2*x + y", DType.F32);
        sum = Kernel.parse("x", DType.F32).reduce(Reduction.sum());
        dot = Kernel.dot(DType.F32);
        exp = Kernel.parse("exp(x)", DType.F32);
        poly = Kernel.parse("((0.5*x + 0.25)*x - 1.5)*x + 2", DType.F32);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        simd.close();
    }

    @Benchmark
    public float[] saxpyVector() {
        return HandWrittenLoops.saxpy(2f, x, y, out);
    }

    @Benchmark
    public float[] saxpyFlynn() {
        simd.into(saxpy, out, x, y);
        return out;
    }

    @Benchmark
    public float sumVector() {
        return HandWrittenLoops.sum(x);
    }

    @Benchmark
    public double sumFlynn() {
        return simd.reduceDouble(sum, x);
    }

    @Benchmark
    public float dotVector() {
        return HandWrittenLoops.dotMulAdd(x, y);
    }

    @Benchmark
    public double dotFlynn() {
        return simd.reduceDouble(dot, x, y);
    }

    @Benchmark
    public float[] expVector() {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, i).lanewise(VectorOperators.EXP).intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = (float) Math.exp(x[i]);
        }
        return out;
    }

    @Benchmark
    public float[] expFlynn() {
        simd.into(exp, out, x);
        return out;
    }

    @Benchmark
    public float[] polyVector() {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            v.mul(A).add(B).mul(v).add(C).mul(v).add(D).intoArray(out, i);
        }
        for (; i < n; i++) {
            float v = x[i];
            out[i] = ((A * v + B) * v + C) * v + D;
        }
        return out;
    }

    @Benchmark
    public float[] polyFlynn() {
        simd.into(poly, out, x);
        return out;
    }
}
