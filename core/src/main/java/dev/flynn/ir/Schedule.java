package dev.flynn.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The distinct nodes of one or more expressions in evaluation order (operands first).
 * Structurally equal subexpressions appear once, so backends evaluate them once.
 */
public final class Schedule {
    private final List<Node> nodes = new ArrayList<>();
    private final Map<Node, Integer> index = new HashMap<>();

    private Schedule() {
    }

    public static Schedule of(Node... roots) {
        Schedule s = new Schedule();
        for (Node root : roots) {
            s.visit(root);
        }
        return s;
    }

    private int visit(Node n) {
        Integer known = index.get(n);
        if (known != null) {
            return known;
        }
        for (Node operand : operands(n)) {
            visit(operand);
        }
        int i = nodes.size();
        nodes.add(n);
        index.put(n, i);
        return i;
    }

    /** The operands of a node, left to right. */
    public static List<Node> operands(Node n) {
        return switch (n) {
            case Node.Input in -> List.of();
            case Node.Const c -> List.of();
            case Node.Unary u -> List.of(u.x());
            case Node.Binary b -> List.of(b.a(), b.b());
            case Node.Ternary t -> List.of(t.a(), t.b(), t.c());
            case Node.Compare c -> List.of(c.a(), c.b());
            case Node.Select s -> List.of(s.mask(), s.a(), s.b());
            case Node.Cast c -> List.of(c.x());
        };
    }

    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** The position of {@code n} in {@link #nodes()}. */
    public int indexOf(Node n) {
        Integer i = index.get(n);
        if (i == null) {
            throw new IllegalArgumentException("node is not part of this schedule: " + n);
        }
        return i;
    }
}
