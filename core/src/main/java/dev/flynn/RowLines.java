package dev.flynn;

import java.util.Arrays;
import java.util.List;

/**
 * A {@link RowKernel} along one axis of n-D views: the 1-D form run on every line ({@link NdRows}),
 * each line's reductions then its map, lines in parallel, each on one thread. Inputs broadcast to
 * the output's shape with NumPy's rules, so a row vector {@code g} of shape {@code [C]} serves every
 * row of an {@code [R, C]} matrix, and a column vector of shape {@code [R, 1]} gives each row a number.
 */
final class RowLines {
    private RowLines() {
    }

    /** Whether a call is n-dimensional: the output or an input is an {@link NdView}. */
    static boolean involved(Object out, Object[] inputs) {
        if (out instanceof NdView) {
            return true;
        }
        for (Object in : inputs) {
            if (in instanceof NdView) {
                return true;
            }
        }
        return false;
    }

    /** The broadcast shape of the inputs, for an output of {@link RowKernel#apply}. */
    static long[] shape(List<DType> types, List<String> names, Object[] inputs) {
        Object[] in = views(types, names, inputs);
        long[][] shapes = new long[in.length][];
        for (int i = 0; i < in.length; i++) {
            shapes[i] = in[i] instanceof NdView v ? v.shape() : new long[0];
        }
        return NdView.broadcastShape(shapes);
    }

    static void run(Flynn rt, RowPlan plan, int axis, List<DType> types, List<String> names, Object out, Object[] inputs) {
        Object[] in = views(types, names, inputs);
        NdView o = NdMaps.asView(out, plan.map().resultType(), "the output");
        if (o.storage() instanceof java.lang.foreign.MemorySegment m && m.isReadOnly()) {
            throw new IllegalArgumentException("the output segment is read-only");
        }
        long[] shape = o.shape();
        long[][] shapes = new long[in.length + 1][];
        shapes[0] = shape;
        for (int i = 0; i < in.length; i++) {
            shapes[i + 1] = in[i] instanceof NdView v ? v.shape() : new long[0];
        }
        if (!Arrays.equals(NdView.broadcastShape(shapes), shape)) {
            throw new IllegalArgumentException("the inputs broadcast to shape " + Arrays.toString(NdView.broadcastShape(
                    Arrays.copyOfRange(shapes, 1, shapes.length))) + ", which does not fit the output's shape "
                    + Arrays.toString(shape));
        }
        int rank = shape.length;
        int a = NdView.checkAxis(axis < 0 ? rank + axis : axis, rank);
        int views = 0;
        for (Object x : in) {
            views += x instanceof NdView ? 1 : 0;
        }
        NdRows.Operand[] ops = new NdRows.Operand[views + 1];
        int[] opOf = new int[in.length];
        ops[0] = new NdRows.Operand(o, NdRows.Use.WRITE);
        int k = 1;
        for (int i = 0; i < in.length; i++) {
            if (in[i] instanceof NdView v) {
                NdView b = v.broadcastTo(shape);
                if (NdMaps.sharesPartly(b, o)) {
                    throw new IllegalArgumentException("input " + i + " (" + names.get(i) + ") shares memory with the"
                            + " output other than element for element; give the output its own memory");
                }
                opOf[i] = k;
                ops[k++] = new NdRows.Operand(b, NdRows.Use.READ);
            } else {
                opOf[i] = -1;
            }
        }
        NdRows.Plan lines = NdRows.plan(a, ops);
        lines.run(rt, (lineRt, line, args) -> {
            Object[] row = new Object[in.length];
            for (int i = 0; i < in.length; i++) {
                row[i] = opOf[i] < 0 ? in[i] : args[opOf[i]].arg();
            }
            RowRun.run(lineRt, plan, args[0].arg(), row);
        });
    }

    /** The inputs as views of their types (1-D storage as shape {@code [n]}), numbers kept. */
    private static Object[] views(List<DType> types, List<String> names, Object[] inputs) {
        Object[] out = new Object[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Object x = inputs[i];
            String what = "input " + i + " (" + names.get(i) + ")";
            if (x == null) {
                throw new NullPointerException(what + " is null");
            }
            out[i] = x instanceof Number ? x : NdMaps.asView(x, types.get(i), what);
        }
        return out;
    }
}
