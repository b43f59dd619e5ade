package dev.flynn.c;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the system C compiler and keeps what it builds in a disk cache, keyed by a hash of the
 * source, the compiler's version, the flags and the CPU (for {@code -march=native}), so a kernel is
 * compiled once per machine rather than once per process. The compiler's output is captured, never
 * printed: it goes into {@link CCompileException} messages.
 */
final class CCompiler {
    private static final String LIBRARY_SUFFIX = System.mapLibraryName("x").substring(System.mapLibraryName("x")
            .indexOf('x') + 1);

    private final CConfig config;
    private final String version;
    private final String machine;
    private final AtomicInteger runs = new AtomicInteger();

    private CCompiler(CConfig config, String version, String machine) {
        this.config = config;
        this.version = version;
        this.machine = machine;
    }

    /** Finds the compiler by asking for its version; throws if it cannot be run. */
    static CCompiler open(CConfig config) {
        List<String> cmd = List.of(config.compiler(), "--version");
        Result r = run(cmd, null);
        if (r.exit != 0) {
            throw new CCompileException("'" + config.compiler() + " --version' failed (exit " + r.exit + "): "
                    + r.output.strip());
        }
        return new CCompiler(config, r.output.strip(), Machine.describe());
    }

    CConfig config() {
        return config;
    }

    /** The first line of {@code cc --version}, e.g. {@code cc (Debian 12.2.0-14) 12.2.0}. */
    String versionLine() {
        return version.lines().findFirst().orElse(version);
    }

    /** How many times the compiler actually ran to build a library (cache hits do not count). */
    int compilations() {
        return runs.get();
    }

    /**
     * The path of the shared library built from {@code source}: from the cache when it is there,
     * otherwise compiled now. {@code extraFlags} go before the configured ones (used by the probe).
     */
    Path library(String source, List<String> extraFlags) {
        List<String> flags = new ArrayList<>(extraFlags);
        flags.addAll(config.flags());
        String key = hash(source + "\u0000" + version + "\u0000" + config.compiler() + "\u0000" + flags + "\u0000"
                + machine);
        Path dir = config.cacheDir();
        Path lib = dir.resolve("k" + key + LIBRARY_SUFFIX);
        if (Files.isRegularFile(lib)) {
            return lib;
        }
        try {
            Files.createDirectories(dir);
            Path src = dir.resolve("k" + key + ".c");
            Files.writeString(src, source, StandardCharsets.UTF_8);
            // several JVMs may build the same kernel at once: each writes its own file and renames it
            Path tmp = Files.createTempFile(dir, "k" + key + "-", ".tmp");
            List<String> cmd = new ArrayList<>();
            cmd.add(config.compiler());
            cmd.addAll(flags);
            cmd.addAll(List.of("-o", tmp.toString(), src.toString(), "-lm"));
            runs.incrementAndGet();
            Result r = run(cmd, dir);
            if (r.exit != 0) {
                Files.deleteIfExists(tmp);
                throw new CCompileException(String.join(" ", cmd) + " failed (exit " + r.exit + "):\n"
                        + r.output.strip());
            }
            try {
                Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, lib, StandardCopyOption.REPLACE_EXISTING);
            }
            return lib;
        } catch (IOException e) {
            throw new CCompileException("cannot write to the C kernel cache " + dir + ": " + e
                    + "; set -Dflynn.c.cache to a writable directory");
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> cmd, Path dir) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(p.waitFor(), out);
        } catch (IOException e) {
            throw new CCompileException("cannot run the C compiler '" + cmd.getFirst() + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CCompileException("interrupted while running " + cmd.getFirst());
        }
    }

    private static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** What {@code -march=native} compiles for: a library built on one CPU may not run on another. */
    private static final class Machine {
        static String describe() {
            StringBuilder sb = new StringBuilder(System.getProperty("os.arch"));
            Path info = Path.of("/proc/cpuinfo");
            if (Files.isReadable(info)) {
                try (var lines = Files.lines(info)) {
                    lines.filter(l -> l.startsWith("model name") || l.startsWith("flags") || l.startsWith("Features"))
                            .distinct()
                            .forEach(l -> sb.append('\n').append(l));
                } catch (IOException | UncheckedIOException e) {
                    // an unreadable cpuinfo only weakens the key to the architecture's name
                }
            }
            return sb.toString();
        }
    }
}
