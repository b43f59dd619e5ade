package dev.flynn;

import java.util.Objects;

/**
 * Elements {@code offset .. offset+length-1} of a primitive array, as a kernel input or output.
 * <pre>{@code kernel.into(Slice.of(out, 10, 100), Slice.of(x, 0, 100));}</pre>
 *
 * @param array a {@code float[]}, {@code double[]}, {@code int[]} or {@code long[]}
 * @param offset the index of the first element
 * @param length the number of elements
 */
public record Slice(Object array, int offset, int length) {
    /**
     * Checks the array type and the bounds.
     *
     * @throws IllegalArgumentException if {@code array} is not a float, double, int or long array
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    public Slice {
        Objects.requireNonNull(array, "array");
        if (DType.ofArray(array).isEmpty()) {
            throw new IllegalArgumentException("a slice needs a float[], double[], int[] or long[], got "
                    + array.getClass().getSimpleName());
        }
        Objects.checkFromIndexSize(offset, length, java.lang.reflect.Array.getLength(array));
    }

    /**
     * A slice of a {@code float[]}.
     *
     * @param a the array
     * @param offset the index of the first element
     * @param length the number of elements
     * @return the slice
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    public static Slice of(float[] a, int offset, int length) {
        return new Slice(a, offset, length);
    }

    /**
     * A slice of a {@code double[]}.
     *
     * @param a the array
     * @param offset the index of the first element
     * @param length the number of elements
     * @return the slice
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    public static Slice of(double[] a, int offset, int length) {
        return new Slice(a, offset, length);
    }

    /**
     * A slice of an {@code int[]}.
     *
     * @param a the array
     * @param offset the index of the first element
     * @param length the number of elements
     * @return the slice
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    public static Slice of(int[] a, int offset, int length) {
        return new Slice(a, offset, length);
    }

    /**
     * A slice of a {@code long[]}.
     *
     * @param a the array
     * @param offset the index of the first element
     * @param length the number of elements
     * @return the slice
     * @throws IndexOutOfBoundsException if the range is not inside the array
     */
    public static Slice of(long[] a, int offset, int length) {
        return new Slice(a, offset, length);
    }

    /**
     * The element type of the array.
     *
     * @return F32, F64, I32 or I64
     */
    public DType type() {
        return DType.ofArray(array).orElseThrow();
    }
}
