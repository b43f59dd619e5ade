package dev.flynn.cli;

import dev.flynn.FlynnVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Writes {@code index.html} (charts and the table, with Chart.js inlined so the page renders offline)
 * and {@code results.json} (the same data) into a directory.
 */
final class Report {
    private static final String TEMPLATE = "report.html";

    private Report() {
    }

    /**
     * Creates {@code dir} before a run, so that a path that cannot be written fails before anything is
     * measured.
     */
    static void prepare(picocli.CommandLine cl, Path dir) {
        try {
            Files.createDirectories(dir);
            if (!Files.isWritable(dir)) {
                throw new IOException("not writable");
            }
        } catch (IOException | RuntimeException e) {
            throw new picocli.CommandLine.ParameterException(cl, "cannot write the report to '" + dir + "': " + e.getMessage()
                    + "; give a directory that can be created and written");
        }
    }

    /**
     * Writes the page and the data.
     *
     * @param args the command line the run was started with
     */
    static void write(Path dir, String title, List<String> args, SuiteResult result) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> doc = document(args, result);
        String json = Json.value(doc);
        Files.writeString(dir.resolve("results.json"), json + "\n");
        FlynnVersion v = FlynnVersion.current();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("TITLE", html(title));
        fields.put("VERSION", html("Flynn " + v.version() + ", commit " + v.commit() + (v.dirty() ? " (uncommitted changes)" : "")));
        fields.put("COMMAND", html(command(args)));
        fields.put("MACHINE", html(summary(result)));
        fields.put("NOTES", notes(result));
        fields.put("TABLE", table(result.rows()));
        fields.put("CHARTS", Json.value(Charts.of(result.rows()).stream().map(Charts::toMap).toList()));
        fields.put("CHART_JS", chartJs());
        Files.writeString(dir.resolve("index.html"), fill(resource(TEMPLATE), fields));
    }

    /** A one-line description of the machine and its measured bandwidth. */
    static String summary(SuiteResult r) {
        Machine m = r.machine();
        Bandwidth b = r.bandwidth();
        return String.format(java.util.Locale.ROOT,
                "%s, %d cores%s; JDK %s; memory bandwidth %.1f GB/s (STREAM-like copy %.1f, triad %.1f, %d threads); %s",
                m.cpu(), m.cores(), m.vectorBits() > 0 ? ", " + m.vectorBits() + "-bit vectors" : "", m.jdk(),
                b.bestGbps(), b.copyGbps(), b.triadGbps(), b.threads(), m.date());
    }

    private static String command(List<String> args) {
        return "flynn " + String.join(" ", args.stream().map(a -> a.matches("[A-Za-z0-9_.,/:=+-]+") ? a : "'" + a + "'").toList());
    }

    static Map<String, Object> document(List<String> args, SuiteResult r) {
        FlynnVersion v = FlynnVersion.current();
        Map<String, Object> flynn = new LinkedHashMap<>();
        flynn.put("version", v.version());
        flynn.put("commit", v.commit());
        flynn.put("dirty", v.dirty());
        Map<String, Object> bw = new LinkedHashMap<>();
        bw.put("copy_gbps", r.bandwidth().copyGbps());
        bw.put("triad_gbps", r.bandwidth().triadGbps());
        bw.put("threads", (long) r.bandwidth().threads());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("flynn", flynn);
        doc.put("command", command(args));
        doc.put("options", args);
        doc.put("machine", r.machine().toMap());
        doc.put("bandwidth", bw);
        doc.put("rows", r.rows());
        doc.put("footnotes", Output.footnotes(r.rows()));
        doc.put("notes", r.notes());
        return doc;
    }

    private static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder("<table>\n<tr>");
        for (int i = 0; i < Format.HEADER.size(); i++) {
            sb.append(Format.isName(i) ? "<th class=\"name\">" : "<th>").append(html(Format.HEADER.get(i))).append("</th>");
        }
        sb.append("</tr>\n");
        for (Row r : rows) {
            sb.append(r.flags().isEmpty() ? "<tr>" : "<tr class=\"flagged\">");
            List<String> cells = Format.cells(r);
            for (int i = 0; i < cells.size(); i++) {
                sb.append(Format.isName(i) ? "<td class=\"name\">" : "<td>").append(html(cells.get(i))).append("</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</table>").toString();
    }

    private static String notes(SuiteResult r) {
        List<String> lines = new java.util.ArrayList<>(Output.footnotes(r.rows()));
        lines.addAll(r.notes());
        if (lines.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("<ul class=\"notes\">\n");
        lines.forEach(n -> sb.append("<li>").append(html(n)).append("</li>\n"));
        return sb.append("</ul>").toString();
    }

    /** Replaces each {@code {{NAME}}} of the template once, never looking inside what was inserted. */
    static String fill(String template, Map<String, String> fields) {
        StringBuilder sb = new StringBuilder(template.length() + 256 * 1024);
        int at = 0;
        while (true) {
            int open = template.indexOf("{{", at);
            if (open < 0) {
                return sb.append(template, at, template.length()).toString();
            }
            int close = template.indexOf("}}", open);
            String value = close < 0 ? null : fields.get(template.substring(open + 2, close));
            if (value == null) {
                sb.append(template, at, open + 2);
                at = open + 2;
            } else {
                sb.append(template, at, open).append(value);
                at = close + 2;
            }
        }
    }

    private static String chartJs() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Report.class.getResourceAsStream("report.properties")) {
            if (in == null) {
                throw new IOException("report.properties is missing from the class path; rebuild the benchmarks module");
            }
            p.load(in);
        }
        String path = p.getProperty("chartjs.resource");
        try (InputStream in = Report.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException(path + " is not on the class path; add org.webjars.npm:chart.js:"
                        + p.getProperty("chartjs.version"));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String resource(String name) {
        try (InputStream in = Report.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the class path; rebuild the benchmarks module");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
