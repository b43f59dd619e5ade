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
        throw new IllegalArgumentException("unknown format '" + name + "'"
                + Suggest.didYouMean(name, List.of("table", "json", "csv")) + "; valid: table, json, csv");
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

    /** The table's column headings; {@link #cells} gives a row's cells in this order. */
    static final List<String> HEADER = List.of("kernel", "dtype", "n", "backend", "threads", "median", "min",
            "spread", "GB/s", "Gelem/s", "speedup", "of bw", "error", "of terms", "flags");

    /** Columns holding names, aligned left; the others hold numbers, aligned right. */
    static boolean isName(int column) {
        return column == 0 || column == 1 || column == 3 || column == HEADER.size() - 1;
    }

    /** A row as the table shows it. */
    static List<String> cells(Row r) {
        return List.of(r.kernel(), r.dtype(), Sizes.format(r.n()), r.backend(), Integer.toString(r.threads()),
                time(r.medianNanos()), time(r.minNanos()), fixed(100 * r.spread(), 0) + "%", fixed(r.gbps(), 2),
                fixed(r.gelems(), 3), Double.isNaN(r.speedup()) ? "-" : fixed(r.speedup(), 2) + "x",
                Double.isNaN(r.bwFraction()) ? "-" : fixed(100 * r.bwFraction(), 0) + "%", error(r),
                Double.isNaN(r.termErr()) ? "-" : Double.isInfinite(r.termErr()) ? "inf"
                        : r.termErr() == 0 ? "0" : String.format(Locale.ROOT, "%.1e", r.termErr()),
                String.join(" ", r.flags().stream().map(Row.Flag::label).toList()));
    }

    private static void table(List<Row> rows, PrintWriter out) {
        List<List<String>> lines = new ArrayList<>();
        lines.add(HEADER);
        rows.forEach(r -> lines.add(cells(r)));
        int[] width = new int[HEADER.size()];
        for (List<String> l : lines) {
            for (int i = 0; i < l.size(); i++) {
                width[i] = Math.max(width[i], l.get(i).length());
            }
        }
        for (List<String> l : lines) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < l.size(); i++) {
                sb.append(i == 0 ? "" : "  ").append(pad(l.get(i), width[i], isName(i)));
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

    static String error(Row r) {
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
