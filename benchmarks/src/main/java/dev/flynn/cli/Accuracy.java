package dev.flynn.cli;

import dev.flynn.Reduction;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Optional;

/**
 * Errors against the reference: ulps between a map's output and the scalar backend's, and the relative
 * error of a reduction against its exact value computed with {@link BigDecimal}.
 */
final class Accuracy {
    /** Enough digits that rounding the exact value cannot show in a double's relative error. */
    private static final MathContext WIDE = new MathContext(60);

    private Accuracy() {
    }

    /**
     * The largest distance in units in the last place between {@code out} and {@code ref}, counted as
     * representable values between them; infinite where one is NaN and the other is not.
     */
    static double maxUlp(Object out, Object ref) {
        return switch (out) {
            case float[] o -> {
                float[] r = (float[]) ref;
                long max = 0;
                for (int i = 0; i < o.length; i++) {
                    boolean nanO = Float.isNaN(o[i]);
                    if (nanO != Float.isNaN(r[i])) {
                        yield Double.POSITIVE_INFINITY;
                    }
                    if (!nanO) {
                        max = Math.max(max, Math.abs((long) ordered(o[i]) - ordered(r[i])));
                    }
                }
                yield max;
            }
            case double[] o -> {
                double[] r = (double[]) ref;
                double max = 0;
                for (int i = 0; i < o.length; i++) {
                    boolean nanO = Double.isNaN(o[i]);
                    if (nanO != Double.isNaN(r[i])) {
                        yield Double.POSITIVE_INFINITY;
                    }
                    if (!nanO) {
                        // the difference of two ordered longs may not fit a long; as doubles it is exact below 2^53
                        max = Math.max(max, Math.abs((double) ordered(o[i]) - (double) ordered(r[i])));
                    }
                }
                yield max;
            }
            // integer results are exact on every backend: any difference is reported as its size
            case int[] o -> {
                int[] r = (int[]) ref;
                long max = 0;
                for (int i = 0; i < o.length; i++) {
                    max = Math.max(max, Math.abs((long) o[i] - r[i]));
                }
                yield max;
            }
            case long[] o -> {
                long[] r = (long[]) ref;
                double max = 0;
                for (int i = 0; i < o.length; i++) {
                    max = Math.max(max, Math.abs((double) o[i] - (double) r[i]));
                }
                yield max;
            }
            default -> throw new IllegalArgumentException("no ulps between " + out.getClass().getSimpleName() + "s");
        };
    }

    /**
     * The largest {@code |out - ref| / mag} over the elements, where {@code mag} is the magnitude of the
     * expression's terms ({@link Magnitude}) as the reference backend computes it; infinite where one of
     * {@code out} and {@code ref} is NaN and the other is not, or where the magnitude is 0 and they differ.
     */
    static double termError(Object out, Object ref, Object mag) {
        double[] o = asDoubles(out);
        double[] r = asDoubles(ref);
        double[] m = asDoubles(mag);
        double max = 0;
        for (int i = 0; i < o.length; i++) {
            if (Double.isNaN(o[i]) != Double.isNaN(r[i])) {
                return Double.POSITIVE_INFINITY;
            }
            // equal values, equal infinities and NaN against NaN agree whatever the magnitude
            if (Double.isNaN(o[i]) || o[i] == r[i]) {
                continue;
            }
            double e = Math.abs(o[i] - r[i]) / Math.abs(m[i]);
            max = Math.max(max, Double.isNaN(e) ? Double.POSITIVE_INFINITY : e);
        }
        return max;
    }

    /** Float bits as an integer that orders like the floats, with -0.0 and 0.0 the same. */
    private static int ordered(float f) {
        int bits = Float.floatToRawIntBits(f);
        return bits < 0 ? Integer.MIN_VALUE - bits : bits;
    }

    private static long ordered(double d) {
        long bits = Double.doubleToRawLongBits(d);
        return bits < 0 ? Long.MIN_VALUE - bits : bits;
    }

    /** {@code |value - exact| / |exact|}, or {@code |value|} where the exact value is 0. */
    static double relativeError(double value, BigDecimal exact) {
        if (!Double.isFinite(value)) {
            return Double.POSITIVE_INFINITY;
        }
        BigDecimal diff = new BigDecimal(value).subtract(exact).abs();
        if (exact.signum() == 0) {
            return diff.doubleValue();
        }
        return diff.divide(exact.abs(), MathContext.DECIMAL64).doubleValue();
    }

    /**
     * The exact result of folding {@code terms} (the kernel's element-wise values, as Java computes them)
     * with {@code r}, where Flynn knows how to compute one: sums, means, variances, norms, min and max.
     */
    static Optional<BigDecimal> exact(Reduction r, Object terms) {
        double[] t = asDoubles(terms);
        int n = t.length;
        for (double v : t) {
            if (!Double.isFinite(v)) {
                return Optional.empty();
            }
        }
        return switch (r.kind()) {
            case SUM -> Optional.of(sum(t, false));
            case MEAN -> n == 0 ? Optional.empty() : Optional.of(sum(t, false).divide(BigDecimal.valueOf(n), WIDE));
            case NORM1 -> Optional.of(sumAbs(t));
            case NORM2 -> Optional.of(sum(t, true).sqrt(WIDE));
            case VARIANCE, STD -> {
                if (n - r.ddof() <= 0) {
                    yield Optional.empty();
                }
                BigDecimal s = sum(t, false);
                BigDecimal squares = sum(t, true);
                BigDecimal var = squares.subtract(s.multiply(s).divide(BigDecimal.valueOf(n), WIDE))
                        .divide(BigDecimal.valueOf(n - r.ddof()), WIDE);
                yield Optional.of(r.kind() == Reduction.Kind.STD ? var.max(BigDecimal.ZERO).sqrt(WIDE) : var);
            }
            case MIN, MAX -> {
                if (n == 0) {
                    yield Optional.empty();
                }
                double m = t[0];
                for (double v : t) {
                    m = r.kind() == Reduction.Kind.MIN ? Math.min(m, v) : Math.max(m, v);
                }
                yield Double.isFinite(m) ? Optional.of(new BigDecimal(m)) : Optional.empty();
            }
            default -> Optional.empty();
        };
    }

    private static BigDecimal sum(double[] t, boolean squares) {
        BigDecimal s = BigDecimal.ZERO;
        for (double v : t) {
            BigDecimal b = new BigDecimal(v);
            s = s.add(squares ? b.multiply(b) : b);
        }
        return s;
    }

    private static BigDecimal sumAbs(double[] t) {
        BigDecimal s = BigDecimal.ZERO;
        for (double v : t) {
            s = s.add(new BigDecimal(Math.abs(v)));
        }
        return s;
    }

    /** Float and integer terms widen to double exactly (ints of more than 53 bits aside). */
    private static double[] asDoubles(Object terms) {
        return switch (terms) {
            case double[] d -> d;
            case float[] f -> {
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    d[i] = f[i];
                }
                yield d;
            }
            case int[] a -> java.util.Arrays.stream(a).asDoubleStream().toArray();
            case long[] a -> java.util.Arrays.stream(a).asDoubleStream().toArray();
            default -> throw new IllegalArgumentException("no terms in a " + terms.getClass().getSimpleName());
        };
    }
}
