package dev.flynn.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a long run on stderr: a bar redrawn in place on a terminal, one plain line per step
 * otherwise (logs and pipes show no carriage returns). From the second step on it shows the time left,
 * estimated from the mean time of the steps done so far.
 */
final class Progress {
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean bar;
    private final LongSupplier clock;
    private int total;
    private int done;
    private long startNanos;
    private int lastLength;

    Progress(PrintWriter err, boolean bar) {
        this(err, bar, System::nanoTime);
    }

    Progress(PrintWriter err, boolean bar, LongSupplier clock) {
        this.err = err;
        this.bar = bar;
        this.clock = clock;
    }

    /** Announces a preparation that precedes the steps. */
    void begin(String what) {
        show(what + "...");
    }

    void start(int steps) {
        total = steps;
        done = 0;
        startNanos = clock.getAsLong();
    }

    /** Announces the step about to run. */
    void step(String what) {
        long elapsed = clock.getAsLong() - startNanos;
        String eta = done == 0 ? "" : "  (" + duration((double) elapsed / done * (total - done)) + " left)";
        done++;
        if (bar) {
            int filled = total == 0 ? WIDTH : WIDTH * (done - 1) / total;
            show("[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + total + "  " + what + eta);
        } else {
            show("[" + done + "/" + total + "] " + what + eta);
        }
    }

    private void show(String line) {
        if (bar) {
            err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
        } else {
            err.println(line);
        }
        err.flush();
    }

    void finish() {
        if (bar && lastLength > 0) {
            err.print("\r" + " ".repeat(lastLength) + "\r");
            err.flush();
        }
    }

    /** {@code 45s}, {@code 2m05s}. */
    static String duration(double nanos) {
        long s = Math.round(nanos / 1e9);
        return s < 60 ? s + "s" : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
