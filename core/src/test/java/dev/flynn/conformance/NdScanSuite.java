package dev.flynn.conformance;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.NdView;
import dev.flynn.Scan;
import dev.flynn.ScanKernel;
import dev.flynn.ir.ScanOp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Scans along an axis of n-D views on a backend: every line of the result must be the documented
 * 1-D scan of that line's values ({@link ScanSuite#blockOrder}, written in the test), for every op,
 * inclusive and exclusive, every element type, shapes 1x1, 1xN, Nx1, odd sizes and a 3-D one, every
 * axis; strided, transposed and broadcast operands, strided outputs, in place, an overlapping output,
 * empty axes, thread counts, and bad axes and shapes with the output left untouched.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class NdScanSuite {
    private static final DType[] TYPES = {DType.F32, DType.F64, DType.I32, DType.I64};
    private static final long[][] SHAPES = {{1, 1}, {1, 17}, {17, 1}, {3, 513}, {4, 3, 5}, {2, 4113}};
    private Flynn runtime;

    /** The backend under test. */
    protected abstract Backend backend();

    /** The most elements one view may hold here (the PTX emulator is slow). */
    protected long maxSize() {
        return Long.MAX_VALUE;
    }

    @BeforeAll
    final void startRuntime() {
        runtime = Flynn.builder().backend(backend()).threads(3).build();
    }

    @AfterAll
    final void stopRuntime() {
        runtime.close();
    }

    private static long size(long[] shape) {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    /** Every line of {@code want} (a view of the inputs' values, already mapped) against {@code got}. */
    private static void checkLines(DType t, ScanOp op, boolean exclusive, NdView values, NdView got, int axis, String what) {
        long[] shape = got.shape();
        long[] outer = shape.clone();
        outer[axis] = 1;
        long lines = size(outer);
        int n = (int) shape[axis];
        for (long line = 0; line < lines; line++) {
            long[] index = new long[shape.length];
            long rest = line;
            for (int d = shape.length - 1; d >= 0; d--) {
                index[d] = rest % outer[d];
                rest /= outer[d];
            }
            long[] v = new long[n];
            for (int j = 0; j < n; j++) {
                index[axis] = j;
                v[j] = Columns.rawBits(values.storage(), (int) values.indexOf(index));
            }
            long[] want = ScanSuite.blockOrder(t, op, exclusive, v);
            for (int j = 0; j < n; j++) {
                index[axis] = j;
                long g = Columns.rawBits(got.storage(), (int) got.indexOf(index));
                if (Columns.canonical(t, g) != Columns.canonical(t, want[j])) {
                    fail(what + ": at " + Arrays.toString(index) + " got " + Columns.text(t, g) + ", expected "
                            + Columns.text(t, want[j]));
                }
            }
        }
    }

    private static NdView random(DType t, long[] shape, long seed) {
        long[] bits = Values.random(t, new SplittableRandom(seed), (int) size(shape), Values.Domain.MODERATE);
        Object a = Values.column(t, bits);
        return NdView.strided(a, 0, shape, rowMajor(shape));
    }

    private static long[] rowMajor(long[] shape) {
        long[] st = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= Math.max(1, shape[i]);
        }
        return st;
    }

    @TestFactory
    Stream<DynamicTest> everyLineIsTheOneDimensionalScanOfItsValues() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DType t : TYPES) {
            for (ScanOp op : ScanOp.values()) {
                for (boolean exclusive : new boolean[] {false, true}) {
                    tests.add(DynamicTest.dynamicTest(op + (exclusive ? " exclusive " : " ") + t, () -> {
                        ScanKernel k = Kernel.map(t, x -> x).scan(new Scan(op, exclusive));
                        for (long[] shape : SHAPES) {
                            if (size(shape) > maxSize()) {
                                continue;
                            }
                            NdView in = random(t, shape, Arrays.hashCode(shape) + op.ordinal());
                            for (int axis = 0; axis < shape.length; axis++) {
                                NdView got = (NdView) runtime.apply(k.along(axis), in);
                                assertEquals(Arrays.toString(shape), Arrays.toString(got.shape()));
                                checkLines(t, op, exclusive, in, got, axis, k + " of " + Arrays.toString(shape)
                                        + " along " + axis);
                            }
                        }
                    }));
                }
            }
        }
        return tests.stream();
    }

    @Test
    void stridedTransposedAndBroadcastOperands() {
        DType t = DType.F64;
        ScanKernel sum = Kernel.map(t, x -> x).scan(Scan.sum());
        // a transposed matrix: axis 0 is contiguous in memory, axis 1 strided
        NdView m = random(t, new long[] {5, 600}, 1);
        NdView mt = m.transpose();
        for (int axis = 0; axis < 2; axis++) {
            checkLines(t, ScanOp.SUM, false, mt, (NdView) runtime.apply(sum.along(axis), mt), axis, "transposed, axis " + axis);
        }
        // odd strides in and out, the output a strided window of a larger array
        double[] big = (double[]) Values.column(t, Values.random(t, new SplittableRandom(2), 4 * 101 + 10,
                Values.Domain.MODERATE));
        NdView odd = NdView.strided(big, 3, new long[] {4, 50}, new long[] {101, 2});
        double[] outStore = new double[4 * 50 * 3];
        NdView out = NdView.strided(outStore, 1, new long[] {4, 50}, new long[] {1, 12});
        for (int axis = 0; axis < 2; axis++) {
            runtime.into(sum.along(axis), out, odd);
            checkLines(t, ScanOp.SUM, false, odd, out, axis, "odd strides, axis " + axis);
        }
        // a row broadcast down the columns, a column along the rows: each line a constant
        double[] row = {1.5, -2, 3, 0.25};
        double[] col = {7, -1, 0.5};
        NdView r = NdView.of(row, 1, 4);
        NdView c = NdView.of(col, 3, 1);
        double[] o = new double[12];
        runtime.into(sum.along(0), NdView.of(o, 3, 4), r);
        checkLines(t, ScanOp.SUM, false, r.broadcastTo(3, 4), NdView.of(o, 3, 4), 0, "row broadcast down axis 0");
        runtime.into(sum.along(1), NdView.of(o, 3, 4), c);
        checkLines(t, ScanOp.SUM, false, c.broadcastTo(3, 4), NdView.of(o, 3, 4), 1, "column broadcast along axis 1");
        // a fused two-input map, one operand a broadcast row: the running dot product of each row with it
        ScanKernel dot = Kernel.map(t, t, (x, y) -> x.mul(y)).scan(Scan.sum()).along(1);
        NdView a = random(t, new long[] {3, 4}, 3);
        NdView got = (NdView) runtime.apply(dot, a, r);
        double[] products = new double[12];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                products[i * 4 + j] = ((double[]) a.storage())[(int) a.indexOf(i, j)] * row[j];
            }
        }
        checkLines(t, ScanOp.SUM, false, NdView.of(products, 3, 4), got, 1, "x*y with y a broadcast row");
    }

    @Test
    void inPlaceAndOverlappingOutputs() {
        DType t = DType.F32;
        ScanKernel max = Kernel.map(t, x -> x).scan(Scan.max());
        for (int axis = 0; axis < 2; axis++) {
            NdView m = random(t, new long[] {6, 70}, 4 + axis);
            NdView before = NdView.of(((float[]) m.storage()).clone(), 6, 70);
            runtime.into(max.along(axis), m, m);
            checkLines(t, ScanOp.MAX, false, before, m, axis, "in place, axis " + axis);
        }
        // the output one column to the right of the input in the same array: the result of the input as it was
        float[] store = (float[]) Values.column(t, Values.random(t, new SplittableRandom(9), 6 * 71, Values.Domain.MODERATE));
        NdView in = NdView.strided(store, 0, new long[] {6, 70}, new long[] {71, 1});
        NdView out = NdView.strided(store, 1, new long[] {6, 70}, new long[] {71, 1});
        NdView copy = NdView.strided(store.clone(), 0, new long[] {6, 70}, new long[] {71, 1});
        ScanKernel sum = Kernel.map(t, x -> x).scan(Scan.sum(true));
        runtime.into(sum.along(1), out, in);
        checkLines(t, ScanOp.SUM, true, copy, out, 1, "overlapping output");
    }

    @Test
    void emptyAxesWriteNothing() {
        ScanKernel k = Kernel.map(DType.I64, x -> x).scan(Scan.prod());
        for (long[] shape : new long[][] {{3, 0}, {0, 5}}) {
            for (int axis = 0; axis < 2; axis++) {
                NdView got = (NdView) runtime.apply(k.along(axis), NdView.of(new long[0], shape));
                assertEquals(Arrays.toString(shape), Arrays.toString(got.shape()));
                assertEquals(0, got.size());
            }
        }
    }

    @Test
    void theThreadCountChangesNoBit() {
        long[] shape = {16, 5000};
        if (size(shape) > maxSize()) {
            shape = new long[] {3, 700};
        }
        DType t = DType.F32;
        NdView in = random(t, shape, 11);
        ScanKernel k = Kernel.map(t, x -> x).scan(Scan.sum());
        for (int axis = 0; axis < 2; axis++) {
            for (int threads : new int[] {1, 2, 3, 7}) {
                try (Flynn f = Flynn.builder().backend(backend()).threads(threads).build()) {
                    NdView got = (NdView) f.apply(k.along(axis), in);
                    checkLines(t, ScanOp.SUM, false, in, got, axis, threads + " threads, axis " + axis);
                }
            }
        }
    }

    @Test
    void badAxesAndShapesAreRejectedBeforeAnythingIsWritten() {
        DType t = DType.F64;
        long sentinel = Columns.sentinel(t);
        double[] o = (double[]) Columns.filled(t, 12, sentinel);
        NdView out = NdView.of(o, 3, 4);
        NdView in = random(t, new long[] {3, 4}, 12);
        ScanKernel k = Kernel.map(t, x -> x).scan(Scan.sum());
        IllegalArgumentException axis = assertThrows(IllegalArgumentException.class, () -> runtime.into(k.along(2), out, in));
        assertTrue(axis.getMessage().contains("axis 2"), axis.getMessage());
        assertThrows(IllegalArgumentException.class, () -> k.along(-1));
        IllegalArgumentException noAxis = assertThrows(IllegalArgumentException.class, () -> runtime.into(k, out, in));
        assertTrue(noAxis.getMessage().contains("along"), noAxis.getMessage());
        IllegalArgumentException shapes = assertThrows(IllegalArgumentException.class,
                () -> runtime.into(k.along(1), out, random(t, new long[] {3, 5}, 13)));
        assertTrue(shapes.getMessage().contains("[3, 5]") && shapes.getMessage().contains("[3, 4]"), shapes.getMessage());
        // an output that repeats one element along a broadcast axis cannot be written
        assertThrows(IllegalArgumentException.class,
                () -> runtime.into(k.along(1), NdView.of(new double[4], 1, 4).broadcastTo(3, 4), in));
        assertThrows(NullPointerException.class, () -> runtime.into(k.along(0), out, (Object) null));
        assertEquals(-1, Columns.firstChanged(o, sentinel), "bad input wrote into the output");
    }
}
