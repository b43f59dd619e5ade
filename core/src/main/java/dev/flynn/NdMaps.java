package dev.flynn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Map kernels over {@link NdView}s: the operands are broadcast to the output's shape (NumPy's
 * rules), neighbouring axes that are contiguous in every operand are merged into one (as NumPy
 * does), and each remaining line is one 1-D call on the runtime's backend through {@link NdRows}. Everything
 * is checked before anything is written.
 */
final class NdMaps {
    private NdMaps() {
    }

    /** Whether a map call has an n-D operand and must go through this class. */
    static boolean involved(Object out, Object[] inputs, int count) {
        if (out instanceof NdView) {
            return true;
        }
        for (int i = 0; i < count; i++) {
            if (inputs[i] instanceof NdView) {
                return true;
            }
        }
        return false;
    }

    /** {@link Flynn#apply} with an n-D input: a new row-major array of the broadcast shape, as a view. */
    static NdView apply(Flynn rt, Kernel kernel, Object[] inputs, int count) {
        Object[] in = inputs(kernel, inputs, count);
        long[] shape = shape(kernel, in);
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
                rowMajorStrides(shape), 0);
        run(rt, kernel, out, in);
        return out;
    }

    /** {@link Flynn#into} with an n-D operand. */
    static void into(Flynn rt, Kernel kernel, Object out, Object[] inputs, int count) {
        Object[] in = inputs(kernel, inputs, count);
        NdView o = asView(out, kernel.resultType(), "the output");
        if (o.storage() instanceof MemorySegment m && m.isReadOnly()) {
            throw new IllegalArgumentException("the output segment is read-only");
        }
        long[] want = shape(kernel, in);
        long[] all = NdView.broadcastShape(want, o.shape());
        if (!Arrays.equals(all, o.shape())) {
            throw new IllegalArgumentException("the inputs broadcast to shape " + Arrays.toString(want)
                    + ", which does not fit the output's shape " + Arrays.toString(o.shape()));
        }
        run(rt, kernel, o, in);
    }

    private static void run(Flynn rt, Kernel kernel, NdView out, Object[] in) {
        long[] shape = out.shape();
        NdView[] views = new NdView[in.length + 1];
        views[0] = out;
        for (int i = 0; i < in.length; i++) {
            views[i + 1] = in[i] instanceof NdView v ? v.broadcastTo(shape) : null;
        }
        // a broadcast output or one that reaches an element twice is rejected here, before any write
        NdRows.Operand[] check = {new NdRows.Operand(withLineAxis(out), NdRows.Use.WRITE)};
        NdRows.plan(check[0].view().rank() - 1, check);
        boolean temp = needsTemporary(views, out, kernel.mayThrow());
        if (out.size() == 0) {
            return;
        }
        if (temp && !(out.storage() instanceof DeviceArray)) {
            viaTemporary(rt, kernel, out, in, views);
            return;
        }
        runLines(rt, kernel, views, in);
    }

    /** Computes into a fresh row-major buffer, then copies it into {@code out}: for overlap and for kernels that may throw. */
    private static void viaTemporary(Flynn rt, Kernel kernel, NdView out, Object[] in, NdView[] views) {
        DType t = out.type();
        long size = out.size();
        long[] shape = out.shape();
        NdView[] tv = views.clone();
        if (size <= Integer.MAX_VALUE - 8) {
            tv[0] = new NdView(java.lang.reflect.Array.newInstance(t.javaType(), (int) size), t, shape, rowMajorStrides(shape), 0);
            runLines(rt, kernel, tv, in);
            runLines(rt, Identity.of(t), new NdView[] {out, tv[0]}, new Object[] {tv[0]});
        } else {
            try (Arena arena = Arena.ofShared()) {
                MemorySegment seg = arena.allocate(size * t.byteSize(), t.byteSize());
                tv[0] = new NdView(seg, t, shape, rowMajorStrides(shape), 0);
                runLines(rt, kernel, tv, in);
                runLines(rt, Identity.of(t), new NdView[] {out, tv[0]}, new Object[] {tv[0]});
            }
        }
    }

    /** The identity map of each type, to copy a temporary into a strided output. */
    static final class Identity {
        private static final Kernel[] KERNELS = new Kernel[DType.values().length];

        static synchronized Kernel of(DType t) {
            Kernel k = KERNELS[t.ordinal()];
            if (k == null) {
                k = KERNELS[t.ordinal()] = Kernel.map(t, x -> x);
            }
            return k;
        }
    }

    /**
     * Runs the map line by line. {@code views[0]} is the output, {@code views[i+1]} input {@code i} broadcast
     * to the output's shape, or null where {@code in[i]} is a number.
     */
    private static void runLines(Flynn rt, Kernel kernel, NdView[] views, Object[] in) {
        NdView[] flat = coalesce(views);
        intoLines(rt, flat[0].rank() - 1, flat, in, (lineRt, out, args) -> lineRt.into(kernel, out, args));
    }

    /** A 1-D call that writes one output line from its inputs' lines (or numbers). */
    @FunctionalInterface
    interface LineCall {
        void into(Flynn runtime, Object out, Object[] args);
    }

    /**
     * Runs {@code call} once per line along {@code axis}: {@code views[0]} the written output, {@code views[i+1]}
     * input {@code i}'s view, or null where {@code in[i]} is a number handed over as it is.
     */
    static void intoLines(Flynn rt, int axis, NdView[] views, Object[] in, LineCall call) {
        int count = 0;
        for (NdView v : views) {
            count += v == null ? 0 : 1;
        }
        NdRows.Operand[] ops = new NdRows.Operand[count];
        int[] slot = new int[views.length];
        int k = 0;
        for (int i = 0; i < views.length; i++) {
            if (views[i] != null) {
                slot[i] = k;
                ops[k++] = new NdRows.Operand(views[i], i == 0 ? NdRows.Use.WRITE : NdRows.Use.READ);
            }
        }
        NdRows.Plan plan = NdRows.plan(axis, ops);
        int arity = in.length;
        plan.run(rt, (lineRt, line, lines) -> {
            Object[] args = new Object[arity];
            for (int i = 0; i < arity; i++) {
                args[i] = views[i + 1] == null ? in[i] : lines[slot[i + 1]].arg();
            }
            call.into(lineRt, lines[0].arg(), args);
        });
    }

    /**
     * The views with the output's axes ordered by its strides (largest first, so its innermost line is
     * the one it has contiguous), axes of length 1 dropped, and neighbouring axes merged where every view
     * steps from one into the next as if they were one axis. A contiguous matrix becomes one line.
     */
    static NdView[] coalesce(NdView[] views) {
        NdView out = views[0];
        int rank = out.rank();
        long[] outStrides = out.strides();
        int[] order = IntStream.range(0, rank).boxed()
                .sorted(Comparator.comparingLong((Integer a) -> outStrides[a]).reversed())
                .mapToInt(Integer::intValue).toArray();
        long[] shape = new long[rank];
        long[][] strides = new long[views.length][rank];
        int r = 0;
        for (int a : order) {
            if (out.dim(a) == 1) {
                continue;
            }
            shape[r] = out.dim(a);
            for (int i = 0; i < views.length; i++) {
                if (views[i] != null) {
                    strides[i][r] = views[i].stride(a);
                }
            }
            r++;
        }
        int m = 0;
        for (int a = 0; a < r; a++) {
            boolean merge = m > 0;
            for (int i = 0; i < views.length && merge; i++) {
                merge = views[i] == null || strides[i][m - 1] == strides[i][a] * shape[a];
            }
            if (merge) {
                shape[m - 1] *= shape[a];
                for (int i = 0; i < views.length; i++) {
                    strides[i][m - 1] = strides[i][a];
                }
            } else {
                shape[m] = shape[a];
                for (int i = 0; i < views.length; i++) {
                    strides[i][m] = strides[i][a];
                }
                m++;
            }
        }
        // a single element is one line of one
        int rank2 = Math.max(m, 1);
        long[] s = m == 0 ? new long[] {1} : Arrays.copyOf(shape, m);
        NdView[] flat = new NdView[views.length];
        for (int i = 0; i < views.length; i++) {
            NdView v = views[i];
            if (v != null) {
                long[] st = m == 0 ? new long[] {1} : Arrays.copyOf(strides[i], rank2);
                flat[i] = new NdView(v.storage(), v.type(), s, st, v.offset());
            }
        }
        return flat;
    }

    /** A view with a leading axis of 1 added to a rank-0 view, so it has an axis to run along. */
    private static NdView withLineAxis(NdView v) {
        if (v.rank() > 0) {
            return v;
        }
        return new NdView(v.storage(), v.type(), new long[] {1}, new long[] {1}, v.offset());
    }

    /** The inputs checked against the kernel: views of its input types, other storage as 1-D views, numbers kept. */
    private static Object[] inputs(Kernel kernel, Object[] inputs, int count) {
        if (count != kernel.arity()) {
            throw new IllegalArgumentException("kernel " + kernel + " takes " + kernel.arity() + " inputs "
                    + kernel.inputNames() + ", got " + count);
        }
        Object[] out = new Object[count];
        for (int i = 0; i < count; i++) {
            Object x = inputs[i];
            String what = CallBinder.what(kernel, i);
            if (x == null) {
                throw new NullPointerException(what + " is null");
            }
            out[i] = x instanceof Number ? x : asView(x, kernel.inputTypes().get(i), what);
        }
        return out;
    }

    /** The broadcast shape of the view inputs (rank 0 when all are numbers). */
    private static long[] shape(Kernel kernel, Object[] in) {
        long[][] shapes = new long[in.length][];
        for (int i = 0; i < in.length; i++) {
            shapes[i] = in[i] instanceof NdView v ? v.shape() : new long[0];
        }
        return NdView.broadcastShape(shapes);
    }

    /** An operand as a view of {@code want}: a view of that type, or 1-D storage as a view of shape {@code [n]}. */
    static NdView asView(Object x, DType want, String what) {
        NdView v = switch (x) {
            case NdView nv -> nv;
            case Slice s -> NdView.strided(s.array(), s.offset(), new long[] {s.length()}, new long[] {1});
            case MemorySegment m -> NdView.of(m.asSlice(0, CallBinder.segmentLength(what, m, want) * want.byteSize()), want,
                    m.byteSize() / want.byteSize());
            case DeviceArray d -> NdView.of(d, d.length());
            default -> {
                if (DType.ofArray(x).isEmpty()) {
                    throw new IllegalArgumentException(what + " must be a float[], double[], int[], long[], Slice,"
                            + " MemorySegment, DeviceArray, NdView or a Number, got " + x.getClass().getSimpleName());
                }
                yield NdView.strided(x, 0, new long[] {java.lang.reflect.Array.getLength(x)}, new long[] {1});
            }
        };
        CallBinder.checkType(what, want, v.type());
        return v;
    }

    /**
     * Whether a map over {@code views[1..]} (null where an input is not a view) into {@code out} must run
     * through a temporary: a kernel that may throw part-way, or an input sharing the output's memory other
     * than element for element. Device memory is never copied, so such sharing there is rejected.
     */
    static boolean needsTemporary(NdView[] views, NdView out, boolean mayThrow) {
        boolean temp = mayThrow && out.size() > 0;
        for (int i = 1; i < views.length; i++) {
            if (views[i] != null && sharesPartly(views[i], out)) {
                if (out.storage() instanceof DeviceArray) {
                    throw new IllegalArgumentException("input " + (i - 1) + " shares device memory with the output other than"
                            + " element for element; give the output its own device array");
                }
                temp = true;
            }
        }
        return temp;
    }

    /** Whether two views share memory other than element for element (same places, same element size). */
    static boolean sharesPartly(NdView in, NdView out) {
        Object a = in.storage();
        Object b = out.storage();
        if (a instanceof DeviceArray || b instanceof DeviceArray) {
            return a == b && !(in.offset() == out.offset() && Arrays.equals(in.strides(), out.strides()));
        }
        MemorySegment x = extent(in);
        MemorySegment y = extent(out);
        if (x == null || y == null || x.asOverlappingSlice(y).isEmpty()) {
            return false;
        }
        // overlapping memory compares by address (an offset into the array for heap segments)
        return in.type().byteSize() != out.type().byteSize() || x.address() != y.address()
                || !Arrays.equals(in.strides(), out.strides());
    }

    /** Whether two views share any memory. */
    static boolean overlaps(NdView a, NdView b) {
        if (a.storage() instanceof DeviceArray || b.storage() instanceof DeviceArray) {
            return a.storage() == b.storage();
        }
        MemorySegment x = extent(a);
        MemorySegment y = extent(b);
        return x != null && y != null && x.asOverlappingSlice(y).isPresent();
    }

    /** The bytes from a view's first to its last element, or null for an empty view. */
    private static MemorySegment extent(NdView v) {
        if (v.size() == 0) {
            return null;
        }
        long last = v.offset();
        for (int i = 0; i < v.rank(); i++) {
            last += v.stride(i) * (v.dim(i) - 1);
        }
        MemorySegment all = switch (v.storage()) {
            case MemorySegment m -> m;
            case float[] f -> MemorySegment.ofArray(f);
            case double[] d -> MemorySegment.ofArray(d);
            case int[] n -> MemorySegment.ofArray(n);
            case long[] l -> MemorySegment.ofArray(l);
            default -> throw new IllegalStateException("not host memory");
        };
        int size = v.type().byteSize();
        return all.asSlice(v.offset() * size, (last - v.offset() + 1) * size);
    }

    static long[] rowMajorStrides(long[] shape) {
        long[] st = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= Math.max(1, shape[i]);
        }
        return st;
    }
}
