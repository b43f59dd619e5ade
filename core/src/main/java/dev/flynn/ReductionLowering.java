package dev.flynn;

import dev.flynn.ir.KernelIR;
import dev.flynn.ir.Node;
import dev.flynn.ir.ReduceOp;
import dev.flynn.ir.ReduceSpec;

import java.util.List;
import java.util.Optional;

/**
 * Lowers a {@link Reduction} onto a map kernel: rewrites the body into the values its
 * {@link ReduceOp} folds (moments of F64 values, sums of |x|, a mask counted as I64, ...), checks that
 * the reduction fits the body's type, and says the type of the reduced value.
 */
final class ReductionLowering {

    private ReductionLowering() {
    }

    /** {@link Kernel#reduce(Reduction)}: {@code kernel}'s body fused into {@code r}. */
    static Kernel lower(Kernel kernel, Reduction r) {
        if (kernel.reduction().isPresent()) {
            throw new IllegalArgumentException("this kernel already reduces (" + kernel.reduction().get() + ")");
        }
        Expr body = new Expr(kernel.ir().body(), false, kernel.inputNames());
        DType t = body.type();
        Optional<Node> combine = Optional.empty();
        Optional<Node.Const> identity = Optional.empty();
        // the body that turns this reduction into its ReduceOp (r.op()): moments of F64 values, sums of |x|, ...
        switch (r.kind()) {
            case SUM, PROD, MIN, MAX, ARGMIN, ARGMAX -> {
            }
            case MEAN, VARIANCE, STD -> {
                requireNumber(r, body);
                body = body.toF64();
            }
            case NORM1, NORM_INF -> {
                requireNumber(r, body);
                body = floating(body).abs();
            }
            case NORM2 -> {
                requireNumber(r, body);
                Expr f = floating(body);
                body = f.mul(f);
            }
            case COUNT, ANY, ALL -> {
                if (t != DType.BOOL) {
                    throw new IllegalArgumentException(r + " needs a mask (a comparison), but " + body + " is " + t);
                }
                body = body.toI64();
            }
            case CUSTOM -> {
                requireNumber(r, body);
                Reduction.Custom custom = (Reduction.Custom) r;
                Expr id = new Expr(custom.identity() instanceof Long l ? Node.Const.ofLong(t, l)
                        : Node.Const.of(t, custom.identity().doubleValue()), false, List.of());
                List<String> accNames = List.of("acc", "value");
                Expr c = custom.combine().apply(Expr.input(0, t, accNames), Expr.input(1, t, accNames));
                if (c == null || c.type() != t) {
                    throw new IllegalArgumentException("the combine expression must return " + t + ", got "
                            + (c == null ? "null" : c + " : " + c.type()));
                }
                combine = Optional.of(c.node());
                identity = Optional.of((Node.Const) id.node());
            }
        }
        ReduceSpec spec = r.op() == ReduceOp.CUSTOM ? null : new ReduceSpec(r.op(),
                r.summation() == Reduction.Summation.COMPENSATED, Optional.empty(), Optional.empty());
        if (r.kind() != Reduction.Kind.CUSTOM && r.kind() != Reduction.Kind.COUNT && r.kind() != Reduction.Kind.ANY
                && r.kind() != Reduction.Kind.ALL) {
            requireNumber(r, body);
        }
        return KernelBuilder.build(kernel.inputNames(), kernel.ir().inputs(), body.node(), Optional.of(r),
                Optional.ofNullable(spec), combine, identity);
    }

    static DType resultTypeOf(KernelIR ir, Optional<Reduction> reduction) {
        if (reduction.isEmpty()) {
            return ir.body().type();
        }
        return reduction.get().resultType(ir.body().type());
    }

    private static Expr floating(Expr e) {
        return e.type().isFloating() ? e : e.toF64();
    }

    private static void requireNumber(Reduction r, Expr body) {
        if (!body.type().isNumeric()) {
            throw new IllegalArgumentException(r + " needs numbers, but " + body
                    + " is a mask; use count(), any() or all() for masks");
        }
    }
}
