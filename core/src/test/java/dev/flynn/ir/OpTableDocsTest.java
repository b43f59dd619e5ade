package dev.flynn.ir;

import dev.flynn.DType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * docs/SEMANTICS.md states the accuracy of every op twice (the scalar column of "Ops" and the bounds in
 * parentheses of "Accuracy by backend"); both must say what the op table ({@link Op#accuracy()})
 * declares, which is what the conformance suite holds each backend to.
 */
class OpTableDocsTest {
    private static final Path SEMANTICS = Path.of("..", "docs", "SEMANTICS.md");
    /** The columns of "Accuracy by backend", in order. */
    private static final List<Accuracy.Target> COLUMN_TARGETS = List.of(Accuracy.Target.SCALAR, Accuracy.Target.SIMD,
            Accuracy.Target.C, Accuracy.Target.GPU);
    private static final Pattern BOUND = Pattern.compile("\\(([0-9.]+)\\)");

    static List<Op> ops() {
        List<Op> all = new ArrayList<>();
        all.addAll(List.of(UnaryOp.values()));
        all.addAll(List.of(BinaryOp.values()));
        all.addAll(List.of(TernaryOp.values()));
        all.addAll(List.of(CompareOp.values()));
        return all;
    }

    static Map<String, Op> bySymbol() {
        Map<String, Op> m = new TreeMap<>();
        for (Op op : ops()) {
            m.put(op.symbol(), op);
        }
        return m;
    }

    /** The table rows under {@code heading}, as lists of cells, header and separator excluded. */
    static List<List<String>> table(List<String> lines, String heading) {
        int at = lines.indexOf(heading);
        assertTrue(at >= 0, "docs/SEMANTICS.md has no heading '" + heading + "'");
        List<List<String>> rows = new ArrayList<>();
        boolean started = false;
        for (int i = at + 1; i < lines.size() && !lines.get(i).startsWith("#"); i++) {
            String l = lines.get(i);
            if (!l.startsWith("|")) {
                if (started) {
                    break;
                }
                continue;
            }
            started = true;
            List<String> cells = new ArrayList<>();
            // "\|" is a pipe inside a cell
            for (String c : l.substring(1, l.length() - 1).split("(?<!\\\\)\\|", -1)) {
                cells.add(c.trim());
            }
            rows.add(cells);
        }
        assertTrue(rows.size() > 2, "no table under '" + heading + "'");
        return rows.subList(2, rows.size());
    }

    static List<String> lines() throws IOException {
        return Files.readAllLines(SEMANTICS);
    }

    @Test
    void accuracyByBackendStatesTheOpTablesBounds() throws IOException {
        Map<String, Op> ops = bySymbol();
        Set<Op> listed = new HashSet<>();
        for (List<String> row : table(lines(), "## Accuracy by backend")) {
            String symbol = row.getFirst().replace("`", "");
            Op op = ops.get(symbol);
            if (op == null) {
                fail("'Accuracy by backend' lists '" + symbol + "', which is not an op");
            }
            assertTrue(op.transcendental(), symbol + " is exact; 'Accuracy by backend' lists only inexact ops");
            listed.add(op);
            assertEquals(1 + 2 * COLUMN_TARGETS.size(), row.size(), "cells of the row of " + symbol);
            for (int col = 0; col < 2 * COLUMN_TARGETS.size(); col++) {
                DType type = col < COLUMN_TARGETS.size() ? DType.F32 : DType.F64;
                Accuracy.Target target = COLUMN_TARGETS.get(col % COLUMN_TARGETS.size());
                Matcher m = BOUND.matcher(row.get(col + 1));
                assertTrue(m.find(), "no bound in parentheses for " + symbol + " " + type + " " + target);
                assertEquals(op.accuracy().ulps(target, type), Double.parseDouble(m.group(1)),
                        symbol + " " + type + " on " + target + ": docs/SEMANTICS.md and the op table differ");
            }
        }
        for (Op op : ops()) {
            assertEquals(op.transcendental(), listed.contains(op),
                    op.symbol() + ": 'Accuracy by backend' lists exactly the inexact ops");
        }
    }

    @Test
    void opsTableStatesTheScalarBounds() throws IOException {
        Map<String, Op> ops = bySymbol();
        Set<Op> listed = new HashSet<>();
        for (List<String> row : table(lines(), "## Ops")) {
            String bound = row.getLast();
            double ulps = bound.equals("exact") ? 0 : Double.parseDouble(bound.replace(" ulp", ""));
            for (String word : row.getFirst().replace("`", "").split(" ")) {
                Op op = ops.get(word);
                if (op == null) {
                    // a call written out, such as select(m, a, b), or "casts": not in the op table
                    continue;
                }
                listed.add(op);
                for (DType type : List.of(DType.F32, DType.F64)) {
                    assertEquals(op.accuracy().ulps(Accuracy.Target.SCALAR, type), ulps,
                            word + " " + type + ": the scalar bound of docs/SEMANTICS.md's 'Ops' and the op table differ");
                }
            }
        }
        for (Op op : ops()) {
            assertTrue(listed.contains(op), op.symbol() + " is missing from docs/SEMANTICS.md's 'Ops'");
        }
    }

    @Test
    void everyInexactOpHasABoundOnEveryTarget() {
        for (Op op : ops()) {
            for (Accuracy.Target target : Accuracy.Target.values()) {
                for (DType type : List.of(DType.F32, DType.F64)) {
                    double ulps = op.accuracy().ulps(target, type);
                    if (op.transcendental()) {
                        assertTrue(ulps >= 0.5, op + " on " + target + " " + type + ": " + ulps
                                + " ulp is below what a correctly rounded function achieves");
                    } else {
                        assertEquals(0, ulps, op + " is exact");
                    }
                }
            }
        }
    }
}
