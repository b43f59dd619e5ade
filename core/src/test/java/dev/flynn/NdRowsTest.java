package dev.flynn;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The row engine without a backend: what a task is handed per line, and what it writes back. */
class NdRowsTest {

    static double get(NdView v, long... idx) {
        return java.lang.reflect.Array.getDouble(v.storage(), (int) v.indexOf(idx));
    }

    /** Reads element j of a line argument as a double. */
    static double at(Object arg, long j) {
        return switch (arg) {
            case Slice s -> java.lang.reflect.Array.getDouble(s.array(), (int) (s.offset() + j));
            case Number n -> n.doubleValue();
            case MemorySegment m -> m.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, j);
            default -> java.lang.reflect.Array.getDouble(arg, (int) j);
        };
    }

    static void put(Object arg, long j, double v) {
        switch (arg) {
            case Slice s -> java.lang.reflect.Array.setFloat(s.array(), (int) (s.offset() + j), (float) v);
            case MemorySegment m -> m.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, j, (float) v);
            default -> java.lang.reflect.Array.setFloat(arg, (int) j, (float) v);
        }
    }

    /** Every line of every axis of 3-D views, in row-major, transposed and broadcast layouts, on 1 and 3 threads. */
    @Test
    void linesCarryTheViewsElementsInPlaceAsScratchOrAsNumbers() {
        long[] shape = {4, 5, 6};
        float[] a = new float[120];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        NdView in = NdView.of(a, shape);
        NdView inT = NdView.of(a, 6, 5, 4).transpose();
        NdView col = NdView.of(new float[] {1, 2, 3, 4}, 4, 1, 1).broadcastTo(shape);
        for (int threads : new int[] {1, 3}) {
            try (Flynn rt = Flynn.builder().threads(threads).build()) {
                for (int axis = 0; axis < 3; axis++) {
                    for (NdView src : new NdView[] {in, inT, col}) {
                        float[] o = new float[120];
                        NdView out = NdView.of(o, 6, 5, 4).transpose();
                        NdRows.Plan plan = NdRows.plan(axis, new NdRows.Operand(src, NdRows.Use.READ),
                                new NdRows.Operand(out, NdRows.Use.WRITE));
                        assertEquals(120 / shape[axis], plan.lines());
                        ConcurrentHashMap<Long, Boolean> seen = new ConcurrentHashMap<>();
                        int ax = axis;
                        plan.run(rt, (lineRt, line, lines) -> {
                            assertTrue(seen.put(line, true) == null, "line " + line + " twice");
                            assertEquals(threads > 1 && plan.lines() >= threads ? 1 : threads, lineRt.threads());
                            if (src == col && ax == 0) {
                                assertInstanceOf(float[].class, lines[0].arg());
                            }
                            if (src == col && ax != 0) {
                                assertInstanceOf(Float.class, lines[0].arg());
                            }
                            for (long j = 0; j < shape[ax]; j++) {
                                put(lines[1].arg(), j, at(lines[0].arg(), j) * 2);
                            }
                        });
                        assertEquals(plan.lines(), seen.size());
                        NdViewTest.forEachIndex(shape, idx -> assertEquals(2 * get(src, idx), get(out, idx),
                                Arrays.toString(idx)));
                    }
                }
            }
        }
    }

    @Test
    void linesAreNumberedRowMajorOverTheOuterShape() {
        float[] a = new float[24];
        NdView v = NdView.of(a, 2, 3, 4);
        long[] firsts = new long[6];
        try (Flynn rt = Flynn.builder().threads(1).build()) {
            NdRows.plan(2, new NdRows.Operand(v, NdRows.Use.READ)).run(rt, (r, line, lines) -> {
                Slice s = (Slice) lines[0].arg();
                firsts[(int) line] = s.offset();
            });
            assertArrayEquals(new long[] {0, 4, 8, 12, 16, 20}, firsts);
            long[] cols = new long[8];
            NdRows.plan(1, new NdRows.Operand(v, NdRows.Use.READ)).run(rt, (r, line, lines) -> {
                assertEquals(3, lines[0].length());
                cols[(int) line] = (long) at(lines[0].arg(), 0);
            });
        }
    }

    @Test
    void writtenLinesOfOneTakeAReductionsValue() {
        double[] sums = new double[3];
        float[] m = {1, 2, 3, 4, 5, 6};
        try (Flynn rt = Flynn.builder().threads(2).build()) {
            // along axis 1 of the 3x2 transpose: its rows, the columns of m
            NdRows.plan(1, new NdRows.Operand(NdView.of(m, 2, 3).transpose(), NdRows.Use.READ),
                    new NdRows.Operand(NdView.of(sums, 3, 1), NdRows.Use.WRITE)).run(rt, (r, line, lines) -> {
                        double s = 0;
                        for (int j = 0; j < lines[0].length(); j++) {
                            s += at(lines[0].arg(), j);
                        }
                        lines[1].setDouble(s);
                    });
        }
        assertArrayEquals(new double[] {5, 7, 9}, sums);
    }

    @Test
    void badOperandsAreRejected() {
        NdView m = NdView.of(new float[12], 3, 4);
        assertThrows(IllegalArgumentException.class, () -> NdRows.plan(2, new NdRows.Operand(m, NdRows.Use.READ)));
        assertThrows(IllegalArgumentException.class, () -> NdRows.plan(-1, new NdRows.Operand(m, NdRows.Use.READ)));
        assertThrows(IllegalArgumentException.class, () -> NdRows.plan(1, new NdRows.Operand(m, NdRows.Use.READ),
                new NdRows.Operand(NdView.of(new float[4], 4), NdRows.Use.WRITE)));
        // a written operand is never broadcast
        assertThrows(IllegalArgumentException.class, () -> NdRows.plan(1, new NdRows.Operand(m, NdRows.Use.READ),
                new NdRows.Operand(NdView.of(new float[4], 1, 4), NdRows.Use.WRITE)));
        // outer shapes that do not broadcast
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NdRows.plan(1,
                new NdRows.Operand(m, NdRows.Use.READ), new NdRows.Operand(NdView.of(new float[8], 2, 4), NdRows.Use.READ)));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[2]"), e.getMessage());
        // a device view plans along any axis: a strided one is gathered on the device when it runs
        NdView dev = NdView.of(new NdViewTest.FakeDevice(DType.F32, 12), 3, 4);
        assertEquals(3, NdRows.plan(1, new NdRows.Operand(dev, NdRows.Use.READ)).lines());
        assertEquals(4, NdRows.plan(0, new NdRows.Operand(dev, NdRows.Use.READ)).lines());
    }

    @Test
    void contiguousAxesMergeIntoOneLine() {
        float[] a = new float[12];
        NdView m = NdView.of(a, 3, 4);
        NdView[] flat = NdMaps.coalesce(new NdView[] {m, m, null});
        assertArrayEquals(new long[] {12}, flat[0].shape());
        assertArrayEquals(new long[] {12}, flat[1].shape());
        // a broadcast row keeps the two axes apart
        flat = NdMaps.coalesce(new NdView[] {m, NdView.of(new float[4], 4).broadcastTo(3, 4)});
        assertArrayEquals(new long[] {3, 4}, flat[0].shape());
        assertArrayEquals(new long[] {0, 1}, flat[1].strides());
        // a transposed output: its contiguous axis becomes the line axis
        flat = NdMaps.coalesce(new NdView[] {NdView.of(a, 4, 3).transpose(), m});
        assertArrayEquals(new long[] {4, 3}, flat[0].shape());
        assertArrayEquals(new long[] {3, 1}, flat[0].strides());
        assertArrayEquals(new long[] {1, 4}, flat[1].strides());
        // every other element of rows that follow each other evenly is one strided axis
        NdView even = NdView.strided(new float[24], 0, new long[] {3, 4}, new long[] {8, 2});
        flat = NdMaps.coalesce(new NdView[] {even, even});
        assertArrayEquals(new long[] {12}, flat[0].shape());
        assertArrayEquals(new long[] {2}, flat[0].strides());
        // with a gap between rows they stay apart
        NdView gap = NdView.strided(new float[25], 0, new long[] {3, 4}, new long[] {9, 2});
        flat = NdMaps.coalesce(new NdView[] {gap, even});
        assertArrayEquals(new long[] {3, 4}, flat[0].shape());
        // length-1 axes vanish; a single element is one line of one
        flat = NdMaps.coalesce(new NdView[] {NdView.of(new float[1], 1, 1, 1)});
        assertArrayEquals(new long[] {1}, flat[0].shape());
        flat = NdMaps.coalesce(new NdView[] {NdView.of(new float[1])});
        assertArrayEquals(new long[] {1}, flat[0].shape());
    }
}
