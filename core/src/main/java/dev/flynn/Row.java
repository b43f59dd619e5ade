package dev.flynn;

import dev.flynn.ir.Node;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reductions over the row inside an expression, for {@link RowKernel}s: {@code Row.max(x)} is the
 * largest element of the row, a value that a later map over the same row can use. Row softmax,
 * traced:
 * <pre>{@code
 * RowKernel softmax = RowKernel.map(DType.F32, x -> exp(x.sub(Row.max(x))).div(Row.sum(exp(x.sub(Row.max(x))))));
 * }</pre>
 * In text the same reductions are the one-argument calls {@code max(e)}, {@code sum(e)}, ...
 * ({@link #names()}); two-argument {@code max} and {@code min} stay element-wise. A reduction's value
 * has the reduction's result type, as in {@link Kernel#reduce}: the values' type for {@code sum},
 * {@code max}, ..., F64 for {@code mean}, {@code var} and {@code std}, I64 for {@code count},
 * {@code argmin} and {@code argmax}, a mask for {@code any} and {@code all}.
 */
public final class Row {
    /** The reductions a one-argument call in text stands for, by name. */
    private static final Map<String, Reduction> BY_NAME = byName();

    private Row() {
    }

    private static Map<String, Reduction> byName() {
        Map<String, Reduction> m = new TreeMap<>();
        m.put("sum", Reduction.sum());
        m.put("prod", Reduction.prod());
        m.put("min", Reduction.min());
        m.put("max", Reduction.max());
        m.put("argmin", Reduction.argmin());
        m.put("argmax", Reduction.argmax());
        m.put("mean", Reduction.mean());
        m.put("var", Reduction.variance(0));
        m.put("std", Reduction.std(0));
        m.put("norm1", Reduction.norm1());
        m.put("norm2", Reduction.norm2());
        m.put("norminf", Reduction.normInf());
        m.put("count", Reduction.count());
        m.put("any", Reduction.any());
        m.put("all", Reduction.all());
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * The names of the reductions over the row in text, each called with one argument.
     *
     * @return the names, sorted
     */
    public static java.util.Set<String> names() {
        return BY_NAME.keySet();
    }

    /** The reduction a one-argument call of {@code name} stands for in text. */
    static Optional<Reduction> named(String name) {
        return Optional.ofNullable(BY_NAME.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * {@code r} of {@code e} over the row, for any reduction but a custom one:
     * {@code Row.over(Reduction.variance(1), x)} is the sample variance of the row.
     *
     * @param r the reduction
     * @param e the expression reduced; it may hold reductions over the row itself
     * @return the reduced value, which broadcasts over the row
     * @throws IllegalArgumentException if {@code r} does not fit {@code e}'s type, {@code e} uses no input,
     *                                  or {@code r} is a custom reduction
     */
    public static Expr over(Reduction r, Expr e) {
        Objects.requireNonNull(r, "reduction");
        Objects.requireNonNull(e, "expression");
        if (r.kind() == Reduction.Kind.CUSTOM) {
            throw new IllegalArgumentException("a custom reduction cannot reduce over the row; use sum, prod, min,"
                    + " max, argmin, argmax, mean, var, std, norm1, norm2, normInf, count, any or all");
        }
        if (e.weak()) {
            throw new IllegalArgumentException(r + "(" + e + ") reduces literals only: the expression reduced over"
                    + " the row must use an input");
        }
        DType type = r.resultType(ReductionLowering.folded(r, e).type());
        String name = BY_NAME.entrySet().stream().filter(en -> en.getValue().equals(r)).map(Map.Entry::getKey)
                .findFirst().orElse(r.toString());
        int slot = RowTerms.nextSlot();
        // a mask has no kernel input type: its placeholder is an I32 0 or 1, compared with 0
        DType slotType = type == DType.BOOL ? DType.I32 : type;
        RowTerms.Term term = new RowTerms.Term(slot, name, r, e, slotType);
        Expr value = new Expr(new Node.Input(slot, slotType), false, e.names(), RowTerms.of(term));
        return type == DType.BOOL ? value.ne(0) : value;
    }

    /**
     * The sum of {@code e} over the row, in {@code e}'s type.
     *
     * @param e the expression summed
     * @return the sum
     */
    public static Expr sum(Expr e) {
        return over(Reduction.sum(), e);
    }

    /**
     * The largest value of {@code e} over the row, as {@code Math.max} orders them (NaN if any is NaN).
     *
     * @param e the expression
     * @return the maximum
     */
    public static Expr max(Expr e) {
        return over(Reduction.max(), e);
    }

    /**
     * The smallest value of {@code e} over the row, as {@code Math.min} orders them (NaN if any is NaN).
     *
     * @param e the expression
     * @return the minimum
     */
    public static Expr min(Expr e) {
        return over(Reduction.min(), e);
    }

    /**
     * The mean of {@code e} over the row, an F64 value.
     *
     * @param e the expression
     * @return the mean
     */
    public static Expr mean(Expr e) {
        return over(Reduction.mean(), e);
    }

    /**
     * The population variance (divisor n) of {@code e} over the row, an F64 value; it shares one pass
     * with {@link #mean} and {@link #std} of the same expression.
     *
     * @param e the expression
     * @return the variance
     */
    public static Expr var(Expr e) {
        return over(Reduction.variance(0), e);
    }

    /**
     * The population standard deviation of {@code e} over the row, an F64 value.
     *
     * @param e the expression
     * @return the standard deviation
     */
    public static Expr std(Expr e) {
        return over(Reduction.std(0), e);
    }
}
