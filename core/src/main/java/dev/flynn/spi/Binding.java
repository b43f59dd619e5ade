package dev.flynn.spi;

/** How compiled code reaches an operand's elements; part of the compiled-kernel cache key. */
public enum Binding {
    /** A Java primitive array ({@code float[]}, {@code double[]}, {@code int[]}, {@code long[]}) and an element offset. */
    ARRAY,
    /** A {@code MemorySegment} and an element (not byte) offset; indices may exceed 2^31. */
    SEGMENT,
    /** One value broadcast to every element, read from the argument array at {@code KernelIR.scalarSlot(i)}. */
    SCALAR,
    /** A {@link dev.flynn.DeviceArray}: memory of the backend that owns it. */
    DEVICE,
    /** No operand (the output of a reduction). */
    NONE
}
