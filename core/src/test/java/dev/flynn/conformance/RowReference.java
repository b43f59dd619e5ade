package dev.flynn.conformance;

import ch.obermuhlner.math.big.BigDecimalMath;
import dev.flynn.DType;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Independent references for reduce-then-map kernels, each with the error bound docs/SEMANTICS.md
 * ("Reduce-then-map kernels") derives: softmax and log-softmax in double (F32 data) or BigDecimal to
 * 34 digits (F64 data), layer and RMS norm from exact BigDecimal moments. A value whose reference is
 * not finite must match it exactly (NaN for NaN, the same infinity, or zero).
 *
 * <p>The bounds use {@code u} (2^-24 for F32, 2^-53 for F64), {@code g = (m + d + 2) u} of a sum
 * (ErrorBounds), {@code L = 2} ulps for {@code exp} and {@code log} (the loosest backend's), and
 * {@code a}, the smallest subnormal, for results that underflow.
 */
final class RowReference {
    private static final MathContext MC = new MathContext(34);
    /** Enough digits that a mean of doubles is exact relative to any of them (their span is 2098 bits). */
    private static final MathContext WIDE = new MathContext(700);
    private static final double L = 2;

    private RowReference() {
    }

    /** Expected values and, per element, how far a result may be from them. */
    record Expected(double[] value, double[] tol) {
    }

    static double tiny(DType t) {
        return t == DType.F32 ? 0x1p-149 : Double.MIN_VALUE;
    }

    /** Softmax or log-softmax of one row. */
    static Expected softmax(DType t, double[] x, boolean log) {
        int n = x.length;
        double[] v = new double[n];
        double[] tol = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        boolean nan = false;
        for (double e : x) {
            nan |= Double.isNaN(e) || e == Double.POSITIVE_INFINITY;
            max = Math.max(max, e);
        }
        if (nan || max == Double.NEGATIVE_INFINITY) {
            // x - max(x) is NaN somewhere (NaN, Inf - Inf, -Inf - -Inf), so the sum and every value are NaN
            java.util.Arrays.fill(v, Double.NaN);
            return new Expected(v, tol);
        }
        double u = ErrorBounds.unitRoundoff(t);
        double a = tiny(t);
        double[] dist = new double[n];
        double[] e = new double[n];
        BigDecimal[] eb = new BigDecimal[n];
        double sum = 0;
        BigDecimal sumB = BigDecimal.ZERO;
        double worst = 0;
        for (int i = 0; i < n; i++) {
            if (x[i] == Double.NEGATIVE_INFINITY) {
                continue;
            }
            // F32 data: the distance of two floats in double is exact or within 2^-53 of it
            BigDecimal d = t == DType.F32 ? null : new BigDecimal(max).subtract(new BigDecimal(x[i]));
            dist[i] = t == DType.F32 ? max - x[i] : d.doubleValue();
            worst = Math.max(worst, dist[i]);
            if (t == DType.F32) {
                e[i] = Math.exp(-dist[i]);
                sum += e[i];
            } else {
                eb[i] = dist[i] > 800 ? BigDecimal.ZERO : BigDecimalMath.exp(d.negate(), MC);
                sumB = sumB.add(eb[i]);
            }
        }
        double s = t == DType.F32 ? sum : sumB.doubleValue();
        double logS = t == DType.F32 ? Math.log(sum) : BigDecimalMath.log(sumB, MC).doubleValue();
        double depthSum = (Math.min(n, 16384) + treeDepth(n) + 2) * u;
        double spread = Math.min(worst, n / Math.E);
        double sigma = depthSum + (spread + 2 * L + 1) * u + (n + 1) * L * a;
        for (int i = 0; i < n; i++) {
            if (x[i] == Double.NEGATIVE_INFINITY) {
                v[i] = log ? Double.NEGATIVE_INFINITY : 0;
                continue;
            }
            if (log) {
                v[i] = narrow(t, -dist[i] - logS);
                tol[i] = 1.1 * (u * dist[i] + sigma + 2 * L * u * logS + u * Math.abs(v[i]) + u * (dist[i] + logS)) + a;
            } else {
                v[i] = t == DType.F32 ? e[i] / s : eb[i].divide(sumB, MC).doubleValue();
                // a value that underflows to zero: only its absolute error counts
                tol[i] = v[i] < a ? 2 * L * a : 1.1 * (v[i] * ((dist[i] + 2 * L + 2) * u + sigma) + 2 * L * a) + a;
            }
        }
        return new Expected(v, tol);
    }

    /** Layer norm {@code (x - mean) / sqrt(var + eps) * g + b}; on F32 the mean and variance rounded to F32. */
    static Expected layerNorm(DType t, double[] x, double[] g, double[] b, double eps) {
        int n = x.length;
        double[] v = new double[n];
        double[] tol = new double[n];
        if (!allFinite(x)) {
            return plainLayerNorm(x, g, b, eps);
        }
        if (t == DType.F32) {
            return layerNormF32(x, g, b, eps);
        }
        BigDecimal nB = BigDecimal.valueOf(n);
        BigDecimal mean = sum(x).divide(nB, WIDE);
        BigDecimal m2 = BigDecimal.ZERO;
        double maxAbs = 0;
        for (double e : x) {
            BigDecimal dv = new BigDecimal(e).subtract(mean).round(MC);
            m2 = m2.add(dv.multiply(dv));
            maxAbs = Math.max(maxAbs, Math.abs(e));
        }
        BigDecimal var = m2.divide(nB, MC);
        BigDecimal w = var.add(new BigDecimal(eps));
        if (Double.isInfinite(w.doubleValue())) {
            // past the F64 range the variance is +Inf, as the formula in doubles gives: (x - mean) / Inf
            return plainLayerNorm(x, g, b, eps);
        }
        double mu = mean.doubleValue();
        double bigV = var.doubleValue();
        BigDecimal root = w.signum() == 0 ? BigDecimal.ZERO : w.sqrt(MC);
        double r = root.doubleValue();
        double u = ErrorBounds.unitRoundoff(t);
        double u64 = 0x1p-53;
        int levels = Math.min(n, 16384) + treeDepth(n);
        double eMean = 4 * (levels + 2) * u64 * maxAbs + (t == DType.F32 ? u * Math.abs(mu) : 0);
        double eVar = 8 * (levels + 4) * u64 * (bigV + mu * mu) + (t == DType.F32 ? u * bigV : 0);
        double wv = w.doubleValue();
        double rho = (eVar + u * (wv + eVar)) / (2 * wv) + u;
        for (int i = 0; i < n; i++) {
            BigDecimal dev = new BigDecimal(x[i]).subtract(mean).round(MC);
            double q = r == 0 ? dev.signum() == 0 ? Double.NaN : dev.signum() * Double.POSITIVE_INFINITY
                    : dev.divide(BigDecimal.valueOf(r), MC).doubleValue();
            if (!Double.isFinite(q)) {
                v[i] = q * g[i] + b[i];
                continue;
            }
            v[i] = dev.divide(root, MC).multiply(new BigDecimal(g[i])).add(new BigDecimal(b[i])).doubleValue();
            double eD = eMean + u * (Math.abs(dev.doubleValue()) + eMean);
            // the variance's bound is relative to V + M^2, which may pass the range: Inf, and Inf * 0 is no term
            double scaleErr = q == 0 ? 0 : Math.abs(q) * (rho + 2 * u);
            tol[i] = 2 * (Math.abs(g[i]) * (eD / r + scaleErr)
                    + u * (Math.abs(q * g[i]) + Math.abs(b[i]) + Math.abs(v[i]))) + tiny(t);
        }
        return new Expected(v, tol);
    }

    /**
     * Layer norm of F32 data from double moments with compensated sums: their error, a few 2^-53
     * relative, is far below the F32 bound, and the same bound as the F64 path.
     */
    private static Expected layerNormF32(double[] x, double[] g, double[] b, double eps) {
        int n = x.length;
        double mu = compensatedSum(x) / n;
        double[] sq = new double[n];
        double maxAbs = 0;
        for (int i = 0; i < n; i++) {
            sq[i] = (x[i] - mu) * (x[i] - mu);
            maxAbs = Math.max(maxAbs, Math.abs(x[i]));
        }
        double var = compensatedSum(sq) / n;
        double w = var + eps;
        double r = Math.sqrt(w);
        double u = 0x1p-24;
        double u64 = 0x1p-53;
        int levels = Math.min(n, 16384) + treeDepth(n);
        double eMean = 4 * (levels + 2) * u64 * maxAbs + u * Math.abs(mu);
        double eVar = 8 * (levels + 4) * u64 * (var + mu * mu) + 4 * u64 * w;
        double rho = (eVar + u * (w + eVar)) / (2 * w) + u;
        double[] v = new double[n];
        double[] tol = new double[n];
        for (int i = 0; i < n; i++) {
            double dev = x[i] - mu;
            double q = dev / r;
            v[i] = q * g[i] + b[i];
            double eD = eMean + u * (Math.abs(dev) + eMean) + 4 * u64 * Math.abs(x[i]);
            double scaleErr = q == 0 ? 0 : Math.abs(q) * (rho + 2 * u);
            tol[i] = 2 * (Math.abs(g[i]) * (eD / r + scaleErr) + u * (Math.abs(q * g[i]) + Math.abs(b[i]) + Math.abs(v[i])))
                    + tiny(DType.F32);
        }
        return new Expected(v, tol);
    }

    /** Neumaier's sum: within 2u|S| + O(n u^2) sum|x| of the exact sum. */
    private static double compensatedSum(double[] x) {
        double s = 0;
        double c = 0;
        for (double e : x) {
            double t = s + e;
            c += Math.abs(s) >= Math.abs(e) ? (s - t) + e : (e - t) + s;
            s = t;
        }
        return s + c;
    }

    private static Expected plainLayerNorm(double[] x, double[] g, double[] b, double eps) {
        // a NaN or infinity makes the mean or the variance NaN or infinite: the double formula's specials
        double sum = 0;
        for (double e : x) {
            sum += e;
        }
        double mu = sum / x.length;
        double m2 = 0;
        for (double e : x) {
            m2 += (e - mu) * (e - mu);
        }
        double r = Math.sqrt(m2 / x.length + eps);
        double[] v = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            v[i] = (x[i] - mu) / r * g[i] + b[i];
        }
        return new Expected(v, new double[x.length]);
    }

    /** RMS norm {@code x / sqrt(mean(x * x) + eps) * g}, the squares exact in F64 on F32 data. */
    static Expected rmsNorm(DType t, double[] x, double[] g, double eps) {
        int n = x.length;
        double[] v = new double[n];
        double[] tol = new double[n];
        BigDecimal sq = BigDecimal.ZERO;
        double maxSq = 0;
        if (t == DType.F32 && allFinite(x)) {
            // squares of floats are exact in double, their compensated mean within a few 2^-53
            double[] squares = new double[n];
            for (int i = 0; i < n; i++) {
                squares[i] = x[i] * x[i];
                maxSq = Math.max(maxSq, squares[i]);
            }
            double q = compensatedSum(squares) / n;
            double w = q + eps;
            double r = Math.sqrt(w);
            double u = 0x1p-24;
            double eQ = 4 * (Math.min(n, 16384) + treeDepth(n) + 2) * 0x1p-53 * maxSq + 4 * 0x1p-53 * q;
            double rho = (eQ + 0x1p-53 * (w + eQ)) / (2 * w) + 0x1p-53 + u;
            for (int i = 0; i < n; i++) {
                v[i] = w == 0 ? x[i] / 0.0 * g[i] : x[i] / r * g[i];
                tol[i] = w == 0 ? 0 : 2 * Math.abs(v[i]) * (rho + 2 * u) + tiny(t);
            }
            return new Expected(v, tol);
        }
        for (double e : x) {
            if (!Double.isFinite(e)) {
                sq = null;
                break;
            }
            BigDecimal eb = new BigDecimal(e);
            sq = sq.add(eb.multiply(eb));
            maxSq = Math.max(maxSq, e * e);
        }
        if (sq == null || Double.isInfinite(sq.divide(BigDecimal.valueOf(n), MC).add(new BigDecimal(eps)).doubleValue())) {
            double s = 0;
            for (double e : x) {
                s += e * e;
            }
            double r = Math.sqrt(s / n + eps);
            for (int i = 0; i < n; i++) {
                v[i] = x[i] / r * g[i];
            }
            return new Expected(v, tol);
        }
        BigDecimal q2 = sq.divide(BigDecimal.valueOf(n), MC);
        BigDecimal w = q2.add(new BigDecimal(eps));
        double u = ErrorBounds.unitRoundoff(t);
        double u64 = 0x1p-53;
        double q = q2.doubleValue();
        double wv = w.doubleValue();
        int levels = Math.min(n, 16384) + treeDepth(n);
        double eQ = 4 * (levels + 2) * u64 * maxSq + u * q + u64 * q;
        double rho = (eQ + u * (wv + eQ)) / (2 * wv) + u;
        BigDecimal r = w.signum() == 0 ? null : w.sqrt(MC);
        for (int i = 0; i < n; i++) {
            if (r == null) {
                v[i] = x[i] / 0.0 * g[i];
                continue;
            }
            v[i] = new BigDecimal(x[i]).divide(r, MC).multiply(new BigDecimal(g[i])).doubleValue();
            tol[i] = 2 * Math.abs(v[i]) * (rho + 2 * u) + tiny(t);
        }
        return new Expected(v, tol);
    }

    /** An exact value beyond the F32 range rounds to the infinity an F32 result must be. */
    private static double narrow(DType t, double v) {
        return t == DType.F32 && Float.isInfinite((float) v) ? (float) v : v;
    }

    private static BigDecimal sum(double[] x) {
        BigDecimal s = BigDecimal.ZERO;
        for (double e : x) {
            s = s.add(new BigDecimal(e));
        }
        return s;
    }

    private static boolean allFinite(double[] x) {
        for (double e : x) {
            if (!Double.isFinite(e)) {
                return false;
            }
        }
        return true;
    }

    private static int treeDepth(long n) {
        long blocks = Math.max(1, (n + 16383) / 16384);
        return 64 - Long.numberOfLeadingZeros(blocks - 1);
    }

    /**
     * The index of the first element of {@code got} outside its bound, or -1: a non-finite reference
     * (or a zero tolerance) must be met exactly, NaN by NaN.
     */
    static int firstOutside(Expected want, double[] got) {
        for (int i = 0; i < got.length; i++) {
            double w = want.value()[i];
            double g = got[i];
            boolean ok;
            if (Double.isNaN(w)) {
                ok = Double.isNaN(g);
            } else if (!Double.isFinite(w) || want.tol()[i] == 0) {
                ok = g == w;
            } else {
                ok = Math.abs(g - w) <= want.tol()[i];
            }
            if (!ok) {
                return i;
            }
        }
        return -1;
    }
}
