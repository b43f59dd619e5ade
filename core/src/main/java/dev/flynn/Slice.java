package dev.flynn;

import java.util.Objects;

/**
 * Elements {@code offset .. offset+length-1} of a primitive array, as a kernel input or output.
 * <pre>{@code kernel.into(Slice.of(out, 10, 100), Slice.of(x, 0, 100));}</pre>
 */
public record Slice(Object array, int offset, int length) {
    public Slice {
        Objects.requireNonNull(array, "array");
        if (DType.ofArray(array).isEmpty()) {
            throw new IllegalArgumentException("a slice needs a float[], double[], int[] or long[], got "
                    + array.getClass().getSimpleName());
        }
        Objects.checkFromIndexSize(offset, length, java.lang.reflect.Array.getLength(array));
    }

    public static Slice of(float[] a, int offset, int length) {
        return new Slice(a, offset, length);
    }

    public static Slice of(double[] a, int offset, int length) {
        return new Slice(a, offset, length);
    }

    public static Slice of(int[] a, int offset, int length) {
        return new Slice(a, offset, length);
    }

    public static Slice of(long[] a, int offset, int length) {
        return new Slice(a, offset, length);
    }

    /** The element type of the array. */
    public DType type() {
        return DType.ofArray(array).orElseThrow();
    }
}
