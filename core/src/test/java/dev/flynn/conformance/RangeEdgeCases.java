package dev.flynn.conformance;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import dev.flynn.spi.CpuBackend;
import org.junit.jupiter.api.DynamicTest;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Floating-point reductions at the ends of the exponent range, for every backend: real infinities
 * and NaNs at every kind of position (first, middle, last, either side of a block boundary, in
 * different blocks), partial sums that pass the largest finite value and come back, values whose
 * squares or squared deviations overflow or underflow, and results that really overflow. Finite
 * exact results are checked against {@code BigDecimal} with the bounds of {@link ErrorBounds},
 * evaluated on the values scaled by a power of two so that the bound itself is finite; every case
 * must give the same bits with 1, 2 and 3 threads.
 */
final class RangeEdgeCases {
    private static final int BLOCK = CpuBackend.BLOCK;
    /** Around vector widths and tails, one block, just past one block, several blocks and a tail. */
    private static final int[] SIZES = {1, 2, 3, 17, 33, 1000, 2 * BLOCK + 9};
    /**
     * Past this size (three blocks) only some cases run, placed at the end, at a block edge and in
     * different blocks: the PTX emulator runs every element through the interpreter.
     */
    private static final int SMALL = 1000;
    private static final DType[] FLOATING = {DType.F32, DType.F64};
    private static final MathContext MC = new MathContext(60);

    private final IntFunction<Flynn> runtime;

    /** @param runtime a runtime with 1, 2 or 3 threads of the backend under test */
    RangeEdgeCases(IntFunction<Flynn> runtime) {
        this.runtime = runtime;
    }

