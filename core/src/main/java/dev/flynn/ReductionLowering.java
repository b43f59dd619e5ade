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
        if (r.kind() == Reduction.Kind.CUSTOM) {
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
        } else {
            body = folded(r, body);
        }
        ReduceSpec spec = r.op() == ReduceOp.CUSTOM ? null : new ReduceSpec(r.op(),
                r.summation() == Reduction.Summation.COMPENSATED, Optional.empty(), Optional.empty());
        return KernelBuilder.build(kernel.inputNames(), kernel.ir().inputs(), body.node(), Optional.of(r),
                Optional.ofNullable(spec), combine, identity);
    }

    /**
     * The values {@code r}'s op folds for {@code body} (moments of F64 values, sums of |x|, a mask
     * counted as I64, ...), checking that {@code r} fits the body's type; not for custom reductions.
     */
    static Expr folded(Reduction r, Expr body) {
        Expr folded = switch (r.kind()) {
            case SUM, PROD, MIN, MAX, ARGMIN, ARGMAX -> body;
            case MEAN, VARIANCE, STD -> {
                requireNumber(r, body);
                yield body.toF64();
            }
            case NORM1, NORM_INF -> {
                requireNumber(r, body);
                yield floating(body).abs();
            }
            case NORM2 -> {
                requireNumber(r, body);
                Expr f = floating(body);
                yield f.mul(f);
            }
            case COUNT, ANY, ALL -> {
                if (body.type() != DType.BOOL) {
                    throw new IllegalArgumentException(r + " needs a mask (a comparison), but " + body + " is "
                            + body.type());
                }
                yield body.toI64();
            }
            case CUSTOM -> throw new IllegalStateException("a custom reduction folds its own combine");
        };
        if (r.kind() != Reduction.Kind.COUNT && r.kind() != Reduction.Kind.ANY && r.kind() != Reduction.Kind.ALL) {
            requireNumber(r, folded);
        }
        return folded;
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
