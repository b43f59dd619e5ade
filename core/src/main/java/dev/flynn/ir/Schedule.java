package dev.flynn.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The distinct nodes of one or more expressions in evaluation order (operands first).
 * Structurally equal subexpressions appear once, so backends evaluate them once. Building one is
 * linear in the number of distinct nodes and needs no recursion; every walk over a kernel's graph
 * (printing, verifying, hashing, serializing, lowering) goes through a schedule.
 */
public final class Schedule {
    private final List<Node> nodes = new ArrayList<>();
    private final Map<Node, Integer> index = new HashMap<>();

    private Schedule() {
    }

    /**
     * The distinct nodes reachable from {@code roots}, operands before their users, each structurally equal node once.
     *
     * @param roots the expressions
     * @return the schedule
     */
    public static Schedule of(Node... roots) {
        Schedule s = new Schedule();
        for (Node root : roots) {
            s.visit(root);
        }
        return s;
    }

    /**
     * Appends {@code root} and its operands, operands first, with an explicit stack: expressions
     * may be far deeper than the thread's stack allows recursion (a traced chain of 100,000 adds).
     */
    private void visit(Node root) {
        if (index.containsKey(root)) {
            return;
        }
        List<Node> stack = new ArrayList<>();
        List<List<Node>> pending = new ArrayList<>();
        int[] next = new int[16];
        stack.add(root);
        pending.add(operands(root));
        while (!stack.isEmpty()) {
            int top = stack.size() - 1;
            List<Node> ops = pending.get(top);
            if (next[top] < ops.size()) {
                Node op = ops.get(next[top]++);
                if (!index.containsKey(op)) {
                    if (stack.size() == next.length) {
                        next = java.util.Arrays.copyOf(next, next.length * 2);
                    }
                    next[stack.size()] = 0;
                    stack.add(op);
                    pending.add(operands(op));
                }
            } else {
                Node n = stack.remove(top);
                pending.remove(top);
                if (index.putIfAbsent(n, nodes.size()) == null) {
                    nodes.add(n);
                }
            }
        }
    }

    /**
     * Every node object reachable from {@code root}, operands first, each object once (by identity,
     * not structure: constant hoisting numbers each literal the user wrote). No recursion.
     *
     * @param root the expression
     * @return the node objects, operands first
     */
    public static List<Node> occurrences(Node root) {
        List<Node> out = new ArrayList<>();
        Map<Node, Boolean> seen = new java.util.IdentityHashMap<>();
        List<Node> stack = new ArrayList<>();
        List<Integer> next = new ArrayList<>();
        stack.add(root);
        next.add(0);
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            int top = stack.size() - 1;
            Node n = stack.get(top);
            List<Node> ops = operands(n);
            int k = next.get(top);
            if (k < ops.size()) {
                next.set(top, k + 1);
                Node op = ops.get(k);
                if (seen.put(op, Boolean.TRUE) == null) {
                    stack.add(op);
                    next.add(0);
                }
            } else {
                stack.remove(top);
                next.remove(top);
                out.add(n);
            }
        }
        return out;
    }

    /**
     * The operands of a node, left to right.
     *
     * @param n the node
     * @return its operands
     */
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

    /**
     * The nodes in evaluation order: every operand before its users.
     *
     * @return an unmodifiable list
     */
    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /**
     * The position of {@code n} in {@link #nodes()}.
     *
     * @param n a node of this schedule
     * @return its index
     * @throws IllegalArgumentException if {@code n} is not in this schedule
     */
    public int indexOf(Node n) {
        Integer i = index.get(n);
        if (i == null) {
            throw new IllegalArgumentException("node is not part of this schedule: " + n);
        }
        return i;
    }

    /**
     * Which values a body cut into pieces (a body too large for one JVM method is evaluated by
     * several) passes from piece to piece: each node used by a node of another piece, each input
     * (loaded by the loop, outside every piece) and {@code root} (read by the loop after the last
     * piece). Constants never cross: every piece loads the ones it uses.
     *
     * @param root the body's value, a node of this schedule
     * @param pieceOf the piece of each node, by index in {@link #nodes()}; -1 for inputs and constants
     * @return by index in {@link #nodes()}, whether the node's value crosses pieces
     */
    public boolean[] crossings(Node root, int[] pieceOf) {
        boolean[] crosses = new boolean[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            for (Node op : operands(nodes.get(i))) {
                int j = indexOf(op);
                if (pieceOf[j] != pieceOf[i]) {
                    crosses[j] = true;
                }
            }
            if (nodes.get(i) instanceof Node.Input) {
                crosses[i] = true;
            }
        }
        crosses[indexOf(root)] = true;
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) instanceof Node.Const) {
                crosses[i] = false;
            }
        }
        return crosses;
    }
}