    List<DynamicTest> tests() {
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("exact sums of the checker agree with BigDecimal", RangeEdgeCases::exactSumsAgree));
        for (DType t : FLOATING) {
            tests.add(DynamicTest.dynamicTest("infinities and NaN in reductions " + t.label(), () -> infinities(t)));
            tests.add(DynamicTest.dynamicTest("sums that overflow and come back " + t.label(), () -> overflowingSums(t)));
            tests.add(DynamicTest.dynamicTest("mean variance std near overflow " + t.label(), () -> moments(t)));
            tests.add(DynamicTest.dynamicTest("norms near overflow and underflow " + t.label(), () -> norms(t)));
        }
        return tests;
    }

    // ---- infinities and NaN ----------------------------------------------------------------------

    /** What a sum of the values means: NaN for a NaN or both infinities, else the infinity's sign. */
    private static double infiniteSum(double[] specials) {
        boolean nan = false;
        boolean pos = false;
        boolean neg = false;
        for (double s : specials) {
            nan |= Double.isNaN(s);
            pos |= s == Double.POSITIVE_INFINITY;
            neg |= s == Double.NEGATIVE_INFINITY;
        }
        return nan || (pos && neg) ? Double.NaN : pos ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    private void infinities(DType t) {
        double inf = Double.POSITIVE_INFINITY;
        double[][] specials = {{inf}, {-inf}, {Double.NaN}, {-inf, -inf}, {inf, -inf}, {Double.NaN, -inf},
                {-inf, inf, inf}};
        Kernel plain = Kernel.map(t, x -> x).reduce(Reduction.sum());
        Kernel compensated = Kernel.map(t, x -> x).reduce(Reduction.sum(Reduction.Summation.COMPENSATED));
        Kernel dot = Kernel.dot(t);
        Kernel mean = Kernel.map(t, x -> x).reduce(Reduction.mean());
        Kernel variance = Kernel.map(t, x -> x).reduce(Reduction.variance());
        Kernel std = Kernel.map(t, x -> x).reduce(Reduction.std(1));
        Kernel norm1 = Kernel.map(t, x -> x).reduce(Reduction.norm1());
        Kernel norm2 = Kernel.map(t, x -> x).reduce(Reduction.norm2());
        for (int n : SIZES) {
            for (double[] s : n > SMALL ? new double[][] {specials[0], specials[2], specials[4], specials[6]} : specials) {
                for (int[] at : placements(n, s.length)) {
                    double[] xs = background(t, n, new SplittableRandom(n * 31L + at[0]));
                    for (int i = 0; i < s.length; i++) {
                        xs[at[i]] = s[i];
                    }
                    Object x = array(t, xs);
                    Object ones = array(t, filled(n, 1));
                    double sum = infiniteSum(s);
                    double abs = infiniteSum(java.util.Arrays.stream(s).map(Math::abs).toArray());
                    String what = t + " n=" + n + " " + java.util.Arrays.toString(s) + " at "
                            + java.util.Arrays.toString(at);
                    same(sum, plain, what, x);
                    same(sum, compensated, what, x);
                    same(sum, dot, what, x, ones);
                    same(sum, mean, what, x);
                    same(Double.NaN, variance, what, x);
                    if (n > 1) {
                        same(Double.NaN, std, what, x);
                    }
                    same(abs, norm1, what, x);
                    same(abs, norm2, what, x);
                }
            }
        }
    }

    /** Where {@code count} special values go in {@code n} elements: ends, middle, block edges, far apart. */
    private static List<int[]> placements(int n, int count) {
        List<int[]> out = new ArrayList<>();
        if (count > n) {
            return out;
        }
        if (n > SMALL) {
            out.add(run(n - count, count));
            out.add(run(Math.min(BLOCK - count / 2 - 1, n - count), count));
            out.add(inBlocks(n, count));
            return out;
        }
        out.add(run(0, count));
        out.add(run(n - count, count));
        if (n >= 2 * count + 1) {
            out.add(run(n / 2 - count / 2, count));
            int[] spread = new int[count];
            for (int i = 0; i < count; i++) {
                spread[i] = (int) ((long) (n - 1) * (count - i) / count);
            }
            out.add(spread);
        }
        return out;
    }

    /** One position per block where there are enough blocks (at either end of it), then the last ones. */
    private static int[] inBlocks(int n, int count) {
        java.util.Set<Integer> used = new java.util.LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            int p = (int) Math.min(n - 1, (long) i * BLOCK + (i % 2 == 0 ? BLOCK - 1 : 3));
            while (!used.add(p)) {
                p = p == 0 ? n - 1 : p - 1;
            }
        }
        return used.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] run(int from, int count) {
        int[] r = new int[count];
        for (int i = 0; i < count; i++) {
            r[i] = from + i;
        }
        return r;
    }

    /**
     * The bits of {@code want} (any NaN for NaN). One thread: blocks are merged in the same tree whatever
     * the number of threads, and {@link #check} compares thread counts.
     */
    private void same(double want, Kernel k, String what, Object... inputs) {
        double got = runtime.apply(1).reduceDouble(k, inputs);
        if (Double.isNaN(want) ? !Double.isNaN(got) : got != want) {
            fail(k + " of " + what + ": got " + got + ", want " + want);
        }
    }

    // ---- sums past the largest value -------------------------------------------------------------

    private void overflowingSums(DType t) {
        double max = t == DType.F32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        Kernel plain = Kernel.map(t, x -> x).reduce(Reduction.sum());
        Kernel compensated = Kernel.map(t, x -> x).reduce(Reduction.sum(Reduction.Summation.COMPENSATED));
        Kernel dot = Kernel.dot(t);
        Kernel mean = Kernel.map(t, x -> x).reduce(Reduction.mean());
        Kernel norm1 = Kernel.map(t, x -> x).reduce(Reduction.norm1());
        // big values in order of index: up past MAX and back, down and back, up and staying up
        double[][] patterns = {
                {0.75 * max, 0.75 * max, -0.75 * max},
                {-0.75 * max, -0.75 * max, 0.75 * max},
                {max, max, -max},
                {max, max, -max, -max},
                {0.6 * max, 0.6 * max, 0.6 * max, 0.6 * max, -0.6 * max, -0.6 * max, -0.6 * max, 0.9 * max, -0.6 * max},
                {max, 0.5 * max, -max, 0.5 * max, -0.5 * max, -max},
                {max, max},
                {-max, -0.5 * max},
                {0.3 * max, 0.3 * max, 0.3 * max, 0.3 * max},
        };
        for (int n : SIZES) {
            for (double[] p : n > SMALL ? new double[][] {patterns[0], patterns[3], patterns[4], patterns[6]} : patterns) {
                List<int[]> places = placements(n, p.length);
                for (int[] at : places) {
                    // among random values once per size and pattern: the exact sums of those are slow
                    boolean random = at == places.getFirst() && n <= SMALL;
                    for (boolean quiet : random ? new boolean[] {true, false} : new boolean[] {true}) {
                        double[] xs = quiet ? new double[n] : background(t, n, new SplittableRandom(n * 17L + at[0]));
                        for (int i = 0; i < p.length; i++) {
                            xs[at[i]] = round(t, p[i]);
                        }
                        Object x = array(t, xs);
                        String what = t + " n=" + n + " " + java.util.Arrays.toString(p) + " at "
                                + java.util.Arrays.toString(at) + (quiet ? " in zeros" : " in random values");
                        BigDecimal exact = exactSum(xs);
                        BigDecimal sumAbs = exactAbsSum(xs);
                        int e = Math.getExponent(max);
                        double sa = scaled(sumAbs, e).doubleValue();
                        double ex = scaled(exact, e).abs().doubleValue();
                        check(t, exact, ErrorBounds.sum(t, n, sa), e, plain, what, x);
                        check(t, exact, ErrorBounds.compensatedSum(t, n, ex, sa), e, compensated, what, x);
                        if (n <= SMALL) {
                            check(t, exact, ErrorBounds.sum(t, n, sa), e, dot, what, x, array(t, filled(n, 1)));
                            check(t, sumAbs, ErrorBounds.sum(t, n, sa), e, norm1, what, x);
                        }
                        double maxAbs = 0;
                        for (double v : xs) {
                            maxAbs = Math.max(maxAbs, Math.abs(v));
                        }
                        check(DType.F64, exact.divide(BigDecimal.valueOf(n), MC), ErrorBounds.mean(n, Math.scalb(maxAbs, -e)),
                                e, mean, what, x);
                    }
                }
            }
        }
    }

    // ---- mean, variance, std -----------------------------------------------------------------------

    private void moments(DType t) {
        Kernel mean = Kernel.map(t, x -> x).reduce(Reduction.mean());
        Kernel variance = Kernel.map(t, x -> x).reduce(Reduction.variance());
        Kernel std = Kernel.map(t, x -> x).reduce(Reduction.std());
        double max = t == DType.F32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        // magnitudes: squared deviations overflow but the variance does not (2^509), both overflow but
        // the std does not (2^1000), and values at the largest magnitude
        int[] exponents = t == DType.F32 ? new int[] {60, 126, 127} : new int[] {509, 1000, 1023};
        for (int n : SIZES) {
            if (t == DType.F32 && n > SMALL) {
                continue;  // F32 values cannot overflow the F64 moments: a check of the class, not of blocks
            }
            for (int ex : exponents) {
                // equal values and alternating signs are at the largest magnitude whatever ex is
                String[] layouts = ex == exponents[0] ? new String[] {"same sign", "both signs", "equal", "max and -max"}
                        : new String[] {"same sign", "both signs"};
                for (String layout : layouts) {
                    SplittableRandom rng = new SplittableRandom(n * 7L + ex);
                    double[] xs = new double[n];
                    for (int i = 0; i < n; i++) {
                        double v = switch (layout) {
                            case "equal" -> max;
                            case "max and -max" -> i % 2 == 0 ? max : -max;
                            case "both signs" -> Math.scalb(1 + rng.nextDouble(), ex - 1) * (rng.nextBoolean() ? 1 : -1);
                            default -> Math.scalb(1 + rng.nextDouble(), ex - 1);
                        };
                        xs[i] = round(t, Math.min(max, Math.max(-max, v)));
                    }
                    Object x = array(t, xs);
                    String what = t + " n=" + n + " 2^" + ex + " " + layout;
                    BigDecimal sum = exactSum(xs);
                    BigDecimal sumSq = exactSumOfSquares(xs);
                    double maxAbs = 0;
                    for (double v : xs) {
                        maxAbs = Math.max(maxAbs, Math.abs(v));
                    }
                    int e = Math.getExponent(maxAbs);
                    BigDecimal bn = BigDecimal.valueOf(n);
                    BigDecimal m = sum.divide(bn, MC);
                    // V = (n sum x^2 - (sum x)^2) / n^2, exact up to the last division
                    BigDecimal v = sumSq.multiply(bn).subtract(sum.multiply(sum)).divide(bn.multiply(bn), MC);
                    double ms = scaled(m, e).doubleValue();
                    double vs = scaled(scaled(v, e), e).doubleValue();
                    check(DType.F64, m, ErrorBounds.mean(n, Math.scalb(maxAbs, -e)), e, mean, what, x);
                    check(DType.F64, v, ErrorBounds.variance(n, vs, ms), 2 * e, variance, what, x);
                    BigDecimal s = v.sqrt(MC);
                    // for equal values V is 0 and a computed variance of at most its bound has that root
                    double bound = v.signum() == 0 ? Math.sqrt(ErrorBounds.variance(n, 0, ms)) : ErrorBounds.std(n, vs, ms);
                    check(DType.F64, s, bound, e, std, what, x);
                }
            }
        }
    }

    // ---- norms ---------------------------------------------------------------------------------------

    private void norms(DType t) {
        Kernel norm2 = Kernel.map(t, x -> x).reduce(Reduction.norm2());
        double max = t == DType.F32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        double min = t == DType.F32 ? Float.MIN_VALUE : Double.MIN_VALUE;
        int top = Math.getExponent(max);
        int bottom = t == DType.F32 ? Float.MIN_EXPONENT : Double.MIN_EXPONENT;
        // squares that overflow, squares that underflow, values at both ends, subnormals beside a
        // normal value, one huge value among tiny ones, and zeros
        String[] layouts = {"huge", "tiny", "near max", "max", "smallest normal", "subnormals beside one", "huge among tiny",
                "zeros"};
        for (int n : SIZES) {
            for (String layout : layouts) {
                SplittableRandom rng = new SplittableRandom(n * 13L + layout.hashCode());
                double[] xs = new double[n];
                for (int i = 0; i < n; i++) {
                    double sign = rng.nextBoolean() ? 1 : -1;
                    xs[i] = round(t, sign * switch (layout) {
                        case "huge" -> Math.scalb(1 + rng.nextDouble(), top / 2 + 40);
                        case "tiny" -> Math.scalb(1 + rng.nextDouble(), bottom / 2 - 40);
                        case "near max" -> max * (0.25 + 0.25 * rng.nextDouble());
                        case "max" -> max;
                        case "smallest normal" -> Math.scalb(1 + rng.nextDouble(), bottom);
                        case "subnormals beside one" -> i == n / 2 ? Math.scalb(1.0, bottom + 30) : min * (1 + rng.nextInt(1000));
                        case "huge among tiny" -> i == n - 1 ? Math.scalb(1.0, top / 2 + (t == DType.F32 ? 30 : 100)) : Math.scalb(1 + rng.nextDouble(), bottom / 2 - 20);
                        default -> 0;
                    });
                }
                Object x = array(t, xs);
                String what = t + " n=" + n + " " + layout;
                BigDecimal sumSq = exactSumOfSquares(xs);
                double maxAbs = 0;
                for (double v : xs) {
                    maxAbs = Math.max(maxAbs, Math.abs(v));
                }
                BigDecimal r = sumSq.sqrt(MC);
                int e = maxAbs == 0 ? 0 : Math.getExponent(maxAbs);
                check(t, r, ErrorBounds.norm2(t, n, scaled(r, e).doubleValue()), e, norm2, what, x);
            }
        }
    }

    // ---- checking ------------------------------------------------------------------------------------

    /**
     * Every runtime gives the same bits, within {@code bound * 2^e} of {@code exact}; where the exact
     * value is beyond the type's range by more than the bound, the infinity of its sign, which is also
     * allowed where the bound reaches past the range.
     */
    private void check(DType t, BigDecimal exact, double bound, int e, Kernel k, String what, Object... inputs) {
        double got = runtime.apply(1).reduceDouble(k, inputs);
        for (int threads = 2; threads <= maxThreads(inputs[0]); threads++) {
            assertEquals(Double.doubleToLongBits(got), Double.doubleToLongBits(runtime.apply(threads).reduceDouble(k, inputs)),
                    k + " of " + what + ": the same bits whatever the number of threads");
        }
        BigDecimal limit = new BigDecimal(t == DType.F32 ? Float.MAX_VALUE : Double.MAX_VALUE);
        BigDecimal reach = scaled(new BigDecimal(bound), -e);
        String message = k + " of " + what + ": got " + got + ", exact " + exact.round(MathContext.DECIMAL64) + ", bound "
                + bound + " * 2^" + e;
        if (exact.abs().subtract(reach).compareTo(limit) > 0) {
            assertEquals(exact.signum() * Double.POSITIVE_INFINITY, got, message);
            return;
        }
        if (Double.isInfinite(got) && exact.abs().add(reach).compareTo(limit) > 0
                && (exact.signum() == 0 || Math.signum(got) == exact.signum())) {
            return;
        }
        if (!Double.isFinite(got) || scaled(exact.subtract(new BigDecimal(got)), e).abs().doubleValue() > bound) {
            fail(message);
        }
    }

    // threads share out blocks: one block is one thread's, whatever the runtime
    private static int maxThreads(Object input) {
        return Columns.length(input) > BLOCK ? 3 : 1;
    }

    /** {@code v * 2^-e}, exactly. */
    private static BigDecimal scaled(BigDecimal v, int e) {
        BigDecimal p = new BigDecimal(2).pow(Math.abs(e));
        return e >= 0 ? v.divide(p) : v.multiply(p);
    }

    private static BigDecimal exactAbsSum(double[] xs) {
        return exact(xs, true, false);
    }

    private static BigDecimal exactSum(double[] xs) {
        return exact(xs, false, false);
    }

    private static BigDecimal exactSumOfSquares(double[] xs) {
        return exact(xs, false, true);
    }

    /**
     * The exact sum of the values, their magnitudes or their squares, in integers scaled by 2^1074
     * (2^2148 for squares): a value near MAX_VALUE is a 300-digit decimal but 33 binary words.
     */
    private static BigDecimal exact(double[] xs, boolean abs, boolean squares) {
        java.math.BigInteger acc = java.math.BigInteger.ZERO;
        for (double v : xs) {
            if (v == 0) {
                continue;
            }
            long bits = Double.doubleToRawLongBits(v);
            long fraction = bits & 0xF_FFFF_FFFF_FFFFL;
            int biased = (int) (bits >>> 52) & 0x7FF;
            long mantissa = biased == 0 ? fraction : fraction | 1L << 52;
            int shift = Math.max(biased, 1) - 1;  // v = mantissa * 2^(shift - 1074)
            java.math.BigInteger m = java.math.BigInteger.valueOf(mantissa);
            java.math.BigInteger term = squares ? m.multiply(m).shiftLeft(2 * shift) : m.shiftLeft(shift);
            acc = v < 0 && !abs && !squares ? acc.subtract(term) : acc.add(term);
        }
        return new BigDecimal(acc).multiply(new BigDecimal(Math.scalb(1.0, -1074)).pow(squares ? 2 : 1));
    }

    private static void exactSumsAgree() {
        SplittableRandom rng = new SplittableRandom(11);
        double[] xs = new double[200];
        for (int i = 0; i < xs.length; i++) {
            long bits = rng.nextLong();
            double v = Double.longBitsToDouble(bits);
            xs[i] = Double.isFinite(v) ? v : Double.MIN_VALUE * (i + 1) * (i % 2 == 0 ? 1 : -1);
        }
        xs[0] = Double.MAX_VALUE;
        xs[1] = -Double.MAX_VALUE;
        xs[2] = -Double.MIN_VALUE;
        xs[3] = Double.MIN_NORMAL;
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal abs = BigDecimal.ZERO;
        BigDecimal squares = BigDecimal.ZERO;
        for (double v : xs) {
            BigDecimal b = new BigDecimal(v);
            sum = sum.add(b);
            abs = abs.add(b.abs());
            squares = squares.add(b.multiply(b));
        }
        assertEquals(0, sum.compareTo(exactSum(xs)), "sum");
        assertEquals(0, abs.compareTo(exactAbsSum(xs)), "sum of magnitudes");
        assertEquals(0, squares.compareTo(exactSumOfSquares(xs)), "sum of squares");
    }

    /** Random values of moderate size and both signs, as the type holds them. */
    private static double[] background(DType t, int n, SplittableRandom rng) {
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = round(t, Math.scalb(1 + rng.nextDouble(), rng.nextInt(-10, 11)) * (rng.nextInt(3) == 0 ? -1 : 1));
        }
        return xs;
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static double round(DType t, double v) {
        return t == DType.F32 ? (float) v : v;
    }

    private static Object array(DType t, double[] xs) {
        if (t == DType.F64) {
            return xs.clone();
        }
        float[] f = new float[xs.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) xs[i];
        }
        return f;
    }
}
