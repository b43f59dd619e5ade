package dev.flynn.c;

import dev.flynn.DType;

/**
 * The documented accuracy of the C backend's transcendental functions in strict mode, in ulps of the
 * result type. F32 is computed by the double function and rounded once, as Java defines it; F64 is
 * glibc's libm. {@link #againstStrictMath} is what {@link CUlpTest} measures (max over seeded
 * arguments, see {@code target/c-ulp.txt}); {@link #againstExact} adds StrictMath's own error of
 * at most 1 ulp, the bound to use against the correctly rounded result.
 */
final class CUlpBounds {
    private CUlpBounds() {
    }

    /** Ulps from StrictMath: F32 measured 0 for every function, F64 1, except glibc's cbrt and sinh (3). */
    static double againstStrictMath(Enum<?> op, DType type) {
        if (type == DType.F32) {
            return 1;
        }
        return switch (op.name()) {
            case "CBRT", "SINH" -> 3;
            default -> 1;
        };
    }

    /** Ulps from the correctly rounded result. */
    static double againstExact(Enum<?> op, DType type) {
        return againstStrictMath(op, type) + 1;
    }
}
