package dev.flynn.cli;

import java.io.PrintWriter;
import java.util.Optional;

/**
 * Where a command writes and how it measures.
 *
 * @param out      results (tables, JSON, CSV): nothing else goes here, so the output can be piped
 * @param err      progress, notes and errors
 * @param terminal whether {@code err} is a terminal, which gets a progress bar instead of plain lines
 * @param timing   a fixed timing for every run, overriding {@code --quick}; tests use {@link Timing#ONCE}
 */
record Context(PrintWriter out, PrintWriter err, boolean terminal, Optional<Timing> timing) {

    static Context system() {
        java.io.Console console = System.console();
        return new Context(new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                console != null && console.isTerminal(), Optional.empty());
    }

    Timing timing(boolean quick) {
        return timing.orElse(quick ? Timing.QUICK : Timing.DEFAULT);
    }
}
