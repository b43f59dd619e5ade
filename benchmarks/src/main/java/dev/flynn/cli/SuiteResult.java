package dev.flynn.cli;

import java.util.List;

/**
 * Everything one run measured.
 *
 * @param machine   what it ran on
 * @param bandwidth the memory bandwidth measured at the start
 * @param rows      one per kernel, size and target
 * @param notes     backends that could not run, with the reason and the fix, and failures
 */
record SuiteResult(Machine machine, Bandwidth bandwidth, List<Row> rows, List<String> notes) {
    SuiteResult {
        rows = List.copyOf(rows);
        notes = List.copyOf(notes);
    }
}
