package dev.flynn.conformance;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Handles;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import dev.flynn.Slice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Typed handles on a backend give exactly what the generic calls on that backend give (which the
 * conformance suite checks against Java), for every shape of operand, and values known exactly where
 * they are; a signature that does not fit the kernel is rejected at binding, naming the mismatch.
 * Sizes reach past the parallel threshold, so split calls are covered too.
 */
public abstract class HandleSuite {
    private static final int[] SIZES = {0, 1, 2, 7, 8, 15, 16, 17, 31, 33, 64, 65, 128, 768, 4097, 65_537};
    private Flynn flynn;

    /**
     * The backend under test.
     *
     * @return the backend
     */
    protected abstract Backend backend();

    @BeforeEach
    void open() {
        flynn = Flynn.builder().backend(backend()).threads(4).build();
    }

    @AfterEach
    void close() {
        flynn.close();
    }

    /** A user's own shape, with its own names. */
    public interface Dot {
        float dot(float[] a, float[] b);
    }

    public interface Axpy {
        void run(float[] out, float a, float[] x, float[] y);
    }

    public interface ArgMax {
        long index(double[] x);
    }

    public interface AnyNegative {
        boolean test(int[] x);
    }

    public interface IntSum {
        int sum(int[] x);
    }

    public interface WrongElement {
        float dot(double[] a, float[] b);
    }

    public interface WrongResult {
        double dot(float[] a, float[] b);
    }

    public interface TooFew {
        float dot(float[] a);
    }

    public interface MapReturns {
        float[] map(float[] out, float[] x, float[] y);
    }

    interface Hidden {
        float dot(float[] a, float[] b);
    }

    private static float[] floats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    @Test
    void reductionsAgreeWithTheGenericCall() {
        Kernel dot = Kernel.dot(DType.F32);
        Dot mine = flynn.bind(dot, Dot.class);
        Handles.FloatReduce2 shipped = flynn.bind(dot, Handles.FloatReduce2.class);
        for (int n : SIZES) {
            float[] a = floats(n, n);
            float[] b = floats(n, n + 1);
            float want = (float) flynn.reduceDouble(dot, a, b);
            assertEquals(want, mine.dot(a, b), "n=" + n);
            assertEquals(want, shipped.apply(a, b), "n=" + n);
        }
    }

    @Test
    void mapsAgreeWithTheGenericCallAndRunInPlace() {
        Kernel saxpy = Kernel.parse("2.5*x + y", DType.F32);
        Handles.FloatMap2 h = flynn.bind(saxpy, Handles.FloatMap2.class);
        Kernel axpy = Kernel.parse("a*x + y", java.util.List.of("a", "x", "y"), java.util.List.of(DType.F32, DType.F32, DType.F32));
        Axpy ax = flynn.bind(axpy, Axpy.class);
        for (int n : SIZES) {
            float[] x = floats(n, 2 * n);
            float[] y = floats(n, 2 * n + 1);
            float[] want = new float[n];
            flynn.into(saxpy, want, x, y);
            float[] got = new float[n];
            h.apply(got, x, y);
            assertArrayEquals(want, got, "n=" + n);
            float[] scaled = new float[n];
            ax.run(scaled, 2.5f, x, y);
            assertArrayEquals(want, scaled, "scalar input, n=" + n);
            h.apply(x, x, y);
            assertArrayEquals(want, x, "in place, n=" + n);
        }
    }

    @Test
    void oneThreadMapsOfEverySizeAgreeWithTheGenericCall() {
        // one thread never splits a map, so the handle runs every size itself
        try (Flynn one = Flynn.builder().backend(backend()).threads(1).build()) {
            Kernel saxpy = Kernel.parse("2.5*x + y", DType.F32);
            Handles.FloatMap2 h = one.bind(saxpy, Handles.FloatMap2.class);
            for (int n : SIZES) {
                float[] x = floats(n, 3 * n);
                float[] y = floats(n, 3 * n + 1);
                float[] want = new float[n];
                one.into(saxpy, want, x, y);
                float[] got = new float[n];
                h.apply(got, x, y);
                assertArrayEquals(want, got, "n=" + n);
            }
        }
    }

    @Test
    void aSumThatOverflowsMidwayIsRescuedAsTheGenericCallIs() {
        Kernel sum = Kernel.parse("x", DType.F32).reduce(Reduction.sum());
        Handles.FloatReduce1 h = flynn.bind(sum, Handles.FloatReduce1.class);
        for (int n : new int[] {128, 768, 4096}) {
            // every partial of any layout of at most 64 partials adds two MAX_VALUEs first and overflows;
            // the exact sum is 0, and the rescued one is within the bound of a float sum of n terms
            float[] x = new float[n];
            Arrays.fill(x, 0, n / 2, Float.MAX_VALUE);
            Arrays.fill(x, n / 2, n, -Float.MAX_VALUE);
            float got = h.apply(x);
            assertTrue(Math.abs((double) got) <= (double) n * Math.ulp(1f) * n * Float.MAX_VALUE, "n=" + n + ": " + got);
            assertEquals((float) flynn.reduceDouble(sum, x), h.apply(x), "n=" + n);
        }
    }

