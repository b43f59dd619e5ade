package dev.flynn.cli;

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

    static void write(Path dir, String title, SuiteResult result) throws IOException {
        Files.createDirectories(dir);
        String json = Json.value(document(result));
        Files.writeString(dir.resolve("results.json"), json + "\n");
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("TITLE", html(title));
        fields.put("MACHINE", html(summary(result)));
        fields.put("TABLE", table(result.rows()));
        fields.put("NOTES", notes(result.notes()));
        fields.put("DATA", json);
        fields.put("CHART_JS", chartJs());
        Files.writeString(dir.resolve("index.html"), fill(resource(TEMPLATE), fields));
    }

    /** A one-line description of the machine and its measured bandwidth. */
    static String summary(SuiteResult r) {
        Machine m = r.machine();
        Bandwidth b = r.bandwidth();
        return String.format(java.util.Locale.ROOT,
                "%s, %d cores; JDK %s; memory bandwidth %.1f GB/s (STREAM-like copy %.1f, triad %.1f, %d threads); %s",
                m.cpu(), m.cores(), m.jdk(), b.bestGbps(), b.copyGbps(), b.triadGbps(), b.threads(), m.date());
    }

    private static Map<String, Object> document(SuiteResult r) {
        Map<String, Object> bw = new LinkedHashMap<>();
        bw.put("copy_gbps", r.bandwidth().copyGbps());
        bw.put("triad_gbps", r.bandwidth().triadGbps());
        bw.put("threads", (long) r.bandwidth().threads());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("machine", r.machine().toMap());
        doc.put("bandwidth", bw);
        doc.put("rows", r.rows());
        doc.put("notes", r.notes());
        return doc;
    }

    private static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder("<table>\n<tr>");
        for (String f : Row.FIELDS) {
            sb.append("<th>").append(f).append("</th>");
        }
        sb.append("</tr>\n");
        for (Row r : rows) {
            sb.append("<tr>");
            List<Object> values = r.values();
            for (Object v : values) {
                boolean name = v instanceof String;
                String text = v instanceof Double d ? (Double.isNaN(d) ? "" : Json.number(d).replace("\"", "")) : v.toString();
                sb.append(name ? "<td class=\"name\">" : "<td>").append(html(text)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</table>").toString();
    }

    private static String notes(List<String> notes) {
        if (notes.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("<h2>Notes</h2>\n<ul class=\"notes\">\n");
        notes.forEach(n -> sb.append("<li>").append(html(n)).append("</li>\n"));
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
