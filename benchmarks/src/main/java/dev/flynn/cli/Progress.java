package dev.flynn.cli;

import java.io.PrintWriter;

/**
 * Progress of a long run on stderr: a bar redrawn in place on a terminal, one plain line per step
 * otherwise (logs and pipes show no carriage returns).
 */
final class Progress {
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean bar;
    private int total;
    private int done;
    private int lastLength;

    Progress(PrintWriter err, boolean bar) {
        this.err = err;
        this.bar = bar;
    }

    void start(int steps) {
        total = steps;
        done = 0;
    }

    /** Announces the step about to run. */
    void step(String what) {
        done++;
        if (bar) {
            int filled = total == 0 ? WIDTH : WIDTH * (done - 1) / total;
            String line = "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + total + "  " + what;
            err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
        } else {
            err.println("[" + done + "/" + total + "] " + what);
        }
        err.flush();
    }

    void finish() {
        if (bar && lastLength > 0) {
            err.print("\r" + " ".repeat(lastLength) + "\r");
            err.flush();
        }
    }
}
