package dev.flynn.c;

import dev.flynn.DType;

/** The C spelling of each element type: the value type, an unaligned pointee type, and how to read an argument. */
enum CType {
    F32("float", "f32"),
    F64("double", "f64"),
    I32("int32_t", "i32"),
    I64("int64_t", "i64"),
    /** Masks are 0 or 1 in an int: C's comparisons yield int, and select, and/or/xor work on it unchanged. */
    BOOL("int32_t", "b");

    private final String c;
    private final String suffix;

    CType(String c, String suffix) {
        this.c = c;
        this.suffix = suffix;
    }

    static CType of(DType t) {
        return switch (t) {
            case F32 -> F32;
            case F64 -> F64;
            case I32 -> I32;
            case I64 -> I64;
            case BOOL -> BOOL;
        };
    }

    /** The C type of a value. */
    String c() {
        return c;
    }

    /** The suffix of the prelude's helpers for this type ({@code flynn_min_f32}, ...). */
    String suffix() {
        return suffix;
    }

    /**
     * The pointee type for an operand in a {@code MemorySegment}: a user's segment may sit at any byte
     * address, and the vectorizer may otherwise assume (and peel for) natural alignment.
     */
    String unaligned() {
        return "flynn_u" + suffix;
    }

    boolean isFloating() {
        return this == F32 || this == F64;
    }

    /**
     * A C literal of {@code v}, a value of this type: integral values as integers (as "0" and "1"),
     * infinities as {@code INFINITY}, other floating values as exact hexadecimal literals, integer
     * extremes as {@code <stdint.h>}'s names (C has no literal of the most negative value).
     */
    String literal(Number v) {
        if (isFloating()) {
            double d = v.doubleValue();
            if (Double.isNaN(d)) {
                throw new IllegalArgumentException("no C literal of NaN");
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? "INFINITY" : "-INFINITY";
            }
            if (d == Math.rint(d) && Math.abs(d) < 0x1p53 && Double.doubleToRawLongBits(d) != Long.MIN_VALUE) {
                return Long.toString((long) d);
            }
            return Double.toHexString(d) + (this == F32 ? "f" : "");
        }
        long l = v.longValue();
        return switch (this) {
            case I32 -> l == Integer.MIN_VALUE ? "INT32_MIN" : l == Integer.MAX_VALUE ? "INT32_MAX" : Long.toString(l);
            case I64 -> l == Long.MIN_VALUE ? "INT64_MIN" : l == Long.MAX_VALUE ? "INT64_MAX" : l + "LL";
            default -> throw new IllegalStateException("no literal of a mask");
        };
    }

    /** A C expression that reads a value of this type from a raw 64-bit argument (see {@code Node.Const}). */
    String fromBits(String bits) {
        return switch (this) {
            case F32 -> "flynn_f32_of(" + bits + ")";
            case F64 -> "flynn_f64_of(" + bits + ")";
            case I32 -> "(int32_t)(" + bits + ")";
            case I64 -> "(" + bits + ")";
            case BOOL -> "((" + bits + ") != 0)";
        };
    }
}
