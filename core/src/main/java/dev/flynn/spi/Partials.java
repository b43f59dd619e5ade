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
     * {@code a = merge(a, b)} on a backend's scratch states: {@link #merge(ReduceSpec, State, State, State.Combine)}
     * through the state's {@link StateLayout}; CUSTOM states through the kernel's compiled combine.
     *
     * @param spec the reduction
     * @param type the type of the reduced values
     * @param a the state of the lower indices; receives the result
     * @param b the state of the higher indices
     * @param kernel the kernel, for CUSTOM reductions (may be null otherwise)
     * @param args the kernel's arguments, for CUSTOM reductions
     */
    public static void merge(ReduceSpec spec, DType type, Partial a, Partial b, CpuKernel kernel, long[] args) {
        ReduceOp op = spec.op();
        if (op == ReduceOp.CUSTOM) {
            kernel.combine(a, b, args);
            return;
        }
        // in place, with the same steps as the typed merge below: a call's block tree allocates nothing
        switch (StateLayout.of(spec, type)) {
            case StateLayout.Plain(DType t) -> {
                if (t.isFloating()) {
                    a.d = plain(op, t, a.d, b.d);
                } else {
                    a.l = plain(op, t, a.l, b.l);
                }
            }
            case StateLayout.Compensated(DType t) -> {
                double sum = plain(ReduceOp.SUM, t, a.d, b.d);
                a.c = compensation(t, a.c, a.d, b.d, sum, b.c);
                a.d = sum;
            }
            case StateLayout.Indexed(DType t) -> {
                if (t.isFloating() ? takes(op, a.d, b.d) : takes(op, a.l, b.l)) {
                    a.d = b.d;
                    a.l = b.l;
                    a.index = b.index;
                }
            }
            case StateLayout.Moments() -> {
                if (b.n == 0) {
                    return;
                }
                if (a.n == 0) {
                    a.copyFrom(b);
                    return;
                }
                double mean = chanMean(a.n, a.mean, b.n, b.mean);
                a.m2 = chanM2(a.n, a.mean, a.m2, b.n, b.mean, b.m2);
                a.mean = mean;
                a.n = a.n + b.n;
            }
        }
    }

    /**
     * The state of two neighbouring ranges: the Java reference every backend's merge is tested against.
     * The switch is over the state's record, so a new kind of state does not compile until its merge is
     * written here.
     *
     * @param spec the reduction
     * @param a the state of the lower indices
     * @param b the state of the higher indices, of the same record and type as {@code a}
     * @param custom combines CUSTOM states (may be null for the other reductions)
     * @return the merged state
     * @throws IllegalArgumentException if the states are of different layouts or types
     */
    public static State merge(ReduceSpec spec, State a, State b, State.Combine custom) {
        if (a.getClass() != b.getClass() || a.type() != b.type()) {
            throw new IllegalArgumentException("cannot merge " + a + " with " + b
                    + ": they are states of different reductions or value types");
        }
        DType t = a.type();
        return switch (a) {
            case State.FloatValue x -> spec.op() == ReduceOp.CUSTOM
                    ? custom.combine(x, (State.Plain) b)
                    : new State.FloatValue(t, plain(spec.op(), t, x.value(), ((State.FloatValue) b).value()));
            case State.IntValue x -> spec.op() == ReduceOp.CUSTOM
                    ? custom.combine(x, (State.Plain) b)
                    : new State.IntValue(t, plain(spec.op(), t, x.value(), ((State.IntValue) b).value()));
            case State.Compensated x -> neumaier(x, (State.Compensated) b);
            case State.FloatIndexed x -> takes(spec.op(), x.value(), ((State.FloatIndexed) b).value()) ? b : x;
            case State.IntIndexed x -> takes(spec.op(), x.value(), ((State.IntIndexed) b).value()) ? b : x;
            case State.Moments x -> chan(x, (State.Moments) b);
        };
    }

    private static double plain(ReduceOp op, DType t, double a, double b) {
        boolean f32 = t == DType.F32;
        return switch (op) {
            case SUM -> f32 ? (float) a + (float) b : a + b;
            case PROD -> f32 ? (float) a * (float) b : a * b;
            case MIN -> f32 ? Math.min((float) a, (float) b) : Math.min(a, b);
            case MAX -> f32 ? Math.max((float) a, (float) b) : Math.max(a, b);
            case ARGMIN, ARGMAX, MOMENTS, CUSTOM -> throw new IllegalStateException(op + " has no plain state");
        };
    }

    private static long plain(ReduceOp op, DType t, long a, long b) {
        boolean i32 = t == DType.I32;
        return switch (op) {
            case SUM -> i32 ? (int) a + (int) b : a + b;
            case PROD -> i32 ? (int) a * (int) b : a * b;
            case MIN -> Math.min(a, b);
            case MAX -> Math.max(a, b);
            case ARGMIN, ARGMAX, MOMENTS, CUSTOM -> throw new IllegalStateException(op + " has no plain state");
        };
    }

    // Neumaier's variant of Kahan summation, in the value's own precision: b's sum is the value added
    private static State.Compensated neumaier(State.Compensated a, State.Compensated b) {
        DType t = a.type();
        double sum = plain(ReduceOp.SUM, t, a.sum(), b.sum());
        return new State.Compensated(t, sum, compensation(t, a.compensation(), a.sum(), b.sum(), sum, b.compensation()));
    }

    /** The compensation after adding {@code x} (with compensation {@code cx}) to {@code s} (with {@code cs}) gave {@code sum}. */
    private static double compensation(DType t, double cs, double s, double x, double sum, double cx) {
        return t == DType.F32
                ? neumaier((float) cs, (float) s, (float) x, (float) sum) + (float) cx
                : neumaier(cs, s, x, sum) + cx;
    }

    private static boolean takes(ReduceOp op, double best, double v) {
        return op == ReduceOp.ARGMIN ? argminTakes(best, v) : argmaxTakes(best, v);
    }

    private static boolean takes(ReduceOp op, long best, long v) {
        return op == ReduceOp.ARGMIN ? argminTakes(best, v) : argmaxTakes(best, v);
    }

    // Chan, Golub and LeVeque's pairwise update of (n, mean, m2)
    private static State.Moments chan(State.Moments a, State.Moments b) {
        if (b.count() == 0) {
            return a;
        }
        if (a.count() == 0) {
            return b;
        }
        return new State.Moments(a.count() + b.count(), chanMean(a.count(), a.mean(), b.count(), b.mean()),
                chanM2(a.count(), a.mean(), a.m2(), b.count(), b.mean(), b.m2()));
    }

    private static double chanMean(long na, double meanA, long nb, double meanB) {
        long n = na + nb;
        return meanA + (meanB - meanA) * ((double) nb / n);
    }

    private static double chanM2(long na, double meanA, double m2a, long nb, double meanB, double m2b) {
        long n = na + nb;
        double delta = meanB - meanA;
        return m2a + m2b + delta * delta * ((double) na * (double) nb / n);
    }

    /**
     * The value of a compensated floating sum: {@code s + c} rounded to the value's type; {@code s} alone
     * once it is infinite or NaN, whose compensation {@code (s - t) + x} is then {@code Inf - Inf}, NaN,
     * and means nothing. (Flynn reruns such a sum over scaled values, see docs/SEMANTICS.md.)
     *
     * @param type F32 or F64
     * @param sum the running sum
     * @param compensation its compensation
     * @return the sum
     */
    public static double compensatedValue(DType type, double sum, double compensation) {
        if (!Double.isFinite(sum)) {
            return sum;
        }
        return type == DType.F32 ? (float) sum + (float) compensation : sum + compensation;
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
