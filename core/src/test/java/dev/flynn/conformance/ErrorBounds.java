package dev.flynn.conformance;

import dev.flynn.DType;
import dev.flynn.spi.CpuBackend;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The error bounds the suite holds floating-point reductions to, against exact (BigDecimal) results.
 * With {@code u} the unit roundoff of the accumulating type (2^-24 for F32, 2^-53 for F64),
 * {@code m = min(n, BLOCK)} the elements one block sums, and {@code d = ceil(log2(nblocks))} the depth
 * of the pairwise tree that combines blocks:
 * <ul>
 *   <li>default sum: {@code |s - S| <= (m + d + 2) u sum|x_i|}: a block summed in any order costs at
 *       most {@code m - 1} roundings of partial sums bounded by {@code sum|x_i|}, each tree level one more,
 *       and the 2 covers second-order terms;</li>
 *   <li>compensated (Neumaier) sum: {@code |s - S| <= 2u|S| + 2 n u^2 sum|x_i|};</li>
 *   <li>product of positive values: {@code |p - P| <= (n + d + 2) u |P|};</li>
 *   <li>mean: {@code |mean - M| <= 4 (m + d + 2) u max|x_i|};</li>
 *   <li>variance: {@code |v - V| <= 8 (m + d + 4) u (V + M^2)}; std: {@code |s - sqrt V| <= (e/(2V) + 2u) sqrt V}
 *       where e is the variance bound;</li>
 *   <li>norm2: {@code |r - R| <= ((m + d + 2)/2 + 2) u R}.</li>
 * </ul>
 * Integer sums, products, dot products, min, max, argmin, argmax and counts are exact.
 */
public final class ErrorBounds {
    private ErrorBounds() {
    }

    /** Unit roundoff of a floating type. */
    public static double unitRoundoff(DType type) {
        return switch (type) {
            case F32 -> 0x1p-24;
            case F64 -> 0x1p-53;
            default -> throw new IllegalArgumentException(type + " does not round");
        };
    }

    /** Elements one block reduces: {@code min(n, BLOCK)}. */
    static long blockElements(long n) {
        return Math.min(n, CpuBackend.BLOCK);
    }

    /** Depth of the pairwise tree over the blocks: {@code ceil(log2(nblocks))}. */
    static int treeDepth(long n) {
        long blocks = Math.max(1, (n + CpuBackend.BLOCK - 1) / CpuBackend.BLOCK);
        return 64 - Long.numberOfLeadingZeros(blocks - 1);
    }

    /** Bound of the default sum. */
    public static double sum(DType type, long n, double sumAbs) {
        return (blockElements(n) + treeDepth(n) + 2) * unitRoundoff(type) * sumAbs;
    }

    /** Bound of the compensated sum. */
    public static double compensatedSum(DType type, long n, double exactAbs, double sumAbs) {
        double u = unitRoundoff(type);
        return 2 * u * exactAbs + 2 * n * u * u * sumAbs;
    }

    /** Bound of a product of positive values. */
    public static double product(DType type, long n, double exactAbs) {
        return (n + treeDepth(n) + 2) * unitRoundoff(type) * exactAbs;
    }

    public static double mean(long n, double maxAbs) {
        return 4 * (blockElements(n) + treeDepth(n) + 2) * unitRoundoff(DType.F64) * maxAbs;
    }

    public static double variance(long n, double variance, double mean) {
        return 8 * (blockElements(n) + treeDepth(n) + 4) * unitRoundoff(DType.F64) * (variance + mean * mean);
    }

    public static double std(long n, double variance, double mean) {
        double std = Math.sqrt(variance);
        return (variance(n, variance, mean) / (2 * variance) + 2 * unitRoundoff(DType.F64)) * std;
    }

    public static double norm2(DType type, long n, double exact) {
        return ((blockElements(n) + treeDepth(n) + 2) / 2.0 + 2) * unitRoundoff(type) * exact;
    }

    /** The exact sum of the values, as a double close enough for bounds. */
    public static BigDecimal exactSum(double[] values) {
        BigDecimal s = BigDecimal.ZERO;
        for (double v : values) {
            s = s.add(new BigDecimal(v));
        }
        return s;
    }

    /** The exact sum of |x_i|. */
    public static double sumAbs(double[] values) {
        BigDecimal s = BigDecimal.ZERO;
        for (double v : values) {
            s = s.add(new BigDecimal(Math.abs(v)));
        }
        return s.doubleValue();
    }

    /** The product to 50 significant digits (the error of each step, 1e-50, is far below any bound). */
    public static BigDecimal exactProduct(double[] values) {
        MathContext mc = new MathContext(50);
        BigDecimal p = BigDecimal.ONE;
        for (double v : values) {
            p = p.multiply(new BigDecimal(v), mc);
        }
        return p;
    }
}
