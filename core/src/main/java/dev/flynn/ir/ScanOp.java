package dev.flynn.ir;

import dev.flynn.DType;

/**
 * The scans (prefix folds) every backend runs, each declared once here: its step (an op of the op
 * table, so its NaN and signed-zero rules are Java's), its identity, the value an exclusive scan
 * starts with, and the block structure that fixes the order of evaluation.
 *
 * <p>Order, the same on every backend: {@code [0, n)} is cut into blocks of {@link #BLOCK} elements.
 * Within a block the values are folded left to right, starting from the block's first value, into
 * the block's local prefixes {@code p}. Block {@code b}'s carry is the fold, left to right, of the
 * totals (last local prefixes) of blocks {@code 0..b-1}, starting from the identity; the inclusive
 * result at {@code i} is {@code carry ⊕ p[i]}. The exclusive result is {@link #startBits} at 0 and
 * the inclusive result at {@code i - 1} elsewhere. Threads and vector widths only decide who
 * computes which block, so the bits depend on nothing but the values.
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
     * Elements per scan block: the carry chain has {@code n / BLOCK} steps and a block's fold at most
     * {@code BLOCK - 1}, so 4096 keeps both short for the sizes Flynn meets (the sum of the two, which
     * the error bound counts, is smallest near {@code sqrt(n)}), and a block of F64 (32 KiB) stays in
     * L1 between the map that fills it and the fold that follows.
     */
    public static final int BLOCK = 4096;

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
