package dev.flynn.c;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Expr;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Slice;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.UnaryOp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Map kernels on the C backend against the plain Java loops that define them. */
class CMapTest {
    static final Flynn C = Flynn.builder().backend(Backend.C).threads(2).build();

    @AfterAll
    static void close() {
        C.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 17, 1000, 65537})
    void affineMatchesJavaAtOddSizes(int n) {
        Kernel k = Kernel.map(DType.F32, DType.F32, (x, y) -> x.mul(2).add(y));
        float[] x = Ulps.f32(n, 100, 1);
        float[] y = Ulps.f32(n, 100, 2);
        float[] want = new float[n];
        for (int i = 0; i < n; i++) {
            want[i] = x[i] * 2 + y[i];
        }
        assertArrayEquals(want, C.floats(k, x, y));
        assertEquals("c", Flynn.lastBackend().orElseThrow());
    }

    @Test
    void noContractionIntoFma() {
        // a*b+c rounds twice in Java; an FMA would round once and differ here
        Kernel k = Kernel.map(DType.F64, DType.F64, DType.F64, (a, b, c) -> a.mul(b).add(c));
        double a = 1 + Math.ulp(1.0);
        double[] got = C.doubles(k, new double[]{a}, new double[]{a}, new double[]{-1});
        assertEquals(a * a - 1, got[0]);
        Kernel f = Kernel.map(DType.F64, DType.F64, DType.F64, Expr::fma);
        assertEquals(Math.fma(a, a, -1), C.doubles(f, new double[]{a}, new double[]{a}, new double[]{-1})[0]);
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void exactUnaryOpsMatchJavaBitForBit(UnaryOp op) {
        if (op.transcendental() || op == UnaryOp.NOT) {
            return;
        }
        DoubleUnaryOperator f = exactUnary(op);
        double[] x = Ulps.f64(2000, 1e6, 3);
        double[] got = C.doubles(Kernel.parse(op.symbol() + "(x)", DType.F64), x);
        float[] xf = Ulps.f32(2000, 1e6, 4);
        float[] gotF = C.floats(Kernel.parse(op.symbol() + "(x)", DType.F32), xf);
        for (int i = 0; i < x.length; i++) {
            assertEquals(0, Ulps.f64(got[i], f.applyAsDouble(x[i])), op + "(" + x[i] + ") = " + got[i]);
        }
        for (int i = 0; i < xf.length; i++) {
            float want = op == UnaryOp.NEG ? -xf[i] : (float) f.applyAsDouble(xf[i]);
            assertEquals(0, Ulps.f32(gotF[i], want), op + "(" + xf[i] + "f) = " + gotF[i]);
        }
    }

    static DoubleUnaryOperator exactUnary(UnaryOp op) {
        return switch (op) {
            case NEG -> x -> -x;
            case ABS -> Math::abs;
            case SQRT -> Math::sqrt;
            case FLOOR -> Math::floor;
            case CEIL -> Math::ceil;
            case RINT -> Math::rint;
            case SIGNUM -> Math::signum;
            default -> throw new IllegalArgumentException(op.name());
        };
    }

    @ParameterizedTest
    @EnumSource(value = BinaryOp.class, names = {"ADD", "SUB", "MUL", "DIV", "REM", "MIN", "MAX"})
    void exactFloatingBinaryOpsMatchJava(BinaryOp op) {
        DoubleBinaryOperator f = switch (op) {
            case ADD -> Double::sum;
            case SUB -> (a, b) -> a - b;
            case MUL -> (a, b) -> a * b;
            case DIV -> (a, b) -> a / b;
            case REM -> (a, b) -> a % b;
            case MIN -> Math::min;
            case MAX -> Math::max;
            default -> throw new IllegalArgumentException(op.name());
        };
        Kernel k = Kernel.parse(op.infix().map(s -> "x " + s + " y").orElse(op.symbol() + "(x, y)"), DType.F64);
        Kernel kf = Kernel.parse(op.infix().map(s -> "x " + s + " y").orElse(op.symbol() + "(x, y)"), DType.F32);
        int m = Ulps.SPECIAL_F64.length;
        double[] x = new double[m * m + 3000];
        double[] y = new double[x.length];
        double[] rx = Ulps.f64(3000, 1e3, 5);
        double[] ry = Ulps.f64(3000, 1e3, 6);
        for (int i = 0; i < m * m; i++) {
            x[i] = Ulps.SPECIAL_F64[i / m];
            y[i] = Ulps.SPECIAL_F64[i % m];
        }
        System.arraycopy(rx, 0, x, m * m, 3000);
        System.arraycopy(ry, 0, y, m * m, 3000);
        double[] got = C.doubles(k, x, y);
        float[] xf = new float[x.length];
        float[] yf = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            xf[i] = (float) x[i];
            yf[i] = (float) y[i];
        }
        float[] gotF = C.floats(kf, xf, yf);
        for (int i = 0; i < x.length; i++) {
            assertEquals(0, Ulps.f64(got[i], f.applyAsDouble(x[i], y[i])), op + "(" + x[i] + ", " + y[i] + ")");
            float want = switch (op) {
                case REM -> xf[i] % yf[i];
                case MIN -> Math.min(xf[i], yf[i]);
                case MAX -> Math.max(xf[i], yf[i]);
                default -> (float) f.applyAsDouble(xf[i], yf[i]);
            };
            assertEquals(0, Ulps.f32(gotF[i], want), op + "(" + xf[i] + "f, " + yf[i] + "f)");
        }
    }

    @Test
    void integerArithmeticWrapsAndShiftsMaskTheirCount() {
        int[] a = {Integer.MIN_VALUE, Integer.MAX_VALUE, -1, 0, 1, 7, -7, 123456789, -98765, Integer.MIN_VALUE};
        int[] b = {-1, 2, 33, 1, 31, -3, 3, 65, -1, 32};
        assertArrayEquals(java(a, b, (x, y) -> x * y + x - y), C.ints(Kernel.parse("x * y + x - y", DType.I32), a, b));
        assertArrayEquals(java(a, b, (x, y) -> x / y), C.ints(Kernel.parse("x / y", DType.I32), a, b));
        assertArrayEquals(java(a, b, (x, y) -> x % y), C.ints(Kernel.parse("x % y", DType.I32), a, b));
        assertArrayEquals(java(a, b, (x, y) -> x << y), C.ints(Kernel.parse("x << y", DType.I32), a, b));
        assertArrayEquals(java(a, b, (x, y) -> x >> y), C.ints(Kernel.parse("x >> y", DType.I32), a, b));
        assertArrayEquals(java(a, b, (x, y) -> x >>> y), C.ints(Kernel.parse("x >>> y", DType.I32), a, b));
        assertArrayEquals(java(a, b, (x, y) -> Math.abs(x) ^ ~y & -x | Math.max(x, y) - Math.min(x, y)),
                C.ints(Kernel.parse("abs(x) ^ ~y & -x | max(x, y) - min(x, y)", DType.I32), a, b));
        long[] la = {Long.MIN_VALUE, Long.MAX_VALUE, -1, 5, -5, 1L << 40};
        long[] lb = {-1, 3, 65, 64, -2, 7};
        long[] want = new long[la.length];
        for (int i = 0; i < la.length; i++) {
            want[i] = la[i] / lb[i] + la[i] % lb[i] + (la[i] << lb[i]) + (la[i] >>> lb[i]) + (la[i] >> lb[i]) + la[i] * lb[i];
        }
        assertArrayEquals(want, C.longs(Kernel.parse("x / y + x % y + (x << y) + (x >>> y) + (x >> y) + x * y",
                DType.I64), la, lb));
    }

    private static int[] java(int[] a, int[] b, java.util.function.IntBinaryOperator f) {
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = f.applyAsInt(a[i], b[i]);
        }
        return out;
    }

    @Test
    void integerDivisionByZeroThrowsAndWritesNothing() {
        Kernel k = Kernel.parse("x / y", DType.I32);
        int[] out = {9, 9, 9};
        assertThrows(ArithmeticException.class, () -> C.into(k, out, new int[]{1, 2, 3}, new int[]{1, 0, 1}));
        assertArrayEquals(new int[]{9, 9, 9}, out);
        assertThrows(ArithmeticException.class, () -> C.longs(Kernel.parse("x % y", DType.I64),
                new long[]{1, 2}, new long[]{1, 0}));
        assertThrows(ArithmeticException.class, () -> C.reduceLong(Kernel.parse("x / y", DType.I64)
                .reduce(dev.flynn.Reduction.sum()), new long[]{1, 2}, new long[]{0, 1}));
    }

    @Test
    void floatToIntegerCastsSaturateAndMapNaNToZero() {
        double[] x = Ulps.f64(500, 1e19, 7);
        int[] i32 = C.ints(Kernel.map(DType.F64, Expr::toI32), x);
        long[] i64 = C.longs(Kernel.map(DType.F64, Expr::toI64), x);
        float[] xf = Ulps.f32(500, 1e19, 8);
        int[] fi32 = C.ints(Kernel.map(DType.F32, Expr::toI32), xf);
        long[] fi64 = C.longs(Kernel.map(DType.F32, Expr::toI64), xf);
        for (int i = 0; i < x.length; i++) {
            assertEquals((int) x[i], i32[i], "(int) " + x[i]);
            assertEquals((long) x[i], i64[i], "(long) " + x[i]);
            assertEquals((int) xf[i], fi32[i], "(int) " + xf[i] + "f");
            assertEquals((long) xf[i], fi64[i], "(long) " + xf[i] + "f");
        }
        long[] big = {Long.MAX_VALUE, Long.MIN_VALUE, (1L << 53) + 1, -((1L << 24) + 1)};
        float[] lf = C.floats(Kernel.map(DType.I64, Expr::toF32), big);
        int[] li = C.ints(Kernel.map(DType.I64, Expr::toI32), big);
        for (int i = 0; i < big.length; i++) {
            assertEquals((float) big[i], lf[i]);
            assertEquals((int) big[i], li[i]);
        }
    }

    @Test
    void masksSelectAndCompare() {
        Kernel k = Kernel.parse("where(x > y & !(x == 3) | x != x, x, y * 0.5)", DType.F64);
        double[] x = Ulps.f64(300, 10, 9);
        double[] y = Ulps.f64(300, 10, 10);
        double[] got = C.doubles(k, x, y);
        for (int i = 0; i < x.length; i++) {
            double want = (x[i] > y[i] && !(x[i] == 3)) || x[i] != x[i] ? x[i] : y[i] * 0.5;
            assertEquals(0, Ulps.f64(got[i], want), x[i] + ", " + y[i]);
        }
        long[] cnt = C.longs(Kernel.map(DType.F64, x1 -> x1.gt(0).toI64()), x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i] > 0 ? 1 : 0, cnt[i]);
        }
    }

    @Test
    void segmentsSlicesScalarsAndInPlace() {
        int n = 1003;
        double[] x = Ulps.f64(n, 100, 11);
        Kernel k = Kernel.map(DType.F64, DType.F64, (a, s) -> a.mul(s).sub(1.25));
        double[] want = new double[n];
        for (int i = 0; i < n; i++) {
            want[i] = x[i] * 3.5 - 1.25;
        }
        assertArrayEquals(want, C.doubles(k, x, 3.5));
        try (Arena arena = Arena.ofConfined()) {
            // a segment one byte off its natural alignment still works
            MemorySegment in = arena.allocate(n * 8L + 1, 8).asSlice(1);
            MemorySegment out = arena.allocate(n * 8L + 1, 8).asSlice(1);
            MemorySegment.copy(x, 0, in, ValueLayout.JAVA_DOUBLE_UNALIGNED, 0, n);
            C.into(k, out, in, 3.5);
            assertArrayEquals(want, out.toArray(ValueLayout.JAVA_DOUBLE_UNALIGNED));
        }
        double[] big = new double[n + 10];
        System.arraycopy(x, 0, big, 5, n);
        double[] outArr = new double[n + 4];
        C.into(k, new Slice(outArr, 2, n), new Slice(big, 5, n), 3.5);
        assertArrayEquals(want, java.util.Arrays.copyOfRange(outArr, 2, n + 2));
        double[] same = x.clone();
        C.into(k, same, same, 3.5);
        assertArrayEquals(want, same);
    }

    @Test
    void literalsAreArgumentsNotCode() {
        Kernel two = Kernel.map(DType.I32, DType.I32, (x, y) -> x.mul(2).add(y));
        Kernel three = Kernel.map(DType.I32, DType.I32, (x, y) -> x.mul(3).add(y));
        assertEquals(two.shapeKey(), three.shapeKey());
        assertArrayEquals(new int[]{5, 8}, C.ints(two, new int[]{2, 3}, new int[]{1, 2}));
        assertArrayEquals(new int[]{7, 11}, C.ints(three, new int[]{2, 3}, new int[]{1, 2}));
        assertTrue(List.of(two.constants()).size() == 1);
    }
}
