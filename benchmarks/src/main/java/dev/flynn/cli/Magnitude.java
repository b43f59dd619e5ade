package dev.flynn.cli;

import dev.flynn.Kernel;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.Node;
import dev.flynn.ir.TernaryOp;
import dev.flynn.ir.UnaryOp;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The magnitude of a map kernel's terms: the same expression with every sum replaced by the sum of its
 * terms' absolute values. Rounding errors of a floating-point evaluation are bounded by a small multiple
 * of the unit roundoff times this magnitude, so an error relative to it says whether a result is as
 * good as its terms allow even where the result itself cancels to nearly nothing (Black-Scholes prices
 * of deep out-of-the-money options), which an error in ulps of the result cannot say.
 *
 * <p>Recursively: {@code mag(x) = |x|} for inputs and literals; {@code mag(a+b) = mag(a-b) = mag(a) +
 * mag(b)}; {@code mag(a*b) = mag(a)*mag(b)}; {@code mag(a/b) = mag(a)/|b|}; {@code mag(fma(a,b,c)) =
 * mag(a)*mag(b) + mag(c)}; {@code mag(-a) = mag(abs(a)) = mag(a)}; {@code mag(where(m,a,b)) =
 * where(m, mag(a), mag(b))}; anything else (functions, min, max, casts) is the absolute value of its
 * value: a function's result is a term of its own.
 */
final class Magnitude {
    private Magnitude() {
    }

    /** The magnitude kernel of a floating-point map that adds or subtracts anywhere; empty otherwise. */
    static Optional<Kernel> of(Kernel kernel) {
        KernelIR ir = kernel.ir();
        if (kernel.isReduction() || !kernel.resultType().isFloating() || !hasSum(ir.body())) {
            return Optional.empty();
        }
        KernelIR mag = new KernelIR(ir.inputs(), abs(magnitude(ir.body())), Optional.empty(), ir.constCount());
        return Optional.of(Kernel.fromIR(mag, kernel.inputNames(), Optional.empty(), kernel.constants()));
    }

    /**
     * The magnitude of every node, children first, each distinct node once: without recursion, since
     * parsed expressions can nest deeper than the stack, and shared subexpressions make a DAG.
     */
    private static Node magnitude(Node root) {
        Map<Node, Node> done = new IdentityHashMap<>();
        Deque<Node> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            Node n = stack.peek();
            if (done.containsKey(n)) {
                stack.pop();
                continue;
            }
            List<Node> needed = operands(n).stream().filter(c -> !done.containsKey(c)).toList();
            if (needed.isEmpty()) {
                done.put(stack.pop(), of(n, done::get));
            } else {
                needed.forEach(stack::push);
            }
        }
        return done.get(root);
    }

    /** The operands whose magnitudes {@code n}'s magnitude is built from. */
    private static List<Node> operands(Node n) {
        if (!n.type().isFloating()) {
            return List.of();
        }
        return switch (n) {
            case Node.Binary b when b.op() == BinaryOp.ADD || b.op() == BinaryOp.SUB || b.op() == BinaryOp.MUL -> List.of(b.a(), b.b());
            case Node.Binary b when b.op() == BinaryOp.DIV -> List.of(b.a());
            case Node.Ternary t when t.op() == TernaryOp.FMA -> List.of(t.a(), t.b(), t.c());
            case Node.Unary u when u.op() == UnaryOp.NEG || u.op() == UnaryOp.ABS -> List.of(u.x());
            case Node.Select s -> List.of(s.a(), s.b());
            default -> List.of();
        };
    }

    private static Node of(Node n, Function<Node, Node> mag) {
        if (!n.type().isFloating()) {
            return n;
        }
        return switch (n) {
            case Node.Binary b when b.op() == BinaryOp.ADD || b.op() == BinaryOp.SUB ->
                    new Node.Binary(BinaryOp.ADD, abs(mag.apply(b.a())), abs(mag.apply(b.b())), b.type());
            case Node.Binary b when b.op() == BinaryOp.MUL ->
                    new Node.Binary(BinaryOp.MUL, abs(mag.apply(b.a())), abs(mag.apply(b.b())), b.type());
            case Node.Binary b when b.op() == BinaryOp.DIV ->
                    new Node.Binary(BinaryOp.DIV, abs(mag.apply(b.a())), abs(b.b()), b.type());
            case Node.Ternary t when t.op() == TernaryOp.FMA -> new Node.Binary(BinaryOp.ADD,
                    new Node.Binary(BinaryOp.MUL, abs(mag.apply(t.a())), abs(mag.apply(t.b())), t.type()),
                    abs(mag.apply(t.c())), t.type());
            case Node.Unary u when u.op() == UnaryOp.NEG || u.op() == UnaryOp.ABS -> abs(mag.apply(u.x()));
            case Node.Select s -> new Node.Select(s.mask(), abs(mag.apply(s.a())), abs(mag.apply(s.b())), s.type());
            default -> abs(n);
        };
    }

    private static Node abs(Node n) {
        return n instanceof Node.Unary u && u.op() == UnaryOp.ABS ? n : new Node.Unary(UnaryOp.ABS, n, n.type());
    }

    /** Whether a floating-point sum occurs anywhere (only sums cancel); each distinct node looked at once. */
    private static boolean hasSum(Node root) {
        Set<Node> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Node> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            if (!seen.add(n)) {
                continue;
            }
            switch (n) {
                case Node.Binary b -> {
                    if (b.type().isFloating() && (b.op() == BinaryOp.ADD || b.op() == BinaryOp.SUB)) {
                        return true;
                    }
                    stack.push(b.a());
                    stack.push(b.b());
                }
                case Node.Ternary t -> {
                    if (t.type().isFloating() && t.op() == TernaryOp.FMA) {
                        return true;
                    }
                    stack.push(t.a());
                    stack.push(t.b());
                    stack.push(t.c());
                }
                case Node.Unary u -> stack.push(u.x());
                case Node.Select s -> {
                    stack.push(s.mask());
                    stack.push(s.a());
                    stack.push(s.b());
                }
                case Node.Compare c -> {
                    stack.push(c.a());
                    stack.push(c.b());
                }
                case Node.Cast c -> stack.push(c.x());
                case Node.Input i -> {
                }
                case Node.Const c -> {
                }
            }
        }
        return false;
    }
}
