package dev.flynn;

import dev.flynn.ir.ReduceOp;
import dev.flynn.spi.Partial;
import dev.flynn.spi.Partials;

import java.util.Objects;

/** The value of a reduction from its merged state: the empty-input rule and each reduction's finish step. */
final class ReductionFinish {
    private ReductionFinish() {
    }

    /** The value boxed in its own type: what {@link Flynn#finish} returns. */
    static Object boxed(Kernel kernel, Partial state, long n) {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(state, "state");
        Reduction r = kernel.reduction().orElseThrow(() -> new IllegalArgumentException(kernel + " is not a reduction"));
        DType body = kernel.ir().body().type();
        return switch (kernel.resultType()) {
            case F32 -> (float) finishDouble(kernel, state, body);
            case F64 -> finishDouble(kernel, state, body);
            case I32 -> (int) finishLong(kernel, state, body);
            case I64 -> finishLong(kernel, state, body);
            case BOOL -> r.kind() == Reduction.Kind.ANY ? state.l > 0 : state.l == n;
        };
    }

    /** The value of a finished state as a double, for reduceDouble. */
    static double value(Kernel kernel, Partial p) {
        DType body = kernel.ir().body().type();
        return switch (kernel.resultType()) {
            case BOOL -> throw new IllegalArgumentException(kernel + " is a " + kernel.reduction().orElseThrow()
                    + "; call reduceBoolean");
            case I64, I32 -> finishLong(kernel, p, body);
            default -> finishDouble(kernel, p, body);
        };
    }

    static long longChecked(Kernel kernel, Partial p) {
        if (!kernel.resultType().isIntegral()) {
            throw new IllegalArgumentException(kernel + " has a " + kernel.resultType() + " result; call reduceDouble");
        }
        return finishLong(kernel, p, kernel.ir().body().type());
    }

    /** The state of a reduction over no elements, or an error where none is defined. */
    static void empty(Kernel kernel, Partial p) {
        Reduction r = kernel.reduction().orElseThrow();
        DType t = kernel.ir().body().type();
        switch (r.kind()) {
            case SUM, NORM1, NORM2, NORM_INF, COUNT, ANY, ALL -> {
            }
            case PROD -> {
                Number one = Partials.identity(ReduceOp.PROD, t);
                p.d = one.doubleValue();
                p.l = one.longValue();
            }
            case MEAN, VARIANCE, STD -> p.n = 0;
            case CUSTOM -> {
                long bits = kernel.constantsShared()[kernel.ir().reduce().orElseThrow().identity().orElseThrow().slot()];
                if (t == DType.F32) {
                    p.d = Float.intBitsToFloat((int) bits);
                } else if (t == DType.F64) {
                    p.d = Double.longBitsToDouble(bits);
                } else {
                    p.l = bits;
                }
            }
            case MIN, MAX, ARGMIN, ARGMAX ->
                    throw new IllegalArgumentException(r + " of no elements is undefined (kernel " + kernel + ")");
        }
    }

    private static double finishDouble(Kernel kernel, Partial p, DType body) {
        Reduction r = kernel.reduction().orElseThrow();
        return switch (r.kind()) {
            case MEAN -> p.n == 0 ? Double.NaN : p.mean;
            case VARIANCE -> variance(p, r.ddof());
            case STD -> Math.sqrt(variance(p, r.ddof()));
            case NORM2 -> body == DType.F32 ? (float) Math.sqrt((float) p.d) : Math.sqrt(p.d);
            case SUM -> r.summation() == Reduction.Summation.COMPENSATED && body.isFloating()
                    ? dev.flynn.spi.Partials.compensatedValue(body, p)
                    : body.isFloating() ? p.d : p.l;
            default -> body.isFloating() ? p.d : p.l;
        };
    }

    private static double variance(Partial p, int ddof) {
        long dof = p.n - ddof;
        return dof <= 0 ? Double.NaN : p.m2 / dof;
    }

    private static long finishLong(Kernel kernel, Partial p, DType body) {
        return switch (kernel.reduction().orElseThrow().kind()) {
            case ARGMIN, ARGMAX -> p.index;
            default -> body == DType.I32 ? (int) p.l : p.l;
        };
    }
}
