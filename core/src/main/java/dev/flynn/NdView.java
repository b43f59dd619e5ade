package dev.flynn;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * An n-dimensional strided view of storage Flynn takes ({@code float[]}, {@code double[]},
 * {@code int[]}, {@code long[]}, a {@code MemorySegment} or a {@link DeviceArray}): element
 * {@code (i0, i1, ...)} is storage element {@code offset + i0*strides[0] + i1*strides[1] + ...}.
 * Strides count elements, not bytes. No data is copied; a view is checked when it is made, so every
 * element it can reach lies inside its storage.
 * <pre>{@code
 * float[] a = new float[12];
 * NdView m = NdView.of(a, 3, 4);      // a 3x4 row-major matrix: strides [4, 1]
 * NdView t = m.transpose();           // 4x3, strides [1, 4], the same memory
 * }</pre>
 * A stride of 0 repeats one element along its axis (what {@link #broadcastTo} makes): such a view
 * can be read, but an output with stride 0 on an axis longer than 1 is rejected.
 *
 * @param storage the array, segment or device array the elements live in
 * @param type the element type (the array's or device array's own; any numeric type for a segment)
 * @param shape the length of each axis, outermost first; rank 0 is one element
 * @param strides the distance in elements between neighbours along each axis, non-negative
 * @param offset the storage index of element {@code (0, 0, ...)}
 */
public record NdView(Object storage, DType type, long[] shape, long[] strides, long offset) {

    /**
     * Checks the storage, the type and that every reachable element is inside the storage; copies the arrays.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the storage is not one Flynn takes, the type does not match it,
     *     shape and strides differ in rank, or an axis length or stride is negative
     * @throws IndexOutOfBoundsException if an element the view reaches lies outside the storage, or the
     *     arithmetic to find out overflows
     */
    public NdView {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(strides, "strides");
        shape = shape.clone();
        strides = strides.clone();
        checkStorage(storage, type);
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + shape.length
                    + " axes but strides " + Arrays.toString(strides) + " have " + strides.length + "; give one stride per axis");
        }
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("axis " + i + " of shape " + Arrays.toString(shape) + " has negative length " + shape[i]);
            }
            if (strides[i] < 0) {
                throw new IllegalArgumentException("axis " + i + " has negative stride " + strides[i] + " (strides "
                        + Arrays.toString(strides) + "); Flynn's views take strides >= 0");
            }
        }
        checkBounds(storage, type, shape, strides, offset);
    }

    // ---- factories ---------------------------------------------------------------------------

    /**
     * A row-major view of a whole {@code float[]}: {@code NdView.of(a, rows, cols)}.
     *
     * @param a the array, exactly as long as the shape's element count
     * @param shape the length of each axis; none for a single element
     * @return the view
     * @throws IllegalArgumentException if the shape's element count is not {@code a.length}
     */
    public static NdView of(float[] a, long... shape) {
        return rowMajor(a, DType.F32, a.length, shape);
    }

    /**
     * A row-major view of a whole {@code double[]}.
     *
     * @param a the array, exactly as long as the shape's element count
     * @param shape the length of each axis
     * @return the view
     * @throws IllegalArgumentException if the shape's element count is not {@code a.length}
     */
    public static NdView of(double[] a, long... shape) {
        return rowMajor(a, DType.F64, a.length, shape);
    }

    /**
     * A row-major view of a whole {@code int[]}.
     *
     * @param a the array, exactly as long as the shape's element count
     * @param shape the length of each axis
     * @return the view
     * @throws IllegalArgumentException if the shape's element count is not {@code a.length}
     */
    public static NdView of(int[] a, long... shape) {
        return rowMajor(a, DType.I32, a.length, shape);
    }

    /**
     * A row-major view of a whole {@code long[]}.
     *
     * @param a the array, exactly as long as the shape's element count
     * @param shape the length of each axis
     * @return the view
     * @throws IllegalArgumentException if the shape's element count is not {@code a.length}
     */
    public static NdView of(long[] a, long... shape) {
        return rowMajor(a, DType.I64, a.length, shape);
    }

    /**
     * A row-major view of a whole segment holding elements of {@code type}.
     *
     * @param segment the memory, exactly the shape's element count times the type's size in bytes
     * @param type the element type (not BOOL)
     * @param shape the length of each axis
     * @return the view
     * @throws IllegalArgumentException if the sizes do not match
     */
    public static NdView of(MemorySegment segment, DType type, long... shape) {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(type, "type");
        checkStorage(segment, type);
        if (segment.byteSize() % type.byteSize() != 0) {
            throw new IllegalArgumentException("a segment of " + segment.byteSize() + " bytes is not a whole number of "
                    + type + " elements (" + type.byteSize() + " bytes each)");
        }
        return rowMajor(segment, type, segment.byteSize() / type.byteSize(), shape);
    }

    /**
     * A row-major view of a whole device array.
     *
     * @param array the device array, exactly as long as the shape's element count
     * @param shape the length of each axis
     * @return the view
     * @throws IllegalArgumentException if the shape's element count is not the array's length
     */
    public static NdView of(DeviceArray array, long... shape) {
        Objects.requireNonNull(array, "array");
        return rowMajor(array, array.type(), array.length(), shape);
    }

    /**
     * A view with strides of your choosing over an array or device array, whose own element type it takes:
     * {@code NdView.strided(a, 1, new long[] {3, 2}, new long[] {4, 2})} is rows 0..2, columns 1 and 3
     * of a row-major matrix with 4 columns.
     *
     * @param storage a {@code float[]}, {@code double[]}, {@code int[]}, {@code long[]} or {@link DeviceArray}
     * @param offset the storage index of the first element
     * @param shape the length of each axis
     * @param strides the distance in elements between neighbours along each axis
     * @return the view
     * @throws IllegalArgumentException if the storage is a segment (give its type: use the constructor) or not one Flynn takes
     * @throws IndexOutOfBoundsException if an element lies outside the storage
     */
    public static NdView strided(Object storage, long offset, long[] shape, long[] strides) {
        Objects.requireNonNull(storage, "storage");
        DType t = storage instanceof DeviceArray d ? d.type() : DType.ofArray(storage).orElse(null);
        if (t == null) {
            throw new IllegalArgumentException(storage instanceof MemorySegment
                    ? "a segment does not know its element type: use new NdView(segment, type, shape, strides, offset)"
                    : "a view needs a float[], double[], int[], long[], MemorySegment or DeviceArray, got "
                    + storage.getClass().getSimpleName());
        }
        return new NdView(storage, t, shape, strides, offset);
    }

    private static NdView rowMajor(Object storage, DType type, long length, long[] shape) {
        Objects.requireNonNull(shape, "shape");
        long[] strides = new long[shape.length];
        long size = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("axis " + i + " of shape " + Arrays.toString(shape) + " has negative length " + shape[i]);
            }
            strides[i] = size;
            size = multiplyOrMax(size, shape[i]);
        }
        if (size != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds "
                    + (size == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : String.valueOf(size))
                    + " elements, the storage " + length + "; a row-major view covers its storage exactly");
        }
        // an empty shape's strides are never used to reach an element; keep them small and non-negative
        return new NdView(storage, type, shape, strides, 0);
    }

    // ---- shape ---------------------------------------------------------------------------------

    /**
     * A copy of the shape.
     *
     * @return the length of each axis, outermost first
     */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /**
     * A copy of the strides.
     *
     * @return the stride of each axis in elements
     */
    @Override
    public long[] strides() {
        return strides.clone();
    }

    /**
     * The number of axes.
     *
     * @return the rank, 0 for a single element
     */
    public int rank() {
        return shape.length;
    }

    /**
     * The length of one axis.
     *
     * @param axis 0 for the outermost
     * @return its length
     * @throws IllegalArgumentException if there is no such axis
     */
    public long dim(int axis) {
        return shape[checkAxis(axis, shape.length)];
    }

    /**
     * The stride of one axis, in elements.
     *
     * @param axis 0 for the outermost
     * @return its stride
     * @throws IllegalArgumentException if there is no such axis
     */
    public long stride(int axis) {
        return strides[checkAxis(axis, shape.length)];
    }

    /**
     * The number of elements: the product of the shape (1 for rank 0).
     *
     * @return the element count
     * @throws ArithmeticException if it exceeds {@code Long.MAX_VALUE} (possible only with stride-0 axes)
     */
    public long size() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /**
     * The storage index of one element.
     *
     * @param index one index per axis
     * @return {@code offset + sum(index[i] * strides[i])}
     * @throws IllegalArgumentException if the number of indices is not the rank
     * @throws IndexOutOfBoundsException if an index is outside its axis
     */
    public long indexOf(long... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("a rank-" + shape.length + " view takes " + shape.length + " indices, got "
                    + index.length);
        }
        long at = offset;
        for (int i = 0; i < index.length; i++) {
            Objects.checkIndex(index[i], shape[i]);
            at += index[i] * strides[i];
        }
        return at;
    }

    // ---- new views of the same storage ------------------------------------------------------------

    /**
     * The axes in reverse order: a row-major matrix's transpose, with no copy.
     *
     * @return the transposed view
     */
    public NdView transpose() {
        int[] order = new int[shape.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = order.length - 1 - i;
        }
        return permute(order);
    }

    /**
     * The axes in the given order: axis {@code i} of the result is axis {@code order[i]} of this view.
     *
     * @param order a permutation of {@code 0 .. rank()-1}
     * @return the permuted view
     * @throws IllegalArgumentException if {@code order} is not such a permutation
     */
    public NdView permute(int... order) {
        Objects.requireNonNull(order, "order");
        if (order.length != shape.length) {
            throw new IllegalArgumentException("permute of a rank-" + shape.length + " view needs " + shape.length
                    + " axes, got " + Arrays.toString(order));
        }
        boolean[] seen = new boolean[order.length];
        long[] s = new long[order.length];
        long[] st = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            int a = order[i];
            if (a < 0 || a >= order.length || seen[a]) {
                throw new IllegalArgumentException(Arrays.toString(order) + " is not a permutation of the axes 0.."
                        + (order.length - 1));
            }
            seen[a] = true;
            s[i] = shape[a];
            st[i] = strides[a];
        }
        return new NdView(storage, type, s, st, offset);
    }

    /**
     * This view broadcast to a larger shape by NumPy's rules: axes are matched from the last; each of
     * this view's axes must equal the target's or be 1 (then it repeats, with stride 0); missing leading
     * axes repeat the whole view.
     *
     * @param target the shape to broadcast to
     * @return a view of {@code target}'s shape over the same storage
     * @throws IllegalArgumentException if this shape does not broadcast to {@code target}, naming both
     */
    public NdView broadcastTo(long... target) {
        Objects.requireNonNull(target, "target");
        if (target.length < shape.length) {
            throw cannotBroadcast(shape, target);
        }
        long[] st = new long[target.length];
        int lead = target.length - shape.length;
        for (int i = 0; i < target.length; i++) {
            if (target[i] < 0) {
                throw new IllegalArgumentException("axis " + i + " of shape " + Arrays.toString(target) + " has negative length " + target[i]);
            }
            if (i < lead) {
                continue;
            }
            long d = shape[i - lead];
            if (d == target[i]) {
                st[i] = strides[i - lead];
            } else if (d != 1) {
                throw cannotBroadcast(shape, target);
            }
        }
        return new NdView(storage, type, target, st, offset);
    }

    /**
     * The shape NumPy's broadcasting gives for operands of these shapes: axes matched from the last,
     * each the common length of the operands that have it, where a length of 1 stretches.
     *
     * @param shapes the operands' shapes (a scalar's is {@code new long[0]})
     * @return the broadcast shape
     * @throws IllegalArgumentException if two shapes have different lengths other than 1 on an axis, naming both
     */
    public static long[] broadcastShape(long[]... shapes) {
        Objects.requireNonNull(shapes, "shapes");
        int rank = 0;
        for (long[] s : shapes) {
            Objects.requireNonNull(s, "shape");
            rank = Math.max(rank, s.length);
        }
        long[] out = new long[rank];
        Arrays.fill(out, 1);
        long[][] from = new long[rank][];
        for (long[] s : shapes) {
            int lead = rank - s.length;
            for (int i = 0; i < s.length; i++) {
                long d = s[i];
                if (d < 0) {
                    throw new IllegalArgumentException("axis " + i + " of shape " + Arrays.toString(s) + " has negative length " + d);
                }
                long o = out[lead + i];
                if (d == o || d == 1) {
                    from[lead + i] = from[lead + i] == null ? s : from[lead + i];
                } else if (o == 1) {
                    out[lead + i] = d;
                    from[lead + i] = s;
                } else {
                    throw cannotBroadcast(from[lead + i], s);
                }
            }
        }
        return out;
    }

    private static IllegalArgumentException cannotBroadcast(long[] a, long[] b) {
        return new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                + " do not broadcast: matched from the last axis, each pair of lengths must be equal or one of them 1");
    }

    // ---- value semantics -------------------------------------------------------------------------

    /**
     * Views are equal when they are over the same storage object with the same type, shape, strides and offset.
     *
     * @param o another object
     * @return whether it is an equal view
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof NdView v && v.storage == storage && v.type == type && v.offset == offset
                && Arrays.equals(v.shape, shape) && Arrays.equals(v.strides, strides);
    }

    @Override
    public int hashCode() {
        return ((System.identityHashCode(storage) * 31 + type.hashCode()) * 31 + Arrays.hashCode(shape)) * 31
                + Arrays.hashCode(strides) + Long.hashCode(offset);
    }

    @Override
    public String toString() {
        return "NdView[" + type + " " + describe(storage) + ", shape " + Arrays.toString(shape) + ", strides "
                + Arrays.toString(strides) + ", offset " + offset + "]";
    }

    // ---- checks -------------------------------------------------------------------------------

    static int checkAxis(int axis, int rank) {
        if (axis < 0 || axis >= rank) {
            throw new IllegalArgumentException("axis " + axis + " does not exist in a rank-" + rank + " view; axes are 0.."
                    + (rank - 1));
        }
        return axis;
    }

    /** The number of whole elements of {@code type} in {@code storage}. */
    static long storageLength(Object storage, DType type) {
        return switch (storage) {
            case MemorySegment m -> m.byteSize() / type.byteSize();
            case DeviceArray d -> d.length();
            default -> java.lang.reflect.Array.getLength(storage);
        };
    }

    private static void checkStorage(Object storage, DType type) {
        if (type == DType.BOOL) {
            throw new IllegalArgumentException("masks (BOOL) are not stored; a view needs F32, F64, I32 or I64");
        }
        DType own = switch (storage) {
            case MemorySegment m -> type;
            case DeviceArray d -> d.type();
            default -> DType.ofArray(storage).orElseThrow(() -> new IllegalArgumentException(
                    "a view needs a float[], double[], int[], long[], MemorySegment or DeviceArray, got "
                            + storage.getClass().getSimpleName()));
        };
        if (own != type) {
            throw new IllegalArgumentException("the storage holds " + own + ", not " + type + "; give the view type " + own);
        }
    }

    private static void checkBounds(Object storage, DType type, long[] shape, long[] strides, long offset) {
        long length = storageLength(storage, type);
        boolean empty = false;
        for (long d : shape) {
            empty |= d == 0;
        }
        if (empty) {
            // no element is reachable; the offset must still name a place in (or just past) the storage
            if (offset < 0 || offset > length) {
                throw outside(storage, type, shape, strides, offset, "the offset is outside the storage");
            }
            return;
        }
        if (offset < 0) {
            throw outside(storage, type, shape, strides, offset, "the offset is negative");
        }
        long last = offset;
        try {
            for (int i = 0; i < shape.length; i++) {
                last = Math.addExact(last, Math.multiplyExact(strides[i], shape[i] - 1));
            }
        } catch (ArithmeticException e) {
            throw outside(storage, type, shape, strides, offset, "the last element's index overflows a long");
        }
        if (last >= length) {
            throw outside(storage, type, shape, strides, offset, "the last element is at index " + last);
        }
    }

    private static IndexOutOfBoundsException outside(Object storage, DType type, long[] shape, long[] strides, long offset,
                                                     String why) {
        return new IndexOutOfBoundsException("a view of shape " + Arrays.toString(shape) + ", strides "
                + Arrays.toString(strides) + " and offset " + offset + " reaches outside its storage of "
                + storageLength(storage, type) + " " + type + " elements: " + why);
    }

    private static String describe(Object storage) {
        return switch (storage) {
            case MemorySegment m -> "segment of " + m.byteSize() + " bytes";
            case DeviceArray d -> d.backend() + " array of " + d.length();
            default -> storage.getClass().getComponentType() + "[" + java.lang.reflect.Array.getLength(storage) + "]";
        };
    }

    private static long multiplyOrMax(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
    }
}
