package dev.flynn.cli;

import dev.flynn.Kernel;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.Node;
import dev.flynn.ir.TernaryOp;
import dev.flynn.ir.UnaryOp;

import java.util.Optional;

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
        KernelIR mag = new KernelIR(ir.inputs(), abs(of(ir.body())), Optional.empty(), ir.constCount());
        return Optional.of(Kernel.fromIR(mag, kernel.inputNames(), Optional.empty(), kernel.constants()));
    }

    private static Node of(Node n) {
        if (!n.type().isFloating()) {
            return n;
        }
        return switch (n) {
            case Node.Binary(BinaryOp op, Node a, Node b, var t) when op == BinaryOp.ADD || op == BinaryOp.SUB ->
                    new Node.Binary(BinaryOp.ADD, abs(of(a)), abs(of(b)), t);
            case Node.Binary(BinaryOp op, Node a, Node b, var t) when op == BinaryOp.MUL ->
                    new Node.Binary(BinaryOp.MUL, abs(of(a)), abs(of(b)), t);
            case Node.Binary(BinaryOp op, Node a, Node b, var t) when op == BinaryOp.DIV ->
                    new Node.Binary(BinaryOp.DIV, abs(of(a)), abs(b), t);
            case Node.Ternary(TernaryOp op, Node a, Node b, Node c, var t) when op == TernaryOp.FMA ->
                    new Node.Binary(BinaryOp.ADD, new Node.Binary(BinaryOp.MUL, abs(of(a)), abs(of(b)), t), abs(of(c)), t);
            case Node.Unary(UnaryOp op, Node x, var t) when op == UnaryOp.NEG || op == UnaryOp.ABS -> abs(of(x));
            case Node.Select(Node m, Node a, Node b, var t) -> new Node.Select(m, abs(of(a)), abs(of(b)), t);
            default -> abs(n);
        };
    }

    private static Node abs(Node n) {
        return n instanceof Node.Unary(UnaryOp op, Node x, var t) && op == UnaryOp.ABS ? n : new Node.Unary(UnaryOp.ABS, n, n.type());
    }

    /** Whether a floating-point sum occurs anywhere: only sums cancel. */
    private static boolean hasSum(Node n) {
        return switch (n) {
            case Node.Binary(BinaryOp op, Node a, Node b, var t) ->
                    (t.isFloating() && (op == BinaryOp.ADD || op == BinaryOp.SUB)) || hasSum(a) || hasSum(b);
            case Node.Ternary(TernaryOp op, Node a, Node b, Node c, var t) -> t.isFloating() || hasSum(a) || hasSum(b) || hasSum(c);
            case Node.Unary(UnaryOp op, Node x, var t) -> hasSum(x);
            case Node.Select(Node m, Node a, Node b, var t) -> hasSum(m) || hasSum(a) || hasSum(b);
            case Node.Compare(var op, Node a, Node b) -> hasSum(a) || hasSum(b);
            case Node.Cast(Node x, var t) -> hasSum(x);
            case Node.Input i -> false;
            case Node.Const c -> false;
        };
    }
}
