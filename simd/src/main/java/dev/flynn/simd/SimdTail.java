package dev.flynn.simd;

import dev.flynn.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The last, partial vector of a range, read and written through a per-thread scratch vector instead of
 * masked loads and stores. A masked access that reaches past an array's or segment's end goes through
 * the Vector API's per-lane bounds check, whose comparison mask C2 keeps as an object in the compiled
 * kernel: a few dozen bytes per call and per operand. Here the live elements are copied into a scratch of
 * one vector with zeros in the other lanes (the values a masked load gives there, so the dead lanes
 * compute exactly what they did), the vector is read from it unmasked, and a result's live lanes are
 * copied out. Generated kernels call these methods only in their tail; C2 inlines them.
 *
 * <p>One scratch per thread, because compiled kernels run on many threads at once; the generated code
 * looks it up once per call that has a tail ({@link #current}). A vector read from the scratch is a
 * value, so every operand of a step reuses the same scratch.
 */
final class SimdTail {
    /** The most lanes a kernel's vectors have: the machine's widest vector of 32-bit lanes. */
    static final int MAX_LANES = Math.max(2, SimdShapes.machineBits() / Integer.SIZE);

    private static final ThreadLocal<SimdTail> CURRENT = ThreadLocal.withInitial(SimdTail::new);

    private final float[] floats = new float[MAX_LANES];
    private final double[] doubles = new double[MAX_LANES];
    private final int[] ints = new int[MAX_LANES];
    private final long[] longs = new long[MAX_LANES];

    private SimdTail() {
    }

    /** {@code known} if the call has looked its scratch up already, else this thread's. */
    static SimdTail current(SimdTail known) {
        return known != null ? known : CURRENT.get();
    }

    /** The part of the names of the segment reads and writes and of the scratch getters that names {@code t}. */
    static String suffix(DType t) {
        return switch (t) {
            case F32 -> "Floats";
            case F64 -> "Doubles";
            case I32 -> "Ints";
            case I64 -> "Longs";
            case BOOL -> throw new IllegalArgumentException("masks are not read or written through memory");
        };
    }

    /**
     * The live lanes of a step {@code remaining} elements before the range's end: none when negative (a
     * reduction's tail steps past the end, where even an empty copy from there would be out of bounds),
     * all when past a vector.
     */
    private static int live(long remaining, int lanes) {
        return (int) Math.clamp(remaining, 0, lanes);
    }

    // ---- reads: the live elements from index at, zeros after them

    static float[] in(SimdTail t, float[] src, int at, int remaining, int lanes) {
        int n = live(remaining, lanes);
        Arrays.fill(t.floats, n, lanes, 0f);
        if (n > 0) {
            System.arraycopy(src, at, t.floats, 0, n);
        }
        return t.floats;
    }

    static double[] in(SimdTail t, double[] src, int at, int remaining, int lanes) {
        int n = live(remaining, lanes);
        Arrays.fill(t.doubles, n, lanes, 0d);
        if (n > 0) {
            System.arraycopy(src, at, t.doubles, 0, n);
        }
        return t.doubles;
    }

    static int[] in(SimdTail t, int[] src, int at, int remaining, int lanes) {
        int n = live(remaining, lanes);
        Arrays.fill(t.ints, n, lanes, 0);
        if (n > 0) {
            System.arraycopy(src, at, t.ints, 0, n);
        }
        return t.ints;
    }

    static long[] in(SimdTail t, long[] src, int at, int remaining, int lanes) {
        int n = live(remaining, lanes);
        Arrays.fill(t.longs, n, lanes, 0L);
        if (n > 0) {
            System.arraycopy(src, at, t.longs, 0, n);
        }
        return t.longs;
    }

    /** From a segment in native byte order, at a byte offset (no alignment assumed, as the vector access did not). */
    static float[] inFloats(SimdTail t, MemorySegment src, long byteOffset, long remaining, int lanes) {
        int n = live(remaining, lanes);
        Arrays.fill(t.floats, n, lanes, 0f);
        if (n > 0) {
            MemorySegment.copy(src, ValueLayout.JAVA_FLOAT_UNALIGNED, byteOffset, t.floats, 0, n);
        }
        return t.floats;
    }

    static double[] inDoubles(SimdTail t, MemorySegment src, long byteOffset, long remaining, int lanes) {
        int n = live(remaining, lanes);
        Arrays.fill(t.doubles, n, lanes, 0d);
        if (n > 0) {
            MemorySegment.copy(src, ValueLayout.JAVA_DOUBLE_UNALIGNED, byteOffset, t.doubles, 0, n);
        }
        return t.doubles;
    }

    static int[] inInts(SimdTail t, MemorySegment src, long byteOffset, long remaining, int lanes) {
        int n = live(remaining, lanes);
        Arrays.fill(t.ints, n, lanes, 0);
        if (n > 0) {
            MemorySegment.copy(src, ValueLayout.JAVA_INT_UNALIGNED, byteOffset, t.ints, 0, n);
        }
        return t.ints;
    }

    static long[] inLongs(SimdTail t, MemorySegment src, long byteOffset, long remaining, int lanes) {
        int n = live(remaining, lanes);
        Arrays.fill(t.longs, n, lanes, 0L);
        if (n > 0) {
            MemorySegment.copy(src, ValueLayout.JAVA_LONG_UNALIGNED, byteOffset, t.longs, 0, n);
        }
        return t.longs;
    }

    // ---- operands' own scratch: a kernel whose tail runs through its main loop's code reads every
    // operand after copying them all (SimdLoops.mapOnce), so each needs a scratch of its own

    private Object[] operands = new Object[4];

    /** Operand {@code k}'s scratch holding its live elements from index at, zeros after them. */
    static float[] operand(SimdTail t, float[] src, int at, int remaining, int lanes, int k) {
        float[] s = t.operand(k, float[].class);
        int n = live(remaining, lanes);
        Arrays.fill(s, n, lanes, 0f);
        if (n > 0) {
            System.arraycopy(src, at, s, 0, n);
        }
        return s;
    }

    static double[] operand(SimdTail t, double[] src, int at, int remaining, int lanes, int k) {
        double[] s = t.operand(k, double[].class);
        int n = live(remaining, lanes);
        Arrays.fill(s, n, lanes, 0d);
        if (n > 0) {
            System.arraycopy(src, at, s, 0, n);
        }
        return s;
    }

    static int[] operand(SimdTail t, int[] src, int at, int remaining, int lanes, int k) {
        int[] s = t.operand(k, int[].class);
        int n = live(remaining, lanes);
        Arrays.fill(s, n, lanes, 0);
        if (n > 0) {
            System.arraycopy(src, at, s, 0, n);
        }
        return s;
    }

    static long[] operand(SimdTail t, long[] src, int at, int remaining, int lanes, int k) {
        long[] s = t.operand(k, long[].class);
        int n = live(remaining, lanes);
        Arrays.fill(s, n, lanes, 0L);
        if (n > 0) {
            System.arraycopy(src, at, s, 0, n);
        }
        return s;
    }

    /** Operand k's scratch array of the given class, made on first use (a thread's first tail of that arity and type). */
    private <A> A operand(int k, Class<A> type) {
        if (k >= operands.length) {
            operands = Arrays.copyOf(operands, Math.max(k + 1, operands.length * 2));
        }
        Object s = operands[k];
        if (!type.isInstance(s)) {
            s = java.lang.reflect.Array.newInstance(type.getComponentType(), MAX_LANES);
            operands[k] = s;
        }
        return type.cast(s);
    }

    // ---- writes: the scratch a result was stored into, then its live lanes copied out

    static float[] scratchFloats(SimdTail t) {
        return t.floats;
    }

    static double[] scratchDoubles(SimdTail t) {
        return t.doubles;
    }

    static int[] scratchInts(SimdTail t) {
        return t.ints;
    }

    static long[] scratchLongs(SimdTail t) {
        return t.longs;
    }

    static void out(SimdTail t, float[] dst, int at, int remaining, int lanes) {
        System.arraycopy(t.floats, 0, dst, at, live(remaining, lanes));
    }

    static void out(SimdTail t, double[] dst, int at, int remaining, int lanes) {
        System.arraycopy(t.doubles, 0, dst, at, live(remaining, lanes));
    }

    static void out(SimdTail t, int[] dst, int at, int remaining, int lanes) {
        System.arraycopy(t.ints, 0, dst, at, live(remaining, lanes));
    }

    static void out(SimdTail t, long[] dst, int at, int remaining, int lanes) {
        System.arraycopy(t.longs, 0, dst, at, live(remaining, lanes));
    }

    static void outFloats(SimdTail t, MemorySegment dst, long byteOffset, long remaining, int lanes) {
        MemorySegment.copy(t.floats, 0, dst, ValueLayout.JAVA_FLOAT_UNALIGNED, byteOffset, live(remaining, lanes));
    }

    static void outDoubles(SimdTail t, MemorySegment dst, long byteOffset, long remaining, int lanes) {
        MemorySegment.copy(t.doubles, 0, dst, ValueLayout.JAVA_DOUBLE_UNALIGNED, byteOffset, live(remaining, lanes));
    }

    static void outInts(SimdTail t, MemorySegment dst, long byteOffset, long remaining, int lanes) {
        MemorySegment.copy(t.ints, 0, dst, ValueLayout.JAVA_INT_UNALIGNED, byteOffset, live(remaining, lanes));
    }

    static void outLongs(SimdTail t, MemorySegment dst, long byteOffset, long remaining, int lanes) {
        MemorySegment.copy(t.longs, 0, dst, ValueLayout.JAVA_LONG_UNALIGNED, byteOffset, live(remaining, lanes));
    }
}
