package dev.flynn.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders a node as an expression a user can read (and the parser can read back). A subexpression
 * used more than once is written once, as a {@code let} binding, unless it is short and holds no
 * literal:
 * {@code s = s.mul(s)} traced 30 times prints in 30 lines' worth of text, not 2^30 copies. Output
 * length is linear in the number of distinct nodes, and printing uses no recursion.
 */
public final class Printer {
    /** A shared subexpression whose text is longer than this is bound to a name rather than repeated. */
    static final int INLINE_LIMIT = 24;

    private Printer() {
    }

    /**
     * The expression as text, in the parser's syntax, with the inputs' names.
     *
     * @param root the expression
     * @param names one name per input
     * @return the text
     */
    public static String print(Node root, List<String> names) {
        Schedule s = Schedule.of(root);
        List<Node> nodes = s.nodes();
        int[] uses = new int[nodes.size()];
        for (Node n : nodes) {
            for (Node op : Schedule.operands(n)) {
                uses[s.indexOf(op)]++;
            }
        }
        String prefix = bindingPrefix(names);
        String[] bindings = new String[nodes.size()];
        long[] length = new long[nodes.size()];
        boolean[] literal = new boolean[nodes.size()];
        int bound = 0;
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            long len = ownLength(n, names);
            literal[i] = n instanceof Node.Const;
            for (Node op : Schedule.operands(n)) {
                int j = s.indexOf(op);
                len += bindings[j] != null ? bindings[j].length() : length[j];
                literal[i] |= literal[j] && bindings[j] == null;
            }
            length[i] = Math.min(len, Integer.MAX_VALUE);
            boolean leaf = n instanceof Node.Input || n instanceof Node.Const;
            // a shared value holding a literal is bound even when short: written twice, it would parse
            // back as two literals, two argument slots, and another shape
            if (uses[i] > 1 && !leaf && (length[i] > INLINE_LIMIT || literal[i])) {
                bindings[i] = prefix + (++bound);
            }
        }
        StringBuilder sb = new StringBuilder();
        if (bound > 0) {
            sb.append("let ");
            boolean first = true;
            for (int i = 0; i < nodes.size(); i++) {
                if (bindings[i] != null) {
                    sb.append(first ? "" : ", ").append(bindings[i]).append(" = ");
                    first = false;
                    write(sb, nodes.get(i), s, bindings, names);
                }
            }
            sb.append(" in ");
        }
        write(sb, root, s, bindings, names);
        return sb.toString();
    }

    /** A name for bindings that no input's name can be mistaken for: {@code t1, t2, ...}. */
    private static String bindingPrefix(List<String> names) {
        String prefix = "t";
        while (true) {
            String p = prefix;
            if (names.stream().noneMatch(n -> n.startsWith(p) && n.length() > p.length()
                    && n.substring(p.length()).chars().allMatch(Character::isDigit))) {
                return prefix;
            }
            prefix += "_";
        }
    }

    /** An item of the work stack: text to append, or a node to write at a precedence. */
    private record Item(String text, Node node, int outer) {
        static Item text(String s) {
            return new Item(s, null, 0);
        }

        static Item node(Node n, int outer) {
            return new Item(null, n, outer);
        }
    }

    // precedence: 1 or, 2 xor, 3 and, 4 compare, 5 shift, 6 additive, 7 multiplicative, 8 unary
    private static void write(StringBuilder sb, Node root, Schedule s, String[] bindings, List<String> names) {
        List<Item> stack = new ArrayList<>();
        List<Item> parts = new ArrayList<>();
        stack.add(Item.node(root, 0));
        boolean top = true;
        while (!stack.isEmpty()) {
            Item item = stack.removeLast();
            if (item.text() != null) {
                sb.append(item.text());
                continue;
            }
            Node n = item.node();
            int outer = item.outer();
            String binding = bindings[s.indexOf(n)];
            if (binding != null && !top) {
                sb.append(binding);
                continue;
            }
            top = false;
            parts.clear();
            switch (n) {
                case Node.Input in -> parts.add(Item.text(inputName(in, names)));
                case Node.Const c -> {
                    String text = constText(c);
                    boolean negative = text.startsWith("-");
                    parts.add(Item.text(negative && outer > 0 ? "(" + text + ")" : text));
                }
                case Node.Unary u -> {
                    if (u.op() == UnaryOp.NEG) {
                        paren(parts, outer > 8, Item.text("-"), Item.node(u.x(), 9));
                    } else {
                        call(parts, u.op().symbol(), u.x());
                    }
                }
                case Node.Binary b -> {
                    int p = infixPrecedence(b.op());
                    if (p < 0) {
                        call(parts, b.op().symbol(), b.a(), b.b());
                    } else {
                        paren(parts, outer > p, Item.node(b.a(), p),
                                Item.text(" " + b.op().infix().orElseThrow() + " "), Item.node(b.b(), p + 1));
                    }
                }
                case Node.Ternary t -> call(parts, t.op().symbol(), t.a(), t.b(), t.c());
                case Node.Compare c -> paren(parts, outer > 4, Item.node(c.a(), 5),
                        Item.text(" " + c.op().infix() + " "), Item.node(c.b(), 5));
                case Node.Select sel -> call(parts, "where", sel.mask(), sel.a(), sel.b());
                case Node.Cast c -> call(parts, c.type().label(), c.x());
            }
            for (int i = parts.size() - 1; i >= 0; i--) {
                stack.add(parts.get(i));
            }
        }
    }

    private static int infixPrecedence(BinaryOp op) {
        return switch (op) {
            case ADD, SUB -> 6;
            case MUL, DIV, REM -> 7;
            case SHL, SHR, USHR -> 5;
            case AND -> 3;
            case XOR -> 2;
            case OR -> 1;
            default -> -1;
        };
    }

    /** The length of a node's own text, without its operands: decides what is short enough to repeat. */
    private static long ownLength(Node n, List<String> names) {
        return switch (n) {
            case Node.Input in -> inputName(in, names).length();
            case Node.Const c -> constText(c).length() + 2;
            case Node.Unary u -> u.op().symbol().length() + 2;
            case Node.Binary b -> infixPrecedence(b.op()) < 0 ? b.op().symbol().length() + 4 : 5;
            case Node.Ternary t -> t.op().symbol().length() + 6;
            case Node.Compare c -> 6;
            case Node.Select sel -> 11;
            case Node.Cast c -> c.type().label().length() + 2;
        };
    }

    private static String inputName(Node.Input in, List<String> names) {
        return in.index() < names.size() ? names.get(in.index()) : "x" + in.index();
    }

    private static String constText(Node.Const c) {
        return switch (c.type()) {
            case F32 -> floatText(Float.intBitsToFloat((int) c.bits()));
            case F64 -> doubleText(Double.longBitsToDouble(c.bits()));
            case BOOL -> c.bits() != 0 ? "true" : "false";
            default -> Long.toString(c.bits());
        };
    }

    private static void call(List<Item> parts, String f, Node... args) {
        parts.add(Item.text(f + "("));
        for (int i = 0; i < args.length; i++) {
            if (i > 0) parts.add(Item.text(", "));
            parts.add(Item.node(args[i], 0));
        }
        parts.add(Item.text(")"));
    }

    private static void paren(List<Item> parts, boolean needed, Item... body) {
        if (needed) parts.add(Item.text("("));
        parts.addAll(List.of(body));
        if (needed) parts.add(Item.text(")"));
    }

    private static String floatText(float f) {
        if (Float.isNaN(f)) return "nan";
        if (Float.isInfinite(f)) return f > 0 ? "inf" : "-inf";
        return Float.toString(f);
    }

    private static String doubleText(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        return Double.toString(d);
    }
}
