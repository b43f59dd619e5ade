package dev.flynn.scalar;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import dev.flynn.Slice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static dev.flynn.Expr.exp;
import static dev.flynn.Expr.select;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The scalar backend's own checks: the generated loops against hand-written Java loops. */
class ScalarBackendTest {
    private static final Flynn SCALAR = Flynn.builder().backend(Backend.SCALAR).threads(1).build();
    private static final Flynn SCALAR3 = Flynn.builder().backend(Backend.SCALAR).threads(3).build();

    @AfterAll
    static void close() {
        SCALAR.close();
        SCALAR3.close();
    }

    private static float[] floats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 20 - 10);
        }
        return a;
    }

    @Test
    void mapMatchesHandWrittenLoop() {
        Kernel k = Kernel.map(DType.F32, DType.F32, (x, y) -> x.mul(2).add(exp(y)));
        float[] x = floats(100_003, 1);
        float[] y = floats(100_003, 2);
        float[] want = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            want[i] = x[i] * 2f + (float) Math.exp(y[i]);
        }
        assertArrayEquals(want, SCALAR.floats(k, x, y));
        assertArrayEquals(want, SCALAR3.floats(k, x, y));
        assertEquals("scalar", Flynn.lastBackend().orElseThrow());
    }

    @Test
    void parsedKernelWithSelectSlicesSegmentsAndScalars() {
        Kernel k = Kernel.parse("where(x > 0, x, a*x)", java.util.List.of("x", "a"), java.util.List.of(DType.F64, DType.F64));
        double[] x = {-2, -0.5, 0, 3, Double.NaN, -0.0};
        double[] out = new double[4];
        SCALAR.into(k, Slice.of(out, 1, 3), Slice.of(x, 2, 3), 0.25);
        assertArrayEquals(new double[]{0, 0, 3, Double.NaN * 0.25}, out);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(8L * x.length, 8);
            MemorySegment res = arena.allocate(8L * x.length, 8);
            MemorySegment.copy(x, 0, in, ValueLayout.JAVA_DOUBLE, 0, x.length);
            SCALAR.into(k, res, in, 0.5);
            for (int i = 0; i < x.length; i++) {
                double want = x[i] > 0 ? x[i] : 0.5 * x[i];
                assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(res.getAtIndex(ValueLayout.JAVA_DOUBLE, i)));
            }
        }
    }

    @Test
    void integerOpsAndDivisionByZero() {
        Kernel k = Kernel.map(DType.I32, DType.I32, (x, y) -> x.div(y).add(x.shl(y)).xor(x.rem(y)));
        int[] x = {Integer.MIN_VALUE, 7, -7, 100};
        int[] y = {-1, 3, 33, -5};
        int[] want = new int[4];
        for (int i = 0; i < 4; i++) {
            want[i] = (x[i] / y[i] + (x[i] << y[i])) ^ (x[i] % y[i]);
        }
        assertArrayEquals(want, SCALAR.ints(k, x, y));
        int[] out = {9, 9, 9, 9};
        assertThrows(ArithmeticException.class, () -> SCALAR.into(k, out, x, new int[]{1, 0, 1, 1}));
        assertArrayEquals(new int[]{9, 9, 9, 9}, out);
    }

    @Test
    void reductionsMatchJavaAndDoNotDependOnThreads() {
        float[] x = floats(70_001, 3);
        x[500] = -20f;
        x[40_000] = -20f;
        Kernel sum = Kernel.map(DType.F32, v -> v).reduce(Reduction.sum());
        Kernel argmin = Kernel.map(DType.F32, v -> v).reduce(Reduction.argmin());
        Kernel var = Kernel.map(DType.F32, v -> v).reduce(Reduction.variance());
        Kernel max = Kernel.map(DType.F32, v -> v.mul(v)).reduce(Reduction.custom(Double.NEGATIVE_INFINITY, (a, b) -> a.max(b)));
        Kernel count = Kernel.map(DType.F32, v -> v.gt(0)).reduce(Reduction.count());
        double exact = 0;
        double m = Double.NEGATIVE_INFINITY;
        long positives = 0;
        for (float v : x) {
            exact += v;
            m = Math.max(m, v * v);
            positives += v > 0 ? 1 : 0;
        }
        assertEquals(exact, SCALAR.reduceDouble(sum, x), 1e-6 * 70_001 * 10);
        assertEquals(SCALAR.reduceDouble(sum, x), SCALAR3.reduceDouble(sum, x));
        assertEquals(500, SCALAR3.reduceLong(argmin, x));
        assertEquals(m, SCALAR3.reduceDouble(max, x));
        assertEquals(positives, SCALAR3.reduceLong(count, x));
        double mean = exact / x.length;
        double m2 = 0;
        for (float v : x) {
            m2 += (v - mean) * (v - mean);
        }
        assertEquals(m2 / x.length, SCALAR.reduceDouble(var, x), 1e-9 * m2 / x.length);
        assertEquals(SCALAR.reduceDouble(var, x), SCALAR3.reduceDouble(var, x));
    }

    @Test
    void kernelsDifferingInLiteralsShareCompiledCode() {
        ScalarBackend b = (ScalarBackend) Flynn.provider("scalar").orElseThrow();
        Kernel a = Kernel.parse("x*2.5 + y*7", DType.F64);
        Kernel c = Kernel.parse("x*3.5 + y*9", DType.F64);
        SCALAR.doubles(a, new double[]{1}, new double[]{2});
        int before = b.cachedKernels();
        assertEquals(19.5 + 0 * before, SCALAR.doubles(c, new double[]{3}, new double[]{1})[0]);
        assertEquals(before, b.cachedKernels());
    }
}
