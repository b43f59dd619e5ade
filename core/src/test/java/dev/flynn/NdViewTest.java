package dev.flynn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NdViewTest {

    /** A device array that lives nowhere, for the checks that need only its type and length. */
    record FakeDevice(DType type, long length) implements DeviceArray {
        @Override
        public String backend() {
            return "fake";
        }

        @Override
        public void close() {
        }
    }

    /** Every shape of rank 0..4 with axis lengths from {0, 1, 2, 3, 5}, a sample of them for rank 4. */
    static List<long[]> shapes() {
        long[] lens = {0, 1, 2, 3, 5};
        List<long[]> out = new ArrayList<>();
        out.add(new long[0]);
        for (int rank = 1; rank <= 4; rank++) {
            int count = (int) Math.pow(lens.length, rank);
            for (int c = 0; c < count; c += rank == 4 ? 7 : 1) {
                long[] s = new long[rank];
                int k = c;
                for (int i = 0; i < rank; i++) {
                    s[i] = lens[k % lens.length];
                    k /= lens.length;
                }
                out.add(s);
            }
        }
        return out;
    }

    static long product(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Calls {@code f} at every index tuple of {@code shape} in row-major order. */
    static void forEachIndex(long[] shape, java.util.function.Consumer<long[]> f) {
        if (product(shape) == 0) {
            return;
        }
        long[] idx = new long[shape.length];
        while (true) {
            f.accept(idx.clone());
            int a = shape.length - 1;
            while (a >= 0 && ++idx[a] == shape[a]) {
                idx[a] = 0;
                a--;
            }
            if (a < 0) {
                return;
            }
        }
    }

    @Test
    void rowMajorViewsOfEveryRankAndTypeNumberTheirElementsInOrder() {
        for (long[] shape : shapes()) {
            int n = (int) product(shape);
            for (NdView v : List.of(NdView.of(new float[n], shape), NdView.of(new double[n], shape),
                    NdView.of(new int[n], shape), NdView.of(new long[n], shape))) {
                assertEquals(shape.length, v.rank());
                assertEquals(n, v.size());
                assertArrayEquals(shape, v.shape());
                long[] counter = {0};
                forEachIndex(shape, idx -> assertEquals(counter[0]++, v.indexOf(idx), Arrays.toString(idx)));
                assertEquals(n, counter[0]);
            }
        }
    }

    @Test
    void typesComeFromTheStorage() {
        assertEquals(DType.F32, NdView.of(new float[6], 2, 3).type());
        assertEquals(DType.F64, NdView.of(new double[6], 2, 3).type());
        assertEquals(DType.I32, NdView.of(new int[6], 2, 3).type());
        assertEquals(DType.I64, NdView.of(new long[6], 2, 3).type());
        assertEquals(DType.F64, NdView.of(new FakeDevice(DType.F64, 6), 3, 2).type());
        assertEquals(DType.I32, NdView.strided(new int[6], 0, new long[] {3}, new long[] {2}).type());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NdView(new float[4], DType.F64, new long[] {4}, new long[] {1}, 0));
        assertTrue(e.getMessage().contains("F32"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new NdView(new FakeDevice(DType.I32, 4), DType.F32, new long[] {4}, new long[] {1}, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new NdView(new short[4], DType.I32, new long[] {4}, new long[] {1}, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new NdView(MemorySegment.ofArray(new byte[4]), DType.BOOL, new long[] {4}, new long[] {1}, 0));
        assertThrows(IllegalArgumentException.class,
                () -> NdView.strided(MemorySegment.ofArray(new byte[8]), 0, new long[] {2}, new long[] {1}));
    }

    @Test
    void aRowMajorViewCoversItsStorageExactly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NdView.of(new float[10], 3, 4));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NdView.of(new float[13], 3, 4));
        assertThrows(IllegalArgumentException.class, () -> NdView.of(new float[0]));   // rank 0 is one element
        assertEquals(1, NdView.of(new float[1]).size());
        // element counts past Long.MAX_VALUE saturate rather than wrap into a match
        assertThrows(IllegalArgumentException.class, () -> NdView.of(new float[0], 1L << 32, 1L << 32, 1L << 32));
        assertThrows(IllegalArgumentException.class, () -> NdView.of(new float[0], Long.MAX_VALUE, 2));
        // 2^64 elements wrap to 0 in long arithmetic: must not pass for an empty array
        assertThrows(IllegalArgumentException.class, () -> NdView.of(new float[0], 1L << 32, 1L << 32));
        assertEquals(0, NdView.of(new float[0], 0, Long.MAX_VALUE, Long.MAX_VALUE).size());
        assertThrows(IllegalArgumentException.class, () -> NdView.of(new float[6], 2, -3));
        assertThrows(IllegalArgumentException.class, () -> NdView.of(new float[6], -2, -3));
    }

    @Test
    void segmentsTakeTheGivenTypeAndWholeElements() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(48);
            assertEquals(12, NdView.of(seg, DType.F32, 3, 4).size());
            assertEquals(6, NdView.of(seg, DType.I64, 2, 3).size());
            assertThrows(IllegalArgumentException.class, () -> NdView.of(seg, DType.F64, 3, 4));
            assertThrows(IllegalArgumentException.class, () -> NdView.of(arena.allocate(10), DType.F32, 2));
            // a strided view may leave a partial element at the end unused
            NdView v = new NdView(arena.allocate(10), DType.F32, new long[] {2}, new long[] {1}, 0);
            assertEquals(2, v.size());
            assertThrows(IndexOutOfBoundsException.class,
                    () -> new NdView(arena.allocate(10), DType.F32, new long[] {3}, new long[] {1}, 0));
        }
    }

    /** Random shapes, strides and offsets: a view is accepted exactly when its largest reachable index fits. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void boundsAreCheckedAgainstTheLargestReachableIndex(int rank) {
        SplittableRandom r = new SplittableRandom(42 + rank);
        for (int t = 0; t < 2000; t++) {
            long[] shape = new long[rank];
            long[] strides = new long[rank];
            for (int i = 0; i < rank; i++) {
                shape[i] = r.nextInt(5);
                strides[i] = r.nextInt(7);
            }
            long offset = r.nextInt(12);
            int length = r.nextInt(40);
            long last = offset;
            boolean empty = false;
            for (int i = 0; i < rank; i++) {
                last += strides[i] * (shape[i] - 1);
                empty |= shape[i] == 0;
            }
            boolean fits = empty ? offset <= length : last < length;
            float[] storage = new float[length];
            if (fits) {
                NdView v = new NdView(storage, DType.F32, shape, strides, offset);
                long[] max = {-1};
                forEachIndex(shape, idx -> max[0] = Math.max(max[0], v.indexOf(idx)));
                assertTrue(max[0] < length);
            } else {
                IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                        () -> new NdView(storage, DType.F32, shape, strides, offset));
                assertTrue(e.getMessage().contains(Arrays.toString(shape)) && e.getMessage().contains(Arrays.toString(strides))
                        && e.getMessage().contains("offset " + offset) && e.getMessage().contains(length + " F32"),
                        e.getMessage());
            }
        }
    }

    @Test
    void overflowingIndexArithmeticIsOutOfBoundsNotWrapped() {
        float[] a = new float[8];
        long max = Long.MAX_VALUE;
        // each of these wraps to a small or negative index in plain long arithmetic
        long[][][] cases = {
                {{2}, {max}},
                {{max}, {2}},
                {{3, 3}, {max / 2 + 1, 1}},
                {{1L << 32, 1L << 32}, {1L << 31, 1L << 31}},
                {{2, 2}, {max, max}},
                {{max, max}, {1, 1}},
        };
        for (long[][] c : cases) {
            assertThrows(IndexOutOfBoundsException.class, () -> new NdView(a, DType.F32, c[0], c[1], 0),
                    Arrays.deepToString(c));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> new NdView(a, DType.F32, new long[] {2}, new long[] {1}, max));
        assertThrows(IndexOutOfBoundsException.class, () -> new NdView(a, DType.F32, new long[] {1}, new long[] {0}, max));
        // huge axes with stride 0 are fine: one element repeated
        NdView rep = new NdView(a, DType.F32, new long[] {max, max}, new long[] {0, 0}, 7);
        assertEquals(7, rep.indexOf(max - 1, max - 1));
        assertThrows(ArithmeticException.class, rep::size);
        // a device array longer than any Java array
        NdView big = NdView.strided(new FakeDevice(DType.F32, max), max - 1, new long[] {1}, new long[] {1});
        assertEquals(max - 1, big.indexOf(0));
        assertThrows(IndexOutOfBoundsException.class,
                () -> NdView.strided(new FakeDevice(DType.F32, max), max - 1, new long[] {2}, new long[] {1}));
    }

    @Test
    void negativeLengthsStridesAndOffsetsAreRejected() {
        float[] a = new float[8];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NdView(a, DType.F32, new long[] {2, -1}, new long[] {1, 1}, 0));
        assertTrue(e.getMessage().contains("negative length -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NdView(a, DType.F32, new long[] {2}, new long[] {-1}, 1));
        assertTrue(e.getMessage().contains("negative stride -1"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> new NdView(a, DType.F32, new long[] {2}, new long[] {1}, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> new NdView(a, DType.F32, new long[] {0}, new long[] {1}, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> new NdView(a, DType.F32, new long[] {0}, new long[] {1}, 9));
        assertEquals(0, new NdView(a, DType.F32, new long[] {0}, new long[] {1}, 8).size());
        assertThrows(IllegalArgumentException.class, () -> new NdView(a, DType.F32, new long[] {2}, new long[] {1, 1}, 0));
        assertThrows(NullPointerException.class, () -> new NdView(null, DType.F32, new long[0], new long[0], 0));
        assertThrows(NullPointerException.class, () -> new NdView(a, DType.F32, null, new long[0], 0));
    }

    @Test
    void transposeAndPermuteReorderAxesOverTheSameElements() {
        for (long[] shape : shapes()) {
            int n = (int) product(shape);
            NdView v = NdView.of(new double[n], shape);
            int rank = shape.length;
            int[] rot = new int[rank];
            for (int i = 0; i < rank; i++) {
                rot[i] = (i + 1) % rank;
            }
            NdView t = v.transpose();
            NdView p = v.permute(rot);
            forEachIndex(shape, idx -> {
                long[] rev = new long[rank];
                long[] inv = new long[rank];
                for (int i = 0; i < rank; i++) {
                    rev[i] = idx[rank - 1 - i];
                    inv[i] = idx[rot[i]];
                }
                assertEquals(v.indexOf(idx), t.indexOf(rev));
                assertEquals(v.indexOf(idx), p.indexOf(inv));
            });
            assertEquals(v, t.transpose());
        }
        NdView m = NdView.of(new float[6], 2, 3);
        assertThrows(IllegalArgumentException.class, () -> m.permute(0, 0));
        assertThrows(IllegalArgumentException.class, () -> m.permute(0));
        assertThrows(IllegalArgumentException.class, () -> m.permute(0, 2));
        assertThrows(IllegalArgumentException.class, () -> m.permute(-1, 0));
    }

    @Test
    void axesOutsideTheRankAreRejected() {
        NdView m = NdView.of(new float[6], 2, 3);
        assertEquals(3, m.dim(1));
        assertEquals(1, m.stride(1));
        for (int axis : new int[] {-1, 2, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.dim(axis));
            assertTrue(e.getMessage().contains("rank-2"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> m.indexOf(1));
        assertThrows(IndexOutOfBoundsException.class, () -> m.indexOf(2, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> m.indexOf(0, -1));
    }

    @Test
    void broadcastShapesFollowNumPy() {
        long[] e = {};
        assertArrayEquals(new long[] {3, 4}, NdView.broadcastShape(new long[] {3, 4}, new long[] {4}));
        assertArrayEquals(new long[] {3, 4}, NdView.broadcastShape(new long[] {3, 1}, new long[] {1, 4}));
        assertArrayEquals(new long[] {3, 4}, NdView.broadcastShape(new long[] {3, 4}, new long[] {3, 1}, new long[] {4}, e));
        assertArrayEquals(new long[] {2, 3, 4}, NdView.broadcastShape(new long[] {2, 1, 4}, new long[] {3, 1}));
        assertArrayEquals(new long[] {0, 4}, NdView.broadcastShape(new long[] {0, 1}, new long[] {1, 4}));
        assertArrayEquals(new long[] {0}, NdView.broadcastShape(new long[] {1}, new long[] {0}));
        assertArrayEquals(e, NdView.broadcastShape(e, e));
        assertArrayEquals(e, NdView.broadcastShape());
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> NdView.broadcastShape(new long[] {3, 4}, new long[] {3}));
        assertTrue(x.getMessage().contains("[3, 4]") && x.getMessage().contains("[3]"), x.getMessage());
        x = assertThrows(IllegalArgumentException.class,
                () -> NdView.broadcastShape(new long[] {2, 1}, new long[] {1, 5}, new long[] {3, 5}));
        assertTrue(x.getMessage().contains("[2, 1]") && x.getMessage().contains("[3, 5]"), x.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NdView.broadcastShape(new long[] {0}, new long[] {2}));
        assertThrows(IllegalArgumentException.class, () -> NdView.broadcastShape(new long[] {-1}));
    }

    /** Against a brute-force rule: every pair of shapes of rank 0..3 over lengths {0, 1, 2, 3}. */
    @Test
    void broadcastShapeAgreesWithTheRuleOnEveryPair() {
        List<long[]> small = new ArrayList<>();
        for (long[] s : shapes()) {
            if (s.length <= 3 && Arrays.stream(s).allMatch(d -> d <= 3)) {
                small.add(s);
            }
        }
        for (long[] a : small) {
            for (long[] b : small) {
                int rank = Math.max(a.length, b.length);
                long[] want = new long[rank];
                boolean ok = true;
                for (int i = 0; i < rank; i++) {
                    long da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
                    long db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
                    ok &= da == db || da == 1 || db == 1;
                    want[i] = da == 1 ? db : da;
                }
                if (ok) {
                    assertArrayEquals(want, NdView.broadcastShape(a, b), Arrays.toString(a) + " " + Arrays.toString(b));
                    NdView va = NdView.of(new int[(int) product(a)], a).broadcastTo(want);
                    forEachIndex(want, idx -> {
                        long[] own = new long[a.length];
                        for (int i = 0; i < a.length; i++) {
                            own[i] = a[i] == 1 ? 0 : idx[i + rank - a.length];
                        }
                        assertEquals(NdView.of(new int[(int) product(a)], a).indexOf(own), va.indexOf(idx));
                    });
                } else {
                    assertThrows(IllegalArgumentException.class, () -> NdView.broadcastShape(a, b));
                }
            }
        }
    }

    @Test
    void broadcastToStretchesOnlyLengthOneAxes() {
        NdView row = NdView.of(new float[4], 1, 4);
        NdView b = row.broadcastTo(3, 4);
        assertArrayEquals(new long[] {0, 1}, b.strides());
        NdView col = NdView.of(new float[3], 3);
        assertThrows(IllegalArgumentException.class, () -> col.broadcastTo(3, 4));
        assertArrayEquals(new long[] {1, 0}, NdView.of(new float[3], 3, 1).broadcastTo(3, 4).strides());
        assertArrayEquals(new long[] {0, 0}, NdView.of(new float[1]).broadcastTo(3, 4).strides());
        assertThrows(IllegalArgumentException.class, () -> NdView.of(new float[12], 3, 4).broadcastTo(4));
    }

    @Test
    void arraysAreCopiedInAndOut() {
        long[] shape = {2, 3};
        long[] strides = {3, 1};
        float[] a = new float[6];
        NdView v = new NdView(a, DType.F32, shape, strides, 0);
        shape[0] = 100;
        strides[0] = 100;
        assertArrayEquals(new long[] {2, 3}, v.shape());
        v.shape()[1] = 50;
        v.strides()[1] = 50;
        assertArrayEquals(new long[] {2, 3}, v.shape());
        assertArrayEquals(new long[] {3, 1}, v.strides());
    }

    @Test
    void equalityIsByStorageIdentityAndLayout() {
        float[] a = new float[6];
        NdView v = NdView.of(a, 2, 3);
        assertEquals(v, new NdView(a, DType.F32, new long[] {2, 3}, new long[] {3, 1}, 0));
        assertEquals(v.hashCode(), new NdView(a, DType.F32, new long[] {2, 3}, new long[] {3, 1}, 0).hashCode());
        assertNotEquals(v, NdView.of(new float[6], 2, 3));
        assertNotEquals(v, NdView.of(a, 3, 2));
        assertNotEquals(v, new NdView(a, DType.F32, new long[] {2, 3}, new long[] {1, 2}, 0));
        assertNotEquals(v, new NdView(a, DType.F32, new long[] {2, 2}, new long[] {3, 1}, 1));
        assertEquals("NdView[F32 float[6], shape [2, 3], strides [3, 1], offset 0]", v.toString());
    }
}
