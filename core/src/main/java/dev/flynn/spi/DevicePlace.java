package dev.flynn.spi;

import dev.flynn.DeviceArray;

import java.util.Objects;

/**
 * A 2-D walk over a device array's elements, for {@link BackendProvider#copyStrided}: element
 * {@code (r, c)} is element {@code offset + r*rowStride + c*colStride} of {@code array}, all in
 * elements of the array's type. Strides may be 0 (a broadcast row or column).
 *
 * @param array the device array
 * @param offset the element of {@code (0, 0)}
 * @param rowStride elements from one row to the next
 * @param colStride elements from one column to the next
 */
public record DevicePlace(DeviceArray array, long offset, long rowStride, long colStride) {
    /**
     * Checks the walk.
     *
     * @throws IllegalArgumentException if the offset or a stride is negative
     */
    public DevicePlace {
        Objects.requireNonNull(array, "array");
        if (offset < 0 || rowStride < 0 || colStride < 0) {
            throw new IllegalArgumentException("offset " + offset + " and strides " + rowStride + ", " + colStride
                    + " must not be negative");
        }
    }

    /**
     * Whether {@code rows × cols} elements of this walk lie inside the array.
     *
     * @param rows the rows walked
     * @param cols the columns walked
     * @return whether the last element is in bounds (the first is, where there is any)
     */
    public boolean fits(long rows, long cols) {
        if (rows == 0 || cols == 0) {
            return true;
        }
        try {
            long last = Math.addExact(offset, Math.addExact(Math.multiplyExact(rows - 1, rowStride),
                    Math.multiplyExact(cols - 1, colStride)));
            return last < array.length();
        } catch (ArithmeticException e) {
            return false;
        }
    }
}
