package dev.flynn.conformance;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the test class path in a JVM of its own, with this JVM's flags and
 * {@code flynn.*} properties plus the given flags. For checks whose verdict would otherwise depend on
 * what else ran in the JVM: the JIT state ({@code -Xbatch} compiles synchronously, at fixed counts)
 * or which classes are loaded.
 */
final class ForkedJvm {
    /** A fork that does not finish in this time is hung, not slow: the checks take seconds. */
    private static final long LIMIT_MINUTES = 5;

    record Result(int exitCode, String output) {
    }

    private ForkedJvm() {
    }

    static Result run(List<String> flags, Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib:jdwp")) {
                cmd.add(a);
            }
        }
        System.getProperties().stringPropertyNames().stream().filter(p -> p.startsWith("flynn.")).sorted()
                .forEach(p -> cmd.add("-D" + p + "=" + System.getProperty(p)));
        cmd.addAll(flags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(LIMIT_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the forked JVM did not finish in " + LIMIT_MINUTES + " minutes: " + cmd);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
