package dev.flynn.simd;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The SIMD backend gives the same bits whatever the JIT has done and whatever vector width it uses:
 * {@link SimdDigests} runs in separate JVMs (interpreted; C2 compiling each kernel after ten calls,
 * synchronously; the default tiered JIT) at every width of {@code -Dflynn.simd.bits} this CPU has, and
 * every result of every run must have the same digest. The modes are fixed by JVM flags, not by how
 * long a run takes, so the verdict is the same on every run.
 */
class SimdDeterminismTest {
    /** C2 only, compiling a kernel's methods at their tenth call and waiting for the compiler; no OSR. */
    private static final List<String> C2_NOW = List.of("-Xbatch", "-XX:-BackgroundCompilation",
            "-XX:-TieredCompilation", "-XX:-UseOnStackReplacement", "-XX:CompileCommand=quiet",
            "-XX:CompileCommand=CompileThresholdScaling,dev.flynn.simd.SimdKernel*::*,0.001",
            "-XX:CompileCommand=CompileThresholdScaling,dev.flynn.simd.SimdDigests::expLoop,0.001",
            "-XX:+PrintCompilation");
    private static final Pattern COMPILED = Pattern.compile("dev\\.flynn\\.simd\\.SimdKernel/(0x[0-9a-f]+)::(map|reduce) ");

    /** One JVM: its mode, width and output. */
    record Fork(String mode, int bits, List<String> flags, int calls) {
        String name() {
            return mode + " at " + bits + " bits";
        }
    }

    record Result(Fork fork, Map<String, String[]> digests, long kernels, long compiledKernels) {
    }

    static List<Integer> widths() {
        int machine = SimdShapes.machineBits();
        return IntStream.of(128, 256, 512).filter(b -> b <= machine).boxed().toList();
    }

    @Test
    void sameBitsInterpretedCompiledAndAtEveryVectorWidth() throws Exception {
        List<Fork> forks = new ArrayList<>();
        for (int bits : widths()) {
            // the first round of calls passes the compile threshold, the others run compiled code
            forks.add(new Fork("-Xint", bits, List.of("-Xint"), 1));
            forks.add(new Fork("C2 after 10 calls", bits, C2_NOW, 3));
            forks.add(new Fork("default JIT", bits, List.of(), 3));
        }
        List<Result> results = run(forks, List.of());
        Result reference = results.getFirst();
        List<String> differences = new ArrayList<>();
        for (Result r : results) {
            if (r.fork().flags() == C2_NOW) {
                assertEquals(r.kernels(), r.compiledKernels(), "kernels C2 compiled in " + r.fork().name()
                        + " (the compile threshold or the kernel class name changed?)");
            }
            assertEquals(reference.digests().keySet(), r.digests().keySet(), "results of " + r.fork().name());
            for (Map.Entry<String, String[]> e : r.digests().entrySet()) {
                String want = reference.digests().get(e.getKey())[0];
                String[] got = e.getValue();
                if (!got[0].equals(want) || !got[1].equals(want)) {
                    differences.add(e.getKey() + ": " + reference.fork().name() + " " + want + ", " + r.fork().name()
                            + " first call " + got[0] + ", last call " + got[1]);
                }
            }
        }
        assertEquals(List.of(), differences.subList(0, Math.min(20, differences.size())),
                differences.size() + " results differ between JIT modes or vector widths");
    }

    /**
     * The check catches what it is meant to: a loop of {@code VectorOperators.EXP}, the SIMD backend's
     * former exp, gives other bits once C2 compiles it to the JDK's SVML-derived stub than interpreted.
     * x86-64 only: there C2 always has the stub (AVX or not); on other CPUs it may fall back to Java.
     */
    @Test
    void vectorOperatorsExpChangesBitsWhenCompiled() throws Exception {
        assumeTrue(System.getProperty("os.arch").matches("amd64|x86_64"), "SVML stubs are an x86-64 feature");
        int bits = SimdShapes.machineBits();
        List<Result> results = run(List.of(new Fork("-Xint", bits, List.of("-Xint"), 1),
                new Fork("C2 after 10 calls", bits, C2_NOW, 40)), List.of("svml-exp"));
        String interpreted = results.get(0).digests().values().iterator().next()[1];
        String[] compiled = results.get(1).digests().values().iterator().next();
        assertEquals(interpreted, compiled[0], "the first call runs interpreted in both JVMs");
        assertNotEquals(interpreted, compiled[1], "VectorOperators.EXP gave the same bits compiled as interpreted");
    }

    private static List<Result> run(List<Fork> forks, List<String> extraArgs) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path dir = Files.createTempDirectory("flynn-digests");
        List<Process> started = new ArrayList<>();
        List<Path> outs = new ArrayList<>();
        List<Path> errs = new ArrayList<>();
        try {
            for (int i = 0; i < forks.size(); i++) {
                Fork f = forks.get(i);
                List<String> cmd = new ArrayList<>(List.of(java.toString(), "--add-modules", "jdk.incubator.vector",
                        "-Xmx256m", "-Xss8m", "-Dflynn.simd.bits=" + f.bits()));
                cmd.addAll(f.flags());
                cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SimdDigests.class.getName(),
                        Integer.toString(f.calls())));
                cmd.addAll(extraArgs);
                Path out = dir.resolve(i + ".out");
                Path err = dir.resolve(i + ".err");
                outs.add(out);
                errs.add(err);
                started.add(new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start());
            }
            List<Result> results = new ArrayList<>();
            for (int i = 0; i < forks.size(); i++) {
                int rc = started.get(i).waitFor();
                String err = Files.readString(errs.get(i), StandardCharsets.UTF_8);
                assertEquals(0, rc, forks.get(i).name() + " failed:\n" + err);
                results.add(parse(forks.get(i), Files.readAllLines(outs.get(i), StandardCharsets.UTF_8)));
            }
            return results;
        } finally {
            started.forEach(Process::destroyForcibly);
            for (Path p : outs) {
                Files.deleteIfExists(p);
            }
            for (Path p : errs) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }

    private static Result parse(Fork fork, List<String> lines) {
        Map<String, String[]> digests = new LinkedHashMap<>();
        long kernels = 0;
        java.util.Set<String> compiled = new java.util.HashSet<>();
        for (String line : lines) {
            if (line.startsWith("digest|")) {
                String[] f = line.split("\\|");
                digests.put(f[1] + " n=" + f[2], new String[]{f[3], f[4]});
            } else if (line.startsWith("kernels|")) {
                kernels = Long.parseLong(line.substring("kernels|".length()));
            } else {
                Matcher m = COMPILED.matcher(line);
                if (m.find() && !line.contains(" % ") && !line.contains("made not entrant")) {
                    compiled.add(m.group(1));
                }
            }
        }
        assertFalse(digests.isEmpty(), fork.name() + " printed no results");
        return new Result(fork, digests, kernels, compiled.size());
    }
}
