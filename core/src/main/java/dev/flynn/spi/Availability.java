package dev.flynn.spi;

import java.util.Objects;

/**
 * Whether a backend can run here, and if not, why and what fixes it.
 *
 * @param available whether the backend can run kernels in this JVM
 * @param reason    what was found (for an available backend: what it will use)
 * @param fix       what the user can do about it; empty when available
 */
public record Availability(boolean available, String reason, String fix) {
    /**
     * Checks that the reason and the fix are given.
     *
     * @throws NullPointerException if {@code reason} or {@code fix} is null
     */
    public Availability {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(fix, "fix");
    }

    /**
     * An available backend.
     *
     * @param what what it will use, such as the vector width or the compiler
     * @return the availability
     */
    public static Availability available(String what) {
        return new Availability(true, what, "");
    }

    /**
     * An unavailable backend, with why and what fixes it.
     *
     * @param reason what was found missing or wrong
     * @param fix what the user can do, such as the JVM flag to pass
     * @return the availability
     */
    public static Availability unavailable(String reason, String fix) {
        return new Availability(false, reason, fix);
    }

    @Override
    public String toString() {
        return available ? "available: " + reason : "unavailable: " + reason + (fix.isEmpty() ? "" : " (fix: " + fix + ")");
    }
}
