package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Expr;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reductions on the SIMD backend against plain Java loops; sums against the exact sum. */
class SimdReduceTest {
    static final int[] SIZES = {1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 1000, 4097, 65537};
    static final Flynn SIMD = Flynn.builder().backend(Backend.SIMD).threads(1).build();
    static final Flynn SIMD2 = Flynn.builder().backend(Backend.SIMD).threads(2).build();

    @AfterAll
    static void close() {
        SIMD.close();
        SIMD2.close();
    }

    static float[] uniform(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 0.5);
        }
        return a;
    }

    @Test
    void sumsWithinTheReassociationBound() {
        Kernel sum = Kernel.parse("x", DType.F32).reduce(Reduction.sum());
        Kernel sumD = Kernel.parse("x", DType.F64).reduce(Reduction.sum());
        Kernel comp = Kernel.parse("x", DType.F32).reduce(Reduction.sum(Reduction.Summation.COMPENSATED));
        Kernel dot = Kernel.dot(DType.F32);
        for (int n : SIZES) {
            float[] x = uniform(n, n);
            float[] y = uniform(n, n + 1);
            double[] xd = new double[n];
            BigDecimal exact = BigDecimal.ZERO;
            BigDecimal exactDot = BigDecimal.ZERO;
            double abs = 0;
            double absDot = 0;
            for (int i = 0; i < n; i++) {
                xd[i] = x[i];
                exact = exact.add(new BigDecimal(x[i]));
                exactDot = exactDot.add(new BigDecimal((double) (x[i] * y[i])));
                abs += Math.abs(x[i]);
                absDot += Math.abs(x[i] * y[i]);
            }
            double e = exact.doubleValue();
            // a reordered float sum: |error| <= (n-1) * eps * sum|x|
            double bound = (n - 1) * 0x1p-24 * abs + 1e-30;
            double s1 = SIMD.reduceDouble(sum, x);
            assertTrue(Math.abs(s1 - e) <= bound, "sum n=" + n + ": " + s1 + " vs " + e);
            assertEquals(s1, SIMD2.reduceDouble(sum, x), "thread count changed the sum");
            assertEquals((float) s1, s1, "an F32 sum is a float");
            double sd = SIMD.reduceDouble(sumD, xd);
            assertTrue(Math.abs(sd - e) <= (n - 1) * 0x1p-53 * abs + 1e-300, "f64 sum n=" + n);
            double sc = SIMD.reduceDouble(comp, x);
            assertTrue(Math.abs(sc - e) <= 2 * Math.ulp((float) e) + 1e-30, "compensated n=" + n + ": " + sc + " vs " + e);
            double dt = SIMD.reduceDouble(dot, x, y);
            assertTrue(Math.abs(dt - exactDot.doubleValue()) <= n * 0x1p-24 * absDot + 1e-30, "dot n=" + n);
        }
    }

    @Test
    void compensatedSumOfCancellingValues() {
        int n = 100_003;
        float[] x = new float[n];
        BigDecimal exact = BigDecimal.ZERO;
        for (int i = 0; i < n; i++) {
            x[i] = i % 2 == 0 ? 1e8f : -1e8f + (i % 7);
            exact = exact.add(new BigDecimal(x[i]));
        }
        Kernel comp = Kernel.parse("x", DType.F32).reduce(Reduction.sum(Reduction.Summation.COMPENSATED));
        assertEquals(exact.floatValue(), (float) SIMD.reduceDouble(comp, x));
    }

    @Test
    void integerSumsProdsMinMaxAreExact() {
        for (DType t : List.of(DType.I32, DType.I64)) {
            Kernel sum = Kernel.parse("x", t).reduce(Reduction.sum());
            Kernel prod = Kernel.parse("x", t).reduce(Reduction.prod());
            Kernel min = Kernel.parse("x", t).reduce(Reduction.min());
            Kernel max = Kernel.parse("x", t).reduce(Reduction.max());
            for (int n : SIZES) {
                Object x = SimdMapTest.data(t, n, n);
                long s = 0, p = 1, lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
                for (int i = 0; i < n; i++) {
                    long v = SimdMapTest.getLong(x, i);
                    s = t == DType.I32 ? (int) (s + v) : s + v;
                    p = t == DType.I32 ? (int) (p * v) : p * v;
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                assertEquals(s, SIMD.reduceLong(sum, x), t + " sum");
                assertEquals(p, SIMD.reduceLong(prod, x), t + " prod");
                assertEquals(lo, SIMD.reduceLong(min, x), t + " min");
                assertEquals(hi, SIMD.reduceLong(max, x), t + " max");
            }
        }
    }

    @Test
    void floatingMinMaxFollowMath() {
        Kernel min = Kernel.parse("x", DType.F32).reduce(Reduction.min());
        Kernel max = Kernel.parse("x", DType.F64).reduce(Reduction.max());
        for (int n : SIZES) {
            float[] x = SimdMapTest.floats(n, n);
            double[] d = SimdMapTest.doubles(n, n);
            float lo = Float.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                lo = Math.min(lo, x[i]);
                hi = Math.max(hi, d[i]);
            }
            assertEquals(lo, (float) SIMD.reduceDouble(min, x));
            assertEquals(hi, SIMD.reduceDouble(max, d));
        }
        float[] zeros = {0f, -0f, 0f};
        assertEquals(-0f, (float) SIMD.reduceDouble(min, zeros));
    }

    @Test
    void argminArgmax() {
        for (DType t : List.of(DType.F32, DType.F64, DType.I32, DType.I64)) {
            Kernel amin = Kernel.parse("x", t).reduce(Reduction.argmin());
            Kernel amax = Kernel.parse("x", t).reduce(Reduction.argmax());
            for (int n : SIZES) {
                for (int variant = 0; variant < 3; variant++) {
                    Object x = SimdMapTest.data(t, n, n * 3L + variant);
                    if (variant == 1) {
                        // no NaN, many ties
                        for (int i = 0; i < n; i++) {
                            java.lang.reflect.Array.set(x, i, switch (t) {
                                case F32 -> (Object) (float) (i % 5 == 0 ? -0.0f : i % 3);
                                case F64 -> (Object) (double) (i % 5 == 0 ? 0.0 : i % 3);
                                case I32 -> (Object) (i % 3);
                                default -> (Object) (long) (i % 3);
                            });
                        }
                    }
                    assertEquals(javaArg(x, n, true), SIMD.reduceLong(amin, x), t + " argmin n=" + n + " v=" + variant);
                    assertEquals(javaArg(x, n, false), SIMD.reduceLong(amax, x), t + " argmax n=" + n + " v=" + variant);
                    assertEquals(javaArg(x, n, true), SIMD2.reduceLong(amin, x));
                }
            }
        }
    }

    static long javaArg(Object x, int n, boolean min) {
        int best = 0;
        boolean floating = x instanceof float[] || x instanceof double[];
        for (int i = 1; i < n; i++) {
            if (floating) {
                double b = SimdMapTest.get(x, best), v = SimdMapTest.get(x, i);
                if (Double.isNaN(b)) {
                    break;
                }
                if (Double.isNaN(v) || (min ? v < b : v > b)) {
                    best = i;
                }
            } else {
                long b = SimdMapTest.getLong(x, best), v = SimdMapTest.getLong(x, i);
                if (min ? v < b : v > b) {
                    best = i;
                }
            }
        }
        return best;
    }

    @Test
    void meanAndVariance() {
        Kernel mean = Kernel.parse("x", DType.F32).reduce(Reduction.mean());
        Kernel var = Kernel.parse("x", DType.F32).reduce(Reduction.variance());
        Kernel var1 = Kernel.parse("x", DType.I32).reduce(Reduction.variance(1));
        for (int n : SIZES) {
            float[] x = uniform(n, n);
            BigDecimal s = BigDecimal.ZERO;
            for (float v : x) {
                s = s.add(new BigDecimal(v));
            }
            BigDecimal m = s.divide(BigDecimal.valueOf(n), MathContext.DECIMAL128);
            BigDecimal ss = BigDecimal.ZERO;
            for (float v : x) {
                BigDecimal d = new BigDecimal(v).subtract(m);
                ss = ss.add(d.multiply(d));
            }
            double wantVar = ss.divide(BigDecimal.valueOf(n), MathContext.DECIMAL128).doubleValue();
            assertEquals(m.doubleValue(), SIMD.reduceDouble(mean, x), 1e-14 * Math.max(1, Math.abs(m.doubleValue())));
            assertEquals(wantVar, SIMD.reduceDouble(var, x), 1e-13 * Math.max(1, wantVar));
            assertEquals(SIMD.reduceDouble(var, x), SIMD2.reduceDouble(var, x));
            int[] ix = SimdMapTest.ints(n, n);
            for (int i = 0; i < n; i++) {
                ix[i] %= 1000;
            }
            double im = 0;
            for (int v : ix) {
                im += v;
            }
            im /= n;
            double iss = 0;
            for (int v : ix) {
                iss += (v - im) * (v - im);
            }
            double got = SIMD.reduceDouble(var1, ix);
            if (n > 1) {
                assertEquals(iss / (n - 1), got, 1e-9 * Math.max(1, iss / (n - 1)));
            } else {
                assertTrue(Double.isNaN(got));
            }
        }
    }

    @Test
    void countAnyAllAndNorms() {
        Kernel count = Kernel.parse("x > 0.5", DType.F64).reduce(Reduction.count());
        Kernel any = Kernel.parse("x > 100", DType.F64).reduce(Reduction.any());
        Kernel all = Kernel.parse("x < 100", DType.F64).reduce(Reduction.all());
        Kernel norm1 = Kernel.parse("x", DType.I32).reduce(Reduction.norm1());
        for (int n : SIZES) {
            double[] x = new double[n];
            SplittableRandom r = new SplittableRandom(n);
            long c = 0;
            for (int i = 0; i < n; i++) {
                x[i] = r.nextDouble() * 2 - 0.5;
                c += x[i] > 0.5 ? 1 : 0;
            }
            assertEquals(c, SIMD.reduceLong(count, x));
            assertEquals(false, SIMD.reduceBoolean(any, x));
            assertEquals(true, SIMD.reduceBoolean(all, x));
            x[n - 1] = 1000;
            assertEquals(true, SIMD.reduceBoolean(any, x));
            assertEquals(false, SIMD.reduceBoolean(all, x));
            int[] ix = new int[n];
            double s = 0;
            for (int i = 0; i < n; i++) {
                ix[i] = i % 7 - 3;
                s += Math.abs(ix[i]);
            }
            assertEquals(s, SIMD.reduceDouble(norm1, ix));
        }
    }

    @Test
    void customReductions() {
        Kernel maxAbs = Kernel.parse("x", DType.F64).reduce(Reduction.custom(0.0, (a, v) -> a.max(Expr.abs(v))));
        Kernel orBits = Kernel.parse("x", DType.I64).reduce(Reduction.custom(0L, Expr::or));
        Kernel scaled = Kernel.parse("x", DType.F32).reduce(Reduction.custom(0.0, Expr::add));
        for (int n : SIZES) {
            double[] x = SimdMapTest.doubles(n, n);
            double want = 0;
            for (double v : x) {
                want = Math.max(want, Math.abs(v));
            }
            assertEquals(want, SIMD.reduceDouble(maxAbs, x));
            assertEquals(want, SIMD2.reduceDouble(maxAbs, x));
            long[] l = SimdMapTest.longs(n, n);
            long bits = 0;
            for (long v : l) {
                bits |= v;
            }
            assertEquals(bits, SIMD.reduceLong(orBits, l));
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = i % 4;
            }
            double s = 0;
            for (float v : f) {
                s += v;
            }
            assertEquals(s, SIMD.reduceDouble(scaled, f));
        }
    }

    @Test
    void reductionsOverSegmentsAndScalars() {
        Kernel dot = Kernel.dot(DType.F64);
        Kernel amax = Kernel.parse("x * y", DType.F64).reduce(Reduction.argmax());
        for (int n : SIZES) {
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = (i * 7919) % 101;
            }
            double want = 0;
            for (double v : x) {
                want += v * 0.5;
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment seg = arena.allocate((long) n * 8, 8);
                MemorySegment.copy(x, 0, seg, ValueLayout.JAVA_DOUBLE, 0, n);
                assertEquals(want, SIMD.reduceDouble(dot, seg, 0.5), 1e-9 * want);
                assertEquals(javaArg(x, n, false), SIMD.reduceLong(amax, seg, 0.5));
            }
        }
    }
}
