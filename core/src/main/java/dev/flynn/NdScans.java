package dev.flynn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Scans along one axis of {@link NdView}s: the inputs are broadcast to the output's shape (NumPy's
 * rules) and each line along the axis is one 1-D scan on the runtime's backend through
 * {@link NdRows}, so every line's result is bitwise the 1-D scan of that line's values, whatever the
 * thread count. Everything is checked before anything is written; an output that shares memory with
 * an input other than element for element, or a map that may throw, goes through a temporary.
 */
final class NdScans {
    /** The identity map of each type, to copy a temporary into a strided output. */
    private static final Kernel[] COPY = new Kernel[DType.values().length];

    private NdScans() {
    }

    /** {@link Flynn#apply(ScanKernel, Object...)} along an axis: a new row-major array of the broadcast shape. */
    static NdView apply(Flynn rt, ScanKernel kernel, Object[] inputs) {
        int axis = axis(kernel);
        Object[] in = inputs(kernel, inputs);
        long[] shape = shape(in);
        if (shape.length == 0) {
            throw new IllegalArgumentException("scan " + kernel + " was given only numbers; give at least one array or"
                    + " view so that the output's shape is known");
        }
        long size = 1;
        for (long d : shape) {
            size = Math.multiplyExact(size, d);
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + size + " elements, more than"
                    + " a Java array; use into() with a view of a MemorySegment");
        }
        DType t = kernel.resultType();
        NdView out = new NdView(java.lang.reflect.Array.newInstance(t.javaType(), (int) size), t, shape,
                NdMaps.rowMajorStrides(shape), 0);
        run(rt, kernel, axis, out, in);
        return out;
    }

    /** {@link Flynn#into(ScanKernel, Object, Object...)} along an axis. */
    static void into(Flynn rt, ScanKernel kernel, Object out, Object[] inputs) {
        int axis = axis(kernel);
        Object[] in = inputs(kernel, inputs);
        NdView o = NdMaps.asView(out, kernel.resultType(), "the output");
        if (o.storage() instanceof MemorySegment m && m.isReadOnly()) {
            throw new IllegalArgumentException("the output segment is read-only");
        }
        long[] want = shape(in);
        if (!Arrays.equals(NdView.broadcastShape(want, o.shape()), o.shape())) {
            throw new IllegalArgumentException("the inputs broadcast to shape " + Arrays.toString(want)
                    + ", which does not fit the output's shape " + Arrays.toString(o.shape()));
        }
        run(rt, kernel, axis, o, in);
    }

    private static int axis(ScanKernel kernel) {
        return kernel.axis().orElseThrow(() -> new IllegalArgumentException("scan " + kernel + " is given n-D views:"
                + " say along which axis to scan, kernel.along(axis)"));
    }

    private static void run(Flynn rt, ScanKernel kernel, int axis, NdView out, Object[] in) {
        NdView.checkAxis(axis, out.rank());
        NdView[] views = new NdView[in.length + 1];
        views[0] = out;
        for (int i = 0; i < in.length; i++) {
            views[i + 1] = in[i] instanceof NdView v ? v.broadcastTo(out.shape()) : null;
        }
        // an output that reaches an element twice is rejected here, before any write
        NdRows.plan(axis, new NdRows.Operand(out, NdRows.Use.WRITE));
        boolean temp = NdMaps.needsTemporary(views, out, kernel.map().mayThrow());
        if (out.size() == 0) {
            return;
        }
        if (temp && !(out.storage() instanceof DeviceArray)) {
            viaTemporary(rt, kernel, axis, out, in, views);
            return;
        }
        runLines(rt, kernel, axis, views, in);
    }

    /** Scans into a fresh row-major buffer, then copies it into {@code out}. */
    private static void viaTemporary(Flynn rt, ScanKernel kernel, int axis, NdView out, Object[] in, NdView[] views) {
        DType t = out.type();
        long size = out.size();
        long[] shape = out.shape();
        NdView[] tv = views.clone();
        if (size <= Integer.MAX_VALUE - 8) {
            tv[0] = new NdView(java.lang.reflect.Array.newInstance(t.javaType(), (int) size), t, shape,
                    NdMaps.rowMajorStrides(shape), 0);
            runLines(rt, kernel, axis, tv, in);
            rt.into(copy(t), out, tv[0]);
        } else {
            try (Arena arena = Arena.ofShared()) {
                MemorySegment seg = arena.allocate(size * t.byteSize(), t.byteSize());
                tv[0] = new NdView(seg, t, shape, NdMaps.rowMajorStrides(shape), 0);
                runLines(rt, kernel, axis, tv, in);
                rt.into(copy(t), out, tv[0]);
            }
        }
    }

    private static synchronized Kernel copy(DType t) {
        Kernel k = COPY[t.ordinal()];
        if (k == null) {
            k = COPY[t.ordinal()] = Kernel.map(t, x -> x);
        }
        return k;
    }

    /** One 1-D scan per line along {@code axis}: {@code views[0]} the output, then each input's view (null for a number). */
    private static void runLines(Flynn rt, ScanKernel kernel, int axis, NdView[] views, Object[] in) {
        ScanKernel line = new ScanKernel(kernel.map(), kernel.scan());
        NdMaps.intoLines(rt, axis, views, in, (lineRt, out, args) -> lineRt.into(line, out, args));
    }

    /** The inputs checked against the map: views of its input types, other storage as 1-D views, numbers kept. */
    private static Object[] inputs(ScanKernel kernel, Object[] inputs) {
        Kernel map = kernel.map();
        if (inputs.length != map.arity()) {
            throw new IllegalArgumentException("kernel " + map + " takes " + map.arity() + " inputs " + map.inputNames()
                    + ", got " + inputs.length);
        }
        Object[] out = new Object[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Object x = inputs[i];
            String what = CallBinder.what(map, i);
            if (x == null) {
                throw new NullPointerException(what + " is null");
            }
            out[i] = x instanceof Number ? x : NdMaps.asView(x, map.inputTypes().get(i), what);
        }
        return out;
    }

    /** The broadcast shape of the view inputs (rank 0 when all are numbers). */
    private static long[] shape(Object[] in) {
        long[][] shapes = new long[in.length][];
        for (int i = 0; i < in.length; i++) {
            shapes[i] = in[i] instanceof NdView v ? v.shape() : new long[0];
        }
        return NdView.broadcastShape(shapes);
    }
}
