package dev.flynn;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * The k largest or smallest elements of a vector and their indices, best first; ties go to the lower
 * index, NaN ranks above every number (as {@code argmax} and {@code argmin} pick the first NaN), and
 * {@code -0.0} ties with {@code 0.0}. Asking for more than there are gives them all.
 * <pre>{@code
 * TopK best = TopK.largest(scores, 10);
 * long first = best.indices()[0];      // the index argmax gives
 * float value = best.floats()[0];
 * }</pre>
 *
 * @param values the selected elements, best first: a {@code float[]}, {@code double[]}, {@code int[]} or
 *               {@code long[]} of the input's type, holding the input's own bits
 * @param indices their indices in the input, as long as {@code values}
 */
public record TopK(Object values, long[] indices) {
    /** Which end of the order a selection takes. */
    public enum Order {
        /** The largest first (scores, similarities). */
        LARGEST,
        /** The smallest first (distances). */
        SMALLEST
    }

    /**
     * Checks that the values are a numeric array as long as the indices.
     *
     * @throws IllegalArgumentException if {@code values} is not a numeric array or the lengths differ
     */
    public TopK {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(indices, "indices");
        if (DType.ofArray(values).isEmpty()) {
            throw new IllegalArgumentException("values must be a float[], double[], int[] or long[], got "
                    + values.getClass().getSimpleName());
        }
        if (java.lang.reflect.Array.getLength(values) != indices.length) {
            throw new IllegalArgumentException(java.lang.reflect.Array.getLength(values) + " values but "
                    + indices.length + " indices");
        }
    }

    /**
     * The {@code k} largest elements of an array or {@link Slice}, on {@link Flynn#global()}.
     *
     * @param x a {@code float[]}, {@code double[]}, {@code int[]}, {@code long[]} or {@link Slice}
     * @param k how many; more than there are gives them all
     * @return the largest {@code min(k, n)} elements and their indices, largest first
     * @throws IllegalArgumentException if {@code k} is negative or {@code x} is not an array or slice
     */
    public static TopK largest(Object x, int k) {
        return select(Flynn.global(), x, null, k, Order.LARGEST);
    }

    /**
     * The {@code k} smallest elements of an array or {@link Slice}, on {@link Flynn#global()}.
     *
     * @param x a {@code float[]}, {@code double[]}, {@code int[]}, {@code long[]} or {@link Slice}
     * @param k how many; more than there are gives them all
     * @return the smallest {@code min(k, n)} elements and their indices, smallest first
     * @throws IllegalArgumentException if {@code k} is negative or {@code x} is not an array or slice
     */
    public static TopK smallest(Object x, int k) {
        return select(Flynn.global(), x, null, k, Order.SMALLEST);
    }

    /**
     * The {@code k} best elements of an array, {@link Slice} or {@code MemorySegment}, split over
     * {@code flynn}'s threads (the result does not depend on their number).
     *
     * @param flynn the runtime whose threads scan
     * @param x a {@code float[]}, {@code double[]}, {@code int[]}, {@code long[]}, {@link Slice} or {@code MemorySegment}
     * @param type the element type: required for a segment, checked against an array or slice; may be null for those
     * @param k how many; more than there are gives them all
     * @param order which end
     * @return the best {@code min(k, n)} elements and their indices, best first
     * @throws IllegalArgumentException if {@code k} is negative, or {@code x} and {@code type} do not fit
     */
    public static TopK select(Flynn flynn, Object x, DType type, int k, Order order) {
        checkArguments(flynn, k, order);
        Source src = Source.of(x, type);
        long[] idx = TopKSelect.select(flynn, src.store, src.offset, src.n, src.type, k, order == Order.LARGEST);
        Object values = java.lang.reflect.Array.newInstance(src.type.javaType(), idx.length);
        src.gather(idx, values);
        return new TopK(values, idx);
    }

