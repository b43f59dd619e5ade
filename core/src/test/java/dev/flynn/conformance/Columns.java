package dev.flynn.conformance;

import dev.flynn.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Primitive arrays of any element type seen through one interface: elements as bits (floats as
 * {@code floatToIntBits}/{@code doubleToLongBits}, so every NaN compares equal; integers as their
 * sign-extended value).
 */
public final class Columns {
    private Columns() {
    }

    public static Object allocate(DType type, int n) {
        return switch (type) {
            case F32 -> new float[n];
            case F64 -> new double[n];
            case I32 -> new int[n];
            case I64 -> new long[n];
            case BOOL -> throw new IllegalArgumentException("masks have no array type");
        };
    }

    public static int length(Object array) {
        return java.lang.reflect.Array.getLength(array);
    }

    public static DType type(Object array) {
        return DType.ofArray(array).orElseThrow(() -> new IllegalArgumentException("not a numeric array: " + array));
    }

    /** Element {@code i} as bits; NaNs are canonical. */
    public static long bits(Object array, int i) {
        return switch (array) {
            case float[] a -> Float.floatToIntBits(a[i]);
            case double[] a -> Double.doubleToLongBits(a[i]);
            case int[] a -> a[i];
            case long[] a -> a[i];
            default -> throw new IllegalArgumentException("not a numeric array: " + array);
        };
    }

    /** The bits with every NaN replaced by the canonical one. */
    public static long canonical(DType type, long bits) {
        return switch (type) {
            case F32 -> Float.floatToIntBits(Float.intBitsToFloat((int) bits));
            case F64 -> Double.doubleToLongBits(Double.longBitsToDouble(bits));
            default -> bits;
        };
    }

    /** Element {@code i} as raw bits (NaN payloads kept), to check that memory was not written. */
    public static long rawBits(Object array, int i) {
        return switch (array) {
            case float[] a -> Float.floatToRawIntBits(a[i]);
            case double[] a -> Double.doubleToRawLongBits(a[i]);
            default -> bits(array, i);
        };
    }

    public static void set(Object array, int i, long bits) {
        switch (array) {
            case float[] a -> a[i] = Float.intBitsToFloat((int) bits);
            case double[] a -> a[i] = Double.longBitsToDouble(bits);
            case int[] a -> a[i] = (int) bits;
            case long[] a -> a[i] = bits;
            default -> throw new IllegalArgumentException("not a numeric array: " + array);
        }
    }

    /** The value that {@code bits} encode in {@code type}, widened to double (integers may round). */
    public static double value(DType type, long bits) {
        return switch (type) {
            case F32 -> Float.intBitsToFloat((int) bits);
            case F64 -> Double.longBitsToDouble(bits);
            case I32, I64 -> bits;
            case BOOL -> bits != 0 ? 1 : 0;
        };
    }

    /** The bits of {@code v} as a value of {@code type}, for floating types. */
    public static long bitsOf(DType type, double v) {
        return switch (type) {
            case F32 -> Float.floatToIntBits((float) v);
            case F64 -> Double.doubleToLongBits(v);
            default -> throw new IllegalArgumentException(type + " is not floating");
        };
    }

    /** Text of a value for messages: the number and its raw bits. */
    public static String text(DType type, long bits) {
        return switch (type) {
            case F32 -> Float.intBitsToFloat((int) bits) + "f [0x" + Integer.toHexString((int) bits) + "]";
            case F64 -> Double.longBitsToDouble(bits) + " [0x" + Long.toHexString(bits) + "]";
            case I32 -> (int) bits + " [0x" + Integer.toHexString((int) bits) + "]";
            case I64 -> bits + "L [0x" + Long.toHexString(bits) + "]";
            case BOOL -> Boolean.toString(bits != 0);
        };
    }

    /** An array of {@code n} elements cycling through {@code pool}, starting at pool element {@code shift}. */
    public static Object cyclic(Object pool, int n, int shift) {
        int k = length(pool);
        Object out = allocate(type(pool), n);
        int j = Math.floorMod(shift, k);
        for (int i = 0; i < n; ) {
            int run = Math.min(k - j, n - i);
            System.arraycopy(pool, j, out, i, run);
            i += run;
            j = 0;
        }
        return out;
    }

    /** A marker written into outputs before a call: finite, unusual, and never a result of the test data. */
    public static long sentinel(DType type) {
        return switch (type) {
            case F32 -> Float.floatToIntBits(-1.2345678e-29f);
            case F64 -> Double.doubleToLongBits(-1.2345678901234567e-290);
            case I32 -> 0x5EAD5EAD;
            case I64 -> 0x5EAD5EAD_5EAD5EADL;
            case BOOL -> throw new IllegalArgumentException("masks are not stored");
        };
    }

    public static Object filled(DType type, int n, long bits) {
        Object a = allocate(type, n);
        for (int i = 0; i < n; i++) {
            set(a, i, bits);
        }
        return a;
    }

    /** Index of the first element that no longer holds {@code bits}, or -1. */
    public static int firstChanged(Object array, long bits) {
        for (int i = 0; i < length(array); i++) {
            if (rawBits(array, i) != bits) {
                return i;
            }
        }
        return -1;
    }

    /** A copy of the array in off-heap memory of {@code arena}. */
    public static MemorySegment toSegment(Arena arena, Object array) {
        DType t = type(array);
        int n = length(array);
        MemorySegment seg = arena.allocate((long) n * t.byteSize(), t.byteSize());
        switch (array) {
            case float[] a -> MemorySegment.copy(a, 0, seg, t.layout(), 0, n);
            case double[] a -> MemorySegment.copy(a, 0, seg, t.layout(), 0, n);
            case int[] a -> MemorySegment.copy(a, 0, seg, t.layout(), 0, n);
            case long[] a -> MemorySegment.copy(a, 0, seg, t.layout(), 0, n);
            default -> throw new IllegalArgumentException("not a numeric array: " + array);
        }
        return seg;
    }

    /** The elements of a segment as an array of {@code type}. */
    public static Object fromSegment(MemorySegment seg, DType type) {
        int n = Math.toIntExact(seg.byteSize() / type.byteSize());
        Object out = allocate(type, n);
        switch (out) {
            case float[] a -> MemorySegment.copy(seg, type.layout(), 0, a, 0, n);
            case double[] a -> MemorySegment.copy(seg, type.layout(), 0, a, 0, n);
            case int[] a -> MemorySegment.copy(seg, type.layout(), 0, a, 0, n);
            case long[] a -> MemorySegment.copy(seg, type.layout(), 0, a, 0, n);
            default -> throw new IllegalStateException();
        }
        return out;
    }
}
