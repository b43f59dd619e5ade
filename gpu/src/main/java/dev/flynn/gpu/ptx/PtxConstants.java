package dev.flynn.gpu.ptx;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The constants of the GPU math library, computed here rather than copied: pi with Machin's formula
 * in 1,400-bit fixed point, the bits of 2/pi for exact (Payne-Hanek) argument reduction, double-double
 * values of pi/2, pi, ln 2 and 1/ln 10, atan(k/8) for the atan table, and Taylor coefficients 1/n!
 * (each correctly rounded: n! is exact in a double up to 22!).
 */
final class PtxConstants {
    private static final int SCALE = 1400;
    private static final BigInteger ONE = BigInteger.ONE.shiftLeft(SCALE);
    /** pi scaled by 2^SCALE. */
    private static final BigInteger PI = pi();

    /** 2/pi as 64-bit words, most significant first, after one leading word of zeros (bits -63..0). */
    static final long[] TWO_OVER_PI = twoOverPi(21);
    static final double PIO2_HI = hi(PI.shiftRight(1));
    static final double PIO2_LO = lo(PI.shiftRight(1));
    static final double PI_HI = hi(PI);
    static final double PI_LO = lo(PI);
    /** ln 2 split so that k * LN2_HI is exact for |k| < 2^20 (the low 32 bits of LN2_HI are zero). */
    static final double LN2_HI;
    static final double LN2_LO;
    static final double INV_LN10_HI;
    static final double INV_LN10_LO;
    /** atan(k/8) for k = 0..8, high parts. */
    static final double[] ATAN_HI = new double[9];
    /** atan(k/8) for k = 0..8, low parts. */
    static final double[] ATAN_LO = new double[9];

    static {
        BigInteger ln2 = ln2();
        long bits = Double.doubleToRawLongBits(hi(ln2)) & ~0xFFFFFFFFL;
        LN2_HI = Double.longBitsToDouble(bits);
        LN2_LO = hi(ln2.subtract(exact(LN2_HI)));
        // 1/ln 10 = log10(e) = ln2 / ln10... computed as 1 / (ln 10), ln 10 = 3 ln 2 + ln(10/8)
        BigInteger ln10 = ln2.multiply(BigInteger.valueOf(3)).add(atanhTimes2(1, 9));
        BigInteger inv = ONE.shiftLeft(SCALE).divide(ln10);
        INV_LN10_HI = hi(inv);
        INV_LN10_LO = lo(inv);
        for (int k = 0; k <= 8; k++) {
            BigInteger a = k == 8 ? PI.shiftRight(2) : atan(k, 8);
            ATAN_HI[k] = hi(a);
            ATAN_LO[k] = lo(a);
        }
    }

    private PtxConstants() {
    }

    /** {@code 1/n!} rounded to double. */
    static double invFactorial(int n) {
        double f = 1;
        for (int i = 2; i <= n; i++) {
            f *= i;
        }
        return 1 / f;
    }

    /** Taylor coefficients {@code sign^j / (first + step*j)!} for j = 0..count-1 (sin, cos, exp series). */
    static double[] factorialSeries(int first, int step, int count, boolean alternate) {
        double[] c = new double[count];
        for (int j = 0; j < count; j++) {
            c[j] = (alternate && (j & 1) == 1 ? -1 : 1) * invFactorial(first + step * j);
        }
        return c;
    }

    /** Coefficients {@code 2/(2j+3)} of 2 atanh(s) = 2s + s^3 (2/3 + 2/5 s^2 + ...), j = 0..count-1. */
    static double[] atanhSeries(int count) {
        double[] c = new double[count];
        for (int j = 0; j < count; j++) {
            c[j] = 2.0 / (2 * j + 3);
        }
        return c;
    }

    /** Coefficients {@code (-1)^(j+1) / (2j+3)} of atan(u) = u + u^3 (-1/3 + u^2/5 - ...). */
    static double[] atanSeries(int count) {
        double[] c = new double[count];
        for (int j = 0; j < count; j++) {
            c[j] = ((j & 1) == 0 ? -1.0 : 1.0) / (2 * j + 3);
        }
        return c;
    }

    private static BigInteger pi() {
        // Machin: pi = 16 atan(1/5) - 4 atan(1/239)
        return atanInv(5).shiftLeft(4).subtract(atanInv(239).shiftLeft(2));
    }

    /** atan(1/q) scaled by 2^SCALE. */
    private static BigInteger atanInv(int q) {
        BigInteger q2 = BigInteger.valueOf((long) q * q);
        BigInteger term = ONE.divide(BigInteger.valueOf(q));
        BigInteger sum = BigInteger.ZERO;
        for (int n = 0; term.signum() != 0; n++) {
            BigInteger t = term.divide(BigInteger.valueOf(2L * n + 1));
            sum = (n & 1) == 0 ? sum.add(t) : sum.subtract(t);
            term = term.divide(q2);
        }
        return sum;
    }

    /** atan(p/q) scaled by 2^SCALE, for 0 <= p < q. */
    private static BigInteger atan(int p, int q) {
        BigInteger pp = BigInteger.valueOf((long) p * p);
        BigInteger qq = BigInteger.valueOf((long) q * q);
        BigInteger term = ONE.multiply(BigInteger.valueOf(p)).divide(BigInteger.valueOf(q));
        BigInteger sum = BigInteger.ZERO;
        for (int n = 0; term.signum() != 0; n++) {
            BigInteger t = term.divide(BigInteger.valueOf(2L * n + 1));
            sum = (n & 1) == 0 ? sum.add(t) : sum.subtract(t);
            term = term.multiply(pp).divide(qq);
        }
        return sum;
    }

    /** 2 atanh(p/q) = ln((q+p)/(q-p)) scaled by 2^SCALE. */
    private static BigInteger atanhTimes2(int p, int q) {
        BigInteger pp = BigInteger.valueOf((long) p * p);
        BigInteger qq = BigInteger.valueOf((long) q * q);
        BigInteger term = ONE.multiply(BigInteger.valueOf(p)).divide(BigInteger.valueOf(q));
        BigInteger sum = BigInteger.ZERO;
        for (int n = 0; term.signum() != 0; n++) {
            sum = sum.add(term.divide(BigInteger.valueOf(2L * n + 1)));
            term = term.multiply(pp).divide(qq);
        }
        return sum.shiftLeft(1);
    }

    private static BigInteger ln2() {
        // ln 2 = 2 atanh(1/3)
        return atanhTimes2(1, 3);
    }

    private static long[] twoOverPi(int words) {
        // bits of 2/pi after the binary point: floor(2^(64*(words-1)) * 2/pi)
        int bits = 64 * (words - 1);
        BigInteger v = ONE.shiftLeft(bits + 1).divide(PI);
        long[] out = new long[words];
        for (int i = words - 1; i >= 1; i--) {
            out[i] = v.longValue();
            v = v.shiftRight(64);
        }
        return out;
    }

    private static double hi(BigInteger scaled) {
        // keep 900 fraction bits: far more than a double's rounding can see, and in a double's range
        return Math.scalb(scaled.shiftRight(SCALE - 900).doubleValue(), -900);
    }

    private static double lo(BigInteger scaled) {
        return hi(scaled.subtract(exact(hi(scaled))));
    }

    private static BigInteger exact(double d) {
        return new BigDecimal(d).multiply(new BigDecimal(ONE)).toBigInteger();
    }
}
