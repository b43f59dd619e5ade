package dev.flynn.conformance;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.NdView;
import dev.flynn.Reduction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reductions along axis 0 (columns of row-major matrices), which CPU backends compute many columns at
 * a time, row by row: every column's result must be bitwise the backend's 1-D reduction of that
 * column's values (copied out by a plain loop), for every reduction kind and type, column counts that
 * leave vector tails and span several chunks, row counts below and above one block, on 1 to 4 threads,
 * over offset, strided, 3-D and broadcast views, and with NaN, infinities, signed zeros and values whose
 * sums leave the exponent range. {@link Flynn#lastAxisPath()} tells that the row-by-row path ran where
 * it should, and that the others (transposed views, compensated and custom reductions) went line by line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ColumnReductionSuite {
    private final Flynn[] runtimes = new Flynn[4];

    /** The backend under test. */
    protected abstract Backend backend();

    /** Whether the backend describes its block order, so that columns run row by row (not in a fast-math mode). */
    protected boolean rowByRow() {
        return true;
    }

    @BeforeAll
    final void start() {
        for (int t = 0; t < runtimes.length; t++) {
            runtimes[t] = Flynn.builder().backend(backend()).threads(t + 1).build();
        }
    }

    @AfterAll
    final void stop() {
        for (Flynn f : runtimes) {
            f.close();
        }
    }

    /** Values whose sums depend on the order of the additions: mixed signs and magnitudes, some specials. */
    static NdView matrix(DType t, long rows, long cols, SplittableRandom r, boolean specials) {
        int n = (int) (rows * cols);
        Object a = java.lang.reflect.Array.newInstance(t.javaType(), n);
        for (int i = 0; i < n; i++) {
            double v = (r.nextDouble() - 0.5) * Math.scalb(1.0, r.nextInt(-12, 12));
            if (specials && r.nextInt(200) == 0) {
                v = new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0}[r.nextInt(5)];
            }
            switch (t) {
                case F32 -> ((float[]) a)[i] = (float) v;
                case F64 -> ((double[]) a)[i] = v;
                case I32 -> ((int[]) a)[i] = r.nextInt();
                default -> ((long[]) a)[i] = r.nextLong();
            }
        }
        return NdView.strided(a, 0, new long[] {rows, cols}, new long[] {cols, 1});
    }

    /** Column {@code c} of a 2-D view, copied by a plain loop. */
    static Object column(NdView v, long c) {
        int n = (int) v.dim(0);
        Object a = java.lang.reflect.Array.newInstance(v.type().javaType(), n);
        for (int r = 0; r < n; r++) {
            int at = (int) v.indexOf(r, c);
            System.arraycopy(v.storage(), at, a, r, 1);
        }
        return a;
    }

    /** The result at {@code c} of a stored result array as the bits of a double (NaN as one NaN). */
    static long bits(Object results, int c) {
        return switch (results) {
            case float[] f -> Double.doubleToLongBits(f[c]);
            case double[] x -> Double.doubleToLongBits(x[c]);
            case int[] x -> x[c];
            case long[] x -> x[c];
            default -> throw new IllegalArgumentException();
        };
    }

    static long bits(Object boxed) {
        return switch (boxed) {
            case Float f -> Double.doubleToLongBits(f);
            case Double d -> Double.doubleToLongBits(d);
            case Integer i -> i;
            case Long l -> l;
            case Boolean b -> b ? 1 : 0;
            default -> throw new IllegalArgumentException();
        };
    }

    /**
     * Reduces {@code inputs} along axis 0 on 1 to 4 threads and checks every column against the 1-D
     * reduction of its values, and which path ran.
     */
    void check(Kernel k, boolean rowByRow, NdView... inputs) {
        long cols = inputs[0].dim(1);
        long[] want = new long[(int) cols];
        for (int c = 0; c < cols; c++) {
            Object[] line = new Object[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                line[i] = column(inputs[i], c);
            }
            want[c] = bits(runtimes[0].reduce(k, line));
        }
        for (Flynn rt : runtimes) {
            Object got = rt.reduceAxis(k, 0, (Object[]) inputs).storage();
            String what = k + " over " + inputs[0] + " on " + rt.threads() + " threads";
            assertEquals(rowByRow && rowByRow() ? "columns" : "lines", Flynn.lastAxisPath().orElseThrow(), what);
            for (int c = 0; c < cols; c++) {
                assertEquals(want[c], bits(got, c), what + ", column " + c);
            }
        }
    }

    static List<Reduction> reductions(DType t) {
        List<Reduction> rs = new ArrayList<>(List.of(Reduction.sum(), Reduction.prod(), Reduction.min(), Reduction.max(),
                Reduction.argmin(), Reduction.argmax(), Reduction.mean(), Reduction.variance(), Reduction.variance(1),
                Reduction.std(), Reduction.norm1(), Reduction.norm2(), Reduction.normInf()));
        return rs;
    }

    /** Every kind, in every type, directly over the values and fused with a map, on shapes around the block and vector edges. */
    @Test
    void everyKindIsBitwiseEachColumnsOneDimensionalReduction() {
        SplittableRandom rnd = new SplittableRandom(11);
        // rows below and above the 16 to 32 partials of a block; columns that leave vector tails
        long[][] shapes = {{2, 3}, {3, 65}, {31, 7}, {33, 129}, {100, 37}};
        for (DType t : new DType[] {DType.F32, DType.F64, DType.I32, DType.I64}) {
            for (long[] s : shapes) {
                NdView m = matrix(t, s[0], s[1], rnd, true);
                NdView y = matrix(t, s[0], s[1], rnd, false);
                for (Reduction r : reductions(t)) {
                    check(Kernel.parse("x", t).reduce(r), true, m);
                    check(Kernel.parse("x * y - x", t).reduce(r), true, m, y);
                }
                for (Reduction r : List.of(Reduction.count(), Reduction.any(), Reduction.all())) {
                    check(Kernel.parse("x > y", t).reduce(r), true, m, y);
                }
                check(Kernel.dot(t), true, m, y);
            }
        }
    }

    /** Compensated and custom reductions keep the line-by-line path, with the same results. */
    @Test
    void compensatedAndCustomReductionsGoLineByLine() {
        SplittableRandom rnd = new SplittableRandom(12);
        NdView m = matrix(DType.F64, 40, 9, rnd, true);
        check(Kernel.parse("x", DType.F64).reduce(Reduction.sum(Reduction.Summation.COMPENSATED)), false, m);
        check(Kernel.parse("x", DType.F64).reduce(Reduction.custom(Double.NEGATIVE_INFINITY, (acc, v) -> acc.max(v))), false, m);
    }

    /** Many columns (several chunks, odd tails), many rows (three blocks and a 5-row one, merged in the 1-D tree). */
    @Test
    void wideAndTallMatrices() {
        SplittableRandom rnd = new SplittableRandom(13);
        for (DType t : new DType[] {DType.F32, DType.F64}) {
            NdView wide = matrix(t, 5, 9_001, rnd, true);
            NdView tall = matrix(t, 3 * 16_384 + 5, 3, rnd, false);
            for (Reduction r : List.of(Reduction.sum(), Reduction.prod(), Reduction.min(), Reduction.mean(), Reduction.variance(),
                    Reduction.norm2(), Reduction.argmax())) {
                check(Kernel.parse("x", t).reduce(r), true, wide);
                check(Kernel.parse("x", t).reduce(r), true, tall);
            }
            check(Kernel.dot(t), true, wide, matrix(t, 5, 9_001, rnd, false));
        }
    }

    /** Offset and strided columns, 3-D views whose other axes merge, broadcast rows; transposed views go line by line. */
    @Test
    void viewsOffsetsStridesAndBroadcasts() {
        SplittableRandom rnd = new SplittableRandom(14);
        Kernel sum = Kernel.parse("x", DType.F32).reduce(Reduction.sum());
        Kernel var = Kernel.parse("x", DType.F32).reduce(Reduction.variance());
        float[] big = (float[]) matrix(DType.F32, 1, 50 * 101 + 9, rnd, false).storage();
        // every third column from 2 of a wider matrix, with a gap after each row
        NdView odd = NdView.strided(big, 2, new long[] {50, 30}, new long[] {101, 3});
        NdView offset = NdView.strided(big, 7, new long[] {49, 100}, new long[] {101, 1});
        for (Kernel k : List.of(sum, var)) {
            check(k, true, odd);
            check(k, true, offset);
            check(k, false, NdView.of(java.util.Arrays.copyOf(big, 101 * 50), 101, 50).transpose());
        }
        // a dot of each column with a row vector broadcast down the rows (stride 0 along axis 0)
        NdView row = NdView.of(new float[] {1.5f, -2f, 3.25f, 0.5f, 7f, -1f, 2f, 9f, -3f, 4f,
            1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f, 17f, 18f, 19f, 20f}, 1, 30).broadcastTo(50, 30);
        check(Kernel.dot(DType.F32), true, odd, row);
        // 3-D along axis 0: the two other axes merge into one run of lines
        NdView cube = NdView.of((float[]) matrix(DType.F32, 1, 6 * 7 * 9, rnd, false).storage(), 6, 7, 9);
        Object got = runtimes[1].reduceAxis(sum, 0, cube).storage();
        assertEquals(rowByRow() ? "columns" : "lines", Flynn.lastAxisPath().orElseThrow());
        for (int j = 0; j < 7; j++) {
            for (int l = 0; l < 9; l++) {
                float[] line = new float[6];
                for (int i = 0; i < 6; i++) {
                    line[i] = ((float[]) cube.storage())[(int) cube.indexOf(i, j, l)];
                }
                assertEquals(bits((float) runtimes[0].reduceDouble(sum, line)), bits(got, j * 9 + l), "cube " + j + "," + l);
            }
        }
    }

    /** Shapes at the edges: 1xN and Nx1 (one element or one line each), empty axes (lines of nothing: 0, NaN or an error). */
    @Test
    void edgeShapes() {
        SplittableRandom rnd = new SplittableRandom(15);
        Kernel sum = Kernel.parse("x", DType.F64).reduce(Reduction.sum());
        check(sum, false, matrix(DType.F64, 1, 70, rnd, false));
        check(sum, false, matrix(DType.F64, 70, 1, rnd, false));
        assertEquals(0, runtimes[3].reduceAxis(sum, 0, NdView.of(new double[0], 5, 0)).size());
        double[] zeros = (double[]) runtimes[3].reduceAxis(sum, 0, NdView.of(new double[0], 0, 5)).storage();
        assertEquals(5, zeros.length);
        for (double z : zeros) {
            assertEquals(0.0, z);
        }
        double[] means = (double[]) runtimes[3].reduceAxis(Kernel.parse("x", DType.F64).reduce(Reduction.mean()), 0,
                NdView.of(new double[0], 0, 3)).storage();
        assertEquals(3, means.length);
        for (double z : means) {
            assertTrue(Double.isNaN(z));
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> runtimes[3].reduceAxis(
                Kernel.parse("x", DType.F64).reduce(Reduction.min()), 0, NdView.of(new double[0], 0, 3)));
    }

    /** Sums that overflow the type are rerun over scaled values by the 1-D path, as the 1-D call does. */
    @Test
    void columnsThatLeaveTheExponentRangeAreRescued() {
        double[] a = new double[4 * 6];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 6 < 3) ? Double.MAX_VALUE / 2 * (i % 2 == 0 ? 1 : 0.75) : i;
        }
        NdView m = NdView.of(a, 4, 6);
        for (Reduction r : List.of(Reduction.sum(), Reduction.mean(), Reduction.variance(), Reduction.norm2())) {
            check(Kernel.parse("x", DType.F64).reduce(r), true, m);
        }
        NdView huge = NdView.of(new double[] {1e300, -1e300, 1e300, 3, 1e300, 4}, 3, 2);
        check(Kernel.parse("x", DType.F64).reduce(Reduction.mean()), true, huge);
    }
}
