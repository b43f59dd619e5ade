package dev.flynn.cli;

import java.io.PrintWriter;

/** Prints a run's rows, and its bandwidth and notes where they do not break the format. */
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
        if (!result.notes().isEmpty()) {
            if (format == Format.TABLE) {
                about.println();
            }
            result.notes().forEach(n -> about.println("note: " + n));
            about.flush();
        }
    }
}
