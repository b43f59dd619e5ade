package dev.flynn.ir;

import dev.flynn.DType;

import java.util.List;

/**
 * Checks the IR invariants of {@link Node} for a whole kernel: it is what makes every backend's
 * lowering safe without re-checking types. Errors name the offending node and show the kernel.
 */
public final class Verifier {
    private Verifier() {
    }

    /**
     * Checks every node's types and the reduction against the IR's invariants.
     *
     * @param ir the kernel
     * @param names one name per input, for messages
     * @throws IllegalArgumentException naming the expression and the offending node, if a check fails
     */
    public static void verify(KernelIR ir, List<String> names) {
        check(ir.body(), ir, names, ir.inputs());
        ir.reduce().ifPresent(r -> {
            DType t = ir.body().type();
            switch (r.op()) {
                case SUM, PROD, MIN, MAX, ARGMIN, ARGMAX, CUSTOM -> {
                    if (!t.isNumeric()) {
                        fail(ir, names, ir.body(), r.op() + " needs numeric values, the body is a mask");
                    }
                }
                case MOMENTS -> {
                    if (t != DType.F64) {
                        fail(ir, names, ir.body(), "MOMENTS needs an F64 body, got " + t);
                    }
                }
            }
            r.combine().ifPresent(c -> {
                check(c, ir, names, List.of(t, t));
                if (c.type() != t) {
                    fail(ir, names, c, "combine must return the body's type " + t + ", got " + c.type());
                }
            });
            r.identity().ifPresent(id -> {
                if (id.type() != t) {
                    fail(ir, names, id, "identity must have the body's type " + t + ", got " + id.type());
                }
                checkSlot(id, ir, names);
            });
        });
    }

    /** Checks every distinct node, operands before their users, so the innermost error is reported. */
    private static void check(Node root, KernelIR ir, List<String> names, List<DType> inputs) {
        for (Node n : Schedule.of(root).nodes()) {
            checkNode(n, ir, names, inputs);
        }
    }

    private static void checkNode(Node n, KernelIR ir, List<String> names, List<DType> inputs) {
        switch (n) {
            case Node.Input in -> {
                if (in.index() < 0 || in.index() >= inputs.size()) {
                    fail(ir, names, n, "input " + in.index() + " does not exist (arity " + inputs.size() + ")");
                }
                if (inputs.get(in.index()) != in.type()) {
                    fail(ir, names, n, "input " + in.index() + " is " + inputs.get(in.index()) + ", used as " + in.type());
                }
            }
            case Node.Const c -> checkSlot(c, ir, names);
            case Node.Unary u -> {
                DType t = rule(ir, names, n, () -> Types.unaryOperand(u.op(), u.x().type()));
                same(ir, names, n, t, u.x());
                if (u.type() != t) fail(ir, names, n, "result type " + u.type() + " should be " + t);
            }
            case Node.Binary b -> {
                DType t = rule(ir, names, n, () -> Types.binaryOperand(b.op(), b.a().type(), b.b().type()));
                same(ir, names, n, t, b.a());
                same(ir, names, n, t, b.b());
                if (b.type() != t) fail(ir, names, n, "result type " + b.type() + " should be " + t);
            }
            case Node.Ternary t -> {
                DType ty = rule(ir, names, n, () -> Types.ternaryOperand(t.op(), t.a().type(), t.b().type(), t.c().type()));
                same(ir, names, n, ty, t.a());
                same(ir, names, n, ty, t.b());
                same(ir, names, n, ty, t.c());
                if (t.type() != ty) fail(ir, names, n, "result type " + t.type() + " should be " + ty);
            }
            case Node.Compare c -> {
                DType t = rule(ir, names, n, () -> Types.compareOperand(c.op(), c.a().type(), c.b().type()));
                same(ir, names, n, t, c.a());
                same(ir, names, n, t, c.b());
            }
            case Node.Select s -> {
                DType t = rule(ir, names, n, () -> Types.selectOperand(s.mask().type(), s.a().type(), s.b().type()));
                same(ir, names, n, t, s.a());
                same(ir, names, n, t, s.b());
                if (s.type() != t) fail(ir, names, n, "result type " + s.type() + " should be " + t);
            }
            case Node.Cast c -> rule(ir, names, n, () -> {
                Types.checkCast(c.x().type(), c.type());
                return c.type();
            });
        }
    }

    private static void checkSlot(Node.Const c, KernelIR ir, List<String> names) {
        if (c.slot() < 0 || c.slot() >= ir.constCount()) {
            fail(ir, names, c, "constant slot " + c.slot() + " is outside 0.." + (ir.constCount() - 1));
        }
    }

    private static DType rule(KernelIR ir, List<String> names, Node n, java.util.function.Supplier<DType> r) {
        try {
            return r.get();
        } catch (IllegalArgumentException e) {
            fail(ir, names, n, e.getMessage());
            throw new AssertionError();
        }
    }

    private static void same(KernelIR ir, List<String> names, Node n, DType t, Node operand) {
        if (operand.type() != t) {
            fail(ir, names, n, "operand " + Printer.print(operand, names) + " is " + operand.type() + ", expected " + t);
        }
    }

    private static void fail(KernelIR ir, List<String> names, Node n, String why) {
        throw new IllegalArgumentException("ill-typed kernel: " + why + "\n  at:     " + Printer.print(n, names)
                + "\n  kernel: " + Printer.print(ir.body(), names));
    }
}
