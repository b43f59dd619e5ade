package dev.flynn.conformance;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Metric;
import dev.flynn.NdView;
import dev.flynn.Reduction;
import dev.flynn.Scoring;

import dev.flynn.spi.CpuBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many lines in one call on a CPU backend ({@code dev.flynn.RowReducer}): axis reductions of in-place lines and
 * batched scores take the one-call path (its counter moves) and give, line by line, the bits of the
 * backend's 1-D call of a plain-loop copy of that line, for every reduction kind and type, lines
 * shorter and longer than one reduction block, row-major, offset, gapped, transposed and off-heap
 * views, on 1 to 4 threads. Where lines are gathered, or fewer than the threads, the per-line path runs
 * (the counter stays) and gives the same bits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RowBatchSuite {
    private final List<Flynn> runtimes = new ArrayList<>();

    /** The number of one-call reducers the runtime has made: its package-private counter, read reflectively. */
    private static long made() {
        try {
            var f = Class.forName("dev.flynn.RowReducer").getDeclaredField("MADE");
            f.setAccessible(true);
            return ((java.util.concurrent.atomic.AtomicLong) f.get(null)).get();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("the one-call path's counter is gone", e);
        }
    }

    /**
     * The CPU backend under test.
     *
     * @return the backend
     */
    protected abstract Backend backend();

    @BeforeAll
    final void start() {
        for (int t = 1; t <= 4; t++) {
            runtimes.add(Flynn.builder().backend(backend()).threads(t).build());
        }
    }

    @AfterAll
    final void stop() {
        runtimes.forEach(Flynn::close);
    }

    private static List<Reduction> reductions(DType t) {
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

    /** Storage of {@code n} random elements of {@code t}: small integers in floats too, so products stay finite. */
    private static Object random(DType t, int n, SplittableRandom r) {
        Object a = java.lang.reflect.Array.newInstance(t.javaType(), n);
        for (int i = 0; i < n; i++) {
            double v = t.isFloating() ? r.nextDouble() * 2 - 1 : r.nextInt(-9, 10);
            switch (t) {
                case F32 -> ((float[]) a)[i] = (float) v;
                case F64 -> ((double[]) a)[i] = v;
                case I32 -> ((int[]) a)[i] = (int) v;
                default -> ((long[]) a)[i] = (long) v;
            }
        }
        return a;
    }

    private static double get(NdView v, long... idx) {
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

    /** Row {@code r} of a matrix view (last axis), copied by a plain loop into a new array. */
    private static Object row(NdView m, long r) {
        int n = (int) m.dim(1);
        Object a = java.lang.reflect.Array.newInstance(m.type().javaType(), n);
        for (int j = 0; j < n; j++) {
            double x = get(m, r, j);
            switch (m.type()) {
                case F32 -> ((float[]) a)[j] = (float) x;
                case F64 -> ((double[]) a)[j] = x;
                case I32 -> ((int[]) a)[j] = (int) x;
                default -> ((long[]) a)[j] = (long) x;
            }
        }
        return a;
    }

    /** The 1-D call of {@code k} on each row alone (on one thread), as raw bits. */
    private static long[] perRow(Flynn one, Kernel k, NdView m) {
        long[] want = new long[(int) m.dim(0)];
        for (int r = 0; r < want.length; r++) {
            want[r] = bits(one.reduce(k, row(m, r)));
        }
        return want;
    }

    private static long bits(Object v) {
        return switch (v) {
            case Boolean b -> b ? 1 : 0;
            case Float f -> Float.floatToRawIntBits(f);
            case Double d -> Double.doubleToRawLongBits(d);
            default -> ((Number) v).longValue();
        };
    }

    private static long bitsAt(NdView v, long i) {
        double x = get(v, i);
        return switch (v.type()) {
            case F32 -> Float.floatToRawIntBits((float) x);
            case F64 -> Double.doubleToRawLongBits(x);
            default -> (long) x;
        };
    }

    /** Matrices of {@code rows x cols} in the layouts a user reaches whose rows lie in place. */
    private static List<NdView> layouts(DType t, int rows, int cols, SplittableRandom rnd, Arena arena) {
        List<NdView> out = new ArrayList<>();
        out.add(NdView.strided(random(t, rows * cols, rnd), 0, new long[] {rows, cols}, new long[] {cols, 1}));
        // rows with a gap of 3 between them, starting at 5
        out.add(NdView.strided(random(t, 5 + rows * (cols + 3), rnd), 5, new long[] {rows, cols}, new long[] {cols + 3, 1}));
        // the transpose of a column-major view: its rows are the storage's contiguous runs
        NdView colMajor = NdView.strided(random(t, rows * cols, rnd), 0, new long[] {cols, rows}, new long[] {1, cols});
        out.add(colMajor.transpose());
        // every other row of a larger matrix, off-heap
        MemorySegment seg = arena.allocate((long) t.byteSize() * (2L * rows * cols + 1), t.byteSize());
        Object fill = random(t, (int) (seg.byteSize() / t.byteSize()), rnd);
        MemorySegment.copy(fill, 0, seg, t.layout(), 0, java.lang.reflect.Array.getLength(fill));
        out.add(new NdView(seg, t, new long[] {rows, cols}, new long[] {2L * cols, 1}, 1));
        return out;
    }

    @Test
    void everyReductionOfInPlaceRowsIsTheOneDimensionalCallOfEachRowOnEveryThreadCount() {
        SplittableRandom rnd = new SplittableRandom(21);
        Flynn one = runtimes.getFirst();
        // at least 4 rows, so that every thread count takes the one-call path; rows of one, two and three blocks
        int[][] shapes = {{9, 1}, {12, 7}, {10, 257}, {4, CpuBackend.BLOCK}, {4, CpuBackend.BLOCK + 3}, {4, 2 * CpuBackend.BLOCK + 17}};
        try (Arena arena = Arena.ofShared()) {
            for (DType t : new DType[] {DType.F32, DType.F64, DType.I32, DType.I64}) {
                Kernel map = Kernel.parse("x * 3 - 1", t);
                Kernel mask = Kernel.parse("x > 0", t);
                for (int[] shape : shapes) {
                    // rows of a block or more: a sum, an argmin, moments and a custom state (the tree merges
                    // each), and a count, over the gapped and the off-heap layouts
                    boolean longRows = shape[1] >= CpuBackend.BLOCK;
                    List<NdView> views = layouts(t, shape[0], shape[1], rnd, arena);
                    for (NdView m : longRows ? List.of(views.get(1), views.get(3)) : views) {
                        List<Kernel> kernels = new ArrayList<>();
                        List<Reduction> rs = reductions(t);
                        (longRows ? List.of(rs.get(0), rs.get(4), rs.get(7), rs.getLast()) : rs).forEach(r -> kernels.add(map.reduce(r)));
                        for (Reduction r : longRows ? List.of(Reduction.count()) : List.of(Reduction.count(), Reduction.any(), Reduction.all())) {
                            kernels.add(mask.reduce(r));
                        }
                        for (Kernel k : kernels) {
                            long[] want = perRow(one, k, m);
                            for (Flynn f : runtimes) {
                                long made = made();
                                NdView got = f.reduceAxis(k, 1, m);
                                String what = k + " " + t + " " + m + " on " + f.threads() + " threads";
                                assertTrue(made() > made, "the one-call path ran: " + what);
                                for (int r = 0; r < want.length; r++) {
                                    assertEquals(want[r], bitsAt(got, r), what + ", row " + r);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** A dot of each row with a fixed vector, and a number input: fixed operands stay put while rows move. */
    @Test
    void fixedOperandsAndScalarsAreBoundOnceForEveryRow() {
        SplittableRandom rnd = new SplittableRandom(22);
        Kernel dot = Kernel.dot(DType.F32);
        Kernel shifted = Kernel.parse("(x - s) * (x - s)", List.of("x", "s"), List.of(DType.F32, DType.F32)).reduce(Reduction.sum());
        for (int cols : new int[] {1, 33, CpuBackend.BLOCK * 2 + 1}) {
            NdView m = NdView.of((float[]) random(DType.F32, 6 * cols, rnd), 6, cols);
            float[] q = (float[]) random(DType.F32, cols, rnd);
            for (Flynn f : runtimes) {
                long made = made();
                NdView d = f.reduceAxis(dot, 1, m, NdView.of(q, 1, cols));
                NdView s = f.reduceAxis(shifted, 1, m, 0.25f);
                assertEquals(made + 2, made());
                for (int r = 0; r < 6; r++) {
                    float[] row = (float[]) row(m, r);
                    assertEquals(Float.floatToRawIntBits((float) runtimes.getFirst().reduceDouble(dot, row, q)),
                            Float.floatToRawIntBits((float) get(d, r)), "dot row " + r);
                    assertEquals(Float.floatToRawIntBits((float) runtimes.getFirst().reduceDouble(shifted, row, 0.25f)),
                            Float.floatToRawIntBits((float) get(s, r)), "shifted row " + r);
                }
            }
        }
    }

    /** A row sum that overflows F32 is rerun with scaling by the 1-D call, as that call would. */
    @Test
    void aRowThatLeavesTheExponentRangeIsRescuedAsItsOneDimensionalCallIs() {
        float[] a = {3e38f, 3e38f, -3e38f, 1, 2, 3};
        Kernel sum = Kernel.parse("x", DType.F32).reduce(Reduction.sum());
        for (Flynn f : runtimes) {
            NdView got = f.reduceAxis(sum, 1, NdView.of(a, 2, 3));
            assertEquals(3e38f, (float) get(got, 0));
            assertEquals(6f, (float) get(got, 1));
        }
    }

    /** An integer division by zero in one row throws as its 1-D call does, and the caller's output keeps its values. */
    @Test
    void aRowThatThrowsLeavesTheOutputUntouched() {
        Kernel div = Kernel.parse("100 / x", DType.I32).reduce(Reduction.sum());
        int[] a = new int[8 * 3];
        java.util.Arrays.fill(a, 1);
        a[5 * 3 + 1] = 0;
        for (Flynn f : runtimes) {
            int[] out = {7, 7, 7, 7, 7, 7, 7, 7};
            long made = made();
            org.junit.jupiter.api.Assertions.assertThrows(ArithmeticException.class,
                    () -> f.reduceAxisInto(div, 1, out, NdView.of(a, 8, 3)));
            assertTrue(made() > made, "the one-call path ran on " + f.threads() + " threads");
            org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {7, 7, 7, 7, 7, 7, 7, 7}, out);
        }
    }

    @Test
    void scoresOfEveryMetricAndBatchAreThePerRowCalls() {
        SplittableRandom rnd = new SplittableRandom(23);
        Flynn one = runtimes.getFirst();
        Kernel dot = Kernel.dot(DType.F64);
        Kernel l2 = Kernel.map(DType.F64, DType.F64, (x, q) -> x.sub(q).mul(x.sub(q))).reduce(Reduction.sum());
        for (int cols : new int[] {1, 768, CpuBackend.BLOCK + 5}) {
            int rows = 9;
            NdView m = NdView.strided(random(DType.F64, 2 + rows * (cols + 1), rnd), 2, new long[] {rows, cols}, new long[] {cols + 1, 1});
            double[] q = (double[]) random(DType.F64, cols, rnd);
            double[] q2 = (double[]) random(DType.F64, cols, rnd);
            for (Flynn f : runtimes) {
                for (Metric metric : Metric.values()) {
                    long made = made();
                    double[] got = (double[]) Scoring.scores(f, metric, m, q);
                    assertTrue(made() > made, metric + " took the one-call path");
                    double[] batch = new double[2 * rows];
                    Scoring.batchScoresInto(f, metric, m, NdView.of(concat(q, q2), 2, cols), NdView.of(batch, 2, rows));
                    for (int r = 0; r < rows; r++) {
                        double[] x = (double[]) row(m, r);
                        for (int j = 0; j < 2; j++) {
                            double[] qj = j == 0 ? q : q2;
                            double want = switch (metric) {
                                case DOT -> one.reduceDouble(dot, x, qj);
                                case SQUARED_L2 -> one.reduceDouble(l2, x, qj);
                                case COSINE -> one.reduceDouble(dot, x, qj)
                                        / (Math.sqrt(one.reduceDouble(dot, x, x)) * Math.sqrt(one.reduceDouble(dot, qj, qj)));
                            };
                            String what = metric + " d=" + cols + " row " + r + " query " + j + " on " + f.threads();
                            if (j == 0) {
                                assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got[r]), what);
                            }
                            assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(batch[j * rows + r]), what);
                        }
                    }
                }
            }
        }
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Gathered lines (columns of a row-major matrix) and fewer lines than threads take one 1-D call per line, with the same bits. */
    @Test
    void gatheredLinesAndFewLinesTakeThePerLinePath() {
        SplittableRandom rnd = new SplittableRandom(24);
        Kernel sum = Kernel.parse("x", DType.F32).reduce(Reduction.sum());
        NdView m = NdView.of((float[]) random(DType.F32, 3 * 40, rnd), 3, 40);
        Flynn four = runtimes.getLast();
        long made = made();
        NdView gathered = four.reduceAxis(sum, 1, m.transpose());
        NdView few = four.reduceAxis(sum, 1, m);
        assertEquals(made, made());
        long[] wantGathered = perRow(runtimes.getFirst(), sum, m.transpose());
        for (int r = 0; r < 40; r++) {
            assertEquals(wantGathered[r], bitsAt(gathered, r), "column " + r);
        }
        long[] wantFew = perRow(runtimes.getFirst(), sum, m);
        for (int r = 0; r < 3; r++) {
            assertEquals(wantFew[r], bitsAt(few, r), "row " + r);
        }
    }
}
