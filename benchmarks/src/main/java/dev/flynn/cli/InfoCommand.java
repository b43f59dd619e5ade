package dev.flynn.cli;

import dev.flynn.BackendInfo;
import dev.flynn.Flynn;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** {@code flynn info}: the JDK, the CPU and its vector features, and every backend with its availability. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Shows the JDK, CPU, vector features, threads, every backend (available or not, and why),"
                + " the GPU and the C compiler.")
final class InfoCommand implements Callable<Integer> {
    /** CPU flags that matter to vector code: x86 SSE/AVX/FMA/AMX, Arm NEON/SVE. */
    private static final String VECTOR_FLAG = "(sse.*|ssse3|avx.*|fma|f16c|amx.*|asimd.*|neon|sve.*)";

    @ParentCommand
    private FlynnCommand parent;

    @Override
    public Integer call() {
        PrintWriter out = parent.context().out();
        Machine m = Machine.current();
        line(out, "JDK", m.jdk() + ", " + m.vm());
        line(out, "OS", m.os());
        line(out, "CPU", m.cpu() + ", " + m.cores() + " cores");
        line(out, "CPU vectors", vectorFlags());
        line(out, "Vector API", species());
        line(out, "Threads", Flynn.global().threads() + " by default (-Dflynn.threads=N, or bench --threads)");
        line(out, "Max heap", String.format(java.util.Locale.ROOT, "%.1f GiB", Runtime.getRuntime().maxMemory() / 1073741824.0));
        out.println("Backends, in AUTO's order:");
        List<BackendInfo> found = Flynn.backends();
        for (BackendInfo b : found) {
            String state = b.available() ? "available" : "unavailable";
            String text = b.reason() + (b.available() || b.fix().isEmpty() ? "" : "; fix: " + b.fix());
            out.printf("  %-7s %-12s %s%n", b.name(), state, text);
        }
        for (String name : Suite.backendNames()) {
            if (found.stream().noneMatch(b -> b.name().equals(name))) {
                out.printf("  %-7s %-12s %s%n", name, "not found", Plan.notFound(name));
            }
        }
        line(out, "GPU", run("nvidia-smi", "--query-gpu=name,compute_cap,memory.total,driver_version",
                "--format=csv,noheader")
                .map(s -> s.lines().map(InfoCommand::gpu).collect(Collectors.joining("; ")))
                .orElse("none found (no nvidia-smi on PATH, or it failed)"));
        String cc = System.getProperty("flynn.c.compiler", "cc");
        line(out, "C compiler", run(cc, "--version").flatMap(s -> s.lines().findFirst())
                .map(v -> v + " (" + cc + ")").orElse("none: '" + cc + "' is not on PATH (set -Dflynn.c.compiler)"));
        out.flush();
        return 0;
    }

    private static void line(PrintWriter out, String key, String value) {
        out.printf("%-12s %s%n", key, value);
    }

    private static String vectorFlags() {
        Optional<String> flags = Machine.cpuInfo("flags").or(() -> Machine.cpuInfo("Features"));
        return flags.map(f -> Arrays.stream(f.split("\\s+")).filter(x -> x.matches(VECTOR_FLAG))
                        .collect(Collectors.joining(" ")))
                .orElse("unknown (no /proc/cpuinfo)");
    }

    private static String species() {
        try {
            return "preferred species: " + VectorShape.describe();
        } catch (LinkageError e) {
            return "jdk.incubator.vector is not readable: pass --add-modules jdk.incubator.vector";
        }
    }

    private static String gpu(String csv) {
        String[] f = csv.split(",\\s*");
        if (f.length < 4) {
            return csv;
        }
        return f[0] + ", compute capability " + f[1] + ", " + f[2] + ", driver " + f[3];
    }

    /** The standard output of a short command, if it ran and succeeded within five seconds. */
    private static Optional<String> run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return Optional.of(new String(output, StandardCharsets.UTF_8).strip()).filter(s -> !s.isEmpty());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
