package dev.flynn.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report's data, charts and table, checked without a browser; and in headless Chromium where there is one. */
class ReportTest {

    private static Row row(String kernel, long n, String backend, int threads, double median, double min, double speedup,
                           double ulp, double termErr, double relErr, List<Row.Flag> flags) {
        return new Row(kernel, "f32", n, backend, threads, median, min, median * 1.5, 1, n / median, speedup, 0.5, ulp,
                termErr, relErr, Row.Warmup.C2, flags);
    }

    /** A run with a slowdown (simd x1 at 4K: 0.6x), spread, zero and non-zero errors, and a reduction. */
    private static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (long n : List.of(4096L, 1L << 20)) {
            rows.add(row("saxpy", n, "scalar", 1, 1000, 990, 1, 0, 0, Double.NaN, List.of()));
            rows.add(row("saxpy", n, "scalar", 2, 600, 590, 1000 / 600.0, 0, 0, Double.NaN, List.of()));
            rows.add(row("saxpy", n, "simd", 1, n == 4096 ? 1666 : 250, n == 4096 ? 1000 : 245, n == 4096 ? 0.6 : 4,
                    1, 3e-8, Double.NaN, n == 4096 ? List.of(Row.Flag.SPREAD) : List.of()));
            rows.add(row("saxpy", n, "simd", 2, 150, 140, 1000 / 150.0, 1, 3e-8, Double.NaN, List.of()));
            rows.add(row("sum", n, "scalar", 1, 800, 790, 1, Double.NaN, Double.NaN, 1e-16, List.of()));
            rows.add(row("sum", n, "simd", 1, 100, 99, 8, Double.NaN, Double.NaN, 0, List.of()));
        }
        return rows;
    }

    @Test
    void everyChartHasDataAndTheSpeedupChartShowsTheSlowdown() {
        List<Charts> charts = Charts.of(rows());
        assertEquals(List.of("speedup", "throughput", "throughput", "error", "error", "error"),
                charts.stream().map(Charts::kind).toList());
        for (Charts c : charts) {
            assertFalse(c.series().isEmpty(), c.id());
            for (Charts.Series s : c.series()) {
                assertTrue(s.hasData(), c.id() + " " + s.label());
                if (c.kind().equals("throughput")) {
                    assertEquals(s.x().size(), s.values().size(), c.id());
                    assertEquals(s.x().stream().sorted().toList(), s.x(), "sizes in order");
                } else {
                    assertEquals(c.labels().size(), s.values().size(), c.id() + " " + s.label());
                }
            }
        }
        Charts speedup = charts.getFirst();
        assertEquals(List.of("saxpy 4K", "sum 4K", "saxpy 1M", "sum 1M"), speedup.labels());
        assertFalse(speedup.series().stream().anyMatch(s -> s.label().equals("scalar x1")), "the baseline is 1x by definition");
        Charts.Series simd1 = speedup.series().stream().filter(s -> s.label().equals("simd x1")).findFirst().orElseThrow();
        assertEquals(0.6, simd1.values().getFirst(), 1e-12);
        // the whisker: the baseline's median over the fastest sample, 0.6 * 1666 / 1000
        assertEquals(0.6 * 1666 / 1000, simd1.best().getFirst(), 1e-12);
        assertTrue(Double.isNaN(simd1.values().get(1)) == false && simd1.values().get(1) == 8.0);
    }

    @Test
    void oneBackendsThreadCountsShareAHueDarkerWithMoreThreads() {
        List<Row> rows = rows();
        String light = Charts.color("simd x1", rows);
        String dark = Charts.color("simd x2", rows);
        assertEquals("#9ecae1", light);
        assertEquals("#08519c", dark);
        assertEquals("#bdbdbd", Charts.color("scalar x1", rows));
        assertFalse(Charts.color("scalar x2", rows).equals(dark));
    }

    @Test
    void errorChartsLeaveExactResultsOutAndStartBelowTheSmallestError() {
        List<Charts> charts = Charts.of(rows());
        Charts ulp = charts.stream().filter(c -> c.id().equals("error-ulp")).findFirst().orElseThrow();
        assertEquals(List.of("simd x1", "simd x2"), ulp.series().stream().map(Charts.Series::label).toList(),
                "scalar's 0 ulp draws nothing on a log axis");
        assertEquals(List.of("saxpy 4K", "saxpy 1M"), ulp.labels());
        Charts rel = charts.stream().filter(c -> c.id().equals("error-rel")).findFirst().orElseThrow();
        assertTrue(rel.floor() <= 1e-16, "floor " + rel.floor());
        Charts terms = charts.stream().filter(c -> c.id().equals("error-terms")).findFirst().orElseThrow();
        assertTrue(terms.floor() <= 3e-8, "floor " + terms.floor());
    }

    @Test
    void noChartWithoutData() {
        List<Row> scalarOnly = rows().stream().filter(r -> r.backend().equals("scalar") && r.threads() == 1).toList();
        List<Charts> charts = Charts.of(scalarOnly);
        assertEquals(List.of("throughput", "throughput", "error"), charts.stream().map(Charts::kind).toList());
    }

    private static String bench(Path dir) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Context ctx = new Context(new PrintWriter(out, true), new PrintWriter(err, true), false, Optional.of(Timing.ONCE));
        int status = FlynnCommand.execute(ctx, "bench", "--kernels", "saxpy,sum,blackscholes", "--sizes", "1K,4K",
                "--backends", "scalar,simd", "--threads", "1,2", "--report", dir.toString());
        assertEquals(0, status, err.toString());
        return err.toString();
    }

    @Test
    void thePageCarriesTheVersionTheCommandNotesFirstAndTheTerminalsTable(@TempDir Path dir) throws IOException {
        bench(dir);
        String html = Files.readString(dir.resolve("index.html"));
        String json = Files.readString(dir.resolve("results.json"));
        dev.flynn.FlynnVersion v = dev.flynn.FlynnVersion.current();
        assertTrue(html.contains("Flynn " + v.version() + ", commit " + v.commit()), "version in the header");
        assertTrue(html.contains("flynn bench --kernels saxpy,sum,blackscholes --sizes 1K,4K --backends scalar,simd"),
                "the command in the header");
        assertTrue(html.indexOf("class=\"notes\"") < html.indexOf("<canvas"), "notes before the charts");
        assertTrue(html.contains("flag not-compiled"), "one timed call is never seen compiled: the footnote says so");
        for (String h : Format.HEADER) {
            assertTrue(html.contains(">" + h.replace("&", "&amp;") + "</th>"), h);
        }
        for (String raw : List.of("median_ns", "bw_fraction", "max_ulp", "rel_err")) {
            assertFalse(html.contains("<th>" + raw + "</th>"), "no raw field name " + raw);
        }
        assertTrue(html.contains("<tr class=\"flagged\">"), "flagged rows stand out");
        assertFalse(html.contains("{{"), "every placeholder is filled");
        assertTrue(html.contains("Chart.js v"), "the Chart.js bundle is inlined");
        for (String key : List.of("\"flynn\": {\"version\": \"" + v.version() + "\", \"commit\": \"" + v.commit(),
                "\"command\": \"flynn bench", "\"options\": [", "\"vector_bits\": ", "\"jdk\": \"", "\"date\": \"",
                "\"rows\": [", "\"footnotes\": [")) {
            assertTrue(json.contains(key), key + " in " + json.substring(0, Math.min(600, json.length())));
        }
        // 3 kernels x 2 sizes x (scalar and simd) x (1 and 2 threads)
        assertEquals(24, Pattern.compile("\\{\"kernel\"").matcher(json).results().count());
        String charts = html.substring(html.indexOf("const CHARTS = ") + 15, html.indexOf(";\nwindow.addEventListener"));
        // one speedup chart, a throughput chart per kernel, and the accuracy charts that have data: at
        // least the reductions' relative error (an f32 sum is not exact)
        assertEquals(1, Pattern.compile("\"kind\": \"speedup\"").matcher(charts).results().count(), charts);
        assertEquals(3, Pattern.compile("\"kind\": \"throughput\"").matcher(charts).results().count(), charts);
        assertTrue(charts.contains("\"id\": \"error-rel\""), charts);
        Matcher values = Pattern.compile("\"values\": \\[([^\\]]*)\\]").matcher(charts);
        int series = 0;
        while (values.find()) {
            series++;
            assertTrue(Pattern.compile("\\d").matcher(values.group(1)).find(), "a series with numbers: " + values.group(1));
        }
        assertTrue(series >= 5, charts);
    }

    /** Renders the page in headless Chromium where one is installed; skipped (with the reason) elsewhere. */
    @Test
    void chromiumDrawsEveryChart(@TempDir Path dir) throws IOException, InterruptedException {
        Optional<String> chromium = java.util.stream.Stream.of("chromium", "chromium-browser", "google-chrome")
                .filter(ReportTest::onPath).findFirst();
        Assumptions.assumeTrue(chromium.isPresent(), "no chromium on PATH: the page was checked without a browser only");
        bench(dir);
        Process p = new ProcessBuilder(chromium.get(), "--headless", "--no-sandbox", "--disable-gpu",
                "--window-size=1400,3000", "--virtual-time-budget=5000", "--dump-dom",
                dir.resolve("index.html").toUri().toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        Matcher body = Pattern.compile("<body([^>]*)>").matcher(dom);
        assertTrue(body.find(), dom.substring(0, Math.min(400, dom.length())));
        String attrs = body.group(1);
        assertFalse(attrs.contains("data-errors"), "script errors: " + attrs);
        Matcher charts = Pattern.compile("data-charts=\"(\\d+)\"").matcher(attrs);
        Matcher rendered = Pattern.compile("data-rendered=\"(\\d+)\"").matcher(attrs);
        assertTrue(charts.find() && rendered.find(), attrs);
        String html = Files.readString(dir.resolve("index.html"));
        assertEquals(Pattern.compile("\\{\"id\": ").matcher(html).results().count(), Integer.parseInt(charts.group(1)));
        assertEquals(charts.group(1), rendered.group(1), "every chart drew points");
    }

    private static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        return java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }
}
