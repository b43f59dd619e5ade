package dev.flynn.simd;

import dev.flynn.DType;
import dev.flynn.conformance.ExactMath;
import dev.flynn.conformance.Ulp;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.UnaryOp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Flynn's own sin, cos, tan, asin, acos, atan and atan2 ({@link SimdTrig}, {@link SimdArcTrig})
 * called directly, against the correctly rounded result to 40 digits ({@link ExactMath}): special
 * values exactly as {@code Math}, everything else within 1 ulp. Inputs: every special value, arguments
 * next to multiples of pi/2 (the nearest representable values to k pi/2 and their neighbours, for k up
 * to the reduction's limit and beyond), the floats whose reduced argument is smallest, huge arguments,
 * subnormals, and seeded random values of every magnitude ({@code -Dflynn.vmath.samples}, default
 * 4000 per op and type, which keeps the default build fast; the bounds were measured with 12000 and more).
 * Each vector width the CPU has computes the same values and must give the same bits. The largest
 * errors go to {@code target/vector-trig-ulp.txt}.
 */
class SimdTrigTest {
    private static final int SAMPLES = Integer.getInteger("flynn.vmath.samples", 4_000);
    /** Per op and type: the largest error and its argument. */
    private static final Map<String, Worst> MEASURED = new TreeMap<>();

    private record Worst(double ulps, String argument) {
    }

    static Stream<Arguments> unaryCases() {
        List<Arguments> out = new ArrayList<>();
        for (UnaryOp op : List.of(UnaryOp.SIN, UnaryOp.COS, UnaryOp.TAN, UnaryOp.ASIN, UnaryOp.ACOS, UnaryOp.ATAN)) {
            out.add(Arguments.of(op, DType.F32));
            out.add(Arguments.of(op, DType.F64));
        }
        return out.stream();
    }

    static Stream<Arguments> binaryCases() {
        return Stream.of(Arguments.of(BinaryOp.ATAN2, DType.F32), Arguments.of(BinaryOp.ATAN2, DType.F64));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unaryCases")
    void unaryWithinOneUlp(UnaryOp op, DType type) {
        double[] in = unaryInputs(op, type);
        double[] out = applyUnary(op, type, in, preferred(type));
        for (int i = 0; i < in.length; i++) {
            Ulp.Ref ref = ExactMath.unary(op, in[i], type);
            double d = ref.distance(out[i]);
            String where = isReducedExactly(op, type, in[i]) ? " beyond the reduction's limit (StrictMath)" : "";
            record(op.name() + " " + type + where, d, text(in[i], type));
            double x = in[i];
            double r = out[i];
            assertTrue(d <= 1, () -> op + " " + type + "(" + text(x, type) + ") = " + text(r, type) + ", "
                    + ref.describe() + ": " + d + " ulp");
        }
        sameBitsAtEveryWidth(type, in, out, species -> applyUnary(op, type, in, species));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("binaryCases")
    void atan2WithinOneUlp(BinaryOp op, DType type) {
        double[][] in = atan2Inputs(type);
        double[] out = applyAtan2(type, in[0], in[1], preferred(type));
        for (int i = 0; i < out.length; i++) {
            Ulp.Ref ref = ExactMath.binary(op, in[0][i], in[1][i], type);
            double d = ref.distance(out[i]);
            record(op.name() + " " + type, d, text(in[0][i], type) + ", " + text(in[1][i], type));
            double y = in[0][i];
            double x = in[1][i];
            double r = out[i];
            assertTrue(d <= 1, () -> "atan2 " + type + "(" + text(y, type) + ", " + text(x, type) + ") = "
                    + text(r, type) + ", " + ref.describe() + ": " + d + " ulp");
        }
        sameBitsAtEveryWidth(type, in[0], out, species -> applyAtan2(type, in[0], in[1], species));
    }

    @AfterAll
    static void report() throws IOException {
        StringBuilder sb = new StringBuilder("# largest error of SimdTrig/SimdArcTrig, ulps of the correctly rounded result\n");
        MEASURED.forEach((k, v) -> sb.append(String.format(java.util.Locale.ROOT, "%s %.4f at %s%n", k, v.ulps(), v.argument())));
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "vector-trig-ulp.txt"), sb.toString());
    }

    private static boolean isReducedExactly(UnaryOp op, DType type, double x) {
        boolean trig = op == UnaryOp.SIN || op == UnaryOp.COS || op == UnaryOp.TAN;
        return trig && Math.abs(x) > (type == DType.F32 ? SimdTrig.REDUCE_MAX_F : SimdTrig.REDUCE_MAX_D)
                && !Double.isInfinite(x);
    }

    private static synchronized void record(String key, double ulps, String argument) {
        MEASURED.merge(key, new Worst(ulps, argument), (a, b) -> a.ulps() >= b.ulps() ? a : b);
    }

    private static void sameBitsAtEveryWidth(DType type, double[] in, double[] expected,
                                             java.util.function.Function<VectorSpecies<?>, double[]> run) {
        for (VectorSpecies<?> species : speciesUpToPreferred(type)) {
            double[] got = run.apply(species);
            for (int i = 0; i < in.length; i++) {
                long a = Double.doubleToRawLongBits(expected[i]);
                long b = Double.doubleToRawLongBits(got[i]);
                int lane = i;
                assertTrue(a == b || Double.isNaN(expected[i]) && Double.isNaN(got[i]),
                        () -> species + " gives " + got[lane] + " for element " + lane + " where the preferred width gives "
                                + expected[lane]);
            }
        }
    }

    private static VectorSpecies<?> preferred(DType type) {
        return type == DType.F32 ? FloatVector.SPECIES_PREFERRED : DoubleVector.SPECIES_PREFERRED;
    }

    private static List<VectorSpecies<?>> speciesUpToPreferred(DType type) {
        int max = preferred(type).vectorBitSize();
        List<VectorSpecies<?>> out = new ArrayList<>();
        for (int bits = 64; bits <= max; bits *= 2) {
            jdk.incubator.vector.VectorShape shape = jdk.incubator.vector.VectorShape.forBitSize(bits);
            if (type == DType.F64 && bits == 64) {
                out.add(DoubleVector.SPECIES_64);
            } else {
                out.add(type == DType.F32 ? FloatVector.SPECIES_64.withShape(shape) : DoubleVector.SPECIES_64.withShape(shape));
            }
        }
        return out;
    }

    // ---- evaluation ---------------------------------------------------------------------------------

    private static double[] applyUnary(UnaryOp op, DType type, double[] in, VectorSpecies<?> species) {
        if (type == DType.F32) {
            UnaryOperator<FloatVector> f = switch (op) {
                case SIN -> SimdTrig::sin;
                case COS -> SimdTrig::cos;
                case TAN -> SimdTrig::tan;
                case ASIN -> SimdArcTrig::asin;
                case ACOS -> SimdArcTrig::acos;
                case ATAN -> SimdArcTrig::atan;
                default -> throw new IllegalArgumentException(op.name());
            };
            @SuppressWarnings("unchecked")
            VectorSpecies<Float> s = (VectorSpecies<Float>) species;
            float[] x = toFloats(in, s.length());
            float[] y = new float[x.length];
            for (int i = 0; i < x.length; i += s.length()) {
                f.apply(FloatVector.fromArray(s, x, i)).intoArray(y, i);
            }
            return widen(y, in.length);
        }
        UnaryOperator<DoubleVector> f = switch (op) {
            case SIN -> SimdTrig::sin;
            case COS -> SimdTrig::cos;
            case TAN -> SimdTrig::tan;
            case ASIN -> SimdArcTrig::asin;
            case ACOS -> SimdArcTrig::acos;
            case ATAN -> SimdArcTrig::atan;
            default -> throw new IllegalArgumentException(op.name());
        };
        @SuppressWarnings("unchecked")
        VectorSpecies<Double> s = (VectorSpecies<Double>) species;
        double[] x = java.util.Arrays.copyOf(in, roundUp(in.length, s.length()));
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i += s.length()) {
            f.apply(DoubleVector.fromArray(s, x, i)).intoArray(y, i);
        }
        return java.util.Arrays.copyOf(y, in.length);
    }

    private static double[] applyAtan2(DType type, double[] ys, double[] xs, VectorSpecies<?> species) {
        if (type == DType.F32) {
            BinaryOperator<FloatVector> f = SimdArcTrig::atan2;
            @SuppressWarnings("unchecked")
            VectorSpecies<Float> s = (VectorSpecies<Float>) species;
            float[] y = toFloats(ys, s.length());
            float[] x = toFloats(xs, s.length());
            float[] r = new float[x.length];
            for (int i = 0; i < x.length; i += s.length()) {
                f.apply(FloatVector.fromArray(s, y, i), FloatVector.fromArray(s, x, i)).intoArray(r, i);
            }
            return widen(r, ys.length);
        }
        BinaryOperator<DoubleVector> f = SimdArcTrig::atan2;
        @SuppressWarnings("unchecked")
        VectorSpecies<Double> s = (VectorSpecies<Double>) species;
        double[] y = java.util.Arrays.copyOf(ys, roundUp(ys.length, s.length()));
        double[] x = java.util.Arrays.copyOf(xs, y.length);
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i += s.length()) {
            f.apply(DoubleVector.fromArray(s, y, i), DoubleVector.fromArray(s, x, i)).intoArray(r, i);
        }
        return java.util.Arrays.copyOf(r, ys.length);
    }

    private static int roundUp(int n, int lanes) {
        return (n + lanes - 1) / lanes * lanes;
    }

    private static float[] toFloats(double[] in, int lanes) {
        float[] x = new float[roundUp(in.length, lanes)];
        for (int i = 0; i < in.length; i++) {
            x[i] = (float) in[i];
        }
        return x;
    }

    private static double[] widen(float[] y, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = y[i];
        }
        return out;
    }

    // ---- inputs -------------------------------------------------------------------------------------

    private static double[] unaryInputs(UnaryOp op, DType type) {
        List<Double> v = new ArrayList<>(specials(type));
        SplittableRandom rng = new SplittableRandom(op.ordinal() * 31L + type.ordinal());
        boolean f32 = type == DType.F32;
        if (op == UnaryOp.SIN || op == UnaryOp.COS || op == UnaryOp.TAN) {
            nearMultiplesOfHalfPi(v, type, rng);
            double limit = f32 ? SimdTrig.REDUCE_MAX_F : SimdTrig.REDUCE_MAX_D;
            for (double t : new double[] {limit, -limit, f32 ? Math.nextUp((float) limit) : Math.nextUp(limit),
                    f32 ? Math.nextDown((float) limit) : Math.nextDown(limit), 1e22, -1e22, 1e300, 0x1p1023,
                    1e10, 1e15, 3.0e38, 6381956970095103.0 * 0x1p797, 5.319372648326541e255, 1.8e8}) {
                v.add(round(t, type));
            }
            if (f32) {
                // the floats below 2^30 whose distance to a multiple of pi/2 is smallest in their binade
                for (float t : new float[] {1.5707964f, 3.1415927f, 4.712389f, 9.424778f, 18.849556f, 37.699112f,
                        75.398224f, 252.89821f, 505.79642f, 1011.59283f, 2023.1857f, 2238.3848f, 4476.7695f,
                        8953.539f, 17907.078f, 52516.434f, 105032.87f, 210065.73f, 267058.94f, 534117.9f,
                        1068235.8f, 2709675.5f, 5419351.0f, 1.0838702E7f, 3.1942902E7f, 4.2781604E7f}) {
                    v.add((double) t);
                    v.add((double) -t);
                }
            }
        }
        for (int i = 0; i < SAMPLES; i++) {
            double x = switch (i % 6) {
                case 0 -> rawBits(type, rng);
                case 1 -> Math.scalb(1 + rng.nextDouble(), rng.nextInt(f32 ? -150 : -1075, f32 ? 21 : 35)) * sign(rng);
                case 2 -> (rng.nextDouble() * 2 - 1) * (op == UnaryOp.ASIN || op == UnaryOp.ACOS ? 1 : 4);
                case 3 -> (rng.nextDouble() * 2 - 1) * (op == UnaryOp.ATAN ? 1e6 : op == UnaryOp.ASIN || op == UnaryOp.ACOS ? 1 : 200);
                case 4 -> op == UnaryOp.ASIN || op == UnaryOp.ACOS ? (1 - Math.scalb(rng.nextDouble(), -rng.nextInt(1, 60))) * sign(rng)
                        : Math.scalb(1 + rng.nextDouble(), rng.nextInt(-30, f32 ? 19 : 33)) * sign(rng);
                default -> (rng.nextDouble() * 2 - 1) * 1e4;
            };
            v.add(round(x, type));
        }
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The representable values nearest to k pi/2 and their neighbours, for k across the reduction's range. */
    private static void nearMultiplesOfHalfPi(List<Double> v, DType type, SplittableRandom rng) {
        java.math.BigDecimal halfPi = ch.obermuhlner.math.big.BigDecimalMath.pi(new java.math.MathContext(60))
                .divide(java.math.BigDecimal.TWO);
        List<Long> ks = new ArrayList<>();
        for (long k = 1; k <= 64; k++) {
            ks.add(k);
        }
        for (int i = 0; i < 400; i++) {
            ks.add(1L + (long) Math.scalb(rng.nextDouble(), rng.nextInt(6, type == DType.F32 ? 20 : 34)));
        }
        for (long k : ks) {
            java.math.BigDecimal exact = halfPi.multiply(java.math.BigDecimal.valueOf(k));
            double near = type == DType.F32 ? exact.floatValue() : exact.doubleValue();
            for (double t : new double[] {near, type == DType.F32 ? Math.nextUp((float) near) : Math.nextUp(near),
                    type == DType.F32 ? Math.nextDown((float) near) : Math.nextDown(near)}) {
                v.add(t);
                v.add(-t);
            }
        }
    }

    private static List<Double> specials(DType type) {
        List<Double> v = new ArrayList<>();
        for (long bits : dev.flynn.conformance.Values.specials(type)) {
            v.add(type == DType.F32 ? Float.intBitsToFloat((int) bits) : Double.longBitsToDouble(bits));
        }
        return v;
    }

    private static double[][] atan2Inputs(DType type) {
        List<Double> ys = new ArrayList<>();
        List<Double> xs = new ArrayList<>();
        List<Double> sp = specials(type);
        for (double y : sp) {
            for (double x : sp) {
                ys.add(y);
                xs.add(x);
            }
        }
        SplittableRandom rng = new SplittableRandom(77 + type.ordinal());
        boolean f32 = type == DType.F32;
        for (int i = 0; i < SAMPLES; i++) {
            double y;
            double x;
            switch (i % 4) {
                case 0 -> {
                    y = rawBits(type, rng);
                    x = rawBits(type, rng);
                }
                case 1 -> {
                    y = Math.scalb(1 + rng.nextDouble(), rng.nextInt(f32 ? -150 : -1075, f32 ? 128 : 1024)) * sign(rng);
                    x = Math.scalb(1 + rng.nextDouble(), rng.nextInt(f32 ? -150 : -1075, f32 ? 128 : 1024)) * sign(rng);
                }
                case 2 -> {
                    y = (rng.nextDouble() * 2 - 1) * 10;
                    x = (rng.nextDouble() * 2 - 1) * 10;
                }
                default -> {
                    // near the diagonals and axes, where the quadrant rules and the reduction meet
                    x = Math.scalb(1 + rng.nextDouble(), rng.nextInt(-40, 40)) * sign(rng);
                    y = x * (1 + Math.scalb(rng.nextDouble() * 2 - 1, -rng.nextInt(1, 50))) * sign(rng);
                }
            }
            ys.add(round(y, type));
            xs.add(round(x, type));
        }
        return new double[][] {ys.stream().mapToDouble(Double::doubleValue).toArray(),
                xs.stream().mapToDouble(Double::doubleValue).toArray()};
    }

    private static double rawBits(DType type, SplittableRandom rng) {
        return type == DType.F32 ? Float.intBitsToFloat(rng.nextInt()) : Double.longBitsToDouble(rng.nextLong());
    }

    private static double sign(SplittableRandom rng) {
        return rng.nextBoolean() ? 1 : -1;
    }

    private static double round(double x, DType type) {
        return type == DType.F32 ? (float) x : x;
    }

    private static String text(double v, DType type) {
        return type == DType.F32 ? (float) v + "f [0x" + Integer.toHexString(Float.floatToRawIntBits((float) v)) + "]"
                : v + " [0x" + Long.toHexString(Double.doubleToRawLongBits(v)) + "]";
    }
}
