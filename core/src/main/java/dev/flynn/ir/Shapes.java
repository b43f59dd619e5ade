package dev.flynn.ir;

/** Canonical text of a kernel's shape: its structure and types, with constants as slots. */
final class Shapes {
    private Shapes() {
    }

    static String key(KernelIR ir) {
        StringBuilder sb = new StringBuilder();
        sb.append("in");
        for (var t : ir.inputs()) {
            sb.append(':').append(t.label());
        }
        sb.append(";c").append(ir.constCount()).append(';');
        append(sb, Schedule.of(ir.body()));
        ir.reduce().ifPresent(r -> {
            sb.append("|reduce:").append(r.op());
            if (r.compensated()) {
                sb.append(":comp");
            }
            r.identity().ifPresent(id -> sb.append(":id=c").append(id.slot()));
            r.combine().ifPresent(c -> {
                sb.append(':');
                append(sb, Schedule.of(c));
            });
        });
        return sb.toString();
    }

    private static void append(StringBuilder sb, Schedule s) {
        for (Node n : s.nodes()) {
            sb.append(switch (n) {
                case Node.Input in -> "i" + in.index();
                case Node.Const c -> "c" + c.slot();
                case Node.Unary u -> u.op().symbol() + "(" + s.indexOf(u.x()) + ")";
                case Node.Binary b -> b.op().symbol() + "(" + s.indexOf(b.a()) + "," + s.indexOf(b.b()) + ")";
                case Node.Ternary t -> t.op().symbol() + "(" + s.indexOf(t.a()) + "," + s.indexOf(t.b()) + ","
                        + s.indexOf(t.c()) + ")";
                case Node.Compare c -> c.op().symbol() + "(" + s.indexOf(c.a()) + "," + s.indexOf(c.b()) + ")";
                case Node.Select sel -> "select(" + s.indexOf(sel.mask()) + "," + s.indexOf(sel.a()) + ","
                        + s.indexOf(sel.b()) + ")";
                case Node.Cast c -> "cast(" + s.indexOf(c.x()) + ")";
            }).append(':').append(n.type().label()).append(';');
        }
    }
}
