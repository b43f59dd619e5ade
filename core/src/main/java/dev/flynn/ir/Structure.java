package dev.flynn.ir;

import dev.flynn.DType;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Structural hashing and equality of nodes, linear in the number of distinct nodes and free of
 * recursion: the records' generated {@code equals} would walk a shared operand once per path to it
 * (exponential in a DAG) and overflow the thread's stack on a deep chain.
 */
final class Structure {
    private Structure() {
    }

    /** The hash of an operation node, from its operands' cached hashes. */
    static int hash(int tag, int op, DType type, Node... operands) {
        int h = 31 * tag + op;
        h = 31 * h + type.ordinal();
        for (Node n : operands) {
            h = 31 * h + n.hashCode();
        }
        return h;
    }

    /** A pair of nodes being compared, by identity. */
    private record Pair(Node a, Node b) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Pair p && p.a == a && p.b == b;
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(a) + System.identityHashCode(b);
        }
    }

    /**
     * Whether two nodes have the same structure. Each distinct pair of nodes is compared once:
     * equality is the conjunction over all reachable pairs, so a pair met again adds nothing.
     */
    static boolean equal(Node x, Node y) {
        if (x == y) {
            return true;
        }
        Deque<Pair> work = new ArrayDeque<>();
        Set<Pair> seen = new HashSet<>();
        work.push(new Pair(x, y));
        while (!work.isEmpty()) {
            Pair p = work.pop();
            Node a = p.a();
            Node b = p.b();
            if (a == b) {
                continue;
            }
            if (a.hashCode() != b.hashCode() || !sameOperation(a, b)) {
                return false;
            }
            List<Node> as = Schedule.operands(a);
            List<Node> bs = Schedule.operands(b);
            for (int i = 0; i < as.size(); i++) {
                Pair q = new Pair(as.get(i), bs.get(i));
                if (q.a() != q.b() && seen.add(q)) {
                    work.push(q);
                }
            }
        }
        return true;
    }

    /** Whether two nodes compute the same operation on the same types, ignoring their operands. */
    private static boolean sameOperation(Node a, Node b) {
        return switch (a) {
            case Node.Input in -> in.equals(b);
            case Node.Const c -> c.equals(b);
            case Node.Unary u -> b instanceof Node.Unary v && u.op() == v.op() && u.type() == v.type();
            case Node.Binary u -> b instanceof Node.Binary v && u.op() == v.op() && u.type() == v.type();
            case Node.Ternary u -> b instanceof Node.Ternary v && u.op() == v.op() && u.type() == v.type();
            case Node.Compare u -> b instanceof Node.Compare v && u.op() == v.op();
            case Node.Select u -> b instanceof Node.Select v && u.type() == v.type();
            case Node.Cast u -> b instanceof Node.Cast v && u.type() == v.type();
        };
    }
}
