package dev.flynn.spi;

import dev.flynn.DType;
import dev.flynn.ir.ReduceOp;
import dev.flynn.ir.ReduceSpec;

/**
 * The rules of the built-in reductions, declared once: the identity each starts from, how a state
 * takes one more value (argmin's NaN-and-tie rule, Neumaier's compensation step) and how two states
 * merge. {@link #merge} is the Java reference: the CPU backends merge blocks with it, and every
 * backend that writes these rules in its own language (bytecode, C, PTX) is tested against it by the
 * conformance test-jar's {@code ReductionRulesSuite}. A state's fields are laid out by
 * {@link StateLayout}. {@code a} always covers lower indices than {@code b}.
 */
public final class Partials {
    private Partials() {
    }

    /**
     * Whether {@code op} has an identity: a value that leaves every state unchanged when folded in, so
     * that accumulators can start from it. ARGMIN and ARGMAX have none (an index must come from an
     * element), nor MOMENTS (it starts from a count of zero) or CUSTOM (the user gives it).
     *
     * @param op the reduction
     * @return whether {@link #identity} applies
     */
    public static boolean hasIdentity(ReduceOp op) {
        return switch (op) {
            case SUM, PROD, MIN, MAX -> true;
            case ARGMIN, ARGMAX, MOMENTS, CUSTOM -> false;
        };
    }

    /**
     * The identity of a SUM, PROD, MIN or MAX of values of {@code type}, boxed in the type's Java class
     * (Float, Double, Integer or Long): 0, 1, the largest value (+Inf for floating: {@code Math.min(+Inf, x)}
     * is {@code x}, NaN and -0.0 included) and the smallest value.
     *
     * @param op the reduction
     * @param type F32, F64, I32 or I64
     * @return the identity
     * @throws IllegalArgumentException if {@code op} has no identity or {@code type} is BOOL
     */
    public static Number identity(ReduceOp op, DType type) {
        if (!hasIdentity(op) || type == DType.BOOL) {
            throw new IllegalArgumentException(op + " of " + type + " has no identity");
        }
        return switch (type) {
            case F32 -> (float) identityDouble(op);
            case F64 -> identityDouble(op);
            case I32 -> switch (op) {
                case SUM -> 0;
                case PROD -> 1;
                case MIN -> Integer.MAX_VALUE;
                default -> Integer.MIN_VALUE;
            };
            case I64 -> switch (op) {
                case SUM -> 0L;
                case PROD -> 1L;
                case MIN -> Long.MAX_VALUE;
                default -> Long.MIN_VALUE;
            };
            case BOOL -> throw new IllegalArgumentException("masks are not reduced directly");
        };
    }

    private static double identityDouble(ReduceOp op) {
        return switch (op) {
            case SUM -> 0.0;
            case PROD -> 1.0;
            case MIN -> Double.POSITIVE_INFINITY;
            default -> Double.NEGATIVE_INFINITY;
        };
    }

    /**
     * ARGMIN's rule for floating values: whether {@code v}, at a higher index, replaces {@code best}. It
     * does when strictly smaller (so ties and -0.0 against 0.0 keep the lower index) or when it is the
     * first NaN, which then stays. F32 values compare the same widened.
     *
     * @param best the value kept so far
     * @param v the value at a higher index
     * @return whether {@code v} takes its place
     */
    public static boolean argminTakes(double best, double v) {
        return best == best && (v < best || v != v);
    }

    /**
     * ARGMAX's rule for floating values; see {@link #argminTakes(double, double)}.
     *
     * @param best the value kept so far
     * @param v the value at a higher index
     * @return whether {@code v} takes its place
     */
    public static boolean argmaxTakes(double best, double v) {
        return best == best && (v > best || v != v);
    }

    /**
     * ARGMIN's rule for integers: strictly smaller, so ties keep the lower index. I32 values compare the same widened.
     *
     * @param best the value kept so far
     * @param v the value at a higher index
     * @return whether {@code v} takes its place
     */
    public static boolean argminTakes(long best, long v) {
        return v < best;
    }

    /**
     * ARGMAX's rule for integers: strictly larger.
     *
     * @param best the value kept so far
     * @param v the value at a higher index
     * @return whether {@code v} takes its place
     */
    public static boolean argmaxTakes(long best, long v) {
        return v > best;
    }

    /**
     * ARGMIN's rule for two states in no known order (a vector's lanes): whether {@code (v, index)}
     * replaces {@code (best, bestIndex)}. It is {@link #argminTakes(double, double)} with the lower index
     * first; the indices differ.
     *
     * @param best the value kept so far
     * @param bestIndex its index
     * @param v another value
     * @param index its index
     * @return whether {@code (v, index)} takes the place of {@code (best, bestIndex)}
     */
    public static boolean argminReplaces(double best, long bestIndex, double v, long index) {
        return index < bestIndex ? !argminTakes(v, best) : argminTakes(best, v);
    }

