package dev.flynn.spark;

import dev.flynn.DType;
import dev.flynn.Expr;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparkKernelCodecTest {

    private static Kernel roundTrip(Kernel k) {
        byte[] bytes = SparkKernelCodec.encode(k);
        Kernel back = SparkKernelCodec.decode(bytes);
        assertEquals(k.ir(), back.ir(), "IR of " + k);
        assertEquals(k.inputNames(), back.inputNames());
        assertArrayEquals(k.constants(), back.constants());
        assertEquals(k.toString(), back.toString());
        assertEquals(k.resultType(), back.resultType());
        assertArrayEquals(bytes, SparkKernelCodec.encode(back), "encoding is canonical");
        return back;
    }

    /** Deep chains and shared DAGs travel as their distinct nodes, encoded and decoded without recursion. */
    @Test
    void deepAndSharedKernelsRoundTripOnASmallStack() throws InterruptedException {
        Throwable[] thrown = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                Kernel chain = Kernel.map(DType.F64, x -> {
                    Expr s = x;
                    for (int i = 0; i < 100_000; i++) {
                        s = s.add(x);
                    }
                    return s;
                });
                roundTrip(chain);
                Kernel squares = Kernel.map(DType.F64, x -> {
                    Expr s = x;
                    for (int i = 0; i < 60; i++) {
                        s = s.mul(s).sub(1.0);
                    }
                    return s;
                }).reduce(Reduction.sum());
                Kernel back = roundTrip(squares);
                int bytes = SparkKernelCodec.encode(squares).length;
                assertTrue(bytes < 60 * 200, () -> "60 shared steps (about 180 nodes, a tree of 2^60) encode in " + bytes + " bytes");
                double[] x = {0.5, -0.25, 0.125};
                assertEquals(squares.reduceDouble(x), back.reduceDouble(x));
            } catch (Throwable e) {
                thrown[0] = e;
            }
        }, "small-stack", 256 * 1024);
        t.start();
        t.join();
        if (thrown[0] != null) {
            throw new AssertionError(thrown[0]);
        }
    }

    @Test
    void mapsRoundTripAndComputeTheSame() {
        Random rnd = new Random(7);
        double[] x = rnd.doubles(1000, -10, 10).toArray();
        double[] y = rnd.doubles(1000, -10, 10).toArray();
        List<Kernel> kernels = List.of(
                Kernel.parse("2*x + exp(y)", List.of("x", "y"), List.of(DType.F64, DType.F64)),
                Kernel.parse("where(x > y, fma(x, y, 1.5), -x) + hypot(x, y)", List.of("x", "y"),
                        List.of(DType.F64, DType.F64)),
                Kernel.map(DType.F64, DType.F64, (a, b) -> {
                    Expr s = Expr.sin(a.mul(b)); // reused: the IR is a DAG
                    return s.mul(s).add(s);
                }));
        for (Kernel k : kernels) {
            Kernel back = roundTrip(k);
            assertArrayEquals(k.doubles(x, y), back.doubles(x, y), k.toString());
        }
    }

    @Test
    void integerAndCastKernelsRoundTrip() {
        Kernel k = Kernel.parse("(x << 3) ^ (y >>> 1) + i64(x % 7)", List.of("x", "y"), List.of(DType.I64, DType.I64));
        Kernel back = roundTrip(k);
        long[] x = {1, -5, 1L << 40, 123456789};
        long[] y = {3, 9, -1, 42};
        assertArrayEquals(k.longs(x, y), back.longs(x, y));
        Kernel f = Kernel.parse("i32(x * 1.5)", DType.F32);
        assertArrayEquals(f.ints(new float[] {1, 2.5f, Float.NaN}), roundTrip(f).ints(new float[] {1, 2.5f, Float.NaN}));
    }

    @Test
    void everyReductionRoundTrips() {
        double[] x = new Random(3).doubles(5000, -1, 1).toArray();
        Kernel body = Kernel.parse("x * 2 + 1", DType.F64);
        List<Reduction> rs = List.of(Reduction.sum(), Reduction.sum(Reduction.Summation.COMPENSATED), Reduction.prod(),
                Reduction.min(), Reduction.max(), Reduction.argmin(), Reduction.argmax(), Reduction.mean(),
                Reduction.variance(1), Reduction.std(), Reduction.norm1(), Reduction.norm2(), Reduction.normInf(),
                Reduction.custom(Double.NEGATIVE_INFINITY, (acc, v) -> acc.max(v)));
        for (Reduction r : rs) {
            Kernel k = body.reduce(r);
            Kernel back = roundTrip(k);
            assertEquals(k.reduce(x), back.reduce(x), k.toString());
        }
        Kernel count = Kernel.parse("x > 0", DType.F64).reduce(Reduction.count());
        assertEquals(count.reduce(x), roundTrip(count).reduce(x));
        Kernel all = Kernel.parse("x < 2", DType.F64).reduce(Reduction.all());
        assertEquals(true, roundTrip(all).reduce(x));
    }

    @Test
    void literalsTravelAsConstants() {
        Kernel a = Kernel.parse("x * 2 + 1", DType.F32);
        Kernel b = Kernel.parse("x * 3 + 1", DType.F32);
        assertNotEquals(Arrays.toString(SparkKernelCodec.encode(a)), Arrays.toString(SparkKernelCodec.encode(b)));
        assertEquals(roundTrip(a).shapeKey(), roundTrip(b).shapeKey());
    }

    @Test
    void badBytesAreRejectedWithAReason() {
        byte[] good = SparkKernelCodec.encode(Kernel.parse("x + 1", DType.F64));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkKernelCodec.decode(new byte[] {1, 2, 3, 4, 5, 6}));
        assertTrue(e.getMessage().contains("FLYK"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SparkKernelCodec.decode(Arrays.copyOf(good, good.length - 3)));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        byte[] version = good.clone();
        version[4] = 99;
        e = assertThrows(IllegalArgumentException.class, () -> SparkKernelCodec.decode(version));
        assertTrue(e.getMessage().contains("version 99"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SparkKernelCodec.decode(Arrays.copyOf(good, good.length + 1)));
        assertTrue(e.getMessage().contains("trailing"), e.getMessage());
    }

    @Test
    void illTypedIrIsRejectedByTheVerifier() {
        // the input's declared type F64 changed to F32 in the input table only: the body now misuses it
        byte[] bytes = SparkKernelCodec.encode(Kernel.parse("x + 1", DType.F64));
        String s = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = s.indexOf("F64");
        bytes[at + 1] = '3';
        bytes[at + 2] = '2';
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkKernelCodec.decode(bytes));
        assertTrue(e.getMessage().contains("ill-typed"), e.getMessage());
    }

    @Test
    void theCacheDecodesEachKernelOnce() {
        Kernel k = Kernel.parse("x * 41 + 1", DType.F64);
        SparkKernel a = SparkKernelCache.get(SparkKernelCodec.encode(k));
        SparkKernel b = SparkKernelCache.get(SparkKernelCodec.encode(k));
        assertSame(a, b);
    }
}
