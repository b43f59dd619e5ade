package dev.flynn.simd;

import dev.flynn.DType;
import dev.flynn.ir.BinaryOp;

import java.util.SplittableRandom;

/** Pairs for pow and hypot: the special grid, results near overflow and underflow, and random pairs. */
final class BinaryInputs {
    private static final double[] SPECIAL = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0,
            1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, -3.0, 1.5, 0x1p53, -0x1p53, 0x1p53 + 2, 1e300, -1e300,
            Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, 0.1, Float.MAX_VALUE, Float.MIN_VALUE};

    private BinaryInputs() {
    }

    static double[][] of(BinaryOp op, DType t, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        double[] y = new double[n];
        int i = 0;
        for (double a : SPECIAL) {
            for (double b : SPECIAL) {
                x[i] = UnaryInputs.round(a, t);
                y[i++] = UnaryInputs.round(b, t);
            }
        }
        double maxLog = t == DType.F32 ? 88.7 : 709.7;
        double minLog = t == DType.F32 ? -103.9 : -745.1;
        while (i < n) {
            double a;
            double b;
            int kind = r.nextInt(8);
            if (op == BinaryOp.POW) {
                switch (kind) {
                    case 0 -> {
                        a = UnaryInputs.randomBits(r, t);
                        b = UnaryInputs.randomBits(r, t);
                    }
                    case 1 -> {
                        // near overflow and underflow: y log x close to the thresholds
                        a = 1 + r.nextDouble() * 10;
                        double target = r.nextBoolean() ? maxLog + r.nextDouble() * 0.2 : minLog - r.nextDouble() * 0.2;
                        b = target / Math.log(a);
                    }
                    case 2 -> {
                        // a negative base with an integer exponent, odd or even
                        a = -(r.nextDouble() * 4);
                        b = r.nextInt(-200, 200);
                    }
                    case 3 -> {
                        // a base near 1 with a large exponent: y log x stresses the logarithm's low bits
                        a = 1 + (r.nextDouble() * 2 - 1) * Math.scalb(1.0, -r.nextInt(1, 40));
                        b = (r.nextDouble() * 2 - 1) * maxLog / Math.abs(Math.log(a));
                    }
                    default -> {
                        a = r.nextDouble() * Math.scalb(1.0, r.nextInt(-20, 20));
                        b = (r.nextDouble() * 2 - 1) * 60;
                    }
                }
            } else {
                a = UnaryInputs.randomBits(r, t);
                b = switch (kind) {
                    case 0, 1, 2 -> UnaryInputs.randomBits(r, t);
                    // close magnitudes, where the sum of squares loses most
                    default -> a * (1 + (r.nextDouble() * 2 - 1) * Math.scalb(1.0, -r.nextInt(30)));
                };
            }
            x[i] = UnaryInputs.round(a, t);
            y[i++] = UnaryInputs.round(b, t);
        }
        return new double[][]{x, y};
    }
}
