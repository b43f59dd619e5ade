package dev.flynn;

import dev.flynn.ir.KernelIR;
import dev.flynn.ir.Node;
import dev.flynn.ir.ReduceOp;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.ir.Schedule;
import dev.flynn.ir.Verifier;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Makes a verified {@link Kernel} from a traced or parsed body: names and types the inputs, hoists
 * every literal into a numbered slot (so kernels that differ only in literal values share one shape
 * key and one compiled form) and verifies the IR before the kernel exists.
 */
final class KernelBuilder {
    private static final List<String> XYZW = List.of("x", "y", "z", "w");

    private KernelBuilder() {
    }

    static Kernel traced(List<DType> types, Kernel.FnN body) {
        if (types.isEmpty()) {
            throw new IllegalArgumentException("a kernel needs at least one input");
        }
        List<String> names = names(types.size());
        return fromExpr(names, types, body.apply(inputs(names, types)));
    }

    /** The names of traced inputs: {@code x, y, z, w} up to four, else {@code x0, x1, ...}. */
    static List<String> names(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(count <= 4 ? XYZW.get(i) : "x" + i);
        }
        return List.copyOf(names);
    }

    static List<Expr> inputs(List<String> names, List<DType> types) {
        List<String> frozen = List.copyOf(names);
        List<Expr> in = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            DType t = Objects.requireNonNull(types.get(i), "type of input " + i);
            if (!t.isNumeric()) {
                throw new IllegalArgumentException("input " + frozen.get(i) + " has type BOOL; inputs are numbers");
            }
            in.add(Expr.input(i, t, frozen));
        }
        return in;
    }

    static Kernel fromExpr(List<String> names, List<DType> types, Expr body) {
        Objects.requireNonNull(body, "the kernel body returned null");
        if (!body.rows().isEmpty()) {
            throw new IllegalArgumentException(body + " reduces over the row (Row.max, Row.sum, ...), which a Kernel"
                    + " cannot: build it with RowKernel.map");
        }
        return build(names, types, body.node(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** {@link Kernel#fromIR}: the IR verified and its constants counted before the kernel exists. */
    static Kernel fromIR(KernelIR ir, List<String> names, Optional<Reduction> reduction, long[] constants) {
        Objects.requireNonNull(ir, "ir");
        Verifier.verify(ir, names);
        if (constants.length != ir.constCount()) {
            throw new IllegalArgumentException(ir.constCount() + " constants expected, got " + constants.length);
        }
        return new Kernel(ir, names, reduction, constants.clone());
    }

    static Kernel build(List<String> names, List<DType> types, Node body, Optional<Reduction> reduction,
                        Optional<ReduceSpec> plainSpec, Optional<Node> combine, Optional<Node.Const> identity) {
        // hoist literals: number every Const occurrence in evaluation order
        List<Long> bits = new ArrayList<>();
        Map<Node, Node> memo = new IdentityHashMap<>();
        Node b = hoist(body, bits, memo);
        Optional<ReduceSpec> spec;
        if (reduction.isPresent() && reduction.get().kind() == Reduction.Kind.CUSTOM) {
            Node.Const id = (Node.Const) hoist(identity.orElseThrow(), bits, memo);
            Node c = hoist(combine.orElseThrow(), bits, new IdentityHashMap<>());
            spec = Optional.of(new ReduceSpec(ReduceOp.CUSTOM, false, Optional.of(c), Optional.of(id)));
        } else {
            spec = plainSpec;
        }
        KernelIR ir = new KernelIR(types, b, spec, bits.size());
        Verifier.verify(ir, names);
        long[] constants = new long[bits.size()];
        for (int i = 0; i < constants.length; i++) {
            constants[i] = bits.get(i);
        }
        return new Kernel(ir, names, reduction, constants);
    }

    /** Rebuilds {@code root} with each literal object given the next slot, operands first (no recursion). */
    private static Node hoist(Node root, List<Long> bits, Map<Node, Node> memo) {
        for (Node n : Schedule.occurrences(root)) {
            if (memo.containsKey(n)) {
                continue;
            }
            Node r = switch (n) {
                case Node.Input in -> in;
                case Node.Const c -> {
                    bits.add(c.bits());
                    yield c.withSlot(bits.size() - 1);
                }
                case Node.Unary u -> new Node.Unary(u.op(), memo.get(u.x()), u.type());
                case Node.Binary bin -> new Node.Binary(bin.op(), memo.get(bin.a()), memo.get(bin.b()), bin.type());
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
