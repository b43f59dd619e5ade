package dev.flynn.c;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How the C backend builds kernels, from system properties:
 * <ul>
 *   <li>{@code flynn.c.compiler}: the C compiler (default {@code cc}; gcc and clang work);</li>
 *   <li>{@code flynn.c.flags}: tuning flags (default {@code -O3 -march=native}); the flags that give
 *       Java semantics are always added, so tuning cannot change results;</li>
 *   <li>{@code flynn.c.fast}: {@code true} adds {@code -ffast-math} (results are no longer Java's);</li>
 *   <li>{@code flynn.c.cache}: where built libraries are kept (default {@code ~/.cache/flynn/c}).</li>
 * </ul>
 *
 * @param compiler the compiler command
 * @param tuning   optimisation and target flags
 * @param fast     whether {@code -ffast-math} is on
 * @param cacheDir the directory of cached sources and libraries
 */
public record CConfig(String compiler, List<String> tuning, boolean fast, Path cacheDir) {

    /** Tuning used when {@code flynn.c.flags} is not set: what "C at its best on this machine" means. */
    public static final String DEFAULT_TUNING = "-O3 -march=native";

    /*
     * Flags that make C compute what Java computes, whatever the tuning:
     * -fwrapv: signed overflow wraps as in Java instead of being undefined.
     * -fopenmp-simd: honours '#pragma omp simd' without linking the OpenMP runtime; core already
     *   splits calls across Java threads in fixed blocks, so kernels must not start threads of their own.
     * -fno-math-errno: Java has no errno; this only lets sqrt and friends become instructions and
     *   vectorize, it changes no value.
     * -fPIC -shared: a library for dlopen. -lm comes last on the command line.
     */
    static final List<String> SEMANTICS = List.of("-std=c99", "-fPIC", "-shared", "-fopenmp-simd", "-fwrapv",
            "-fno-math-errno");
    /** Strict mode: no FMA contraction (Java rounds a*b and then +c) and IEEE rules kept. */
    static final List<String> STRICT = List.of("-ffp-contract=off", "-fno-fast-math");
    /** Fast mode: the compiler may reassociate, contract and assume no NaN or infinity. */
    static final List<String> FAST = List.of("-ffast-math");

    /**
     * Copies the tuning flags and checks that nothing is null.
     *
     * @throws NullPointerException if {@code compiler}, {@code tuning} or {@code cacheDir} is null
     */
    public CConfig {
        Objects.requireNonNull(compiler, "compiler");
        tuning = List.copyOf(tuning);
        Objects.requireNonNull(cacheDir, "cacheDir");
    }

    /**
     * The configuration given by the {@code flynn.c.*} system properties.
     *
     * @return the configuration
     */
    public static CConfig fromSystemProperties() {
        String compiler = System.getProperty("flynn.c.compiler", "cc").trim();
        String flags = System.getProperty("flynn.c.flags", DEFAULT_TUNING);
        boolean fast = Boolean.getBoolean("flynn.c.fast");
        String cache = System.getProperty("flynn.c.cache");
        Path dir = cache != null && !cache.isBlank() ? Path.of(cache) : defaultCacheDir();
        return new CConfig(compiler, split(flags), fast, dir);
    }

    /**
     * The same configuration with another compiler.
     *
     * @param command the compiler command, such as {@code clang}
     * @return a new configuration
     */
    public CConfig withCompiler(String command) {
        return new CConfig(command, tuning, fast, cacheDir);
    }

    /**
     * The same configuration with another cache directory.
     *
     * @param dir the directory of cached sources and libraries
     * @return a new configuration
     */
    public CConfig withCacheDir(Path dir) {
        return new CConfig(compiler, tuning, fast, dir);
    }

    /**
     * The same configuration in fast or strict mode.
     *
     * @param on true for {@code -ffast-math}, false for Java semantics
     * @return a new configuration
     */
    public CConfig withFast(boolean on) {
        return new CConfig(compiler, tuning, on, cacheDir);
    }

    /** Every flag passed to the compiler, in order; later flags win, so the mode comes last. */
    List<String> flags() {
        List<String> all = new ArrayList<>(SEMANTICS);
        all.addAll(tuning);
        all.addAll(fast ? FAST : STRICT);
        return all;
    }

    /** How results relate to Java's, for the backend's availability reason. */
    String modeLabel() {
        return fast ? "FAST mode (-ffast-math): results may differ from Java's (NaN, infinities, signed zeros,"
                + " rounding); unset flynn.c.fast for Java semantics"
                : "strict mode (Java semantics: no -ffast-math, -ffp-contract=off, -fwrapv)";
    }

    private static List<String> split(String flags) {
        String t = flags.trim();
        return t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
    }

    private static Path defaultCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("flynn").resolve("c");
    }
}
