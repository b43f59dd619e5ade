package dev.flynn;

import java.util.Locale;

/**
 * Where a kernel runs. {@link #AUTO} picks the best available backend for each call and says once,
 * in the log, why it passed over a better one.
 */
public enum Backend {
    /** The best available: GPU for device-resident or large data, else SIMD, else scalar. */
    AUTO,
    /** Plain Java loops (SISD): the reference every other backend is checked against. */
    SCALAR,
    /** The JDK Vector API (SIMD). */
    SIMD,
    /** NVIDIA GPUs through CUDA (SIMT). */
    GPU,
    /** The kernel compiled by the system C compiler, called through FFM. */
    C;

    /**
     * The provider name: {@code auto}, {@code scalar}, {@code simd}, {@code gpu}, {@code c}.
     *
     * @return the lower-case name
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a provider name (case-insensitive).
     *
     * @param name a name such as {@code "simd"}; surrounding spaces are ignored
     * @return the backend
     * @throws IllegalArgumentException if no backend has that name, listing the valid ones
     */
    public static Backend of(String name) {
        for (Backend b : values()) {
            if (b.id().equalsIgnoreCase(name.trim())) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown backend '" + name + "'; valid: auto, scalar, simd, gpu, c");
    }
}