    @Test
    void slicesAgreeAndCheckTheirBounds() {
        Kernel dot = Kernel.dot(DType.F32);
        Handles.FloatSliceReduce2 rows = flynn.bind(dot, Handles.FloatSliceReduce2.class);
        float[] m = floats(10 * 33, 5);
        for (int r = 0; r < 10; r++) {
            float want = (float) flynn.reduceDouble(dot, Slice.of(m, r * 33, 33), Slice.of(m, 0, 33));
            assertEquals(want, rows.apply(m, r * 33, m, 0, 33), "row " + r);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> rows.apply(m, 9 * 33 + 1, m, 0, 33));
        assertThrows(IndexOutOfBoundsException.class, () -> rows.apply(m, -1, m, 0, 33));
        assertThrows(IllegalArgumentException.class, () -> rows.apply(m, 0, m, 0, -1));
    }

    @Test
    void aPartlyOverlappingSliceOutputGivesWhatATemporaryWould() {
        Kernel saxpy = Kernel.parse("2.5*x + y", DType.F32);
        Handles.FloatSliceMap2 h = flynn.bind(saxpy, Handles.FloatSliceMap2.class);
        for (int shift : new int[] {-3, -1, 1, 3}) {
            float[] a = floats(100, shift + 10);
            float[] b = a.clone();
            float[] x = Arrays.copyOfRange(a, 10, 90);
            float[] want = new float[80];
            flynn.into(saxpy, want, x, x);
            h.apply(b, 10 + shift, b, 10, b, 10, 80);
            assertArrayEquals(want, Arrays.copyOfRange(b, 10 + shift, 90 + shift), "shift " + shift);
        }
    }

    @Test
    void segmentsAgreeWithArrays() {
        Kernel saxpy = Kernel.parse("2.5*x + y", DType.F32);
        Kernel dot = Kernel.dot(DType.F32);
        Handles.SegmentMap2 map = flynn.bind(saxpy, Handles.SegmentMap2.class);
        Handles.FloatSegmentReduce2 red = flynn.bind(dot, Handles.FloatSegmentReduce2.class);
        float[] x = floats(1000, 7);
        float[] y = floats(1000, 8);
        float[] want = new float[1000];
        flynn.into(saxpy, want, x, y);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sx = arena.allocateFrom(ValueLayout.JAVA_FLOAT, x);
            MemorySegment sy = arena.allocateFrom(ValueLayout.JAVA_FLOAT, y);
            MemorySegment out = arena.allocate(4000);
            map.apply(out, sx, sy);
            assertArrayEquals(want, out.toArray(ValueLayout.JAVA_FLOAT));
            assertEquals((float) flynn.reduceDouble(dot, x, y), red.apply(sx, sy));
            assertThrows(IllegalArgumentException.class, () -> red.apply(sx, sy.asSlice(0, 3998)));
        }
    }

    @Test
    void everyResultTypeComesBackAsItsPrimitive() {
        ArgMax argmax = flynn.bind(Kernel.parse("x", DType.F64).reduce(Reduction.argmax()), ArgMax.class);
        double[] d = {1, 5, -2, 5, 3};
        assertEquals(1L, argmax.index(d));
        AnyNegative any = flynn.bind(Kernel.parse("x < 0", DType.I32).reduce(Reduction.any()), AnyNegative.class);
        assertTrue(any.test(new int[] {3, -1, 4}));
        assertEquals(false, any.test(new int[] {3, 1, 4}));
        IntSum sum = flynn.bind(Kernel.parse("x", DType.I32).reduce(Reduction.sum()), IntSum.class);
        assertEquals(Integer.MAX_VALUE + 1, sum.sum(new int[] {Integer.MAX_VALUE, 1}), "wraps as Java does");
        Handles.DoubleReduce1 mean = flynn.bind(Kernel.parse("x", DType.F64).reduce(Reduction.mean()),
                Handles.DoubleReduce1.class);
        assertEquals(2.0, mean.apply(new double[] {1, 2, 3}));
    }

    @Test
    void badCallsThrowBeforeWriting() {
        Handles.FloatMap2 h = flynn.bind(Kernel.parse("2.5*x + y", DType.F32), Handles.FloatMap2.class);
        float[] out = {9, 9, 9};
        assertThrows(IllegalArgumentException.class, () -> h.apply(out, new float[3], new float[2]));
        assertThrows(NullPointerException.class, () -> h.apply(out, null, new float[3]));
        assertArrayEquals(new float[] {9, 9, 9}, out);
        Dot dot = flynn.bind(Kernel.dot(DType.F32), Dot.class);
        assertThrows(IllegalArgumentException.class, () -> dot.dot(new float[3], new float[4]));
        // the handle is free again after a failed call
        assertEquals(14f, dot.dot(new float[] {1, 2, 3}, new float[] {1, 2, 3}));
    }

    @Test
    void signaturesThatDoNotFitAreRejectedAtBindingNamingTheMismatch() {
        Kernel dot = Kernel.dot(DType.F32);
        assertMessage(() -> flynn.bind(dot, WrongElement.class), "declare float[]");
        assertMessage(() -> flynn.bind(dot, WrongResult.class), "returns float, not double");
        assertMessage(() -> flynn.bind(dot, TooFew.class), "needs 2");
        assertMessage(() -> flynn.bind(Kernel.parse("x + y", DType.F32), MapReturns.class), "returns void");
        assertMessage(() -> flynn.bind(dot, Hidden.class), "not public");
        assertMessage(() -> flynn.bind(dot, String.class), "not an interface");
        assertMessage(() -> flynn.bind(Kernel.parse("x + y", DType.F32), Handles.FloatReduce2.class), "returns void");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable bind, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bind);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
