package dev.flynn.ir;

import dev.flynn.DType;

/**
 * The scans (prefix folds) every backend runs, each declared once here: its step (an op of the op
 * table, so its NaN and signed-zero rules are Java's), its identity, the value an exclusive scan
 * starts with, and the block structure that fixes the order of evaluation.
 *
 * <p>Order, the same on every backend: {@code [0, n)} is cut into blocks of {@link #BLOCK} elements
 * and each block into segments of {@link #SEGMENT}. Each segment is folded left to right from its
 * first value into its local prefixes {@code q}. Within a block, segment {@code s > 0} takes the
 * carry {@code e[s] = e[s-1] ⊕ t[s-1]} ({@code e[1] = t[0]}, {@code t} the segments' totals), so the
 * block's prefixes are {@code p = q} in segment 0 and {@code p = e[s] ⊕ q} after it. Across blocks,
 * block {@code b > 0} takes the carry {@code c[b] = c[b-1] ⊕ T[b-1]} ({@code c[1] = T[0]}, {@code T}
 * the blocks' totals, their last {@code p}), and the inclusive result is {@code p} in block 0 and
 * {@code c[b] ⊕ p} after it. The exclusive result is {@link #startBits} at 0 and the inclusive result
 * at {@code i - 1} elsewhere. Threads and vector widths only decide who computes which block, so the
 * bits depend on nothing but the values.
 */
public enum ScanOp {
    /** Running sum in the values' type: integers wrap. */
    SUM(BinaryOp.ADD),
    /** Running product in the values' type: integers wrap. */
    PROD(BinaryOp.MUL),
    /** Running {@code Math.min}: NaN from the first NaN on, -0.0 below 0.0. */
    MIN(BinaryOp.MIN),
    /** Running {@code Math.max}: NaN from the first NaN on, 0.0 above -0.0. */
    MAX(BinaryOp.MAX);

    /**
     * Elements per scan block: the unit of work of a thread, and of the carries folded across the
     * whole scan ({@code n / BLOCK} of them, one rounding each on the way to the last element).
     */
    public static final int BLOCK = 4096;

    /**
     * Elements per segment, eight to a block: a segment's fold is one chain of dependent steps, and
     * eight independent chains keep a core's adders busy where one would wait out each step's latency
     * (and a GPU runs one thread per segment). A value passes at most 511 steps in its segment, 7 in
     * its block's segment carries and one more to take them, so the bound stays small.
     */
    public static final int SEGMENT = 512;

    private final BinaryOp step;

    ScanOp(BinaryOp step) {
        this.step = step;
    }

    /**
     * The op that folds two values, {@code step(acc, value)}: ADD, MUL, MIN or MAX of the op table.
     *
     * @return the step
     */
    public BinaryOp step() {
        return step;
    }

    /**
     * The identity of the step as raw bits ({@code Node.Const}'s encoding): {@code -0.0} for floating
     * sums (the one value with {@code -0.0 + x == x} for every {@code x}, signed zeros included), 0 for
     * integer sums, 1 for products, +Inf or the integer maximum for min, -Inf or the minimum for max.
     *
     * @param type the values' type
     * @return the identity's bits
     */
    public long identityBits(DType type) {
        return switch (this) {
            case SUM -> type.isFloating() ? bits(type, -0.0) : 0;
            case PROD -> type.isFloating() ? bits(type, 1.0) : 1;
            case MIN -> switch (type) {
                case I32 -> Integer.MAX_VALUE;
                case I64 -> Long.MAX_VALUE;
                default -> bits(type, Double.POSITIVE_INFINITY);
            };
            case MAX -> switch (type) {
                case I32 -> Integer.MIN_VALUE;
                case I64 -> Long.MIN_VALUE;
                default -> bits(type, Double.NEGATIVE_INFINITY);
            };
        };
    }

    /**
     * The first element of an exclusive scan: the identity, except that a floating sum starts at
     * {@code 0.0} (what {@code acc = 0; out[i] = acc; acc += x[i]} writes), not {@code -0.0}.
     *
     * @param type the values' type
     * @return its bits
     */
    public long startBits(DType type) {
        return this == SUM && type.isFloating() ? bits(type, 0.0) : identityBits(type);
    }

    /**
     * {@code step(a, b)} on raw bits, in Java: the reference every backend's step is held to, and the
     * fold of the carries on the CPU.
     *
     * @param type the values' type
     * @param a the accumulated value's bits
     * @param b the next value's bits
     * @return the result's bits
     */
    public long combine(DType type, long a, long b) {
        return switch (type) {
            case F32 -> {
                float x = Float.intBitsToFloat((int) a);
                float y = Float.intBitsToFloat((int) b);
                yield Float.floatToRawIntBits(switch (this) {
                    case SUM -> x + y;
                    case PROD -> x * y;
                    case MIN -> Math.min(x, y);
                    case MAX -> Math.max(x, y);
                });
            }
            case F64 -> {
                double x = Double.longBitsToDouble(a);
                double y = Double.longBitsToDouble(b);
                yield Double.doubleToRawLongBits(switch (this) {
                    case SUM -> x + y;
                    case PROD -> x * y;
                    case MIN -> Math.min(x, y);
                    case MAX -> Math.max(x, y);
                });
            }
            case I32 -> {
                int x = (int) a;
                int y = (int) b;
                yield switch (this) {
                    case SUM -> x + y;
                    case PROD -> x * y;
                    case MIN -> Math.min(x, y);
                    case MAX -> Math.max(x, y);
                };
            }
            case I64 -> switch (this) {
                case SUM -> a + b;
                case PROD -> a * b;
                case MIN -> Math.min(a, b);
                case MAX -> Math.max(a, b);
            };
            case BOOL -> throw new IllegalArgumentException("masks are not scanned: turn them into numbers first"
                    + " (select(mask, 1, 0) or .toI32())");
        };
    }

    private static long bits(DType type, double v) {
        return type == DType.F32 ? Float.floatToRawIntBits((float) v) : Double.doubleToRawLongBits(v);
    }
}
