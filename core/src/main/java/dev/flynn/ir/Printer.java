package dev.flynn.ir;

import java.util.List;

/** Renders a node as an expression a user can read (and the parser can read back). */
public final class Printer {
    private Printer() {
    }

    public static String print(Node n, List<String> names) {
        StringBuilder sb = new StringBuilder();
        print(sb, n, names, 0);
        return sb.toString();
    }

    // precedence: 1 or, 2 xor, 3 and, 4 compare, 5 shift, 6 additive, 7 multiplicative, 8 unary
    private static void print(StringBuilder sb, Node n, List<String> names, int outer) {
        switch (n) {
            case Node.Input in -> sb.append(in.index() < names.size() ? names.get(in.index()) : "x" + in.index());
            case Node.Const c -> {
                String text = switch (c.type()) {
                    case F32 -> floatText(Float.intBitsToFloat((int) c.bits()));
                    case F64 -> doubleText(Double.longBitsToDouble(c.bits()));
                    case BOOL -> c.bits() != 0 ? "true" : "false";
                    default -> Long.toString(c.bits());
                };
                boolean negative = text.startsWith("-");
                if (negative && outer > 0) sb.append('(');
                sb.append(text);
                if (negative && outer > 0) sb.append(')');
            }
            case Node.Unary u -> {
                if (u.op() == UnaryOp.NEG) {
                    paren(sb, outer > 8, () -> {
                        sb.append('-');
                        print(sb, u.x(), names, 9);
                    });
                } else {
                    call(sb, u.op().symbol(), names, u.x());
                }
            }
            case Node.Binary b -> {
                int p = switch (b.op()) {
                    case ADD, SUB -> 6;
                    case MUL, DIV, REM -> 7;
                    case SHL, SHR, USHR -> 5;
                    case AND -> 3;
                    case XOR -> 2;
                    case OR -> 1;
                    default -> -1;
                };
                if (p < 0) {
                    call(sb, b.op().symbol(), names, b.a(), b.b());
                } else {
                    paren(sb, outer > p, () -> {
                        print(sb, b.a(), names, p);
                        sb.append(' ').append(b.op().infix().orElseThrow()).append(' ');
                        print(sb, b.b(), names, p + 1);
                    });
                }
            }
            case Node.Ternary t -> call(sb, t.op().symbol(), names, t.a(), t.b(), t.c());
            case Node.Compare c -> paren(sb, outer > 4, () -> {
                print(sb, c.a(), names, 5);
                sb.append(' ').append(c.op().infix()).append(' ');
                print(sb, c.b(), names, 5);
            });
            case Node.Select s -> call(sb, "where", names, s.mask(), s.a(), s.b());
            case Node.Cast c -> call(sb, c.type().label(), names, c.x());
        }
    }

    private static void call(StringBuilder sb, String f, List<String> names, Node... args) {
        sb.append(f).append('(');
        for (int i = 0; i < args.length; i++) {
            if (i > 0) sb.append(", ");
            print(sb, args[i], names, 0);
        }
        sb.append(')');
    }

    private static void paren(StringBuilder sb, boolean needed, Runnable body) {
        if (needed) sb.append('(');
        body.run();
        if (needed) sb.append(')');
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
