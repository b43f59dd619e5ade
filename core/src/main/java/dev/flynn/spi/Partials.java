package dev.flynn.spi;

import dev.flynn.DType;
import dev.flynn.ir.ReduceSpec;

/**
 * Merging of reduction states, shared by every backend so that all combine blocks identically.
 * {@code a} always covers lower indices than {@code b}.
 */
public final class Partials {
    private Partials() {
    }

    /**
     * {@code a = merge(a, b)}.
     *
     * @param spec the reduction
     * @param type the type of the reduced values
     * @param a the state of the lower indices; receives the result
     * @param b the state of the higher indices
     * @param kernel the kernel, for CUSTOM reductions (may be null otherwise)
     * @param args the kernel's arguments, for CUSTOM reductions
     */
    public static void merge(ReduceSpec spec, DType type, Partial a, Partial b, CpuKernel kernel, long[] args) {
        switch (spec.op()) {
            case SUM -> {
                if (spec.compensated()) {
                    neumaier(type, a, b);
                } else {
                    switch (type) {
                        case F32 -> a.d = (float) a.d + (float) b.d;
                        case F64 -> a.d = a.d + b.d;
                        case I32 -> a.l = (int) a.l + (int) b.l;
                        case I64 -> a.l = a.l + b.l;
                        case BOOL -> throw new IllegalStateException("SUM of a mask");
                    }
                }
            }
            case PROD -> {
                switch (type) {
                    case F32 -> a.d = (float) a.d * (float) b.d;
                    case F64 -> a.d = a.d * b.d;
                    case I32 -> a.l = (int) a.l * (int) b.l;
                    case I64 -> a.l = a.l * b.l;
                    case BOOL -> throw new IllegalStateException("PROD of a mask");
                }
            }
            case MIN -> {
                switch (type) {
                    case F32 -> a.d = Math.min((float) a.d, (float) b.d);
                    case F64 -> a.d = Math.min(a.d, b.d);
                    default -> a.l = Math.min(a.l, b.l);
                }
            }
            case MAX -> {
                switch (type) {
                    case F32 -> a.d = Math.max((float) a.d, (float) b.d);
                    case F64 -> a.d = Math.max(a.d, b.d);
                    default -> a.l = Math.max(a.l, b.l);
                }
            }
            case ARGMIN, ARGMAX -> {
                boolean takeB;
                if (type.isFloating()) {
                    boolean aNaN = Double.isNaN(a.d);
                    boolean bNaN = Double.isNaN(b.d);
                    takeB = !aNaN && (bNaN || (spec.op() == dev.flynn.ir.ReduceOp.ARGMIN ? b.d < a.d : b.d > a.d));
                    if (takeB) {
                        a.d = b.d;
                    }
                } else {
                    takeB = spec.op() == dev.flynn.ir.ReduceOp.ARGMIN ? b.l < a.l : b.l > a.l;
                    if (takeB) {
                        a.l = b.l;
                    }
                }
                if (takeB) {
                    a.index = b.index;
                }
            }
            case MOMENTS -> {
                long n = a.n + b.n;
                if (b.n == 0) {
                    return;
                }
                if (a.n == 0) {
                    a.copyFrom(b);
                    return;
                }
                double delta = b.mean - a.mean;
                double na = a.n;
                double nb = b.n;
                a.mean = a.mean + delta * (nb / n);
                a.m2 = a.m2 + b.m2 + delta * delta * (na * nb / n);
                a.n = n;
            }
            case CUSTOM -> kernel.combine(a, b, args);
        }
    }

    // Neumaier's variant of Kahan summation, done in the value's own precision
    private static void neumaier(DType type, Partial a, Partial b) {
        if (type == DType.F32) {
            float s = (float) a.d;
            float x = (float) b.d;
            float t = s + x;
            float c = (float) a.c;
            if (Math.abs(s) >= Math.abs(x)) {
                c += (s - t) + x;
            } else {
                c += (x - t) + s;
            }
            c += (float) b.c;
            a.d = t;
            a.c = c;
        } else if (type == DType.F64) {
            double s = a.d;
            double x = b.d;
            double t = s + x;
            double c = a.c;
            if (Math.abs(s) >= Math.abs(x)) {
                c += (s - t) + x;
            } else {
                c += (x - t) + s;
            }
            c += b.c;
            a.d = t;
            a.c = c;
        } else {
            merge(ReduceSpec.of(dev.flynn.ir.ReduceOp.SUM), type, a, b, null, null);
        }
    }

    /**
     * The value of a compensated floating sum: {@code s + c} rounded to the value's type; {@code s} alone
     * once it is infinite or NaN, whose compensation {@code (s - t) + x} is then {@code Inf - Inf}, NaN,
     * and means nothing. (Flynn reruns such a sum over scaled values, see docs/SEMANTICS.md.)
     *
     * @param type F32 or F64
     * @param p the state of a compensated sum
     * @return the sum
     */
    public static double compensatedValue(DType type, Partial p) {
        if (!Double.isFinite(p.d)) {
            return p.d;
        }
        return type == DType.F32 ? (float) p.d + (float) p.c : p.d + p.c;
    }

    /**
     * Combines {@code parts[0..count)} in a fixed pairwise tree (neighbours first), leaving the result in
     * {@code parts[0]}. The order depends only on {@code count}, never on the number of threads.
     *
     * @param spec the reduction
     * @param type the type of the reduced values
     * @param parts the states of consecutive blocks, lowest indices first
     * @param count how many of {@code parts} to combine
     * @param kernel the kernel, for CUSTOM reductions
     * @param args the kernel's arguments, for CUSTOM reductions
     */
    public static void tree(ReduceSpec spec, DType type, Partial[] parts, int count, CpuKernel kernel, long[] args) {
        for (int width = 1; width < count; width <<= 1) {
            for (int i = 0; i + width < count; i += width << 1) {
                merge(spec, type, parts[i], parts[i + width], kernel, args);
            }
        }
    }
}
