package dev.flynn.spi;

import dev.flynn.DType;
import dev.flynn.ir.ScanOp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The two loops of a scan on the CPU, over one block of the output that already holds the mapped
 * values: {@link #local} folds the block left to right in place (the block's local prefixes) and
 * {@link #carry} applies the block's carry. Written once, in Java, for every CPU backend, so that
 * each gives the bits of {@link ScanOp}'s order; each loop is a plain loop per type and op (a switch
 * inside the loop would cost a branch per element). A segment's block is copied to a per-thread array
 * and back: a block is small and the copy is a {@code memcpy}.
 */
final class ScanLoops {
    private static final ThreadLocal<Object[]> SCRATCH = ThreadLocal.withInitial(() -> new Object[DType.values().length]);

    private ScanLoops() {
    }

    /**
     * Folds {@code out[from, to)} in place into its local prefixes, shifted one place right with
     * {@code firstBits} in front for an exclusive scan, and returns the block's total.
     */
    static long local(Object out, long outOffset, DType t, ScanOp op, boolean exclusive, long from, long to, long firstBits) {
        if (out instanceof MemorySegment seg) {
            int len = (int) (to - from);
            Object block = scratch(t);
            long byteOffset = (outOffset + from) * t.byteSize();
            MemorySegment.copy(seg, layout(t), byteOffset, block, 0, len);
            long total = local(block, 0, t, op, exclusive, 0, len, firstBits);
            MemorySegment.copy(block, 0, seg, layout(t), byteOffset, len);
            return total;
        }
        int lo = (int) (outOffset + from);
        int hi = (int) (outOffset + to);
        long total = switch (t) {
            case F32 -> Float.floatToRawIntBits(floats((float[]) out, lo, hi, op));
            case F64 -> Double.doubleToRawLongBits(doubles((double[]) out, lo, hi, op));
            case I32 -> ints((int[]) out, lo, hi, op);
            case I64 -> longs((long[]) out, lo, hi, op);
            case BOOL -> throw new IllegalStateException("masks are not scanned");
        };
        if (exclusive) {
            System.arraycopy(out, lo, out, lo + 1, hi - lo - 1);
            switch (t) {
                case F32 -> ((float[]) out)[lo] = Float.intBitsToFloat((int) firstBits);
                case F64 -> ((double[]) out)[lo] = Double.longBitsToDouble(firstBits);
                case I32 -> ((int[]) out)[lo] = (int) firstBits;
                case I64 -> ((long[]) out)[lo] = firstBits;
                case BOOL -> throw new IllegalStateException("masks are not scanned");
            }
        }
        return total;
    }

    /** {@code out[i] = carry ⊕ out[i]} over {@code [from, to)}. */
    static void carry(Object out, long outOffset, DType t, ScanOp op, long from, long to, long carryBits) {
        if (out instanceof MemorySegment seg) {
            int len = (int) (to - from);
            Object block = scratch(t);
            long byteOffset = (outOffset + from) * t.byteSize();
            MemorySegment.copy(seg, layout(t), byteOffset, block, 0, len);
            carry(block, 0, t, op, 0, len, carryBits);
            MemorySegment.copy(block, 0, seg, layout(t), byteOffset, len);
            return;
        }
        int lo = (int) (outOffset + from);
        int hi = (int) (outOffset + to);
        switch (t) {
            case F32 -> carryFloats((float[]) out, lo, hi, op, Float.intBitsToFloat((int) carryBits));
            case F64 -> carryDoubles((double[]) out, lo, hi, op, Double.longBitsToDouble(carryBits));
            case I32 -> carryInts((int[]) out, lo, hi, op, (int) carryBits);
            case I64 -> carryLongs((long[]) out, lo, hi, op, carryBits);
            case BOOL -> throw new IllegalStateException("masks are not scanned");
        }
    }

    private static ValueLayout layout(DType t) {
        return switch (t) {
            case F32 -> ValueLayout.JAVA_FLOAT_UNALIGNED;
            case F64 -> ValueLayout.JAVA_DOUBLE_UNALIGNED;
            case I32 -> ValueLayout.JAVA_INT_UNALIGNED;
            case I64 -> ValueLayout.JAVA_LONG_UNALIGNED;
            case BOOL -> throw new IllegalStateException("masks are not scanned");
        };
    }

    private static Object scratch(DType t) {
        Object[] all = SCRATCH.get();
        Object block = all[t.ordinal()];
        if (block == null) {
            block = java.lang.reflect.Array.newInstance(t.javaType(), ScanOp.BLOCK);
            all[t.ordinal()] = block;
        }
        return block;
    }

    private static float floats(float[] a, int lo, int hi, ScanOp op) {
        float acc = a[lo];
        switch (op) {
            case SUM -> { for (int i = lo + 1; i < hi; i++) { acc += a[i]; a[i] = acc; } }
            case PROD -> { for (int i = lo + 1; i < hi; i++) { acc *= a[i]; a[i] = acc; } }
            case MIN -> { for (int i = lo + 1; i < hi; i++) { acc = Math.min(acc, a[i]); a[i] = acc; } }
            case MAX -> { for (int i = lo + 1; i < hi; i++) { acc = Math.max(acc, a[i]); a[i] = acc; } }
        }
        return acc;
    }

    private static double doubles(double[] a, int lo, int hi, ScanOp op) {
        double acc = a[lo];
        switch (op) {
            case SUM -> { for (int i = lo + 1; i < hi; i++) { acc += a[i]; a[i] = acc; } }
            case PROD -> { for (int i = lo + 1; i < hi; i++) { acc *= a[i]; a[i] = acc; } }
            case MIN -> { for (int i = lo + 1; i < hi; i++) { acc = Math.min(acc, a[i]); a[i] = acc; } }
            case MAX -> { for (int i = lo + 1; i < hi; i++) { acc = Math.max(acc, a[i]); a[i] = acc; } }
        }
        return acc;
    }

    private static int ints(int[] a, int lo, int hi, ScanOp op) {
        int acc = a[lo];
        switch (op) {
            case SUM -> { for (int i = lo + 1; i < hi; i++) { acc += a[i]; a[i] = acc; } }
            case PROD -> { for (int i = lo + 1; i < hi; i++) { acc *= a[i]; a[i] = acc; } }
            case MIN -> { for (int i = lo + 1; i < hi; i++) { acc = Math.min(acc, a[i]); a[i] = acc; } }
            case MAX -> { for (int i = lo + 1; i < hi; i++) { acc = Math.max(acc, a[i]); a[i] = acc; } }
        }
        return acc;
    }

    private static long longs(long[] a, int lo, int hi, ScanOp op) {
        long acc = a[lo];
        switch (op) {
            case SUM -> { for (int i = lo + 1; i < hi; i++) { acc += a[i]; a[i] = acc; } }
            case PROD -> { for (int i = lo + 1; i < hi; i++) { acc *= a[i]; a[i] = acc; } }
            case MIN -> { for (int i = lo + 1; i < hi; i++) { acc = Math.min(acc, a[i]); a[i] = acc; } }
            case MAX -> { for (int i = lo + 1; i < hi; i++) { acc = Math.max(acc, a[i]); a[i] = acc; } }
        }
        return acc;
    }

    // the carry is the left operand, as in the order's definition: carry ⊕ p[i]

    private static void carryFloats(float[] a, int lo, int hi, ScanOp op, float c) {
        switch (op) {
            case SUM -> { for (int i = lo; i < hi; i++) { a[i] = c + a[i]; } }
            case PROD -> { for (int i = lo; i < hi; i++) { a[i] = c * a[i]; } }
            case MIN -> { for (int i = lo; i < hi; i++) { a[i] = Math.min(c, a[i]); } }
            case MAX -> { for (int i = lo; i < hi; i++) { a[i] = Math.max(c, a[i]); } }
        }
    }

    private static void carryDoubles(double[] a, int lo, int hi, ScanOp op, double c) {
        switch (op) {
            case SUM -> { for (int i = lo; i < hi; i++) { a[i] = c + a[i]; } }
            case PROD -> { for (int i = lo; i < hi; i++) { a[i] = c * a[i]; } }
            case MIN -> { for (int i = lo; i < hi; i++) { a[i] = Math.min(c, a[i]); } }
            case MAX -> { for (int i = lo; i < hi; i++) { a[i] = Math.max(c, a[i]); } }
        }
    }

    private static void carryInts(int[] a, int lo, int hi, ScanOp op, int c) {
        switch (op) {
            case SUM -> { for (int i = lo; i < hi; i++) { a[i] = c + a[i]; } }
            case PROD -> { for (int i = lo; i < hi; i++) { a[i] = c * a[i]; } }
            case MIN -> { for (int i = lo; i < hi; i++) { a[i] = Math.min(c, a[i]); } }
            case MAX -> { for (int i = lo; i < hi; i++) { a[i] = Math.max(c, a[i]); } }
        }
    }

    private static void carryLongs(long[] a, int lo, int hi, ScanOp op, long c) {
        switch (op) {
            case SUM -> { for (int i = lo; i < hi; i++) { a[i] = c + a[i]; } }
            case PROD -> { for (int i = lo; i < hi; i++) { a[i] = c * a[i]; } }
            case MIN -> { for (int i = lo; i < hi; i++) { a[i] = Math.min(c, a[i]); } }
            case MAX -> { for (int i = lo; i < hi; i++) { a[i] = Math.max(c, a[i]); } }
        }
    }
}
