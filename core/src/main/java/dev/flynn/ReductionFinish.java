package dev.flynn;

import dev.flynn.spi.Partial;
import dev.flynn.spi.State;
import dev.flynn.spi.StateLayout;

/**
 * A kernel's reduction rules applied to the state a backend left in its scratch {@link Partial}: the
 * rules themselves are {@link Reduction}'s ({@link Reduction#empty}, {@link Reduction#finishValue(DType, double)}
 * and its siblings); the kernel's {@link StateLayout} reads the scratch for them, in place on the
 * per-call path and as a typed {@link State} for {@link ReductionState}.
 */
final class ReductionFinish {
    private ReductionFinish() {
    }

    /** The typed state in a backend's scratch. */
    static State state(Kernel kernel, Partial p) {
        return kernel.stateLayout().read(p);
    }

    /** The value of a finished state as a double, for reduceDouble. */
    static double value(Kernel kernel, Partial p) {
        Reduction r = kernel.reduction().orElseThrow();
        return switch (kernel.resultType()) {
            case BOOL -> throw new IllegalArgumentException(kernel + " is a " + r + "; call reduceBoolean");
            case I64, I32 -> kernel.stateLayout().finishLong(r, p);
            case F32, F64 -> kernel.stateLayout().finishDouble(r, p);
        };
    }

    static long longChecked(Kernel kernel, Partial p) {
        if (!kernel.resultType().isIntegral()) {
            throw new IllegalArgumentException(kernel + " has a " + kernel.resultType() + " result; call reduceDouble");
        }
        return kernel.stateLayout().finishLong(kernel.reduction().orElseThrow(), p);
    }

    static boolean booleanChecked(Kernel kernel, Partial p, long n) {
        if (kernel.resultType() != DType.BOOL) {
            throw new IllegalArgumentException(kernel + " has a " + kernel.resultType() + " result, not a boolean");
        }
        return kernel.stateLayout().finishBoolean(kernel.reduction().orElseThrow(), p, n);
    }

    /** Sets {@code p} to the state of a reduction over no elements, or throws where none is defined. */
    static void empty(Kernel kernel, Partial p) {
        StateLayout.write(emptyState(kernel), p);
    }

    static State emptyState(Kernel kernel) {
        Reduction r = kernel.reduction().orElseThrow();
        try {
            return r.empty(kernel.ir().body().type());
        } catch (IllegalArgumentException e) {
            throw new UndefinedEmptyException(e.getMessage() + " (kernel " + kernel + ")", e);
        }
    }

    /** A reduction over no elements that has no value: a piece may be empty, the whole may not. */
    static final class UndefinedEmptyException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UndefinedEmptyException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static StateLayout layout(Kernel kernel) {
        return kernel.stateLayout();
    }
}
