package dev.flynn.spi;

import dev.flynn.DType;
import dev.flynn.ir.ScanOp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.flynn.ir.ScanOp.SEGMENT;

/**
 * One block of a scan on the CPU, over the block of the output that already holds the mapped values:
 * {@link #block} folds it in place in {@link ScanOp}'s order (segments, their carries, and the block's
 * own carry when it is known) and {@link #carry} applies a carry later. Written once, in Java, for
 * every CPU backend, so that each gives the bits of that order. A segment's block is copied to a
 * per-thread array and back: a block is small and the copy is a {@code memcpy}.
 */
final class ScanLoops {
    private static final int SEGMENTS = ScanOp.BLOCK / SEGMENT;
    /** Per thread and type: a block's worth of elements (for segments) and one total per segment. */
    private static final ThreadLocal<Object[]> SCRATCH = ThreadLocal.withInitial(() -> new Object[2 * DType.values().length]);

    private ScanLoops() {
    }

    /**
     * Folds {@code out[from, to)}, at most one block, in place into the block's prefixes {@code p}, or
     * {@code carry ⊕ p} when {@code hasCarry}; for an exclusive scan then shifts them one place right
     * with {@code firstBits} in front. Returns the block's total (its last {@code p}, without the carry).
     */
    static long block(Object out, long outOffset, DType t, ScanOp op, boolean exclusive, long from, long to,
                      boolean hasCarry, long carryBits, long firstBits) {
        if (out instanceof MemorySegment seg) {
            int len = (int) (to - from);
            Object block = scratch(t, 0, ScanOp.BLOCK);
            long byteOffset = (outOffset + from) * t.byteSize();
            MemorySegment.copy(seg, layout(t), byteOffset, block, 0, len);
            long total = block(block, 0, t, op, exclusive, 0, len, hasCarry, carryBits, firstBits);
            MemorySegment.copy(block, 0, seg, layout(t), byteOffset, len);
            return total;
        }
        int lo = (int) (outOffset + from);
        int hi = (int) (outOffset + to);
        int segs = (hi - lo + SEGMENT - 1) / SEGMENT;
        long total = switch (t) {
            case F32 -> {
                float[] a = (float[]) out;
                float[] tt = (float[]) scratch(t, 1, SEGMENTS);
                ScanFloatFolds.segments(a, lo, hi, op, tt);
                float e = tt[0];
                for (int s = 1; s < segs; s++) {
                    ScanFloatFolds.carry(a, lo + s * SEGMENT, Math.min(hi, lo + (s + 1) * SEGMENT), op, e);
                    e = ScanFloatFolds.step(op, e, tt[s]);
                }
                if (hasCarry) {
                    ScanFloatFolds.carry(a, lo, hi, op, Float.intBitsToFloat((int) carryBits));
                }
                yield Float.floatToRawIntBits(e);
            }
            case F64 -> {
                double[] a = (double[]) out;
                double[] tt = (double[]) scratch(t, 1, SEGMENTS);
                ScanFloatFolds.segments(a, lo, hi, op, tt);
                double e = tt[0];
                for (int s = 1; s < segs; s++) {
                    ScanFloatFolds.carry(a, lo + s * SEGMENT, Math.min(hi, lo + (s + 1) * SEGMENT), op, e);
                    e = ScanFloatFolds.step(op, e, tt[s]);
                }
                if (hasCarry) {
                    ScanFloatFolds.carry(a, lo, hi, op, Double.longBitsToDouble(carryBits));
                }
                yield Double.doubleToRawLongBits(e);
            }
            case I32 -> {
                int[] a = (int[]) out;
                int[] tt = (int[]) scratch(t, 1, SEGMENTS);
                ScanIntFolds.segments(a, lo, hi, op, tt);
                int e = tt[0];
                for (int s = 1; s < segs; s++) {
                    ScanIntFolds.carry(a, lo + s * SEGMENT, Math.min(hi, lo + (s + 1) * SEGMENT), op, e);
                    e = ScanIntFolds.step(op, e, tt[s]);
                }
                if (hasCarry) {
                    ScanIntFolds.carry(a, lo, hi, op, (int) carryBits);
                }
                yield e;
            }
            case I64 -> {
                long[] a = (long[]) out;
                long[] tt = (long[]) scratch(t, 1, SEGMENTS);
                ScanIntFolds.segments(a, lo, hi, op, tt);
                long e = tt[0];
                for (int s = 1; s < segs; s++) {
                    ScanIntFolds.carry(a, lo + s * SEGMENT, Math.min(hi, lo + (s + 1) * SEGMENT), op, e);
                    e = ScanIntFolds.step(op, e, tt[s]);
                }
                if (hasCarry) {
                    ScanIntFolds.carry(a, lo, hi, op, carryBits);
                }
                yield e;
            }
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
            Object block = scratch(t, 0, ScanOp.BLOCK);
            long byteOffset = (outOffset + from) * t.byteSize();
            MemorySegment.copy(seg, layout(t), byteOffset, block, 0, len);
            carry(block, 0, t, op, 0, len, carryBits);
            MemorySegment.copy(block, 0, seg, layout(t), byteOffset, len);
            return;
        }
        int lo = (int) (outOffset + from);
        int hi = (int) (outOffset + to);
        switch (t) {
            case F32 -> ScanFloatFolds.carry((float[]) out, lo, hi, op, Float.intBitsToFloat((int) carryBits));
            case F64 -> ScanFloatFolds.carry((double[]) out, lo, hi, op, Double.longBitsToDouble(carryBits));
            case I32 -> ScanIntFolds.carry((int[]) out, lo, hi, op, (int) carryBits);
            case I64 -> ScanIntFolds.carry((long[]) out, lo, hi, op, carryBits);
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

    /** This thread's array {@code which} (0: a block, 1: segment totals) of type {@code t}. */
    private static Object scratch(DType t, int which, int length) {
        Object[] all = SCRATCH.get();
        int slot = 2 * t.ordinal() + which;
        Object a = all[slot];
        if (a == null) {
            a = java.lang.reflect.Array.newInstance(t.javaType(), length);
            all[slot] = a;
        }
        return a;
    }
}
