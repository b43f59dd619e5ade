package dev.flynn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Copies strided lines of host memory into scratch arrays and back, for {@link NdRows}. A chunk of
 * lines is copied together; where the lines lie closer to each other than their elements do (the
 * columns of a row-major matrix), the copy walks along the lines' axis outermost and across the lines
 * innermost, so it reads memory in the order it is laid out.
 */
final class Gather {
    private Gather() {
    }

    /** {@code count} scratch lines of {@code len} elements: a {@code float[count][len]}, ... */
    static Object scratch(DType t, int count, int len) {
        return switch (t) {
            case F32 -> new float[count][len];
            case F64 -> new double[count][len];
            case I32 -> new int[count][len];
            case I64 -> new long[count][len];
            case BOOL -> throw new IllegalStateException("masks are not stored");
        };
    }

    /** Element {@code at} of an array or segment, boxed in its type (a broadcast operand for a 1-D call). */
    static Number element(Object storage, DType t, long at) {
        return switch (storage) {
            case float[] a -> a[(int) at];
            case double[] a -> a[(int) at];
            case int[] a -> a[(int) at];
            case long[] a -> a[(int) at];
            case MemorySegment m -> switch (t) {
                case F32 -> m.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, at);
                case F64 -> m.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, at);
                case I32 -> m.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, at);
                default -> m.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, at);
            };
            default -> throw new IllegalStateException("not host memory: " + storage.getClass().getName());
        };
    }

    /** Whether to walk along the axis outermost: the lines lie closer together than their elements. */
    private static boolean acrossLines(long[] base, int count, long stride) {
        return count > 1 && Math.abs(base[1] - base[0]) < stride;
    }

    /** Line {@code c} of the scratch is storage elements {@code base[c] + j * stride}, {@code j < len}. */
    static void gather(Object storage, DType t, long[] base, int count, long stride, int len, Object scratch) {
        boolean across = acrossLines(base, count, stride);
        switch (storage) {
            case float[] a -> {
                float[][] d = (float[][]) scratch;
                if (across) {
                    // one row of the chunk at a time: a contiguous run of memory, scattered to the lines
                    for (int j = 0; j < len; j++) {
                        long row = j * stride;
                        for (int c = 0; c < count; c++) {
                            d[c][j] = a[(int) (base[c] + row)];
                        }
                    }
                } else {
                    for (int c = 0; c < count; c++) {
                        for (int j = 0; j < len; j++) {
                            d[c][j] = a[(int) (base[c] + j * stride)];
                        }
                    }
                }
            }
            case double[] a -> {
                double[][] d = (double[][]) scratch;
                if (across) {
                    for (int j = 0; j < len; j++) {
                        long row = j * stride;
                        for (int c = 0; c < count; c++) {
                            d[c][j] = a[(int) (base[c] + row)];
                        }
                    }
                } else {
                    for (int c = 0; c < count; c++) {
                        for (int j = 0; j < len; j++) {
                            d[c][j] = a[(int) (base[c] + j * stride)];
                        }
                    }
                }
            }
            case int[] a -> {
                int[][] d = (int[][]) scratch;
                for (int c = 0; c < count; c++) {
                    for (int j = 0; j < len; j++) {
                        d[c][j] = a[(int) (base[c] + j * stride)];
                    }
                }
            }
            case long[] a -> {
                long[][] d = (long[][]) scratch;
                for (int c = 0; c < count; c++) {
                    for (int j = 0; j < len; j++) {
                        d[c][j] = a[(int) (base[c] + j * stride)];
                    }
                }
            }
            case MemorySegment m -> gatherSegment(m, t, base, count, stride, len, scratch, across);
            default -> throw new IllegalStateException("not host memory: " + storage.getClass().getName());
        }
    }

    private static void gatherSegment(MemorySegment m, DType t, long[] base, int count, long stride, int len, Object scratch,
                                      boolean across) {
        int outer = across ? len : count;
        int inner = across ? count : len;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int c = across ? i : o;
                int j = across ? o : i;
                long at = base[c] + j * stride;
                switch (t) {
                    case F32 -> ((float[][]) scratch)[c][j] = m.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, at);
                    case F64 -> ((double[][]) scratch)[c][j] = m.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, at);
                    case I32 -> ((int[][]) scratch)[c][j] = m.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, at);
                    default -> ((long[][]) scratch)[c][j] = m.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, at);
                }
            }
        }
    }

    /** The reverse of {@link #gather}: scratch line {@code c} into storage elements {@code base[c] + j * stride}. */
    static void scatter(Object scratch, Object storage, DType t, long[] base, int count, long stride, int len) {
        boolean across = acrossLines(base, count, stride);
        int outer = across ? len : count;
        int inner = across ? count : len;
        switch (storage) {
            case float[] a -> {
                float[][] s = (float[][]) scratch;
                for (int o = 0; o < outer; o++) {
                    for (int i = 0; i < inner; i++) {
                        int c = across ? i : o;
                        int j = across ? o : i;
                        a[(int) (base[c] + j * stride)] = s[c][j];
                    }
                }
            }
            case double[] a -> {
                double[][] s = (double[][]) scratch;
                for (int o = 0; o < outer; o++) {
                    for (int i = 0; i < inner; i++) {
                        int c = across ? i : o;
                        int j = across ? o : i;
                        a[(int) (base[c] + j * stride)] = s[c][j];
                    }
                }
            }
            case int[] a -> {
                int[][] s = (int[][]) scratch;
                for (int c = 0; c < count; c++) {
                    for (int j = 0; j < len; j++) {
                        a[(int) (base[c] + j * stride)] = s[c][j];
                    }
                }
            }
            case long[] a -> {
                long[][] s = (long[][]) scratch;
                for (int c = 0; c < count; c++) {
                    for (int j = 0; j < len; j++) {
                        a[(int) (base[c] + j * stride)] = s[c][j];
                    }
                }
            }
            case MemorySegment m -> {
                for (int o = 0; o < outer; o++) {
                    for (int i = 0; i < inner; i++) {
                        int c = across ? i : o;
                        int j = across ? o : i;
                        long at = base[c] + j * stride;
                        switch (t) {
                            case F32 -> m.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, at, ((float[][]) scratch)[c][j]);
                            case F64 -> m.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, at, ((double[][]) scratch)[c][j]);
                            case I32 -> m.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, at, ((int[][]) scratch)[c][j]);
                            default -> m.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, at, ((long[][]) scratch)[c][j]);
                        }
                    }
                }
            }
            default -> throw new IllegalStateException("not host memory: " + storage.getClass().getName());
        }
    }
}
