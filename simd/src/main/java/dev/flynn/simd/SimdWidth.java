package dev.flynn.simd;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The value of {@code -Dflynn.simd.bits}: absent, a width the backend can use (128, 256 or 512), or
 * something else, which the probe reports. Kept free of Vector API classes so the probe can read it first.
 */
record SimdWidth(OptionalInt requested, Optional<String> invalid) {
    static final String PROPERTY = "flynn.simd.bits";

    static SimdWidth parse(String value) {
        if (value == null || value.isBlank()) {
            return new SimdWidth(OptionalInt.empty(), Optional.empty());
        }
        return switch (value.strip()) {
            case "128", "256", "512" -> new SimdWidth(OptionalInt.of(Integer.parseInt(value.strip())), Optional.empty());
            default -> new SimdWidth(OptionalInt.empty(), Optional.of(value));
        };
    }

    static SimdWidth current() {
        return parse(System.getProperty(PROPERTY));
    }
}
