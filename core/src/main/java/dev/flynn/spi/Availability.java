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
    public Availability {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(fix, "fix");
    }

    public static Availability available(String what) {
        return new Availability(true, what, "");
    }

    public static Availability unavailable(String reason, String fix) {
        return new Availability(false, reason, fix);
    }

    @Override
    public String toString() {
        return available ? "available: " + reason : "unavailable: " + reason + (fix.isEmpty() ? "" : " (fix: " + fix + ")");
    }
}
