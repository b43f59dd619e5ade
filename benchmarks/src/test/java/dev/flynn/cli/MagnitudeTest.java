package dev.flynn.cli;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.benchmarks.KernelCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.function.DoubleBinaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The magnitude of an expression's terms, against the definition evaluated by hand in Java. */
class MagnitudeTest {
    private static final int N = 257;

    private static double[][] inputs() {
        Random r = new Random(42);
        double[][] in = new double[2][N];
        for (int i = 0; i < N; i++) {
            in[0][i] = r.nextDouble() * 8 - 4;
            in[1][i] = r.nextDouble() * 8 - 4;
        }
        in[0][0] = 0;
        in[1][1] = -0.0;
        return in;
    }

    private static void check(String expression, DoubleBinaryOperator expected) {
        double[][] in = inputs();
        Kernel k = Kernel.parse(expression, DType.F64);
        Kernel mag = Magnitude.of(k).orElseThrow();
        try (Flynn scalar = Flynn.builder().backend(dev.flynn.Backend.of("scalar")).threads(1).build()) {
            double[] got = (double[]) scalar.apply(mag, k.arity() == 1 ? new Object[]{in[0]} : new Object[]{in[0], in[1]});
            for (int i = 0; i < N; i++) {
                double want = expected.applyAsDouble(in[0][i], in[1][i]);
                assertEquals(want, got[i], want * 1e-13, expression + " at x=" + in[0][i] + ", y=" + in[1][i]);
            }
        }
    }

    @Test
    void sumsAddTheirTermsAbsoluteValues() {
        check("x - y", (x, y) -> Math.abs(x) + Math.abs(y));
        check("x*y - 3", (x, y) -> Math.abs(x * y) + 3);
        check("-(x + y) * 2", (x, y) -> (Math.abs(x) + Math.abs(y)) * 2);
        check("(x - y) / y", (x, y) -> (Math.abs(x) + Math.abs(y)) / Math.abs(y));
        check("fma(x, y, -x)", (x, y) -> Math.abs(x * y) + Math.abs(x));
        check("abs(x - 1)", (x, y) -> Math.abs(x) + 1);
    }

    @Test
    void functionsAndSelectsAreTermsOfTheirOwn() {
        // exp(x - y) is one term: its argument's cancellation is the function's business
        check("exp(x - y) - 1", (x, y) -> Math.exp(x - y) + 1);
        check("where(x > y, x - y, y)", (x, y) -> x > y ? Math.abs(x) + Math.abs(y) : Math.abs(y));
        check("max(x, y) + 1", (x, y) -> Math.abs(Math.max(x, y)) + 1);
    }

    @Test
    void deepAndSharedExpressionsAreWalkedWithoutRecursion() {
        check(nested(200), (x, y) -> Math.abs(x) + 200 * Math.abs(y));
        // 100,000 nested sums, deeper than a recursive walk's stack allows (too large to compile)
        assertTrue(Magnitude.of(Kernel.parse(nested(100_000), DType.F64)).isPresent());
        // a DAG: each level uses the one below twice, 2^40 paths through 40 distinct sums
        Kernel shared = Kernel.map(DType.F64, DType.F64, (x, y) -> {
            dev.flynn.Expr e = x;
            for (int i = 0; i < 40; i++) {
                e = e.sub(y).mul(0.5).add(e.mul(0.5));
            }
            return e;
        });
        assertTrue(Magnitude.of(shared).isPresent());
    }

    private static String nested(int depth) {
        return "(".repeat(depth) + "x" + " - y)".repeat(depth);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x * y", "exp(x)", "sqrt(abs(x)) / y", "-x"})
    void expressionsWithoutASumHaveNone(String expression) {
        assertTrue(Magnitude.of(Kernel.parse(expression, DType.F32)).isEmpty(), expression);
    }

    @Test
    void reductionsAndIntegerMapsHaveNone() {
        assertTrue(Magnitude.of(KernelCatalog.named("sum").kernel(DType.F32)).isEmpty());
        assertTrue(Magnitude.of(Kernel.parse("x + y", java.util.List.of("x", "y"), java.util.List.of(DType.I32, DType.I32)))
                .isEmpty());
    }

    @Test
    void blackScholesErrorsAreSmallAgainstItsTermsThoughLargeInUlps() {
        // float against double evaluation of the same kernel: the prices that cancel are far off in ulps
        // of the price, and within a few float roundings of the terms that cancelled
        Kernel f32 = KernelCatalog.named("blackscholes").kernel(DType.F32);
        Kernel f64 = KernelCatalog.named("blackscholes").kernel(DType.F64);
        Object[] in = dev.flynn.benchmarks.InputData.inputs(KernelCatalog.named("blackscholes"), DType.F32, 1 << 14, 7);
        Object[] wide = new Object[in.length];
        for (int i = 0; i < in.length; i++) {
            float[] f = (float[]) in[i];
            double[] d = new double[f.length];
            for (int j = 0; j < f.length; j++) {
                d[j] = f[j];
            }
            wide[i] = d;
        }
        try (Flynn scalar = Flynn.builder().backend(dev.flynn.Backend.of("scalar")).threads(1).build()) {
            float[] y = (float[]) scalar.apply(f32, in);
            double[] ref = (double[]) scalar.apply(f64, wide);
            double[] mag = (double[]) scalar.apply(Magnitude.of(f64).orElseThrow(), wide);
            float[] yRef = new float[ref.length];
            for (int j = 0; j < ref.length; j++) {
                yRef[j] = (float) ref[j];
            }
            assertTrue(Accuracy.maxUlp(y, yRef) > 1000, "cancellation shows in ulps");
            double termErr = Accuracy.termError(y, ref, mag);
            assertTrue(termErr < 64 * Math.ulp(1f), "within a few float roundings of the terms: " + termErr);
            assertTrue(termErr > 0, "and not exact: " + termErr);
        }
    }

    @Test
    void termErrorDividesByTheMagnitude() {
        assertEquals(0.25, Accuracy.termError(new float[]{1.5f, 2f}, new float[]{1f, 2f}, new float[]{2f, 7f}));
        assertEquals(0.0, Accuracy.termError(new double[]{0, Double.NaN}, new double[]{0, Double.NaN}, new double[]{0, 0}));
        assertEquals(Double.POSITIVE_INFINITY, Accuracy.termError(new double[]{1e-300}, new double[]{0}, new double[]{0}));
        assertEquals(Double.POSITIVE_INFINITY, Accuracy.termError(new double[]{1}, new double[]{Double.NaN}, new double[]{1}));
    }
}
