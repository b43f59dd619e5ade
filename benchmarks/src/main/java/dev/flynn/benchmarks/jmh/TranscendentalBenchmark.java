package dev.flynn.benchmarks.jmh;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
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
import org.openjdk.jmh.infra.Blackhole;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Every transcendental as a one-op SIMD kernel, Flynn's own vector math ({@code own}) against the
 * SVML-backed fast mode ({@code svml}, {@code -Dflynn.simd.fastMath=true}) and the scalar backend
 * ({@code scalar}, Java's {@code Math} per element). The mode is read once per JVM, so each method
 * carries its own fork arguments and no two share a JVM.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TranscendentalBenchmark {
    private static final Domain UNIT = new Domain(-1, 1);
    private static final Domain POSITIVE = new Domain(1e-3, 1e3);

    /** Each op's expression and the domains of its inputs: where the function is finite and not trivial. */
    private static final Map<String, Op> OPS = Map.ofEntries(
            Map.entry("exp", new Op("exp(x)", new Domain(-20, 20))),
            Map.entry("expm1", new Op("expm1(x)", new Domain(-20, 20))),
            Map.entry("log", new Op("log(x)", POSITIVE)),
            Map.entry("log1p", new Op("log1p(x)", new Domain(-0.9, 1e3))),
            Map.entry("log10", new Op("log10(x)", POSITIVE)),
            Map.entry("pow", new Op("pow(x, y)", new Domain(0.01, 10), new Domain(-10, 10))),
            Map.entry("cbrt", new Op("cbrt(x)", new Domain(-1e3, 1e3))),
            Map.entry("sinh", new Op("sinh(x)", new Domain(-20, 20))),
            Map.entry("cosh", new Op("cosh(x)", new Domain(-20, 20))),
            Map.entry("tanh", new Op("tanh(x)", new Domain(-10, 10))),
            Map.entry("hypot", new Op("hypot(x, y)", new Domain(-1e3, 1e3), new Domain(-1e3, 1e3))),
            Map.entry("sin", new Op("sin(x)", new Domain(-100, 100))),
            Map.entry("cos", new Op("cos(x)", new Domain(-100, 100))),
            Map.entry("tan", new Op("tan(x)", new Domain(-100, 100))),
            Map.entry("asin", new Op("asin(x)", UNIT)),
            Map.entry("acos", new Op("acos(x)", UNIT)),
            Map.entry("atan", new Op("atan(x)", new Domain(-100, 100))),
            Map.entry("atan2", new Op("atan2(x, y)", new Domain(-100, 100), new Domain(-100, 100))));

    private record Op(String expression, List<Domain> domains) {
        Op(String expression, Domain... domains) {
            this(expression, List.of(domains));
        }
    }

    @Param({"exp", "expm1", "log", "log1p", "log10", "pow", "cbrt", "sinh", "cosh", "tanh", "hypot",
            "sin", "cos", "tan", "asin", "acos", "atan", "atan2"})
    public String op;

    @Param({"f32", "f64"})
    public String dtype;

    @Param({"262144"})
    public int n;

    private Flynn flynn;
    private Flynn scalar;
    private Kernel kernel;
    private Object[] inputs;
    private Object out;

    @Setup(Level.Trial)
    public void setUp() {
        DType type = DType.valueOf(dtype.toUpperCase(Locale.ROOT));
        Op o = OPS.get(op);
        if (o == null) {
            throw new IllegalArgumentException("unknown op '" + op + "'; valid: " + OPS.keySet());
        }
        flynn = Flynn.builder().backend(Backend.SIMD).threads(1).build();
        scalar = Flynn.builder().backend(Backend.SCALAR).threads(1).build();
        kernel = Kernel.parse(o.expression(), type);
        inputs = InputData.inputs(o.domains(), type, n, 42);
        out = java.lang.reflect.Array.newInstance(kernel.resultType().javaType(), n);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        flynn.close();
        scalar.close();
    }

    /** Flynn's own, exactly rounded vector math: the default. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE})
    public void own(Blackhole bh) {
        flynn.into(kernel, out, inputs);
        bh.consume(out);
    }

    /** The JDK's SVML stubs behind {@code VectorOperators}: the opt-in fast mode and the yardstick. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE, JvmFlags.SIMD_FAST_MATH})
    public void svml(Blackhole bh) {
        flynn.into(kernel, out, inputs);
        bh.consume(out);
    }

    /** Java's {@code Math} element by element: the accuracy reference and the floor. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE})
    public void scalar(Blackhole bh) {
        scalar.into(kernel, out, inputs);
        bh.consume(out);
    }
}
