package dev.flynn;

/**
 * What the runtime knows of one backend found on the class or module path.
 *
 * @param name      provider name ({@code scalar}, {@code simd}, ...)
 * @param priority  AUTO's order, highest first
 * @param available whether it can run here
 * @param reason    what it found (why it is unavailable, or what it uses)
 * @param fix       how to make it available; empty when it is
 */
public record BackendInfo(String name, int priority, boolean available, String reason, String fix) {
}