    /**
     * {@link #select} into the caller's arrays: writes the best {@code min(k, n)} values and indices to
     * the front of {@code values} and {@code indices} and returns how many; nothing is written if an
     * argument is wrong.
     *
     * @param flynn the runtime whose threads scan
     * @param x a {@code float[]}, {@code double[]}, {@code int[]}, {@code long[]}, {@link Slice} or {@code MemorySegment}
     * @param type the element type: required for a segment, checked against an array or slice; may be null for those
     * @param k how many
     * @param order which end
     * @param values an array of {@code x}'s type with room for {@code min(k, n)} elements
     * @param indices room for {@code min(k, n)} indices
     * @return {@code min(k, n)}, the number written
     * @throws IllegalArgumentException if {@code k} is negative, the types differ or an output is too short
     */
    public static int selectInto(Flynn flynn, Object x, DType type, int k, Order order, Object values, long[] indices) {
        checkArguments(flynn, k, order);
        Source src = Source.of(x, type);
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(indices, "indices");
        DType vt = DType.ofArray(values).orElseThrow(() -> new IllegalArgumentException("values must be a "
                + src.type.javaType() + "[], got " + values.getClass().getSimpleName()));
        CallBinder.checkType("values", src.type, vt);
        long want = Math.min(k, src.n);
        int room = Math.min(java.lang.reflect.Array.getLength(values), indices.length);
        if (room < want) {
            throw new IllegalArgumentException("the outputs hold " + java.lang.reflect.Array.getLength(values)
                    + " values and " + indices.length + " indices; " + want + " are selected: give arrays of at least "
                    + want);
        }
        long[] idx = TopKSelect.select(flynn, src.store, src.offset, src.n, src.type, k, order == Order.LARGEST);
        System.arraycopy(idx, 0, indices, 0, idx.length);
        src.gather(idx, values);
        return idx.length;
    }

    /**
     * The {@code k} best elements of every line of {@code x} along {@code axis} (of each row of a matrix with
     * {@code axis} 1), with their indices within the line, into {@code values} and {@code indices}: views of
     * {@code x}'s shape with {@code axis} of length {@code min(k, x.dim(axis))}, best first along it. Each
     * line's result is {@link #select}'s for that line alone; lines run in parallel. Nothing is written if
     * an argument is wrong.
     * <pre>{@code
     * long[] idx = new long[rows * 5];
     * float[] best = new float[rows * 5];
     * TopK.selectAlong(flynn, NdView.of(scores, rows, n), 1, 5, Order.LARGEST, NdView.of(best, rows, 5), NdView.of(idx, rows, 5));
     * }</pre>
     *
     * @param flynn the runtime whose threads share the lines
     * @param x the values, any rank of at least 1
     * @param axis the axis the lines run along
     * @param k how many per line; more than a line holds gives it all
     * @param order which end
     * @param values {@code x}'s type and shape, {@code axis} of length {@code min(k, x.dim(axis))}
     * @param indices I64 ({@code long[]} storage), of the shape of {@code values}
     * @throws IllegalArgumentException if {@code k} is negative, the axis does not exist, or a type or shape does not fit
     */
    public static void selectAlong(Flynn flynn, NdView x, int axis, int k, Order order, NdView values, NdView indices) {
        checkArguments(flynn, k, order);
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(indices, "indices");
        NdView.checkAxis(axis, x.rank());
        CallBinder.checkType("values", x.type(), values.type());
        CallBinder.checkType("indices", DType.I64, indices.type());
        long[] want = x.shape();
        want[axis] = Math.min(k, x.dim(axis));
        for (NdView out : new NdView[] {values, indices}) {
            if (!Arrays.equals(out.shape(), want)) {
                throw new IllegalArgumentException((out == values ? "values" : "indices") + " of shape " + Arrays.toString(out.shape())
                        + " cannot hold the top " + k + " along axis " + axis + " of shape " + Arrays.toString(x.shape())
                        + ": give shape " + Arrays.toString(want));
            }
            // a heap segment over x's own array counts as that array (NdMaps.overlaps compares the bytes)
            if (out.storage() == x.storage() || NdMaps.overlaps(out, x)) {
                throw new IllegalArgumentException("the output shares memory with x: give it storage of its own");
            }
        }
        if (x.storage() instanceof DeviceArray || values.storage() instanceof DeviceArray || indices.storage() instanceof DeviceArray) {
            throw new IllegalArgumentException("top-k reads and writes on the host: download device arrays first");
        }
        if (want[axis] == 0) {
            return;   // nothing to select, so nothing to write
        }
        DType type = x.type();
        NdRows.Plan plan = NdRows.plan(axis, new NdRows.Operand(x, NdRows.Use.READ_ARRAY),
                new NdRows.Operand(values, NdRows.Use.WRITE), new NdRows.Operand(indices, NdRows.Use.WRITE));
        plan.run(flynn, (one, line, lines) -> {
            Source src = Source.of(lines[0].arg(), type);
            long[] idx = TopKSelect.select(one, src.store, src.offset, src.n, type, k, order == Order.LARGEST);
            Source vals = Source.of(lines[1].arg(), type);
            Source ids = Source.of(lines[2].arg(), DType.I64);
            for (int i = 0; i < idx.length; i++) {
                src.copyTo(idx[i], vals, i);
                ids.setLong(i, idx[i]);
            }
        });
    }

