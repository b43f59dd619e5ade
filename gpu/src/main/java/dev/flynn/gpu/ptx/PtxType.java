package dev.flynn.gpu.ptx;

import dev.flynn.DType;

import java.util.Optional;

/**
 * The PTX types the generator uses: the suffix an instruction carries, the size in bytes, and the
 * register file (by name prefix) that holds values of the type. Bit, signed and unsigned types of
 * one width share a register file, as PTX allows.
 */
public enum PtxType {
    PRED("pred", 1, "%p"),
    B32("b32", 4, "%r"),
    S32("s32", 4, "%r"),
    U32("u32", 4, "%r"),
    B64("b64", 8, "%rd"),
    S64("s64", 8, "%rd"),
    U64("u64", 8, "%rd"),
    F32("f32", 4, "%f"),
    F64("f64", 8, "%fd");

    private final String suffix;
    private final int size;
    private final String prefix;

    PtxType(String suffix, int size, String prefix) {
        this.suffix = suffix;
        this.size = size;
        this.prefix = prefix;
    }

    /** The type as an instruction suffix, without the dot: {@code f32}. */
    public String suffix() {
        return suffix;
    }

    /** The size of a value in bytes (1 for a predicate). */
    public int size() {
        return size;
    }

    /** The register-file prefix: {@code %f} for F32. */
    String prefix() {
        return prefix;
    }

    /** The declared type of the register file this type lives in. */
    String regDecl() {
        return switch (this) {
            case PRED -> "pred";
            case B32, S32, U32 -> "b32";
            case B64, S64, U64 -> "b64";
            case F32 -> "f32";
            case F64 -> "f64";
        };
    }

    /** The type that holds a value of a Flynn element type in registers (signed for integers). */
    static PtxType of(DType t) {
        return switch (t) {
            case F32 -> F32;
            case F64 -> F64;
            case I32 -> S32;
            case I64 -> S64;
            case BOOL -> PRED;
        };
    }

    /** The type written as the suffix {@code suffix} ({@code u64}), if it is one of these. */
    public static Optional<PtxType> ofSuffix(String suffix) {
        for (PtxType t : values()) {
            if (t.suffix.equals(suffix)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Whether this is F32 or F64. */
    public boolean isFloat() {
        return this == F32 || this == F64;
    }

    /** Whether this is a signed integer type. */
    public boolean isSigned() {
        return this == S32 || this == S64;
    }

    /** The bit type of the same width (for moves, logic and shuffles). */
    PtxType bits() {
        return switch (size) {
            case 1 -> PRED;
            case 4 -> B32;
            default -> B64;
        };
    }
}
