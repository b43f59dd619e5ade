package dev.flynn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command's parsing, errors and outputs, on tiny sizes with one timed call per row (no timing checks). */
class FlynnCommandTest {

    /** What a run printed, and its exit status. */
    private record Run(int status, String out, String err) {
        List<String> outLines() {
            return out.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private static Run flynn(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Context ctx = new Context(new PrintWriter(out, true), new PrintWriter(err, true), false, Optional.of(Timing.ONCE));
        int status = FlynnCommand.execute(ctx, args);
        return new Run(status, out.toString(), err.toString());
    }

    private static CommandLine.ParseResult parse(String... args) {
        StringWriter sink = new StringWriter();
        Context ctx = new Context(new PrintWriter(sink), new PrintWriter(sink), false, Optional.of(Timing.ONCE));
        return new CommandLine(new FlynnCommand(ctx)).parseArgs(args);
    }

    @Test
    void parsesBenchOptions() {
        CommandLine.ParseResult bench = parse("bench", "--kernels", "saxpy,dot", "--sizes", "4K,16M,1000",
                "--backends", "SIMD,c", "--threads", "1,2", "--dtype", "f64", "--quick", "--format", "json").subcommand();
        assertEquals(List.of("saxpy", "dot"), bench.matchedOptionValue("--kernels", List.of()));
        assertEquals(List.of(4096, 16777216, 1000), bench.matchedOptionValue("--sizes", List.of()));
        assertEquals(List.of("simd", "c"), bench.matchedOptionValue("--backends", List.of()));
        assertEquals(List.of(1, 2), bench.matchedOptionValue("--threads", List.of()));
        assertEquals(dev.flynn.DType.F64, bench.matchedOptionValue("--dtype", null));
        assertTrue(bench.hasMatchedOption("--quick"));
        assertEquals(Format.JSON, bench.matchedOptionValue("--format", null));
    }

    @Test
    void parsesEvalOptions() {
        CommandLine.ParseResult eval = parse("eval", "2*x + y", "--n", "1M", "--backends", "scalar,C", "--reduce", "sum")
                .subcommand();
        assertEquals("2*x + y", eval.matchedPositionalValue(0, ""));
        assertEquals(1 << 20, (int) eval.matchedOptionValue("--n", 0));
        assertEquals(List.of("scalar", "c"), eval.matchedOptionValue("--backends", List.of()));
        assertEquals("sum", eval.matchedOptionValue("--reduce", ""));
        // the singular spelling still works, hidden from the help
        assertEquals(List.of("simd"), parse("eval", "x", "--backend", "simd").subcommand()
                .matchedOptionValue("--backend", List.of()));
    }

    @ParameterizedTest
    @CsvSource({"4K, 4096", "4k, 4096", "16M, 16777216", "1M, 1048576", "1000, 1000", "1, 1", "1G, 1073741824",
            "2047M, 2146435072"})
    void parsesSizes(String text, int n) {
        assertEquals(n, Sizes.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"4X", "K", "1.5K", "-4", "0", "4KB", "99999999999", "3G"})
    void rejectsMalformedSizes(String text) {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Sizes.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void formatsSizes() {
        assertEquals("4K", Sizes.format(4096));
        assertEquals("16M", Sizes.format(16 << 20));
        assertEquals("1000", Sizes.format(1000));
        assertEquals("4109", Sizes.format(4109));
        assertEquals("1G", Sizes.format(1L << 30));
        assertEquals("1025M", Sizes.format(1025L << 20));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "bench --kernels saxpy,fft          | 'fft'   | saxpy, poly, exp, log, sin, relu, sum, dot, cumsum, var, blackscholes, rowsum, colsum, knn, softmax, rmsnorm",
            "bench --backends cuda              | 'cuda'  | scalar, simd, gpu, c",
            "bench --dtype f16                  | 'f16'   | f32, f64",
            "bench --sizes 4K,4X                | '4X'    | 4K, 16M",
            "bench --format xml                 | 'xml'   | table, json, csv",
            "bench --threads 0                  | '0'     | from 1",
            "eval x --reduce median             | 'median'| sum, mean, var",
            "eval x --n lots                    | 'lots'  | 4K",
            "eval x --backends scalar,gpx       | 'gpx'   | scalar, simd, gpu, c",
            "eval x --backend cuda              | 'cuda'  | scalar, simd, gpu, c",
            "eval 'x +* y'                      | 'x +* y'| position",
            "eval 'foo(x)'                      | 'foo(x)'| foo",
            "eval x --shape 64x                 | '64x'   | 4096x4096",
            "eval x --shape 64x0                | '64x0'  | use 1 to",
            "eval x --shape 64x64 --axis 2      | '2'     | 0 (columns) or 1 (rows)",
            "bench --frobnicate                 | '--frobnicate' | --help",
            "frobnicate                         | 'frobnicate'   | --help"})
    void badInputIsOneLineNamingTheValueAndTheValidOnes(String command, String bad, String valid) {
        Run run = flynn(split(command));
        assertEquals(FlynnCommand.BAD_INPUT, run.status(), run.err());
        assertEquals("", run.out());
        List<String> lines = run.err().lines().toList();
        assertEquals(1, lines.size(), run.err());
        assertTrue(lines.getFirst().startsWith("flynn: "), run.err());
        assertTrue(lines.getFirst().contains(bad), run.err());
        assertTrue(lines.getFirst().contains(valid), run.err());
    }

    @Test
    void matrixKernelsRunPerRowAndPerColumn() {
        Run run = flynn("bench", "--kernels", "rowsum,colsum", "--sizes", "4K", "--backends", "scalar", "--threads", "1",
                "--format", "json");
        assertEquals(0, run.status(), run.err());
        assertEquals(2, run.outLines().size(), run.out());
        assertTrue(run.outLines().get(0).contains("rowsum"), run.out());
        assertTrue(run.outLines().get(1).contains("colsum"), run.out());
        Run eval = flynn("eval", "x*x", "--shape", "8x16", "--reduce", "sum", "--axis", "0", "--backends", "scalar",
                "--threads", "1", "--format", "json");
        assertEquals(0, eval.status(), eval.err());
        assertEquals(1, eval.outLines().size(), eval.out());
        assertTrue(eval.outLines().getFirst().contains("8x16 axis 0"), eval.out());
    }

    @Test
    void knnScoresEveryRowOnEveryBackend() {
        // 4K is 5 rows of 768
        Run run = flynn("bench", "--kernels", "knn", "--sizes", "4K", "--backends", "scalar,simd", "--threads", "1",
                "--format", "json");
        assertEquals(0, run.status(), run.err());
        assertEquals(2, run.outLines().size(), run.out());
        for (String line : run.outLines()) {
            // compared with the scalar backend's scores: a NaN where it has a number is an infinite distance
            assertTrue(line.contains("\"knn\"") && !line.contains("\"max_ulp\": null")
                    && !line.contains("\"max_ulp\": \"inf\""), line);
        }
    }

    @Test
    void rowSoftmaxAndRmsNormMatchTheScalarBackendWithinTheirBounds() {
        // 4K is a 64x64 matrix
        Run run = flynn("bench", "--kernels", "softmax,rmsnorm", "--sizes", "4K", "--backends", "scalar,simd",
                "--threads", "1", "--format", "json");
        assertEquals(0, run.status(), run.err());
        assertEquals(4, run.outLines().size(), run.out());
        Pattern ulp = Pattern.compile("\"max_ulp\":\\s*([^,}]+)");
        for (String line : run.outLines()) {
            Matcher m = ulp.matcher(line);
            assertTrue(m.find(), line);
            double maxUlp = Double.parseDouble(m.group(1));
            // SEMANTICS.md "Reduce-then-map kernels", F32 rows of m = 64 in one block (d = 0), x in [-10, 10) so
            // t_i < 20 and D <= 20, L = 2: softmax within 1.1 ((t + 2L + 2) u + (m + d + 2) u + (D + 2L + 1) u)
            // = 1.1 (26 + 66 + 25) u of the exact value; RMS norm (mean square and root in F64, the root
            // rounded to F32: rho <= 1.01 u) within 2 (rho + 2u) < 6.1 u. Two backends differ by at most twice
            // that, and u |y| is at most an ulp of y
            double bound = line.contains("\"softmax\"") ? 2 * 1.1 * (26 + 66 + 25) : 2 * 6.1;
            assertTrue(maxUlp >= 0 && maxUlp <= bound, line);
        }
    }

    @Test
    void noCommandIsBadInput() {
        Run run = flynn();
        assertEquals(FlynnCommand.BAD_INPUT, run.status());
        assertTrue(run.err().contains("info, bench, eval"), run.err());
    }

    @Test
    void jsonRowsHaveExactlyTheNamedFields() {
        Run run = flynn("bench", "--kernels", "saxpy,sum", "--sizes", "1K,1000", "--backends", "scalar",
                "--threads", "1", "--format", "json");
        assertEquals(0, run.status(), run.err());
        List<String> lines = run.outLines();
        assertEquals(4, lines.size(), run.out());
        List<String> expected = List.of("kernel", "dtype", "n", "backend", "threads", "median_ns", "min_ns", "max_ns",
                "spread", "gbps", "gelems", "speedup", "bw_fraction", "max_ulp", "term_err", "rel_err", "warmup", "flags");
        for (String line : lines) {
            assertTrue(line.startsWith("{") && line.endsWith("}"), line);
            assertEquals(expected, keys(line), line);
        }
        assertTrue(lines.getFirst().startsWith("{\"kernel\": \"saxpy\", \"dtype\": \"f32\", \"n\": 1024, \"backend\":"
                + " \"scalar\", \"threads\": 1,"), lines.getFirst());
        // saxpy adds, so it has an error relative to its terms; one timed call cannot be seen compiled
        assertTrue(lines.getFirst().contains("\"max_ulp\": 0, \"term_err\": 0, \"rel_err\": null"), lines.getFirst());
        assertTrue(lines.get(2).contains("\"max_ulp\": null, \"term_err\": null, \"rel_err\": "), lines.get(2));
    }

    @Test
    void unavailableBackendsAreListedWithTheirReason() {
        Run run = flynn("bench", "--kernels", "relu", "--sizes", "100", "--backends", "scalar,gpu", "--threads", "1");
        assertEquals(0, run.status(), run.err());
        if (!gpuRunsHere()) {
            assertTrue(run.out().contains("note: gpu: "), run.out());
        }
        assertTrue(run.out().contains("relu"), run.out());
    }

    @ParameterizedTest
    @CsvSource({"bench, --backends", "eval, --backends", "eval, --backend"})
    void stopsAtOnceWhenNoRequestedBackendCanRun(String command, String option) {
        org.junit.jupiter.api.Assumptions.assumeFalse(gpuRunsHere(), "this machine has a GPU the gpu backend can use");
        List<String> args = command.equals("bench") ? List.of("bench", option, "gpu") : List.of("eval", "x", option, "gpu");
        Run run = flynn(args.toArray(String[]::new));
        assertEquals(FlynnCommand.CANNOT_RUN, run.status(), run.err());
        assertEquals("", run.out(), "no table, no bandwidth: nothing was measured");
        assertFalse(run.err().contains("[1/"), "no progress: nothing was measured");
        assertTrue(run.err().startsWith("flynn: none of the requested backends (gpu) can run here: gpu: "), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void aSizeTooLargeForTheHeapIsRefusedBeforeAnythingIsAllocated() {
        // four f64 inputs and three outputs of 2047M elements: 112 GiB (111.9 GiB)
        long need = Plan.bytes(new dev.flynn.benchmarks.BenchKernel("k", "k", t -> dev.flynn.Kernel.parse("x+y+z+w", t),
                Optional.empty(), java.util.Collections.nCopies(4, EvalCommand.DOMAIN)), dev.flynn.DType.F64, 2047L << 20);
        assertEquals(7 * 8 * (2047L << 20), need);
        org.junit.jupiter.api.Assumptions.assumeTrue(need > Runtime.getRuntime().maxMemory(), "this heap is large enough");
        Run run = flynn("eval", "x+y+z+w", "--n", "2047M", "--dtype", "f64", "--backends", "scalar");
        assertEquals(FlynnCommand.BAD_INPUT, run.status(), run.err());
        assertEquals("", run.out());
        assertTrue(run.err().contains("size 2047M (2146435072 elements)"), run.err());
        assertTrue(run.err().contains("needs about 111.9 GiB of heap"), run.err());
        assertTrue(run.err().contains("FLYNN_JAVA_OPTS=-Xmx"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "bnech                           | 'bench'",
            "bench --kernles saxpy           | '--kernels'",
            "bench --kernels sxapy           | 'saxpy'",
            "bench --kernels blackschole     | 'blackscholes'",
            "bench --backends smid           | 'simd'",
            "bench --dtype f23               | 'f32'",
            "bench --format jsno             | 'json'",
            "eval x --reduce nrom2           | 'norm2'",
            "eval x --threds 2               | '--threads'"})
    void typosGetADidYouMean(String command, String suggestion) {
        Run run = flynn(split(command));
        assertEquals(FlynnCommand.BAD_INPUT, run.status(), run.err());
        assertTrue(run.err().contains("(did you mean '" + suggestion + "'"), run.err());
    }

    @Test
    void farOffValuesGetNoSuggestion() {
        Run run = flynn("bench", "--kernels", "fft");
        assertFalse(run.err().contains("did you mean"), run.err());
    }

    @Test
    void flagsNameWhatMayMislead() {
        assertEquals(List.of(), Suite.flags(0.10, Row.Warmup.C2, false));
        assertEquals(List.of(), Suite.flags(0.0, Row.Warmup.AHEAD, false));
        assertEquals(List.of(Row.Flag.SPREAD), Suite.flags(0.1001, Row.Warmup.C2, false));
        assertEquals(List.of(Row.Flag.NOT_COMPILED), Suite.flags(0.0, Row.Warmup.UNSEEN, false));
        assertEquals(List.of(Row.Flag.NOT_COMPILED), Suite.flags(0.0, Row.Warmup.UNWATCHED, false));
        assertEquals(List.of(Row.Flag.SPREAD, Row.Flag.NOT_COMPILED, Row.Flag.RECOMPILED),
                Suite.flags(0.97, Row.Warmup.UNSEEN, true));
    }

    @Test
    void flaggedRowsAreExplainedUnderTheTable() {
        // Timing.ONCE watches no JIT: every scalar and simd row says so
        Run run = flynn("bench", "--kernels", "saxpy", "--sizes", "64", "--backends", "scalar,simd", "--threads", "1");
        assertEquals(0, run.status(), run.err());
        List<String> rows = run.outLines().stream().filter(l -> l.startsWith("saxpy")).toList();
        assertEquals(2, rows.size(), run.out());
        rows.forEach(r -> assertTrue(r.endsWith("not-compiled"), r));
        assertTrue(run.out().contains("flag not-compiled (2 rows): the JIT was not seen"), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("kernel ") && l.contains(" spread ")
                && l.contains(" of terms ") && l.endsWith(" flags")), run.out());
    }

    @Test
    void versionNamesTheVersionAndTheCommit() {
        Run run = flynn("--version");
        assertEquals(0, run.status(), run.err());
        dev.flynn.FlynnVersion v = dev.flynn.FlynnVersion.current();
        assertTrue(run.out().startsWith("flynn " + v.version() + " (" + v.commit()), run.out());
        assertFalse(run.out().contains("development build"), run.out());
    }

    @Test
    void progressNamesEachStepAndTheTimeLeft() {
        StringWriter sink = new StringWriter();
        long[] now = {0};
        Progress p = new Progress(new PrintWriter(sink), false, () -> now[0]);
        p.begin("measuring the memory bandwidth");
        p.start(4);
        p.step("a");
        now[0] = 3_000_000_000L;
        p.step("b");
        now[0] = 6_000_000_000L;
        p.step("c");
        now[0] = 100_000_000_000L;
        p.step("d");
        assertEquals(List.of("measuring the memory bandwidth...", "[1/4] a", "[2/4] b  (9s left)", "[3/4] c  (6s left)",
                "[4/4] d  (33s left)"), sink.toString().lines().toList());
        assertEquals("2m05s", Progress.duration(125e9));
    }

    @Test
    void csvHasAHeaderAndOneLinePerRow() {
        Run run = flynn("eval", "2*x + y", "--n", "1K", "--backends", "scalar", "--threads", "1", "--format", "csv");
        assertEquals(0, run.status(), run.err());
        List<String> lines = run.outLines();
        assertEquals(String.join(",", Row.FIELDS), lines.getFirst());
        assertEquals(2, lines.size(), run.out());
        assertTrue(lines.get(1).startsWith("2*x + y,f32,1024,scalar,1,"), lines.get(1));
    }

    @Test
    void evalReducesAndReportsTheRelativeError() {
        Run run = flynn("eval", "x*x", "--reduce", "sum", "--n", "1000", "--dtype", "f64", "--backends", "scalar",
                "--threads", "1", "--format", "json");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().startsWith("{\"kernel\": \"sum(x*x)\", \"dtype\": \"f64\", \"n\": 1000"), run.out());
        assertFalse(run.out().contains("\"rel_err\": null"), run.out());
    }

    @Test
    void tableHasAHeaderAndTheBandwidth() {
        Run run = flynn("bench", "--kernels", "poly", "--sizes", "64", "--backends", "scalar", "--threads", "1");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("memory bandwidth"), run.out());
        assertTrue(run.out().contains("kernel"), run.out());
        assertTrue(run.out().contains("poly "), run.out());
    }

    @Test
    void infoListsEveryBackend() {
        Run run = flynn("info");
        assertEquals(0, run.status(), run.err());
        for (String b : List.of("scalar", "simd", "gpu", "c")) {
            assertTrue(Pattern.compile("(?m)^  " + b + " ").matcher(run.out()).find(), run.out());
        }
        assertTrue(run.out().contains("C compiler"), run.out());
    }

    @Test
    void jsonNumbers() {
        assertEquals("null", Json.number(Double.NaN));
        assertEquals("\"inf\"", Json.number(Double.POSITIVE_INFINITY));
        assertEquals("3", Json.number(3.0));
        assertEquals("1.2346", Json.number(1.23456789));
        assertEquals("123457", Json.number(123456.7));
        assertEquals("\"a\\\"\\u003c/script>\"", Json.string("a\"</script>"));
    }

    @Test
    void ulpsCountRepresentableValues() {
        float[] ref = {1f, -0f, 0f, Float.NaN, -1f};
        assertEquals(0, Accuracy.maxUlp(new float[]{1f, 0f, -0f, Float.NaN, -1f}, ref));
        assertEquals(1, Accuracy.maxUlp(new float[]{Math.nextUp(1f), -0f, 0f, Float.NaN, -1f}, ref));
        assertEquals(2, Accuracy.maxUlp(new float[]{1f, -0f, 0f, Float.NaN, Math.nextDown(Math.nextDown(-1f))}, ref));
        assertEquals(Double.POSITIVE_INFINITY, Accuracy.maxUlp(new float[]{1f, -0f, 0f, 1f, -1f}, ref));
        assertEquals(2, Accuracy.maxUlp(new double[]{Double.MIN_VALUE}, new double[]{-Double.MIN_VALUE}));
    }

    private static boolean gpuRunsHere() {
        return dev.flynn.Flynn.backends().stream().anyMatch(b -> b.name().equals("gpu") && b.available());
    }

    private static List<String> keys(String jsonLine) {
        List<String> keys = new ArrayList<>();
        Matcher m = Pattern.compile("\"([a-z_]+)\": ").matcher(jsonLine);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    /** Splits on spaces, keeping 'single-quoted' parts together. */
    private static String[] split(String command) {
        List<String> parts = new ArrayList<>();
        Matcher m = Pattern.compile("'([^']*)'|(\\S+)").matcher(command);
        while (m.find()) {
            parts.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return parts.toArray(String[]::new);
    }
}
