package dev.flynn.c;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Expr;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.math.MathContext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reductions on the C backend: exact where Java is, within a bound of the exact sum where order matters. */
class CReduceTest {
    static final Flynn ONE = Flynn.builder().backend(Backend.C).threads(1).build();
    static final Flynn TWO = Flynn.builder().backend(Backend.C).threads(2).build();

    @AfterAll
    static void close() {
        ONE.close();
        TWO.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 15, 16, 17, 33, 1000, 16385, 65537})
    void sumIsCloseToExactAndIndependentOfThreads(int n) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(n);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (r.nextDouble() - 0.3) * Math.scalb(1.0, r.nextInt(-20, 20));
        }
        Kernel sum = Kernel.map(DType.F64, a -> a).reduce(Reduction.sum());
        double one = ONE.reduceDouble(sum, v);
        assertEquals(Double.doubleToRawLongBits(one), Double.doubleToRawLongBits(TWO.reduceDouble(sum, v)));
        BigDecimal exact = BigDecimal.ZERO;
        double abs = 0;
        for (double d : v) {
            exact = exact.add(new BigDecimal(d));
            abs += Math.abs(d);
        }
        double err = Math.abs(new BigDecimal(one).subtract(exact).doubleValue());
        assertTrue(err <= n * Math.ulp(1.0) * abs, "error " + err + " for n=" + n);
        Kernel comp = Kernel.map(DType.F64, a -> a).reduce(Reduction.sum(Reduction.Summation.COMPENSATED));
        double c = TWO.reduceDouble(comp, v);
        assertEquals(exact.round(MathContext.DECIMAL64).doubleValue(), c, 2 * Math.ulp(c) + 1e-300);
        float[] f = new float[n];
        double fabs = 0;
        BigDecimal fexact = BigDecimal.ZERO;
        for (int i = 0; i < n; i++) {
            f[i] = (float) v[i];
            fexact = fexact.add(new BigDecimal(f[i]));
            fabs += Math.abs(f[i]);
        }
        float fs = (float) TWO.reduceDouble(Kernel.map(DType.F32, a -> a).reduce(Reduction.sum()), f);
        assertTrue(Math.abs(new BigDecimal(fs).subtract(fexact).doubleValue()) <= n * Math.ulp(1f) * fabs);
    }

    @Test
    void integerReductionsAreExact() {
        int n = 70001;
        int[] x = new int[n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        int sum = 0;
        int prod = 1;
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            x[i] = r.nextInt();
            sum += x[i];
            prod *= x[i] | 1;
            min = Math.min(min, x[i]);
            max = Math.max(max, x[i]);
        }
        Kernel id = Kernel.map(DType.I32, a -> a);
        assertEquals(sum, TWO.reduceLong(id.reduce(Reduction.sum()), x));
        assertEquals(prod, TWO.reduceLong(Kernel.map(DType.I32, a -> a.or(1)).reduce(Reduction.prod()), x));
        assertEquals(min, TWO.reduceLong(id.reduce(Reduction.min()), x));
        assertEquals(max, TWO.reduceLong(id.reduce(Reduction.max()), x));
        long count = 0;
        for (int v : x) {
            count += v > 0 ? 1 : 0;
        }
        assertEquals(count, TWO.reduceLong(Kernel.map(DType.I32, a -> a.gt(0L)).reduce(Reduction.count()), x));
        assertEquals(Long.MAX_VALUE, TWO.reduceLong(Kernel.map(DType.I64, a -> a)
                .reduce(Reduction.custom(Long.MIN_VALUE, (acc, v) -> acc.max(v))), new long[]{3, Long.MAX_VALUE, -4}));
    }

    @Test
    void minMaxFollowMathMinMax() {
        Kernel min = Kernel.map(DType.F64, a -> a).reduce(Reduction.min());
        Kernel max = Kernel.map(DType.F64, a -> a).reduce(Reduction.max());
        assertEquals(-0.0, ONE.reduceDouble(min, new double[]{0.0, -0.0, 0.0}));
        assertEquals(0.0, ONE.reduceDouble(max, new double[]{-0.0, 0.0, -0.0}));
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(ONE.reduceDouble(max, new double[]{-0.0, 0.0})));
        double[] withNaN = Ulps.f64(40000, 10, 3);
        withNaN[0] = 1;
        withNaN[33333] = Double.NaN;
        assertTrue(Double.isNaN(TWO.reduceDouble(min, withNaN)));
        assertTrue(Double.isNaN(TWO.reduceDouble(max, withNaN)));
        float[] f = {3, -1, Float.NEGATIVE_INFINITY, 7};
        assertEquals(Float.NEGATIVE_INFINITY, (float) ONE.reduceDouble(Kernel.map(DType.F32, a -> a).reduce(Reduction.min()), f));
        assertEquals(7f, (float) ONE.reduceDouble(Kernel.map(DType.F32, a -> a).reduce(Reduction.max()), f));
    }

    @Test
    void argminArgmaxTakeLowestIndexAndFirstNaN() {
        Kernel amin = Kernel.map(DType.F64, a -> a).reduce(Reduction.argmin());
        Kernel amax = Kernel.map(DType.F64, a -> a).reduce(Reduction.argmax());
        double[] x = new double[50000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i * 7919) % 1000;
        }
        assertEquals(0, TWO.reduceLong(amin, x));
        assertEquals(java.util.stream.IntStream.range(0, x.length).filter(i -> x[i] == 999).min().orElseThrow(),
                TWO.reduceLong(amax, x));
        x[20000] = -5;
        x[40000] = -5;
        assertEquals(20000, TWO.reduceLong(amin, x));
        x[30000] = Double.NaN;
        x[45000] = Double.NaN;
        assertEquals(30000, TWO.reduceLong(amin, x));
        assertEquals(30000, TWO.reduceLong(amax, x));
        assertEquals(0, ONE.reduceLong(amin, new double[]{-0.0, 0.0}));
        assertEquals(0, ONE.reduceLong(amin, new double[]{0.0, -0.0}));
        assertEquals(2, ONE.reduceLong(Kernel.map(DType.I64, a -> a).reduce(Reduction.argmax()), new long[]{1, 2, 9, 9}));
    }

    @Test
    void momentsGiveMeanAndVariance() {
        int n = 50003;
        double[] x = Ulps.f64(n, 1, 12);
        for (int i = 0; i < n; i++) {
            x[i] = 1e6 + (i % 100) * 0.25;
        }
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= n;
        double m2 = 0;
        for (double v : x) {
            m2 += (v - mean) * (v - mean);
        }
        Kernel id = Kernel.map(DType.F64, a -> a);
        assertEquals(mean, TWO.reduceDouble(id.reduce(Reduction.mean()), x), 1e-9);
        assertEquals(m2 / n, TWO.reduceDouble(id.reduce(Reduction.variance()), x), 1e-9);
        assertEquals(Double.doubleToRawLongBits(ONE.reduceDouble(id.reduce(Reduction.variance()), x)),
                Double.doubleToRawLongBits(TWO.reduceDouble(id.reduce(Reduction.variance()), x)));
    }

    @Test
    void customReductionsUseTheCombineExpression() {
        double[] x = Ulps.f64(40000, 100, 13);
        x[0] = 1;
        double want = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            want = Double.isNaN(v) ? want : Math.max(want, Math.abs(v));
        }
        Kernel k = Kernel.map(DType.F64, a -> Expr.select(a.ne(a), 0.0, a.abs()))
                .reduce(Reduction.custom(Double.NEGATIVE_INFINITY, (acc, v) -> acc.max(v)));
        assertEquals(want, TWO.reduceDouble(k, x));
        Kernel sumSq = Kernel.map(DType.I64, a -> a.mul(a)).reduce(Reduction.custom(0L, (acc, v) -> acc.add(v)));
        assertEquals(1 + 4 + 9, ONE.reduceLong(sumSq, new long[]{1, 2, 3}));
    }

    @Test
    void dotAndNorms() {
        int n = 33000;
        float[] a = Ulps.f32(n, 1, 14);
        float[] b = Ulps.f32(n, 1, 15);
        for (int i = 0; i < n; i++) {
            a[i] = (i % 17) * 0.125f;
            b[i] = (i % 5) - 2;
        }
        double want = 0;
        for (int i = 0; i < n; i++) {
            want += a[i] * b[i];
        }
        assertEquals(want, TWO.reduceDouble(Kernel.dot(DType.F32), a, b));
        assertEquals(Math.sqrt(want * 0 + sq(a)), TWO.reduceDouble(Kernel.map(DType.F32, x -> x).reduce(Reduction.norm2()), a),
                1e-3);
    }

    private static double sq(float[] a) {
        double s = 0;
        for (float v : a) {
            s += (double) v * v;
        }
        return s;
    }
}
