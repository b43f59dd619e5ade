package dev.flynn.benchmarks.jmh;

import dev.flynn.DType;
import dev.flynn.Expr;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
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
 * The time from a kernel shape never seen before to a loaded class that has run once: tracing, IR,
 * code generation, class loading and one call on 16 elements (before C2 compiles the new code). Every
 * invocation builds a different shape, so the compiled-kernel cache never answers. The C backend
 * (which runs the system C compiler) can be measured with {@code -p backend=c}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE})
public class CompileTimeBenchmark {
    /** Bits of the counter that pick the ops: 2^OPS distinct shapes. */
    private static final int OPS = 24;

    @Param({"scalar", "simd"})
    public String backend;

    private Flynn flynn;
    private final float[] x = new float[16];
    private final float[] y = new float[16];
    private final float[] out = new float[16];
    private int shape;

    @Setup(Level.Trial)
    public void setUp() {
        flynn = Backends.runtime(backend, 1);
        java.util.Arrays.fill(x, 1.5f);
        java.util.Arrays.fill(y, 0.5f);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        flynn.close();
    }

    @Benchmark
    public float[] newShape() {
        int bits = shape++;
        Kernel k = Kernel.map(DType.F32, DType.F32, (a, b) -> {
            Expr e = a;
            for (int i = 0; i < OPS; i++) {
                e = (bits >>> i & 1) == 0 ? e.add(b) : e.mul(b);
            }
            return e;
        });
        flynn.into(k, out, x, y);
        return out;
    }
}
