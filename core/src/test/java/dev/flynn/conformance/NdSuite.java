package dev.flynn.conformance;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.NdView;
import dev.flynn.Reduction;
import dev.flynn.Slice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * n-D maps over {@link NdView}s on a backend, against plain Java loops over the same elements:
 * broadcasting of a matrix with a row vector, a column vector and a scalar, shapes 1x1, 1xN, Nx1 and
 * odd sizes, odd strides and offsets, transposed views, empty axes, segments, ranks up to 4, in-place
 * and overlapping outputs; bad shapes and strides rejected with nothing written. The kernels use exact
 * ops only, so every backend must give the Java loop's bits. Axis reductions of every kind, along
 * every axis, against the 1-D reduction of each line copied out by a plain Java loop (bitwise), and
 * against exact Java sums and arg-extremes where those are known independently.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class NdSuite {
    protected Flynn runtime;

    /** The backend under test. */
    protected abstract Backend backend();

    /** Matrix shapes for axis reductions; the emulated GPU takes small ones. */
    protected long[][] reductionShapes() {
        return new long[][] {{1, 1}, {1, 257}, {257, 1}, {7, 65}, {65, 7}, {17, 300}};
    }

    /** A line long enough to span several blocks of a 1-D reduction. */
    protected long longLine() {
        return 40_000;
    }

    /** Row and column counts to combine; the emulated GPU takes small ones. */
    protected long[] sizes() {
        return new long[] {1, 2, 3, 7, 17, 64, 65, 257};
    }

    @BeforeAll
    final void startRuntime() {
        runtime = Flynn.builder().backend(backend()).threads(4).build();
    }

    @AfterAll
    final void stopRuntime() {
        runtime.close();
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** Element {@code idx} of a host view as a double (exact for every type the tests use). */
    static double get(NdView v, long... idx) {
        long at = v.indexOf(idx);
        return switch (v.storage()) {
            case float[] a -> a[(int) at];
            case double[] a -> a[(int) at];
            case int[] a -> a[(int) at];
            case long[] a -> a[(int) at];
            case MemorySegment m -> switch (v.type()) {
                case F32 -> m.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, at);
                case F64 -> m.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, at);
                case I32 -> m.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, at);
                default -> m.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, at);
            };
            default -> throw new IllegalArgumentException("not host memory");
        };
    }

    static float[] randomFloats(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 200 - 100);
        }
        return a;
    }

    static double[] randomDoubles(SplittableRandom r, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextDouble() * 200 - 100;
        }
        return a;
    }

    // ---- maps ---------------------------------------------------------------------------------

    /** {@code m*r + c - s}: a matrix, a row vector (as [1,C], as a 1-D array), a column vector [R,1], a scalar. */
    @Test
    void matrixRowColumnAndScalarBroadcast() {
        Kernel k = Kernel.parse("m*r + c - s", List.of("m", "r", "c", "s"), List.of(DType.F32, DType.F32, DType.F32, DType.F32));
        SplittableRandom rnd = new SplittableRandom(1);
        for (long rows : sizes()) {
            for (long cols : sizes()) {
                int R = (int) rows;
                int C = (int) cols;
                float[] m = randomFloats(rnd, R * C);
                float[] row = randomFloats(rnd, C);
                float[] col = randomFloats(rnd, R);
                float s = 0.75f;
                float[] want = new float[R * C];
                for (int i = 0; i < R; i++) {
                    for (int j = 0; j < C; j++) {
                        want[i * C + j] = m[i * C + j] * row[j] + col[i] - s;
                    }
                }
                float[] out = new float[R * C];
                runtime.into(k, NdView.of(out, R, C), NdView.of(m, R, C), NdView.of(row, 1, C), NdView.of(col, R, 1), s);
                assertArrayEquals(want, out, R + "x" + C);
                float[] out2 = new float[R * C];
                // a 1-D array is a view of shape [C], broadcast over the rows
                runtime.into(k, NdView.of(out2, R, C), NdView.of(m, R, C), row, NdView.of(col, R, 1), s);
                assertArrayEquals(want, out2, R + "x" + C + " with a 1-D row");
                NdView made = (NdView) runtime.apply(k, NdView.of(m, R, C), NdView.of(row, C), NdView.of(col, R, 1), s);
                assertArrayEquals(new long[] {R, C}, made.shape());
                assertArrayEquals(want, (float[]) made.storage());
                assertArrayEquals(want, runtime.floats(k, NdView.of(m, R, C), row, NdView.of(col, R, 1), s));
            }
        }
    }

    /** Views with odd strides and offsets into larger arrays, and transposed views, as inputs and outputs. */
    @Test
    void stridedAndTransposedViews() {
        Kernel k = Kernel.parse("x - 2*y", List.of("x", "y"), List.of(DType.F64, DType.F64));
        SplittableRandom rnd = new SplittableRandom(2);
        for (long rows : sizes()) {
            for (long cols : new long[] {1, 3, 17, 65}) {
                int R = (int) rows;
                int C = (int) cols;
                // x: every other column of a wider matrix, from offset 5; y: the transpose of a CxR array
                long rowStride = 2L * C + 3;
                double[] xs = randomDoubles(rnd, (int) (5 + rowStride * R));
                NdView x = NdView.strided(xs, 5, new long[] {R, C}, new long[] {rowStride, 2});
                double[] ys = randomDoubles(rnd, R * C);
                NdView y = NdView.of(ys, C, R).transpose();
                // the output transposed too, and with a gap of 1 between rows
                double[] os = new double[(int) (4 + R + (C - 1L) * (R + 1))];
                double[] before = os.clone();
                NdView out = NdView.strided(os, 4, new long[] {R, C}, new long[] {1, R + 1L});
                runtime.into(k, out, x, y);
                for (int i = 0; i < R; i++) {
                    for (int j = 0; j < C; j++) {
                        double want = get(x, i, j) - 2 * get(y, i, j);
                        assertEquals(want, get(out, i, j), R + "x" + C + " at " + i + "," + j);
                    }
                }
                // nothing outside the view was written
                boolean[] inView = new boolean[os.length];
                for (int i = 0; i < R; i++) {
                    for (int j = 0; j < C; j++) {
                        inView[(int) out.indexOf(i, j)] = true;
                    }
                }
                for (int i = 0; i < os.length; i++) {
                    if (!inView[i]) {
                        assertEquals(before[i], os[i], "element " + i + " outside the output view");
                    }
                }
            }
        }
    }

    /** Ranks 0 to 4, broadcasting across leading axes, in every integer and floating type. */
    @Test
    void higherRanksAndEveryType() {
        long[][][] cases = {
                {{}, {}, {}},
                {{5}, {5}, {1}},
                {{2, 3, 4}, {3, 1}, {4}},
                {{2, 1, 3, 5}, {1, 4, 1, 5}, {5}},
                {{3, 1, 1, 2}, {1, 2, 2, 1}, {}},
        };
        SplittableRandom rnd = new SplittableRandom(3);
        for (DType t : new DType[] {DType.F32, DType.F64, DType.I32, DType.I64}) {
            Kernel k = Kernel.parse("a*b - a + b", List.of("a", "b"), List.of(t, t));
            for (long[][] c : cases) {
                long[] shape = NdView.broadcastShape(c[0], c[1], c[2]);
                NdView a = filled(t, c[1], rnd);
                NdView b = filled(t, c[2], rnd);
                NdView out = filled(t, shape, rnd);
                runtime.into(k, out, a, b);
                NdView ab = a.broadcastTo(shape);
                NdView bb = b.broadcastTo(shape);
                forEach(shape, idx -> {
                    double x = get(ab, idx);
                    double y = get(bb, idx);
                    double want = switch (t) {
                        case F32 -> (float) x * (float) y - (float) x + (float) y;
                        case F64 -> x * y - x + y;
                        case I32 -> (int) x * (int) y - (int) x + (int) y;
                        default -> (long) x * (long) y - (long) x + (long) y;
                    };
                    assertEquals(want, get(out, idx), t + " " + Arrays.deepToString(c) + " at " + Arrays.toString(idx));
                });
            }
        }
    }

    /** A view of {@code shape} over a new row-major array of small random integers in type {@code t}. */
    static NdView filled(DType t, long[] shape, SplittableRandom r) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        return switch (t) {
            case F32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = r.nextInt(-50, 50) / 4f;
                }
                yield NdView.of(a, shape);
            }
            case F64 -> NdView.of(randomDoubles(r, n), shape);
            case I32 -> NdView.of(r.ints(n, -1000, 1000).toArray(), shape);
            default -> NdView.of(r.longs(n, -1L << 20, 1L << 20).toArray(), shape);
        };
    }

    static void forEach(long[] shape, java.util.function.Consumer<long[]> f) {
        for (long d : shape) {
            if (d == 0) {
                return;
            }
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
    void emptyAxesWriteNothingAndSucceed() {
        Kernel k = Kernel.parse("x + y", DType.F32);
        for (long[] shape : new long[][] {{0, 5}, {5, 0}, {0, 0}, {3, 0, 2}}) {
            float[] sentinel = {42};
            NdView out = new NdView(sentinel, DType.F32, shape, new long[shape.length], 0);
            runtime.into(k, out, NdView.of(new float[0], shape), 1f);
            assertEquals(42, sentinel[0]);
            NdView made = (NdView) runtime.apply(k, NdView.of(new float[0], shape), NdView.of(new float[] {1}, 1, 1));
            assertArrayEquals(shape, made.shape());
        }
        // an axis of 0 broadcast against 1 is 0; against 2 it does not broadcast
        assertArrayEquals(new long[] {0, 3}, ((NdView) runtime.apply(k, NdView.of(new float[0], 0, 1),
                NdView.of(new float[3], 1, 3))).shape());
        assertThrows(IllegalArgumentException.class, () -> runtime.apply(k, NdView.of(new float[0], 0, 1),
                NdView.of(new float[6], 2, 3)));
    }

    @Test
    void segmentViewsAsInputsAndOutputs() {
        Kernel k = Kernel.parse("x * y + 1", DType.F64);
        SplittableRandom rnd = new SplittableRandom(4);
        try (Arena arena = Arena.ofShared()) {
            int R = 33;
            int C = 17;
            MemorySegment xs = arena.allocate(8L * R * C, 8);
            MemorySegment os = arena.allocate(8L * (R * C + 3), 8);
            double[] y = randomDoubles(rnd, C);
            for (int i = 0; i < R * C; i++) {
                xs.setAtIndex(ValueLayout.JAVA_DOUBLE, i, rnd.nextDouble());
            }
            NdView x = NdView.of(xs, DType.F64, R, C);
            // the output: the transpose of a CxR block at element 3
            NdView out = new NdView(os, DType.F64, new long[] {R, C}, new long[] {1, R}, 3);
            runtime.into(k, out, x, y);
            for (int i = 0; i < R; i++) {
                for (int j = 0; j < C; j++) {
                    assertEquals(get(x, i, j) * y[j] + 1, get(out, i, j));
                }
            }
        }
        // memory confined to this thread runs on it
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = arena.allocate(8L * 64 * 64, 8);
            for (int i = 0; i < 64 * 64; i++) {
                xs.setAtIndex(ValueLayout.JAVA_DOUBLE, i, i);
            }
            NdView x = NdView.of(xs, DType.F64, 64, 64);
            runtime.into(k, x.transpose(), x.transpose(), 2.0);
            assertEquals(63 * 64 * 2 + 1, xs.getAtIndex(ValueLayout.JAVA_DOUBLE, 63 * 64));
        }
    }

    /** Exactly in place is fine; any other overlap gives the result of the original inputs. */
    @Test
    void inPlaceAndOverlappingOutputs() {
        Kernel k = Kernel.parse("x + 10*y", List.of("x", "y"), List.of(DType.I64, DType.I64));
        int R = 9;
        int C = 13;
        long[] a = new long[R * C];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        long[] orig = a.clone();
        NdView m = NdView.of(a, R, C);
        runtime.into(k, m, m, NdView.of(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}, C));
        for (int i = 0; i < R; i++) {
            for (int j = 0; j < C; j++) {
                assertEquals(orig[i * C + j] + 10 * (j + 1), a[i * C + j]);
            }
        }
        // out = transpose of a square block of itself: every element depends on one that is also written
        long[] sq = new long[R * R];
        for (int i = 0; i < sq.length; i++) {
            sq[i] = i;
        }
        long[] sqOrig = sq.clone();
        NdView s = NdView.of(sq, R, R);
        runtime.into(k, s, s.transpose(), s);
        for (int i = 0; i < R; i++) {
            for (int j = 0; j < R; j++) {
                assertEquals(sqOrig[j * R + i] + 10 * sqOrig[i * R + j], sq[i * R + j], i + "," + j);
            }
        }
        // out = rows 1.. of a matrix, input its rows 0..R-2 (shifted by one row), and row 0 broadcast
        long[] b = orig.clone();
        NdView lower = NdView.strided(b, C, new long[] {R - 1, C}, new long[] {C, 1});
        NdView upper = NdView.strided(b, 0, new long[] {R - 1, C}, new long[] {C, 1});
        NdView row0 = NdView.strided(b, 0, new long[] {1, C}, new long[] {C, 1});
        runtime.into(k, lower, upper, row0);
        for (int i = 1; i < R; i++) {
            for (int j = 0; j < C; j++) {
                assertEquals(orig[(i - 1) * C + j] + 10 * orig[j], b[i * C + j], i + "," + j);
            }
        }
    }

    @Test
    void badShapesStridesAndTypesAreRejectedBeforeAnyWrite() {
        Kernel k = Kernel.parse("x + y", DType.F32);
        float[] out = new float[12];
        Arrays.fill(out, 7);
        NdView o = NdView.of(out, 3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runtime.into(k, o, NdView.of(new float[12], 3, 4), NdView.of(new float[3], 3)));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[3]"), e.getMessage());
        // inputs that broadcast, but not to the output's shape
        e = assertThrows(IllegalArgumentException.class,
                () -> runtime.into(k, o, NdView.of(new float[15], 3, 5), 1f));
        assertTrue(e.getMessage().contains("[3, 5]") && e.getMessage().contains("[3, 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> runtime.into(k, NdView.of(new float[4], 4), NdView.of(new float[12], 3, 4), 1f));
        // a broadcast output, and one that reaches an element twice
        assertThrows(IllegalArgumentException.class, () -> runtime.into(k, NdView.of(out, 1, 12).broadcastTo(3, 12),
                NdView.of(new float[36], 3, 12), 1f));
        assertThrows(IllegalArgumentException.class, () -> runtime.into(k,
                NdView.strided(out, 0, new long[] {3, 4}, new long[] {1, 1}), NdView.of(new float[12], 3, 4), 1f));
        // wrong element type, wrong arity, nulls, bad storage
        e = assertThrows(IllegalArgumentException.class, () -> runtime.into(k, o, NdView.of(new double[12], 3, 4), 1f));
        assertTrue(e.getMessage().contains("F32") && e.getMessage().contains("F64"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> runtime.into(k, NdView.of(new int[12], 3, 4), o, 1f));
        assertThrows(IllegalArgumentException.class, () -> runtime.into(k, o, o));
        assertThrows(NullPointerException.class, () -> runtime.into(k, o, o, null));
        assertThrows(IllegalArgumentException.class, () -> runtime.into(k, o, o, "x"));
        // a scalar that is not exactly a float
        assertThrows(IllegalArgumentException.class, () -> runtime.into(k, o, o, 0.1));
        // integer division by zero in one line leaves the output as it was
        Kernel div = Kernel.parse("x / y", DType.I32);
        int[] io = new int[12];
        Arrays.fill(io, 5);
        int[] y = {1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 12};
        assertThrows(ArithmeticException.class, () -> runtime.into(div, NdView.of(io, 3, 4), NdView.of(new int[12], 3, 4),
                NdView.of(y, 3, 4)));
        assertThrows(ArithmeticException.class, () -> runtime.into(div, NdView.of(io, 4, 3).transpose(),
                NdView.of(new int[12], 3, 4), NdView.of(y, 3, 4)));
        for (int v : io) {
            assertEquals(5, v);
        }
        for (float v : out) {
            assertEquals(7, v);
        }
        // a read-only segment output
        MemorySegment ro = MemorySegment.ofArray(new float[12]).asReadOnly();
        assertThrows(IllegalArgumentException.class, () -> runtime.into(k, NdView.of(ro, DType.F32, 3, 4),
                NdView.of(new float[12], 3, 4), 1f));
        // Slice inputs count as 1-D views
        float[] r = new float[8];
        runtime.into(k, NdView.of(r, 2, 4), Slice.of(new float[] {9, 1, 2, 3, 4, 9}, 1, 4), NdView.of(new float[] {10, 20}, 2, 1));
        assertArrayEquals(new float[] {11, 12, 13, 14, 21, 22, 23, 24}, r);
    }

    // ---- reductions along an axis ------------------------------------------------------------

    static List<Reduction> reductions(DType t) {
        List<Reduction> rs = new ArrayList<>(List.of(Reduction.sum(), Reduction.prod(), Reduction.min(), Reduction.max(),
                Reduction.argmin(), Reduction.argmax(), Reduction.mean(), Reduction.variance(1), Reduction.std(),
                Reduction.norm1(), Reduction.norm2(), Reduction.normInf()));
        if (t.isFloating()) {
            rs.add(Reduction.sum(Reduction.Summation.COMPENSATED));
            rs.add(Reduction.custom(Double.NEGATIVE_INFINITY, (acc, v) -> acc.max(v)));
        } else {
            rs.add(Reduction.custom(0L, (acc, v) -> acc.add(v)));
        }
        return rs;
    }

    /** The elements of line {@code line} along {@code axis} of a host view, copied by a plain loop into a new array. */
    static Object lineOf(NdView v, int axis, long[] outerIndex) {
        int n = (int) v.dim(axis);
        Object a = java.lang.reflect.Array.newInstance(v.type().javaType(), n);
        long[] idx = new long[v.rank()];
        for (int k = 0, o = 0; k < v.rank(); k++) {
            if (k != axis) {
                idx[k] = outerIndex[o++];
            }
        }
        for (int j = 0; j < n; j++) {
            idx[axis] = j;
            double x = get(v, idx);
            switch (v.type()) {
                case F32 -> ((float[]) a)[j] = (float) x;
                case F64 -> ((double[]) a)[j] = x;
                case I32 -> ((int[]) a)[j] = (int) x;
                default -> ((long[]) a)[j] = (long) x;
            }
        }
        return a;
    }

    static long[] without(long[] shape, int axis) {
        long[] out = new long[shape.length - 1];
        for (int k = 0, o = 0; k < shape.length; k++) {
            if (k != axis) {
                out[o++] = shape[k];
            }
        }
        return out;
    }

    /** Checks {@code got} (the result of reducing {@code in} along {@code axis}) line by line against 1-D reductions. */
    void checkAgainstLines(Kernel k, NdView in, int axis, NdView got, String what) {
        long[] rest = without(in.shape(), axis);
        assertArrayEquals(rest, got.shape(), what);
        forEach(rest, o -> {
            Object line = lineOf(in, axis, o);
            Object want = runtime.reduce(k, line);
            double w = want instanceof Boolean b ? (b ? 1 : 0) : ((Number) want).doubleValue();
            double g = get(got, o);
            if (Double.isNaN(w)) {
                assertTrue(Double.isNaN(g), what + " at " + Arrays.toString(o));
            } else {
                assertEquals(Double.doubleToRawLongBits(w), Double.doubleToRawLongBits(g),
                        what + " at " + Arrays.toString(o) + ": " + w + " vs " + g);
            }
        });
    }

    /** Every reduction, fused with a map, along both axes of matrices and their transposes, in every type. */
    @Test
    void everyReductionAlongEveryAxisIsTheOneDimensionalReductionOfEachLine() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (DType t : new DType[] {DType.F32, DType.F64, DType.I32, DType.I64}) {
            Kernel map = Kernel.parse("x * 3 - 1", t);
            Kernel mask = Kernel.parse("x > 0", t);
            for (long[] shape : reductionShapes()) {
                NdView m = filled(t, shape, rnd);
                NdView mt = filled(t, new long[] {shape[1], shape[0]}, rnd).transpose();
                for (NdView in : new NdView[] {m, mt}) {
                    for (int axis = 0; axis < 2; axis++) {
                        for (Reduction r : reductions(t)) {
                            Kernel k = map.reduce(r);
                            String what = r + " of " + t + " " + in + " along " + axis;
                            checkAgainstLines(k, in, axis, runtime.reduceAxis(k, axis, in), what);
                        }
                        for (Reduction r : List.of(Reduction.count(), Reduction.any(), Reduction.all())) {
                            Kernel k = mask.reduce(r);
                            NdView got = runtime.reduceAxis(k, axis, in);
                            assertEquals(k.resultType() == DType.BOOL ? DType.I32 : DType.I64, got.type(), r.toString());
                            checkAgainstLines(k, in, axis, got, r + " of " + t + " along " + axis);
                        }
                    }
                }
            }
        }
    }

    /** Independent expectations: exact sums of integers held in doubles, and the first index of the maximum. */
    @Test
    void rowAndColumnSumsAndArgmaxAgainstJavaLoops() {
        SplittableRandom rnd = new SplittableRandom(6);
        Kernel sum = Kernel.parse("x", DType.F64).reduce(Reduction.sum());
        Kernel argmax = Kernel.parse("x", DType.F64).reduce(Reduction.argmax());
        for (long[] shape : reductionShapes()) {
            int R = (int) shape[0];
            int C = (int) shape[1];
            double[] a = new double[R * C];
            for (int i = 0; i < a.length; i++) {
                a[i] = rnd.nextInt(-5, 6);
            }
            NdView m = NdView.of(a, R, C);
            double[] rows = new double[R];
            runtime.reduceAxisInto(sum, 1, rows, m);
            double[] cols = (double[]) runtime.reduceAxis(sum, 0, m).storage();
            long[] arg = (long[]) runtime.reduceAxis(argmax, 0, m).storage();
            assertEquals(backend().name().toLowerCase(java.util.Locale.ROOT), Flynn.lastBackend().orElseThrow());
            for (int i = 0; i < R; i++) {
                double s = 0;
                for (int j = 0; j < C; j++) {
                    s += a[i * C + j];
                }
                assertEquals(s, rows[i], "row " + i);
            }
            for (int j = 0; j < C; j++) {
                double s = 0;
                int best = 0;
                for (int i = 0; i < R; i++) {
                    s += a[i * C + j];
                    if (a[i * C + j] > a[best * C + j]) {
                        best = i;
                    }
                }
                assertEquals(s, cols[j], "column " + j);
                assertEquals(best, arg[j], "argmax of column " + j);
            }
        }
    }

    /** Strided, 3-D, segment and broadcast inputs; strided and 1-D outputs. */
    @Test
    void reductionsOfStridedBroadcastAndSegmentViews() {
        SplittableRandom rnd = new SplittableRandom(7);
        Kernel sum = Kernel.parse("x * x", DType.F32).reduce(Reduction.sum());
        // every third column from 2 of a wider matrix, with a gap after each row
        float[] wide = randomFloats(rnd, 5 * 100 + 7);
        NdView odd = NdView.strided(wide, 2, new long[] {5, 30}, new long[] {101, 3});
        for (int axis = 0; axis < 2; axis++) {
            checkAgainstLines(sum, odd, axis, runtime.reduceAxis(sum, axis, odd), "strided along " + axis);
        }
        // rank 3 along each axis
        NdView cube = NdView.of(randomFloats(rnd, 3 * 4 * 5), 3, 4, 5);
        for (int axis = 0; axis < 3; axis++) {
            checkAgainstLines(sum, cube, axis, runtime.reduceAxis(sum, axis, cube), "3-D along " + axis);
            checkAgainstLines(sum, cube.permute(2, 0, 1), axis, runtime.reduceAxis(sum, axis, cube.permute(2, 0, 1)),
                    "permuted 3-D along " + axis);
        }
        // a dot of every row with one query vector (broadcast), into every other element of an output
        Kernel dot = Kernel.dot(DType.F32);
        float[] q = randomFloats(rnd, 30);
        float[] res = new float[10];
        NdView every2 = NdView.strided(res, 1, new long[] {5}, new long[] {2});
        runtime.reduceAxisInto(dot, 1, every2, odd, q);
        for (int i = 0; i < 5; i++) {
            float[] row = (float[]) lineOf(odd, 1, new long[] {i});
            assertEquals(runtime.reduceDouble(dot, row, q), res[1 + 2 * i], "row " + i);
            assertEquals(0, res[2 * i]);
        }
        // a column vector broadcast along the reduced axis: each line is one value repeated
        NdView col = NdView.of(new float[] {1, 2, 3}, 3, 1);
        NdView sums = runtime.reduceAxis(Kernel.parse("x + y", DType.F32).reduce(Reduction.sum()), 1, col,
                NdView.of(new float[] {10, 20, 30, 40}, 1, 4));
        assertArrayEquals(new float[] {104, 108, 112}, (float[]) sums.storage());
        NdView only = runtime.reduceAxis(Kernel.parse("x", DType.F32).reduce(Reduction.sum()), 1, col.broadcastTo(3, 4));
        assertArrayEquals(new float[] {4, 8, 12}, (float[]) only.storage());
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(4L * 40 * 9, 4);
            for (int i = 0; i < 40 * 9; i++) {
                seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextDouble());
            }
            NdView sv = NdView.of(seg, DType.F32, 40, 9);
            MemorySegment out = arena.allocate(4L * 9, 4);
            runtime.reduceAxisInto(sum, 0, out, sv);
            checkAgainstLines(sum, sv, 0, NdView.of(out, DType.F32, 9), "segment columns");
            checkAgainstLines(sum, sv, 1, runtime.reduceAxis(sum, 1, sv), "segment rows");
        }
        // over all axes: one 1-D reduction of the elements in row-major order
        float[] flat = new float[odd.dim(0) > 0 ? 150 : 0];
        runtime.into(Kernel.parse("x", DType.F32), NdView.of(flat, 5, 30), odd);
        assertEquals(Double.doubleToRawLongBits(runtime.reduceDouble(sum, flat)),
                Double.doubleToRawLongBits(runtime.reduceDouble(sum, odd)));
        assertEquals(runtime.reduce(sum, NdView.of(flat, 5, 30)), runtime.reduce(sum, flat));
    }

    /** Lines reduced on 1 and 4 threads, short and long, in parallel and one by one: the same bits. */
    @Test
    void resultsDoNotDependOnTheThreadCount() {
        SplittableRandom rnd = new SplittableRandom(8);
        Kernel sum = Kernel.parse("x", DType.F32).reduce(Reduction.sum());
        Kernel var = Kernel.parse("x", DType.F32).reduce(Reduction.variance());
        long[][] shapes = {reductionShapes()[reductionShapes().length - 1], {2, longLine()}, {3, 3}};
        try (Flynn one = Flynn.builder().backend(backend()).threads(1).build()) {
            for (long[] shape : shapes) {
                NdView m = NdView.of(randomFloats(rnd, (int) (shape[0] * shape[1])), shape);
                for (Kernel k : List.of(sum, var)) {
                    // the long rows only along them: their columns would be 40,000 calls of 2
                    for (int axis = shape[1] == longLine() ? 1 : 0; axis < 2; axis++) {
                        Object a = runtime.reduceAxis(k, axis, m).storage();
                        Object b = one.reduceAxis(k, axis, m).storage();
                        assertTrue(java.util.Objects.deepEquals(a, b), k + " " + Arrays.toString(shape) + " along " + axis);
                    }
                }
            }
        }
    }

    @Test
    void emptyLinesAndBadReductionsWriteNothing() {
        Kernel sum = Kernel.parse("x", DType.F64).reduce(Reduction.sum());
        Kernel min = Kernel.parse("x", DType.F64).reduce(Reduction.min());
        // lines of no elements: the reduction of nothing; no lines: an empty result
        assertArrayEquals(new double[] {0, 0, 0}, (double[]) runtime.reduceAxis(sum, 1, NdView.of(new double[0], 3, 0)).storage());
        assertArrayEquals(new long[] {0}, runtime.reduceAxis(sum, 1, NdView.of(new double[0], 0, 3)).shape());
        double[] out = {7, 7, 7};
        assertThrows(IllegalArgumentException.class, () -> runtime.reduceAxisInto(min, 1, out, NdView.of(new double[0], 3, 0)));
        NdView m = NdView.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertThrows(IllegalArgumentException.class, () -> runtime.reduceAxis(sum, 2, m));
        assertThrows(IllegalArgumentException.class, () -> runtime.reduceAxis(sum, -1, m));
        assertThrows(IllegalArgumentException.class, () -> runtime.reduceAxis(sum, 0, NdView.of(new double[1])));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> runtime.reduceAxisInto(sum, 1, out, m));
        assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("[3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> runtime.reduceAxisInto(sum, 0, new float[3], m));
        assertThrows(IllegalArgumentException.class, () -> runtime.reduceAxis(Kernel.parse("x", DType.F64), 0, m));
        assertThrows(IllegalArgumentException.class, () -> runtime.reduceAxis(sum, 0, NdView.of(new float[6], 2, 3)));
        assertThrows(IllegalArgumentException.class, () -> runtime.reduceAxis(Kernel.dot(DType.F64), 0, m,
                NdView.of(new double[4], 2, 2)));
        assertThrows(IllegalArgumentException.class, () -> runtime.reduceAxis(sum, 0, 1.0));
        // the output sharing memory with the input
        double[] shared = {1, 2, 3, 4, 5, 6, 0, 0, 0};
        assertThrows(IllegalArgumentException.class, () -> runtime.reduceAxisInto(sum, 0,
                Slice.of(shared, 4, 3), NdView.strided(shared, 0, new long[] {2, 3}, new long[] {3, 1})));
        // a broadcast output
        assertThrows(IllegalArgumentException.class, () -> runtime.reduceAxisInto(sum, 1,
                NdView.of(out, 3).broadcastTo(2, 3).permute(1, 0).broadcastTo(2, 3).permute(0, 1), NdView.of(new double[6], 2, 3)));
        // integer division by zero in one line
        Kernel div = Kernel.parse("100 / x", DType.I32).reduce(Reduction.sum());
        int[] io = {7, 7};
        assertThrows(ArithmeticException.class, () -> runtime.reduceAxisInto(div, 1, io, NdView.of(new int[] {1, 2, 3, 4, 0, 6}, 2, 3)));
        assertArrayEquals(new int[] {7, 7}, io);
        for (double v : out) {
            assertEquals(7, v);
        }
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 0, 0, 0}, shared);
    }
}
