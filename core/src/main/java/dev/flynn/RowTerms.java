package dev.flynn;

import dev.flynn.ir.Node;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reductions over the row that an {@link Expr} refers to ({@link Row#max(Expr)} and its siblings,
 * or a one-argument {@code max(e)} in text). In the expression's graph each one is a placeholder
 * input with a negative index, unique in the process; this set maps placeholders back to the
 * reduction and the expression it reduces. Combining two expressions unites their sets in constant
 * time (a tree of unions, flattened once when a {@link RowKernel} is planned), so tracing a long
 * chain costs no more than without reductions.
 */
final class RowTerms {
    static final RowTerms NONE = new RowTerms(null, null, null);
    private static final AtomicLong NEXT = new AtomicLong();

    /**
     * A reduction over the row: {@code reduction(body)}, standing in its expression as the input
     * {@code slot} (negative) of type {@code type}, the reduction's result type (an any/all mask is an
     * I32 placeholder compared with 0).
     *
     * @param slot the placeholder's input index, negative and unique in the process
     * @param name the reduction's name in text ({@code max}, {@code var}, ...)
     * @param reduction the reduction
     * @param body the reduced expression, which may itself hold reductions over the row
     * @param type the placeholder's type
     */
    record Term(int slot, String name, Reduction reduction, Expr body, DType type) {
    }

    private final Term term;
    private final RowTerms left;
    private final RowTerms right;

    private RowTerms(Term term, RowTerms left, RowTerms right) {
        this.term = term;
        this.left = left;
        this.right = right;
    }

    /** A fresh placeholder index: negative, so it is never a kernel input's. */
    static int nextSlot() {
        return (int) -(1 + NEXT.getAndIncrement() % Integer.MAX_VALUE);
    }

    static RowTerms of(Term term) {
        return new RowTerms(term, null, null);
    }

    static RowTerms union(RowTerms a, RowTerms b) {
        if (a == NONE || a == b) {
            return b;
        }
        return b == NONE ? a : new RowTerms(null, a, b);
    }

    static RowTerms union(RowTerms a, RowTerms b, RowTerms c) {
        return union(union(a, b), c);
    }

    boolean isEmpty() {
        return this == NONE;
    }

    /**
     * Every term reachable from this set, also through the bodies of terms, each once, in a fixed order:
     * a term after every term its body refers to. No recursion: reductions may nest to any depth.
     */
    List<Term> all() {
        List<Term> out = new ArrayList<>();
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        // explicit stack of (set, expanded?) so that a term is emitted after the terms in its body
        List<Object> stack = new ArrayList<>();
        List<Boolean> expanded = new ArrayList<>();
        stack.add(this);
        expanded.add(false);
        while (!stack.isEmpty()) {
            int top = stack.size() - 1;
            Object o = stack.get(top);
            boolean done = expanded.get(top);
            if (o instanceof Term t) {
                if (done) {
                    stack.remove(top);
                    expanded.remove(top);
                    out.add(t);
                } else {
                    expanded.set(top, true);
                    push(t.body().rows(), seen, stack, expanded);
                }
                continue;
            }
            stack.remove(top);
            expanded.remove(top);
            RowTerms s = (RowTerms) o;
            if (s.term != null) {
                if (seen.put(s.term, Boolean.TRUE) == null) {
                    stack.add(s.term);
                    expanded.add(false);
                }
            } else if (s != NONE) {
                push(s.right, seen, stack, expanded);
                push(s.left, seen, stack, expanded);
            }
        }
        return out;
    }

    private static void push(RowTerms s, Map<Object, Boolean> seen, List<Object> stack, List<Boolean> expanded) {
        if (s != NONE && seen.put(s, Boolean.TRUE) == null) {
            stack.add(s);
            expanded.add(false);
        }
    }

    /** Whether {@code n} is a placeholder of a reduction over the row. */
    static boolean isPlaceholder(Node n) {
        return n instanceof Node.Input in && in.index() < 0;
    }
}