    /**
     * ARGMAX's rule for two states in no known order; see {@link #argminReplaces(double, long, double, long)}.
     *
     * @param best the value kept so far
     * @param bestIndex its index
     * @param v another value
     * @param index its index
     * @return whether {@code (v, index)} takes the place of {@code (best, bestIndex)}
     */
    public static boolean argmaxReplaces(double best, long bestIndex, double v, long index) {
        return index < bestIndex ? !argmaxTakes(v, best) : argmaxTakes(best, v);
    }

    /**
     * ARGMIN's rule for two integer states in no known order; see {@link #argminReplaces(double, long, double, long)}.
     *
     * @param best the value kept so far
     * @param bestIndex its index
     * @param v another value
     * @param index its index
     * @return whether {@code (v, index)} takes the place of {@code (best, bestIndex)}
     */
    public static boolean argminReplaces(long best, long bestIndex, long v, long index) {
        return index < bestIndex ? !argminTakes(v, best) : argminTakes(best, v);
    }

    /**
     * ARGMAX's rule for two integer states in no known order; see {@link #argminReplaces(double, long, double, long)}.
     *
     * @param best the value kept so far
     * @param bestIndex its index
     * @param v another value
     * @param index its index
     * @return whether {@code (v, index)} takes the place of {@code (best, bestIndex)}
     */
    public static boolean argmaxReplaces(long best, long bestIndex, long v, long index) {
        return index < bestIndex ? !argmaxTakes(v, best) : argmaxTakes(best, v);
    }

    /**
     * Neumaier's compensation step in F32: the new compensation after {@code s + v} was rounded to {@code t}.
     *
     * @param c the compensation so far
     * @param s the running sum before the step
     * @param v the value added
     * @param t {@code s + v} rounded
     * @return the new compensation
     */
    public static float neumaier(float c, float s, float v, float t) {
        return Math.abs(s) >= Math.abs(v) ? c + ((s - t) + v) : c + ((v - t) + s);
    }

    /**
     * Neumaier's compensation step in F64; see {@link #neumaier(float, float, float, float)}.
     *
     * @param c the compensation so far
     * @param s the running sum before the step
     * @param v the value added
     * @param t {@code s + v} rounded
     * @return the new compensation
     */
    public static double neumaier(double c, double s, double v, double t) {
        return Math.abs(s) >= Math.abs(v) ? c + ((s - t) + v) : c + ((v - t) + s);
    }

    /**
     * Sets {@code p} to the state of one value at {@code index}: what a step folds in.
     *
     * @param spec the reduction (not CUSTOM's merge, which needs its kernel, but its state)
     * @param type the type of the values
     * @param value the value, widened (F32 exactly as a double, I32 as a long)
     * @param index its absolute index
     * @param p receives the state
     */
    public static void single(ReduceSpec spec, DType type, double value, long index, Partial p) {
        p.clear();
        if (spec.op() == ReduceOp.MOMENTS) {
            p.n = 1;
            p.mean = value;
            return;
        }
        if (type.isFloating()) {
            p.d = value;
        } else {
            p.l = (long) value;
        }
        p.index = index;
    }

    /**
     * Sets {@code p} to the state of one integer value at {@code index}: what a step folds in.
     *
     * @param spec the reduction
     * @param type I32 or I64
     * @param value the value
     * @param index its absolute index
     * @param p receives the state
     */
    public static void single(ReduceSpec spec, DType type, long value, long index, Partial p) {
        if (type.isFloating()) {
            throw new IllegalArgumentException("an integer state of " + type + " values");
        }
        single(spec, type, 0.0, index, p);
        if (spec.op() == ReduceOp.MOMENTS) {
            p.mean = value;
        } else {
            p.l = value;
        }
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
                boolean min = spec.op() == ReduceOp.ARGMIN;
                boolean takeB;
                if (type.isFloating()) {
                    takeB = min ? argminTakes(a.d, b.d) : argmaxTakes(a.d, b.d);
                    if (takeB) {
                        a.d = b.d;
                    }
                } else {
                    takeB = min ? argminTakes(a.l, b.l) : argmaxTakes(a.l, b.l);
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

    // Neumaier's variant of Kahan summation, in the value's own precision: b's sum is the value added
    private static void neumaier(DType type, Partial a, Partial b) {
        if (type == DType.F32) {
            float s = (float) a.d;
            float x = (float) b.d;
            float t = s + x;
            a.c = neumaier((float) a.c, s, x, t) + (float) b.c;
            a.d = t;
        } else if (type == DType.F64) {
            double t = a.d + b.d;
            a.c = neumaier(a.c, a.d, b.d, t) + b.c;
            a.d = t;
        } else {
            merge(ReduceSpec.of(ReduceOp.SUM), type, a, b, null, null);
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
