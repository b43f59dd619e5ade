package dev.flynn;

import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.Node;
import dev.flynn.spi.Partial;

import java.util.function.ToDoubleFunction;

/**
 * The second run of a floating-point reduction whose accumulation left the exponent range. Every
 * backend accumulates sums, means, variances and sums of squares in the values' own type, which is
 * the fast path and the one the bounds of docs/SEMANTICS.md are proved for while no intermediate
 * overflows. An intermediate that overflows stays infinite (or NaN) to the end: {@code Inf + x} is
 * {@code Inf} and {@code Inf - Inf} is NaN, on every backend and in every merge. So the finished state
 * tells whether the range was left, and only then is the reduction run again over the values scaled
 * by a power of two, where it cannot overflow, and the result scaled back; an exact scaling keeps the
 * bound. A real infinity or NaN among the values gives the same state, and the rerun gives what the
 * values mean: {@code ±Inf}, or NaN for NaN or both infinities.
 *
 * <p>Scaling down makes values far below the largest one subnormal, which loses their low bits; an
 * overflow means that {@code sum|x_i|} (or, for moments, {@code max|x_i|}) is near the top of the
 * range, so that loss is many orders of magnitude below the bound. norm2 also scales when its sum
 * of squares underflows, as BLAS {@code nrm2} does, so it is accurate for tiny values too.
 *
 * <p>Public for runners that merge and finish states themselves (Spark): after finishing a state for
 * which {@link #needed} holds, they give {@link #value} a way to run a kernel over the same data.
 */
public final class RangeRescue {
    /**
     * Sums are rerun over {@code x * 2^-k}: with fewer than 2^63 values of at most 2^(1024-k) (F64) or
     * 2^(128-k) (F32), no partial sum or compensation can reach the top of the range.
     */
    private static final int SUM_SCALE_F64 = 128;
    private static final int SUM_SCALE_F32 = 80;
    /**
     * Moments are rerun over {@code x * 2^-545}: then a squared deviation is at most 2^960 and a sum of
     * fewer than 2^63 of them stays finite. (Moments are always F64.)
     */
    private static final int MOMENT_SCALE = 545;

    private RangeRescue() {
    }

    /**
     * Whether the merged state of a reduction over {@code n} elements needs the scaled rerun.
     *
     * @param kernel a reduction kernel
     * @param p      its merged state over all the elements
     * @param n      the number of elements
     * @return whether {@link #value} must give the value instead of finishing {@code p}
     */
    public static boolean needed(Kernel kernel, Partial p, long n) {
        Reduction r = kernel.reduction().orElseThrow();
        DType body = kernel.ir().body().type();
        if (n == 0 || !body.isFloating()) {
            return false;
        }
        return switch (r.kind()) {
            // a sum of |x| only grows: an overflowing partial sum means the result overflows too
            case SUM -> !Double.isFinite(p.d) || !Double.isFinite(p.c);
            case MEAN, VARIANCE, STD -> !Double.isFinite(p.mean) || !Double.isFinite(p.m2);
            // squares that underflow lose their low bits; past n * 2^(Emin + 4) that loss is below u R
            case NORM2 -> !Double.isFinite(p.d) || p.d < Math.scalb((double) n, minExponent(body) + 4);
            default -> false;
        };
    }

    /**
     * The value of {@code kernel} over {@code n} elements, from reductions over scaled values:
     * {@code reduce} runs a kernel over the same data (the same inputs, in the same order) and
     * returns its value without rerunning it.
     *
     * @param kernel a reduction kernel whose state over the data was {@link #needed}
     * @param n      the number of elements
     * @param reduce runs a kernel over the same data and returns its value
     * @return the value of {@code kernel} over the data
     */
    public static double value(Kernel kernel, long n, ToDoubleFunction<Kernel> reduce) {
        Reduction r = kernel.reduction().orElseThrow();
        DType body = kernel.ir().body().type();
        return switch (r.kind()) {
            case SUM -> {
                int k = body == DType.F32 ? SUM_SCALE_F32 : SUM_SCALE_F64;
                double s = reduce.applyAsDouble(scaled(kernel, body, -k, r));
                yield body == DType.F32 ? Math.scalb((float) s, k) : Math.scalb(s, k);
            }
            // the scaled sum divided by n: an infinity among the values gives it, where Chan's merge of
            // an infinite block mean with a finite one gives Inf - Inf
            case MEAN -> mean(reduce.applyAsDouble(scaled(kernel, body, -SUM_SCALE_F64, Reduction.sum())) / n);
            case STD -> Math.scalb(reduce.applyAsDouble(scaled(kernel, body, -MOMENT_SCALE, r)), MOMENT_SCALE);
            case VARIANCE -> Math.scalb(reduce.applyAsDouble(scaled(kernel, body, -MOMENT_SCALE, r)),
                    2 * MOMENT_SCALE);
            case NORM2 -> norm2(kernel, body, reduce);
            default -> throw new IllegalStateException(r + " is never rescaled");
        };
    }

    /**
     * A mean from the scaled mean: no larger than the largest value, so a scaled mean that rounds past
     * the largest finite value once scaled back is that value, within the bound.
     */
    private static double mean(double scaledMean) {
        if (!Double.isFinite(scaledMean)) {
            return scaledMean;
        }
        return Math.max(-Double.MAX_VALUE, Math.min(Double.MAX_VALUE, Math.scalb(scaledMean, SUM_SCALE_F64)));
    }

    /**
     * norm2 as {@code nrm2} computes it: scaled by a power of two near the largest magnitude, so that
     * every square that matters is a normal number and their sum is at most {@code 4n}.
     */
    private static double norm2(Kernel kernel, DType body, ToDoubleFunction<Kernel> reduce) {
        Node x = norm2Value(kernel.ir().body());
        Kernel maxAbs = kernel.rebuilt(x, v -> v, Reduction.normInf());
        double max = reduce.applyAsDouble(maxAbs);
        // NaN if any value is NaN, else Inf if any is infinite: what the sum of squares gives
        if (!Double.isFinite(max) || max == 0) {
            return max;
        }
        int e = body == DType.F32 ? Math.getExponent((float) max) : Math.getExponent(max);
        Kernel scaled = kernel.rebuilt(x, v -> v.mul(Expr.constant(body, Math.scalb(1.0, -e))), Reduction.norm2());
        double r = reduce.applyAsDouble(scaled);
        return body == DType.F32 ? Math.scalb((float) r, e) : Math.scalb(r, e);
    }

    // the body of a norm2 kernel is x * x (Kernel.reduce): x, the value whose norm it is
    private static Node norm2Value(Node square) {
        if (square instanceof Node.Binary b && b.op() == BinaryOp.MUL && b.a().equals(b.b())) {
            return b.a();
        }
        throw new IllegalStateException("a norm2 body is x * x, not " + square);
    }

    private static Kernel scaled(Kernel kernel, DType body, int exponent, Reduction r) {
        return kernel.rebuilt(kernel.ir().body(), v -> v.mul(Expr.constant(body, Math.scalb(1.0, exponent))), r);
    }

    private static int minExponent(DType t) {
        return t == DType.F32 ? Float.MIN_EXPONENT : Double.MIN_EXPONENT;
    }
}
