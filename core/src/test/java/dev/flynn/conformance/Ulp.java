package dev.flynn.conformance;

import dev.flynn.DType;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Objects;

/**
 * Distances, in units in the last place of F32 or F64, between a computed result and the value it
 * should approximate. The unit is the spacing of the binade that holds the exact value, as in
 * {@code Math}'s "within 1 ulp of the exact result"; a wrong NaN, infinity or zero sign is infinitely
 * far away, whatever the magnitudes.
 */
public final class Ulp {
    private Ulp() {
    }

    /** What a result is measured against. */
    public sealed interface Ref permits Exactly, Near {
        /** The distance of {@code result} in ulps; 0 for a perfect result, infinite for a wrong special value. */
        double distance(double result);

        /** The expected value, for messages. */
        String describe();
    }

    /**
     * A result that must equal {@code value} exactly: NaN matches any NaN, zeros must agree in sign,
     * infinities in sign. Used for special values and for exactly rounded ops.
     */
    public record Exactly(double value, DType type) implements Ref {
        public Exactly {
            requireFloating(type);
        }

        @Override
        public double distance(double result) {
            if (Double.isNaN(value) || Double.isNaN(result)) {
                return Double.isNaN(value) && Double.isNaN(result) ? 0 : Double.POSITIVE_INFINITY;
            }
            boolean same = type == DType.F32
                    ? Float.floatToIntBits((float) value) == Float.floatToIntBits((float) result) && (float) result == result
                    : Double.doubleToLongBits(value) == Double.doubleToLongBits(result);
            return same ? 0 : Double.POSITIVE_INFINITY;
        }

        @Override
        public String describe() {
            return "exactly " + text(value, type);
        }
    }

    /**
     * A finite, nonzero exact value and its correctly rounded neighbourhood in {@code type}.
     *
     * @param exact    the exact value (to at least 40 significant digits)
     * @param rounded  the correctly rounded value in {@code type} (infinite when it overflows)
     * @param gap      {@code (rounded - exact) / unit}, in ulps (a double: subnormal gaps would round away)
     * @param unit     the ulp of the binade holding {@code |exact|}
     */
    public record Near(BigDecimal exact, DType type, double rounded, double gap, double unit) implements Ref {
        public Near {
            Objects.requireNonNull(exact, "exact");
            requireFloating(type);
        }

        @Override
        public double distance(double result) {
            if (Double.isNaN(result)) {
                return Double.POSITIVE_INFINITY;
            }
            if (type == DType.F32 && (float) result != result && !Double.isInfinite(result)) {
                // a double passed off as a float result: it was not rounded to F32
                return Double.POSITIVE_INFINITY;
            }
            if (Double.isInfinite(rounded)) {
                if (result == rounded) {
                    return 0;
                }
                if (Double.isInfinite(result)) {
                    return Double.POSITIVE_INFINITY;
                }
                // finite where the correctly rounded value overflows: measure in ulps of the last binade
                return new BigDecimal(result).subtract(exact).abs()
                        .divide(new BigDecimal(unit), MathContext.DECIMAL64).doubleValue();
            }
            if (Double.isInfinite(result)) {
                return Double.POSITIVE_INFINITY;
            }
            if (result == 0 && (1 / result > 0) != (exact.signum() > 0)) {
                return Double.POSITIVE_INFINITY;
            }
            // result and rounded are a few ulps apart, so result - rounded is exact (Sterbenz), and a
            // multiple of unit, a power of two: the quotient is exact too
            return Math.abs((result - rounded) / unit + gap);
        }

        @Override
        public String describe() {
            return "≈ " + exact.round(new MathContext(25)) + " (correctly rounded " + text(rounded, type) + ")";
        }
    }

    /** The reference for a finite nonzero exact value; zeros carry a sign, so give them with {@link #exactly}. */
    public static Near near(BigDecimal exact, DType type) {
        requireFloating(type);
        if (exact.signum() == 0) {
            throw new IllegalArgumentException("an exact zero has no sign here; use Ulp.exactly(+0.0 or -0.0)");
        }
        double rounded = type == DType.F32 ? exact.floatValue() : exact.doubleValue();
        rounded = Math.copySign(rounded, exact.signum());
        BigDecimal abs = exact.abs();
        double magnitude = Math.abs(rounded);
        double truncated;
        if (Double.isInfinite(magnitude)) {
            truncated = type == DType.F32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        } else if (new BigDecimal(magnitude).compareTo(abs) > 0) {
            truncated = type == DType.F32 ? Math.nextDown((float) magnitude) : Math.nextDown(magnitude);
        } else {
            truncated = magnitude;
        }
        double unit = type == DType.F32 ? Math.ulp((float) truncated) : Math.ulp(truncated);
        double gap = Double.isInfinite(rounded) ? 0
                : new BigDecimal(rounded).subtract(exact).divide(new BigDecimal(unit), MathContext.DECIMAL64).doubleValue();
        return new Near(exact, type, rounded, gap, unit);
    }

    public static Exactly exactly(double value, DType type) {
        return new Exactly(value, type);
    }

    /** The distance of {@code result} from the exact value in ulps of {@code type}. */
    public static double distance(double result, BigDecimal exact, DType type) {
        return exact.signum() == 0 ? exactly(0.0, type).distance(result) : near(exact, type).distance(result);
    }

    static String text(double v, DType type) {
        if (type == DType.F32) {
            float f = (float) v;
            return f + "f [0x" + Integer.toHexString(Float.floatToRawIntBits(f)) + "]";
        }
        return v + " [0x" + Long.toHexString(Double.doubleToRawLongBits(v)) + "]";
    }

    private static void requireFloating(DType type) {
        if (!type.isFloating()) {
            throw new IllegalArgumentException("ulps are defined for F32 and F64, not " + type);
        }
    }
}
