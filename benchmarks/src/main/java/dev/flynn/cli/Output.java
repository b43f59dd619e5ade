package dev.flynn.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Prints a run's rows, and its bandwidth, footnotes and notes where they do not break the format. */
final class Output {
    private Output() {
    }

    static void print(Context ctx, Format format, SuiteResult result) {
        // JSON and CSV keep standard output machine-readable: the context goes to stderr
        PrintWriter about = format == Format.TABLE ? ctx.out() : ctx.err();
        about.println(Report.summary(result));
        if (format == Format.TABLE) {
            about.println();
        }
        about.flush();
        format.write(result.rows(), ctx.out());
        List<String> lines = new ArrayList<>(footnotes(result.rows()));
        result.notes().forEach(n -> lines.add("note: " + n));
        if (!lines.isEmpty()) {
            if (format == Format.TABLE) {
                about.println();
            }
            lines.forEach(about::println);
            about.flush();
        }
    }

    /** What the flags that occur mean, and how the kernels were warmed. */
    static List<String> footnotes(List<Row> rows) {
        List<String> out = new ArrayList<>();
        Set<Row.Flag> seen = EnumSet.noneOf(Row.Flag.class);
        rows.forEach(r -> seen.addAll(r.flags()));
        for (Row.Flag f : seen) {
            long count = rows.stream().filter(r -> r.flags().contains(f)).count();
            out.add("flag " + f.label() + " (" + count + (count == 1 ? " row" : " rows") + "): " + f.meaning());
        }
        long c2 = rows.stream().filter(r -> r.warmup() == Row.Warmup.C2).count();
        if (c2 > 0) {
            out.add("warm-up: " + c2 + " scalar and simd " + (c2 == 1 ? "row was" : "rows were")
                    + " timed only after HotSpot listed the kernel's code as C2-compiled (the Compiler.codelist diagnostic"
                    + " command; JFR for which code is OSR code)");
        }
        return out;
    }
}
