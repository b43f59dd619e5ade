package dev.flynn;

/**
 * Elements {@code offset .. offset+length-1} of a device array: the line {@link NdRows} hands a task
 * from a device-resident {@link NdView}, which the runtime binds as the array at an element offset.
 *
 * @param array the device array
 * @param offset the index of the first element
 * @param length the number of elements
 */
record DeviceSlice(DeviceArray array, long offset, long length) {
    DeviceSlice {
        java.util.Objects.checkFromIndexSize(offset, length, array.length());
    }
}
