package dev.flynn.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How rows are printed on standard output. */
enum Format {
    /** Aligned columns with units, for people. */
    TABLE,
    /** One JSON object per row per line, with the fields of {@link Row#FIELDS}. */
    JSON,
    /** A header line of {@link Row#FIELDS} and one line per row; empty where a value does not apply. */
    CSV;

    static Format of(String name) {
        for (Format f : values()) {
            if (f.name().equalsIgnoreCase(name.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown format '" + name + "'; valid: table, json, csv");
    }

    void write(List<Row> rows, PrintWriter out) {
        switch (this) {
            case TABLE -> table(rows, out);
            case JSON -> rows.forEach(r -> out.println(Json.row(r)));
            case CSV -> {
                out.println(String.join(",", Row.FIELDS));
                for (Row r : rows) {
                    List<String> cells = new ArrayList<>();
                    for (Object v : r.values()) {
                        String s = v instanceof Double d ? (Double.isNaN(d) ? "" : Json.number(d).replace("\"", ""))
                                : v.toString();
                        cells.add(s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s);
                    }
                    out.println(String.join(",", cells));
                }
            }
        }
        out.flush();
    }

    private static final String[] HEADER = {"kernel", "dtype", "n", "backend", "threads", "median", "min", "GB/s",
            "Gelem/s", "speedup", "of bw", "error"};

    private static void table(List<Row> rows, PrintWriter out) {
        List<String[]> lines = new ArrayList<>();
        lines.add(HEADER);
        for (Row r : rows) {
            lines.add(new String[]{r.kernel(), r.dtype(), Sizes.format(r.n()), r.backend(), Integer.toString(r.threads()),
                    time(r.medianNanos()), time(r.minNanos()), fixed(r.gbps(), 2), fixed(r.gelems(), 3),
                    Double.isNaN(r.speedup()) ? "-" : fixed(r.speedup(), 2) + "x",
                    Double.isNaN(r.bwFraction()) ? "-" : fixed(100 * r.bwFraction(), 0) + "%", error(r)});
        }
        int[] width = new int[HEADER.length];
        for (String[] l : lines) {
            for (int i = 0; i < l.length; i++) {
                width[i] = Math.max(width[i], l[i].length());
            }
        }
        for (String[] l : lines) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < l.length; i++) {
                // names left-aligned, numbers right-aligned
                boolean left = i == 0 || i == 1 || i == 3;
                String cell = left ? pad(l[i], width[i], true) : pad(l[i], width[i], false);
                sb.append(i == 0 ? "" : "  ").append(cell);
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    private static String pad(String s, int width, boolean left) {
        String fill = " ".repeat(width - s.length());
        return left ? s + fill : fill + s;
    }

    static String time(double nanos) {
        if (Double.isNaN(nanos)) {
            return "-";
        }
        if (nanos < 1e3) {
            return fixed(nanos, 0) + " ns";
        }
        if (nanos < 1e6) {
            return fixed(nanos / 1e3, 1) + " us";
        }
        if (nanos < 1e9) {
            return fixed(nanos / 1e6, 1) + " ms";
        }
        return fixed(nanos / 1e9, 2) + " s";
    }

    private static String error(Row r) {
        if (!Double.isNaN(r.maxUlp())) {
            return Double.isInfinite(r.maxUlp()) ? "NaN mismatch" : fixed(r.maxUlp(), 0) + " ulp";
        }
        if (!Double.isNaN(r.relErr())) {
            return String.format(Locale.ROOT, "%.1e rel", r.relErr());
        }
        return "-";
    }

    private static String fixed(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
