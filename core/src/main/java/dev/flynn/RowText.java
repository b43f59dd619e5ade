package dev.flynn;

import dev.flynn.ir.Node;
import dev.flynn.ir.Printer;
import dev.flynn.ir.Schedule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Text of an expression that holds reductions over the row: each placeholder printed as the call it
 * stands for ({@code max(x)}), so the text parses back with {@link RowKernel#parse}.
 */
final class RowText {
    private RowText() {
    }

    static String print(Expr e) {
        List<String> names = e.names();
        Map<Integer, String> text = new HashMap<>();
        for (RowTerms.Term t : e.rows().all()) {
            text.put(t.slot(), t.name() + "(" + print(t.body().node(), names, text) + ")");
        }
        return print(e.node(), names, text);
    }

    /** {@code root} printed with each placeholder's text as if it were the name of an input. */
    private static String print(Node root, List<String> names, Map<Integer, String> text) {
        List<String> all = new ArrayList<>(names);
        Map<Integer, Node> bySlot = new HashMap<>();
        for (Node n : Schedule.of(root).nodes()) {
            if (n instanceof Node.Input in && in.index() < 0) {
                bySlot.put(in.index(), new Node.Input(all.size(), in.type()));
                all.add(text.get(in.index()));
            }
        }
        return Printer.print(substitute(root, bySlot), all);
    }

    /**
     * {@code root} with every input whose index is a key of {@code bySlot} replaced by its value; each
     * other node object rebuilt once (by identity, so each literal keeps its own argument slot). No
     * recursion.
     */
    static Node substitute(Node root, Map<Integer, Node> bySlot) {
        Map<Node, Node> memo = new IdentityHashMap<>();
        for (Node n : Schedule.occurrences(root)) {
            Node r = switch (n) {
                case Node.Input in -> bySlot.getOrDefault(in.index(), in);
                case Node.Const c -> c;
                case Node.Unary u -> new Node.Unary(u.op(), memo.get(u.x()), u.type());
                case Node.Binary b -> new Node.Binary(b.op(), memo.get(b.a()), memo.get(b.b()), b.type());
                case Node.Ternary t -> new Node.Ternary(t.op(), memo.get(t.a()), memo.get(t.b()), memo.get(t.c()), t.type());
                case Node.Compare c -> new Node.Compare(c.op(), memo.get(c.a()), memo.get(c.b()));
                case Node.Select s -> new Node.Select(memo.get(s.mask()), memo.get(s.a()), memo.get(s.b()), s.type());
                case Node.Cast c -> new Node.Cast(memo.get(c.x()), c.type());
            };
            memo.put(n, r);
        }
        return memo.get(root);
    }
}
