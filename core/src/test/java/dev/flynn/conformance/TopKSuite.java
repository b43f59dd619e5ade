package dev.flynn.conformance;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import dev.flynn.Slice;
import dev.flynn.TopK;
import dev.flynn.TopK.Order;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Top-k on a runtime of the backend under test, against a reference written here from the documented
 * order alone (NaN first, then by value with {@code <}/{@code >}, so {@code -0.0} ties with {@code 0.0},
 * then the lower index), for every element type, both orders, k of 0, 1, 2, 10, n and n + 1, data with
 * the special values and with few distinct values (ties everywhere), arrays, slices and segments, on 1,
 * 2 and 3 threads. The first index must be what the backend's own argmax/argmin gives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class TopKSuite {
    private static final DType[] TYPES = {DType.F32, DType.F64, DType.I32, DType.I64};
    private Flynn[] runtimes;

    /**
     * The backend under test.
     *
     * @return the backend
     */
    protected abstract Backend backend();

    /**
     * The sizes to test; a slow backend may take fewer. Past 2 * 65536 the selection is split into blocks.
     *
     * @return sizes, from the conformance sizes
     */
    protected int[] sizes() {
        return new int[] {0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 1000, 4097, 65_537, 200_003};
    }

    @BeforeAll
    final void start() {
        runtimes = new Flynn[] {Flynn.builder().backend(backend()).threads(1).build(),
                Flynn.builder().backend(backend()).threads(2).build(),
                Flynn.builder().backend(backend()).threads(3).build()};
    }

    @AfterAll
    final void stop() {
        for (Flynn f : runtimes) {
            f.close();
        }
    }

    /** Random values with the type's special values mixed in, or a few distinct values (ties everywhere). */
    private static Object data(DType type, int n, long seed, boolean fewDistinct) {
        SplittableRandom rng = new SplittableRandom(seed);
        long[] specials = Values.specials(type);
        long[] pool = fewDistinct
                ? new long[] {specials[0], specials[3], specials[4], specials[5], specials[6], type == DType.F32 || type == DType.F64 ? Columns.bitsOf(type, 1) : 1}
                : Values.random(type, rng, 256, Values.Domain.MODERATE);
        long[] bits = new long[n];
        for (int i = 0; i < n; i++) {
            bits[i] = !fewDistinct && rng.nextInt(8) == 0 ? specials[rng.nextInt(specials.length)] : pool[rng.nextInt(pool.length)];
        }
        return Values.column(type, bits);
    }

    /** Negative when element {@code i} ranks before {@code j}: the documented order, written out plainly. */
    static int rank(Object a, int i, int j, boolean largest) {
        int byValue = switch (a) {
            case float[] f -> compare(f[i], f[j], largest);
            case double[] d -> compare(d[i], d[j], largest);
            case int[] v -> v[i] == v[j] ? 0 : (largest ? v[i] > v[j] : v[i] < v[j]) ? -1 : 1;
            case long[] v -> v[i] == v[j] ? 0 : (largest ? v[i] > v[j] : v[i] < v[j]) ? -1 : 1;
            default -> throw new IllegalArgumentException();
        };
        return byValue != 0 ? byValue : Integer.compare(i, j);
    }

    private static int compare(double x, double y, boolean largest) {
        boolean nx = Double.isNaN(x);
        boolean ny = Double.isNaN(y);
        if (nx || ny) {
            return nx == ny ? 0 : nx ? -1 : 1;
        }
        if (x == y) {
            return 0;
        }
        return (largest ? x > y : x < y) ? -1 : 1;
    }

    /** The first {@code min(k, n)} indices in rank order: repeated scans for small k, a sort otherwise. */
    static long[] reference(Object a, int k, boolean largest) {
        int n = Columns.length(a);
        int m = Math.min(k, n);
        if (m <= 16) {
            long[] out = new long[m];
            boolean[] taken = new boolean[n];
            for (int r = 0; r < m; r++) {
                int best = -1;
                for (int i = 0; i < n; i++) {
                    if (!taken[i] && (best < 0 || rank(a, i, best, largest) < 0)) {
                        best = i;
                    }
                }
                taken[best] = true;
                out[r] = best;
            }
            return out;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> rank(a, x, y, largest));
        long[] out = new long[m];
        for (int i = 0; i < m; i++) {
            out[i] = order[i];
        }
        return out;
    }

    private static void checkResult(Object data, long[] want, TopK got, String what) {
        assertArrayEquals(want, got.indices(), what);
        assertEquals(Columns.type(data), got.type(), what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(Columns.rawBits(data, (int) want[i]), Columns.rawBits(got.values(), i), what + ": value " + i);
        }
    }

    @Test
    void everyTypeSizeKAndThreadCountGivesTheDocumentedOrder() {
        for (DType type : TYPES) {
            for (int n : sizes()) {
                for (boolean few : new boolean[] {false, true}) {
                    if (n > 70_000 && type != DType.F32 && type != DType.I64) {
                        continue;   // the large size splits into blocks the same way for every type
                    }
                    Object x = data(type, n, 31L * n + type.ordinal(), few);
                    for (Order order : Order.values()) {
                        boolean largest = order == Order.LARGEST;
                        int[] ks = n > 5_000 ? new int[] {0, 1, 2, 10} : new int[] {0, 1, 2, 10, n, n + 1};
                        long[] all = reference(x, ks[ks.length - 1], largest);
                        for (int k : ks) {
                            long[] want = Arrays.copyOf(all, Math.min(k, n));
                            for (Flynn f : runtimes) {
                                checkResult(x, want, TopK.select(f, x, null, k, order), type + " n=" + n + " k=" + k
                                        + " " + order + (few ? " few distinct" : "") + " threads=" + f.threads());
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void theFirstIndexIsTheBackendsArgmaxAndArgmin() {
        for (DType type : TYPES) {
            Kernel argmax = Kernel.map(type, v -> v).reduce(Reduction.argmax());
            Kernel argmin = Kernel.map(type, v -> v).reduce(Reduction.argmin());
            for (int n : new int[] {1, 17, 1000, 65_537}) {
                if (n > Arrays.stream(sizes()).max().orElse(0)) {
                    continue;
                }
                for (boolean few : new boolean[] {false, true}) {
                    Object x = data(type, n, 7L * n + type.ordinal(), few);
                    Flynn f = runtimes[2];
                    assertEquals(f.reduceLong(argmax, x), TopK.select(f, x, null, 1, Order.LARGEST).indices()[0],
                            type + " n=" + n);
                    assertEquals(f.reduceLong(argmin, x), TopK.select(f, x, null, 1, Order.SMALLEST).indices()[0],
                            type + " n=" + n);
                }
            }
        }
    }

    @Test
    void signedZerosTieAndNaNsComeFirstInIndexOrder() {
        float[] x = {0f, -0f, Float.NaN, 1f, Float.NEGATIVE_INFINITY, -0f, Float.intBitsToFloat(0x7fc0_0042), 0f};
        TopK top = TopK.select(runtimes[0], x, DType.F32, 8, Order.LARGEST);
        assertArrayEquals(new long[] {2, 6, 3, 0, 1, 5, 7, 4}, top.indices());
        // the values are the input's own bits: the NaN payload and the sign of each zero
        assertEquals(0x7fc0_0042, Float.floatToRawIntBits(top.floats()[1]));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(top.floats()[4]));
        TopK low = TopK.select(runtimes[0], x, DType.F32, 8, Order.SMALLEST);
        assertArrayEquals(new long[] {2, 6, 4, 0, 1, 5, 7, 3}, low.indices());
    }

    @Test
    void equalValuesAcrossBlocksGoToTheLowestIndices() {
        int n = 5 * 65_536 + 3;
        for (Flynn f : runtimes) {
            double[] x = new double[n];
            x[n - 1] = -1;
            assertArrayEquals(new long[] {0, 1, 2, 3, 4}, TopK.select(f, x, null, 5, Order.LARGEST).indices());
            assertArrayEquals(new long[] {n - 1, 0, 1}, TopK.select(f, x, null, 3, Order.SMALLEST).indices());
            long[] l = new long[n];
            l[70_000] = Long.MAX_VALUE;
            l[200_000] = Long.MAX_VALUE;
            assertArrayEquals(new long[] {70_000, 200_000, 0}, TopK.select(f, l, null, 3, Order.LARGEST).indices());
        }
    }

    @Test
    void slicesAndSegmentsIndexFromTheirOwnStart() {
        int n = Math.min(100_000, Arrays.stream(sizes()).max().orElse(0));
        for (DType type : TYPES) {
            Object x = data(type, n, 99 + type.ordinal(), false);
            int from = n / 3;
            int len = n - from - 5;
            Object part = Columns.allocate(type, len);
            System.arraycopy(x, from, part, 0, len);
            long[] want = reference(part, 10, true);
            for (Flynn f : runtimes) {
                checkResult(part, want, TopK.select(f, new Slice(x, from, len), type, 10, Order.LARGEST), type + " slice");
                try (Arena shared = Arena.ofShared(); Arena confined = Arena.ofConfined()) {
                    for (MemorySegment seg : new MemorySegment[] {Columns.toSegment(shared, part), Columns.toSegment(confined, part)}) {
                        checkResult(part, want, TopK.select(f, seg, type, 10, Order.LARGEST), type + " segment");
                    }
                }
            }
        }
    }

    @Test
    void intoTheCallersArraysWritesTheFrontAndReturnsTheCount() {
        for (DType type : TYPES) {
            Object x = data(type, 1000, 5 + type.ordinal(), true);
            long s = Columns.sentinel(type);
            for (int k : new int[] {0, 3, 1000, 1005}) {
                Object values = Columns.filled(type, 1010, s);
                long[] indices = new long[1010];
                Arrays.fill(indices, -7);
                int m = TopK.selectInto(runtimes[1], x, type, k, Order.SMALLEST, values, indices);
                long[] want = reference(x, k, false);
                assertEquals(want.length, m);
                assertArrayEquals(want, Arrays.copyOf(indices, m));
                for (int i = 0; i < m; i++) {
                    assertEquals(Columns.rawBits(x, (int) want[i]), Columns.rawBits(values, i));
                }
                assertEquals(-1, Columns.firstChanged(Arrays.copyOfRange(indices, m, 1010), -7), "past the count");
                Object tail = Columns.allocate(type, 1010 - m);
                System.arraycopy(values, m, tail, 0, 1010 - m);
                assertEquals(-1, Columns.firstChanged(tail, s), "past the count");
            }
        }
    }

    /** Line {@code l} along {@code axis} of a row-major rows x cols array, as its own array. */
    private static Object lineOf(Object m, int rows, int cols, int axis, int l) {
        int n = axis == 1 ? cols : rows;
        Object out = Columns.allocate(Columns.type(m), n);
        for (int i = 0; i < n; i++) {
            System.arraycopy(m, axis == 1 ? l * cols + i : i * cols + l, out, i, 1);
        }
        return out;
    }

    @Test
    void everyLineAlongAnAxisIsItsOwnSelection() {
        int[][] shapes = {{1, 1}, {1, 40}, {40, 1}, {7, 33}, {33, 7}, {0, 4}, {4, 0}, {65, 40}};
        for (DType type : TYPES) {
            for (int[] shape : shapes) {
                int rows = shape[0];
                int cols = shape[1];
                Object m = data(type, rows * cols, 13L * rows + cols + type.ordinal(), rows % 2 == 0);
                Object transposedStore = Columns.allocate(type, rows * cols);
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        System.arraycopy(m, r * cols + c, transposedStore, c * rows + r, 1);
                    }
                }
                dev.flynn.NdView[] views = {
                        dev.flynn.NdView.strided(m, 0, new long[] {rows, cols}, new long[] {cols, 1}),
                        dev.flynn.NdView.strided(transposedStore, 0, new long[] {cols, rows}, new long[] {rows, 1}).transpose(),
                };
                for (int axis = 0; axis < 2; axis++) {
                    int axis0 = axis;
                    int n = axis == 1 ? cols : rows;
                    int lines = axis == 1 ? rows : cols;
                    for (int k : new int[] {0, 1, 3, n, n + 1}) {
                        int m2 = Math.min(k, n);
                        for (Order order : Order.values()) {
                            long[][] want = new long[lines][];
                            for (int l = 0; l < lines; l++) {
                                want[l] = reference(lineOf(m, rows, cols, axis, l), k, order == Order.LARGEST);
                            }
                            for (dev.flynn.NdView v : views) {
                                for (Flynn f : runtimes) {
                                    long[] outShape = axis == 1 ? new long[] {rows, m2} : new long[] {m2, cols};
                                    Object values = Columns.allocate(type, rows * cols + 1);
                                    long[] indices = new long[lines * m2];
                                    dev.flynn.NdView vv = dev.flynn.NdView.strided(values, 1, outShape,
                                            new long[] {outShape[1], 1});
                                    TopK.selectAlong(f, v, axis, k, order, vv, dev.flynn.NdView.of(indices, outShape));
                                    for (int l = 0; l < lines; l++) {
                                        Object line = lineOf(m, rows, cols, axis, l);
                                        for (int i = 0; i < m2; i++) {
                                            int at = axis == 1 ? l * m2 + i : i * cols + l;
                                            int line0 = l;
                                            java.util.function.Supplier<String> what = () -> type + " " + rows + "x" + cols
                                                    + " axis " + axis0 + " k=" + k + " " + order + " line " + line0;
                                            assertEquals(want[l][i], indices[at], what);
                                            assertEquals(Columns.rawBits(line, (int) want[l][i]), Columns.rawBits(values, 1 + at), what);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void badLinesAreRejectedBeforeAnythingIsWritten() {
        Flynn f = runtimes[0];
        float[] m = {5, 4, 3, 2, 1, 0};
        dev.flynn.NdView x = dev.flynn.NdView.of(m, 2, 3);
        float[] values = new float[4];
        long[] indices = new long[4];
        dev.flynn.NdView vals = dev.flynn.NdView.of(values, 2, 2);
        dev.flynn.NdView idx = dev.flynn.NdView.of(indices, 2, 2);
        expect(IllegalArgumentException.class, "give shape [2, 3]",
                () -> TopK.selectAlong(f, x, 1, 3, Order.LARGEST, vals, idx));
        expect(IllegalArgumentException.class, "axis 2 does not exist",
                () -> TopK.selectAlong(f, x, 2, 2, Order.LARGEST, vals, idx));
        expect(IllegalArgumentException.class, "indices must hold I64",
                () -> TopK.selectAlong(f, x, 1, 2, Order.LARGEST, vals, dev.flynn.NdView.of(new int[4], 2, 2)));
        expect(IllegalArgumentException.class, "values must hold F32",
                () -> TopK.selectAlong(f, x, 1, 2, Order.LARGEST, dev.flynn.NdView.of(new double[4], 2, 2), idx));
        expect(IllegalArgumentException.class, "shares memory",
                () -> TopK.selectAlong(f, x, 1, 1, Order.LARGEST, dev.flynn.NdView.strided(m, 0, new long[] {2, 1},
                        new long[] {3, 1}), dev.flynn.NdView.of(new long[2], 2, 1)));
        // the same through a heap segment over x's own array
        expect(IllegalArgumentException.class, "shares memory",
                () -> TopK.selectAlong(f, x, 1, 1, Order.LARGEST, dev.flynn.NdView.of(java.lang.foreign.MemorySegment.ofArray(m).asSlice(4, 8),
                        DType.F32, 2, 1), dev.flynn.NdView.of(new long[2], 2, 1)));
        expect(IllegalArgumentException.class, "k must be >= 0",
                () -> TopK.selectAlong(f, x, 1, -1, Order.LARGEST, vals, idx));
        assertArrayEquals(new float[4], values);
        assertArrayEquals(new long[4], indices);
        TopK.selectAlong(f, x, 1, 2, Order.SMALLEST, vals, idx);
        assertArrayEquals(new long[] {2, 1, 2, 1}, indices);
        assertArrayEquals(new float[] {3, 4, 0, 1}, values);
    }

    @Test
    void badArgumentsAreRejectedBeforeAnythingIsWritten() {
        Flynn f = runtimes[0];
        float[] x = {3, 1, 2};
        float[] values = {9, 9, 9};
        long[] indices = {9, 9, 9};
        expect(IllegalArgumentException.class, "k must be >= 0, got -1",
                () -> TopK.selectInto(f, x, null, -1, Order.LARGEST, values, indices));
        expect(IllegalArgumentException.class, "give arrays of at least 3",
                () -> TopK.selectInto(f, x, null, 3, Order.LARGEST, values, new long[2]));
        expect(IllegalArgumentException.class, "values must hold F32",
                () -> TopK.selectInto(f, x, null, 3, Order.LARGEST, new double[3], indices));
        expect(IllegalArgumentException.class, "x must hold F64",
                () -> TopK.select(f, x, DType.F64, 1, Order.LARGEST));
        expect(IllegalArgumentException.class, "no element type",
                () -> TopK.select(f, MemorySegment.ofArray(x), null, 1, Order.LARGEST));
        expect(IllegalArgumentException.class, "not a whole number",
                () -> TopK.select(f, MemorySegment.ofArray(new byte[6]), DType.F32, 1, Order.LARGEST));
        expect(IllegalArgumentException.class, "got String",
                () -> TopK.select(f, "x", null, 1, Order.LARGEST));
        expect(NullPointerException.class, "x", () -> TopK.select(f, null, null, 1, Order.LARGEST));
        expect(NullPointerException.class, "flynn", () -> TopK.select(null, x, null, 1, Order.LARGEST));
        expect(NullPointerException.class, "order", () -> TopK.select(f, x, null, 1, null));
        assertArrayEquals(new float[] {9, 9, 9}, values);
        assertArrayEquals(new long[] {9, 9, 9}, indices);
        assertEquals(0, TopK.select(f, new float[0], null, 5, Order.LARGEST).size(), "empty input: nothing to select");
        expect(IllegalArgumentException.class, "not I32", () -> TopK.select(f, x, null, 1, Order.LARGEST).ints());
    }

    private static void expect(Class<? extends RuntimeException> type, String text, Runnable call) {
        RuntimeException e = assertThrows(type, call::run);
        if (e.getMessage() == null || !e.getMessage().contains(text)) {
            fail("expected a message with '" + text + "', got: " + e.getMessage());
        }
    }
}