    private static void checkArguments(Flynn flynn, int k, Order order) {
        Objects.requireNonNull(flynn, "flynn");
        Objects.requireNonNull(order, "order");
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + k);
        }
    }

    /**
     * The number of elements selected.
     *
     * @return {@code min(k, n)}
     */
    public int size() {
        return indices.length;
    }

    /**
     * The element type of the values.
     *
     * @return F32, F64, I32 or I64
     */
    public DType type() {
        return DType.ofArray(values).orElseThrow();
    }

    /**
     * The values of an F32 selection.
     *
     * @return the values, best first
     * @throws IllegalArgumentException if the values are not floats
     */
    public float[] floats() {
        return (float[]) typed(DType.F32);
    }

    /**
     * The values of an F64 selection.
     *
     * @return the values, best first
     * @throws IllegalArgumentException if the values are not doubles
     */
    public double[] doubles() {
        return (double[]) typed(DType.F64);
    }

    /**
     * The values of an I32 selection.
     *
     * @return the values, best first
     * @throws IllegalArgumentException if the values are not ints
     */
    public int[] ints() {
        return (int[]) typed(DType.I32);
    }

    /**
     * The values of an I64 selection.
     *
     * @return the values, best first
     * @throws IllegalArgumentException if the values are not longs
     */
    public long[] longs() {
        return (long[]) typed(DType.I64);
    }

    private Object typed(DType want) {
        if (type() != want) {
            throw new IllegalArgumentException("the values are " + type() + " (" + type().javaType() + "[]), not " + want
                    + ": call " + type().javaType() + "s()");
        }
        return values;
    }

    /** Equal when the values and indices are equal element by element (floating values by their bits). */
    @Override
    public boolean equals(Object o) {
        return o instanceof TopK t && Arrays.equals(indices, t.indices)
                && Arrays.deepEquals(new Object[] {values}, new Object[] {t.values});
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(indices) + Arrays.deepHashCode(new Object[] {values});
    }

    @Override
    public String toString() {
        return "TopK[values=" + Arrays.deepToString(new Object[] {values}).replaceAll("^\\[|\\]$", "")
                + ", indices=" + Arrays.toString(indices) + "]";
    }

    /** A 1-D operand: its storage, the element offset and count, and the element type. */
    private record Source(Object store, long offset, long n, DType type) {
        static Source of(Object x, DType type) {
            Objects.requireNonNull(x, "x");
            if (x instanceof MemorySegment seg) {
                if (type == null) {
                    throw new IllegalArgumentException("a MemorySegment has no element type: give it, as in"
                            + " TopK.select(flynn, segment, DType.F32, k, order)");
                }
                if (type == DType.BOOL) {
                    throw new IllegalArgumentException("masks (BOOL) are not stored in memory: select from F32, F64, I32"
                            + " or I64 values");
                }
                return new Source(seg, 0, CallBinder.segmentLength("x", seg, type), type);
            }
            Source s;
            if (x instanceof Slice sl) {
                s = new Source(sl.array(), sl.offset(), sl.length(), sl.type());
            } else {
                DType at = DType.ofArray(x).orElseThrow(() -> new IllegalArgumentException("x must be a float[], double[],"
                        + " int[], long[], Slice or MemorySegment, got " + x.getClass().getSimpleName()));
                s = new Source(x, 0, java.lang.reflect.Array.getLength(x), at);
            }
            if (type != null) {
                CallBinder.checkType("x", type, s.type);
            }
            return s;
        }

        /** Copies the elements at {@code idx} (relative to this source) into {@code out}, bit for bit. */
        void gather(long[] idx, Object out) {
            Source to = new Source(out, 0, idx.length, type);
            for (int i = 0; i < idx.length; i++) {
                copyTo(idx[i], to, i);
            }
        }

        /** Copies element {@code i} into element {@code j} of {@code to}, of the same type, bit for bit. */
        void copyTo(long i, Source to, long j) {
            long from = offset + i;
            long at = to.offset + j;
            if (store instanceof MemorySegment seg) {
                if (to.store instanceof MemorySegment dst) {
                    MemorySegment.copy(seg, from * type.byteSize(), dst, at * type.byteSize(), type.byteSize());
                } else {
                    MemorySegment.copy(seg, type.layout(), from * type.byteSize(), to.store, (int) at, 1);
                }
            } else if (to.store instanceof MemorySegment dst) {
                MemorySegment.copy(store, (int) from, dst, type.layout(), at * type.byteSize(), 1);
            } else {
                System.arraycopy(store, (int) from, to.store, (int) at, 1);
            }
        }

        /** Writes {@code v} to element {@code j} of this I64 source. */
        void setLong(long j, long v) {
            if (store instanceof MemorySegment seg) {
                seg.setAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, offset + j, v);
            } else {
                ((long[]) store)[(int) (offset + j)] = v;
            }
        }
    }
}
