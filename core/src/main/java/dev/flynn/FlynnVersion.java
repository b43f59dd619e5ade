package dev.flynn;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of Flynn on the class or module path and the source commit it was built from, for
 * reports and bug reports.
 *
 * {@snippet :
 * System.out.println("Flynn " + FlynnVersion.current());   // Flynn 0.2.0-SNAPSHOT (3f4d1b8)
 * }
 *
 * @param version the Maven version, such as {@code 0.2.0} or {@code 0.2.0-SNAPSHOT}
 * @param commit  the abbreviated git commit of the build, or {@code "unknown"} when it was built
 *                outside a git checkout
 * @param dirty   whether the checkout had uncommitted changes when it was built
 */
public record FlynnVersion(String version, String commit, boolean dirty) {
    private static final String UNKNOWN = "unknown";
    private static final FlynnVersion CURRENT = load();

    /**
     * Checks that no component is null.
     *
     * @throws NullPointerException if {@code version} or {@code commit} is null
     */
    public FlynnVersion {
        java.util.Objects.requireNonNull(version, "version");
        java.util.Objects.requireNonNull(commit, "commit");
    }

    /**
     * Returns the version of this build of {@code flynn-core}, read once from the resource
     * {@code dev/flynn/version.properties} that the build fills in.
     *
     * @return this build's version and commit
     */
    public static FlynnVersion current() {
        return CURRENT;
    }

    /**
     * Returns the version, the commit in parentheses and a {@code -dirty} mark if the checkout had
     * uncommitted changes: {@code 0.2.0-SNAPSHOT (3f4d1b8-dirty)}.
     */
    @Override
    public String toString() {
        return version + " (" + commit + (dirty ? "-dirty" : "") + ")";
    }

    private static FlynnVersion load() {
        Properties p = new Properties();
        try (InputStream in = FlynnVersion.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dev/flynn/version.properties from flynn-core", e);
        }
        return new FlynnVersion(filled(p.getProperty("version")), filled(p.getProperty("commit")),
                Boolean.parseBoolean(p.getProperty("dirty")));
    }

    // An unfilled placeholder means the resource was not filtered (an IDE build, or no git checkout).
    private static String filled(String value) {
        return value == null || value.isBlank() || value.startsWith("${") ? UNKNOWN : value;
    }
}
