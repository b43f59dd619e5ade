package dev.flynn;

import java.lang.foreign.ValueLayout;

/**
 * Element types of kernel inputs, outputs and intermediate values.
 * {@link #BOOL} is the type of comparison results (masks); it is never stored in an array.
 */
public enum DType {
    /** 32-bit IEEE 754 float, Java {@code float}. */
    F32(4, float.class, ValueLayout.JAVA_FLOAT_UNALIGNED),
    /** 64-bit IEEE 754 float, Java {@code double}. */
    F64(8, double.class, ValueLayout.JAVA_DOUBLE_UNALIGNED),
    /** 32-bit two's complement integer, Java {@code int}. */
    I32(4, int.class, ValueLayout.JAVA_INT_UNALIGNED),
    /** 64-bit two's complement integer, Java {@code long}. */
    I64(8, long.class, ValueLayout.JAVA_LONG_UNALIGNED),
    /** A mask: the result of a comparison, combined with and/or/not and consumed by select. */
    BOOL(1, boolean.class, null);

    private final int byteSize;
    private final Class<?> javaType;
    private final ValueLayout layout;

    DType(int byteSize, Class<?> javaType, ValueLayout layout) {
        this.byteSize = byteSize;
        this.javaType = javaType;
        this.layout = layout;
    }

    /**
     * Bytes per element in an array or segment.
     *
     * @return the size in bytes: 4 for F32 and I32, 8 for F64 and I64
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * The Java primitive type with the same semantics.
     *
     * @return the primitive class, such as {@code float.class}
     */
    public Class<?> javaType() {
        return javaType;
    }

    /**
     * The (unaligned) memory layout of one element in a {@code MemorySegment}; BOOL has none.
     *
     * @return the layout
     * @throws IllegalArgumentException for BOOL
     */
    public ValueLayout layout() {
        if (layout == null) {
            throw new IllegalArgumentException("masks (BOOL) are not stored in memory; cast to an integer type first");
        }
        return layout;
    }

    /**
     * Whether this is F32 or F64.
     *
     * @return true for the floating-point types
     */
    public boolean isFloating() {
        return this == F32 || this == F64;
    }

    /**
     * Whether this is I32 or I64.
     *
     * @return true for the integer types
     */
    public boolean isIntegral() {
        return this == I32 || this == I64;
    }

    /**
     * Whether this is a number type, that is anything but BOOL.
     *
     * @return false only for BOOL
     */
    public boolean isNumeric() {
        return this != BOOL;
    }

    /**
     * The Java array class holding elements of this type ({@code float[]} for F32, ...).
     *
     * @return the array class
     * @throws IllegalArgumentException for BOOL
     */
    public Class<?> arrayType() {
        return switch (this) {
            case F32 -> float[].class;
            case F64 -> double[].class;
            case I32 -> int[].class;
            case I64 -> long[].class;
            case BOOL -> throw new IllegalArgumentException("masks (BOOL) have no array type; cast to an integer type first");
        };
    }

    /**
     * Java's binary numeric promotion (JLS 5.6): the wider of the two, floating over integral.
     *
     * @param a one operand type
     * @param b the other operand type
     * @return the promoted type
     * @throws IllegalArgumentException if either is BOOL
     */
    public static DType promote(DType a, DType b) {
        if (a == BOOL || b == BOOL) {
            throw new IllegalArgumentException("no numeric promotion between " + a + " and " + b);
        }
        if (a == F64 || b == F64) return F64;
        if (a == F32 || b == F32) return F32;
        if (a == I64 || b == I64) return I64;
        return I32;
    }

    /**
     * The element type of a Java array, or empty if it is not a float, double, int or long array.
     *
     * @param array any object, possibly null
     * @return the element type, or empty
     */
    public static java.util.Optional<DType> ofArray(Object array) {
        return switch (array) {
            case float[] a -> ArrayTypes.F32;
            case double[] a -> ArrayTypes.F64;
            case int[] a -> ArrayTypes.I32;
            case long[] a -> ArrayTypes.I64;
            case null, default -> java.util.Optional.empty();
        };
    }

    /** One answer per type, made once: the runtime asks on every call and must not allocate. */
    private static final class ArrayTypes {
        static final java.util.Optional<DType> F32 = java.util.Optional.of(DType.F32);
        static final java.util.Optional<DType> F64 = java.util.Optional.of(DType.F64);
        static final java.util.Optional<DType> I32 = java.util.Optional.of(DType.I32);
        static final java.util.Optional<DType> I64 = java.util.Optional.of(DType.I64);
    }

    /**
     * Lower-case name used in text ({@code f32}, {@code f64}, {@code i32}, {@code i64}, {@code bool}).
     *
     * @return the label
     */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
