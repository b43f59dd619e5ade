package dev.flynn.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The report's charts as data: built here, checked by tests without a browser, and drawn by the page's
 * script, which only maps each kind to Chart.js options.
 *
 * @param id     the canvas's id
 * @param kind   {@code speedup}: bars from 1x on a log axis, with a 1x line and a whisker to the speedup
 *               of the fastest sample; {@code throughput}: lines of Gelem/s against n, both log;
 *               {@code error}: bars on a log axis, rising from {@code floor}
 * @param title  the chart's title
 * @param axis   the value axis's title
 * @param labels the categories of a bar chart (kernel and size); empty for lines
 * @param floor  the bottom of a log value axis
 * @param series one per backend and thread count
 */
record Charts(String id, String kind, String title, String axis, List<String> labels, double floor,
              List<Series> series) {

    /**
     * One backend at one thread count.
     *
     * @param label  {@code simd x2}
     * @param color  CSS colour: one hue per backend, darker for more threads
     * @param values bar heights by label (NaN: no bar), or y by {@code x}
     * @param x      the sizes of a line chart; empty for bars
     * @param best   the value the fastest sample gives, by label (speedup whiskers); empty otherwise
     */
    record Series(String label, String color, List<Double> values, List<Double> x, List<Double> best) {
        /** Whether at least one value can be drawn. */
        boolean hasData() {
            return values.stream().anyMatch(v -> !v.isNaN() && !v.isInfinite());
        }
    }

    /** Light and dark shades of one hue per backend. */
    private static final Map<String, String[]> HUES = Map.of(
            "scalar", new String[]{"#bdbdbd", "#525252"},
            "simd", new String[]{"#9ecae1", "#08519c"},
            "c", new String[]{"#fdae6b", "#a63603"},
            "gpu-copied", new String[]{"#a1d99b", "#006d2c"},
            "gpu-resident", new String[]{"#a1d99b", "#006d2c"});

    /** Every chart that has something to draw, in page order. */
    static List<Charts> of(List<Row> rows) {
        List<String> names = series(rows);
        List<Charts> out = new ArrayList<>();
        List<String> groups = rows.stream().map(Charts::group).distinct().toList();
        List<Series> speedup = new ArrayList<>();
        for (String name : names) {
            if (name.equals("scalar x1")) {
                continue;
            }
            List<Double> v = new ArrayList<>();
            List<Double> best = new ArrayList<>();
            for (String g : groups) {
                Row r = find(rows, g, name);
                v.add(r == null ? Double.NaN : r.speedup());
                // the baseline's median over this row's fastest sample
                best.add(r == null ? Double.NaN : r.speedup() * r.medianNanos() / r.minNanos());
            }
            speedup.add(new Series(name, color(name, rows), v, List.of(), best));
        }
        add(out, new Charts("speedup", "speedup", "Speedup over the scalar backend at one thread",
                "x scalar at one thread (log; below 1x is slower)", groups, Double.NaN, speedup));
        for (String kernel : rows.stream().map(Row::kernel).distinct().toList()) {
            List<Row> mine = rows.stream().filter(r -> r.kernel().equals(kernel)).toList();
            List<Series> lines = new ArrayList<>();
            for (String name : names) {
                List<Row> s = mine.stream().filter(r -> series(r).equals(name)).sorted(java.util.Comparator.comparingLong(Row::n)).toList();
                lines.add(new Series(name, color(name, rows), s.stream().map(Row::gelems).toList(),
                        s.stream().map(r -> (double) r.n()).toList(), List.of()));
            }
            add(out, new Charts("throughput-" + out.size(), "throughput", kernel + " (" + mine.getFirst().dtype() + ")",
                    "Gelem/s (log)", List.of(), Double.NaN, lines));
        }
        add(out, error(rows, names, "ulp", "Largest error of maps in ulps of the scalar backend's result",
                "ulp (log; no bar: identical to scalar)", Row::maxUlp, 0.5));
        add(out, error(rows, names, "terms", "Largest error of maps relative to the magnitude of their terms",
                "|y - y_scalar| / magnitude (log; no bar: identical)", Row::termErr, 1e-10));
        add(out, error(rows, names, "rel", "Relative error of reductions against the exact result",
                "|r - exact| / |exact| (log; no bar: exact)", Row::relErr, 1e-18));
        return out;
    }

    private static Charts error(List<Row> rows, List<String> names, String id, String title, String axis,
                                java.util.function.ToDoubleFunction<Row> value, double floor) {
        List<Row> some = rows.stream().filter(r -> !Double.isNaN(value.applyAsDouble(r))).toList();
        List<String> groups = some.stream().map(Charts::group).distinct().toList();
        double least = some.stream().mapToDouble(value).filter(v -> v > 0 && Double.isFinite(v)).min().orElse(floor);
        List<Series> bars = new ArrayList<>();
        for (String name : names) {
            List<Double> v = new ArrayList<>();
            for (String g : groups) {
                Row r = find(some, g, name);
                double x = r == null ? Double.NaN : value.applyAsDouble(r);
                // a log axis has no 0: an exact result draws no bar, and the table says 0
                v.add(x > 0 && Double.isFinite(x) ? x : Double.NaN);
            }
            bars.add(new Series(name, color(name, rows), v, List.of(), List.of()));
        }
        double bottom = Math.pow(10, Math.floor(Math.log10(Math.min(least, floor))));
        return new Charts("error-" + id, "error", title, axis, groups, bottom, bars);
    }

    /** Keeps a chart only when some series can draw something, and only those series. */
    private static void add(List<Charts> out, Charts c) {
        List<Series> drawn = c.series().stream().filter(Series::hasData).toList();
        if (!drawn.isEmpty()) {
            out.add(new Charts(c.id(), c.kind(), c.title(), c.axis(), c.labels(), c.floor(), drawn));
        }
    }

    static String series(Row r) {
        return r.backend() + " x" + r.threads();
    }

    private static List<String> series(List<Row> rows) {
        return rows.stream().map(Charts::series).distinct().toList();
    }

    private static String group(Row r) {
        return r.kernel() + " " + Sizes.format(r.n());
    }

    private static Row find(List<Row> rows, String group, String series) {
        return rows.stream().filter(r -> group(r).equals(group) && series(r).equals(series)).findFirst().orElse(null);
    }

    /** The backend's hue, from light at its fewest threads to dark at its most. */
    static String color(String series, List<Row> rows) {
        String backend = series.substring(0, series.lastIndexOf(" x"));
        int threads = Integer.parseInt(series.substring(series.lastIndexOf(" x") + 2));
        TreeSet<Integer> counts = new TreeSet<>();
        rows.stream().filter(r -> r.backend().equals(backend)).forEach(r -> counts.add(r.threads()));
        String[] hue = HUES.getOrDefault(backend, new String[]{"#d4b9da", "#7a0177"});
        if (counts.size() < 2) {
            return hue[1];
        }
        double f = (double) counts.headSet(threads).size() / (counts.size() - 1);
        return mix(hue[0], hue[1], f);
    }

    private static String mix(String a, String b, double f) {
        StringBuilder sb = new StringBuilder("#");
        for (int i = 1; i < 7; i += 2) {
            int x = Integer.parseInt(a.substring(i, i + 2), 16);
            int y = Integer.parseInt(b.substring(i, i + 2), 16);
            sb.append(String.format(Locale.ROOT, "%02x", Math.round(x + (y - x) * f)));
        }
        return sb.toString();
    }

    /** The chart as the page's script reads it. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("kind", kind);
        m.put("title", title);
        m.put("axis", axis);
        m.put("labels", labels);
        m.put("floor", floor);
        List<Object> s = new ArrayList<>();
        for (Series x : series) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("label", x.label());
            sm.put("color", x.color());
            sm.put("values", x.values());
            sm.put("x", x.x());
            sm.put("best", x.best());
            s.add(sm);
        }
        m.put("series", s);
        return m;
    }
}
