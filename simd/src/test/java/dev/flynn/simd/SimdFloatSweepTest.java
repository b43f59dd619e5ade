package dev.flynn.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The F32 routines computed in float lanes ({@link SimdExpLog}'s exp, expm1, sinh, cosh, tanh, cbrt,
 * log, log10, log1p, and {@link SimdArcTrig}'s asin and acos) swept over the float bit patterns: every {@code STRIDE}-th pattern from a per-op
 * offset (131,072 inputs each by default, positive and negative, normal and subnormal), plus the patterns
 * next to each op's thresholds. A float has only 2^32 values, so {@code -Dflynn.test.f32Stride=1} checks
 * every one (an hour or more per op on a loaded 2-core machine). The reference is {@code Math} on the
 * double argument, within 2.5 ulp of the exact value in double (1 ulp but for sinh, cosh, tanh), under
 * 2^-27 of a float ulp; a result must lie within {@link #BOUND} of it, in ulps of the float binade
 * holding the reference. Special results (NaN, infinities, zeros, and where the float overflows) must
 * equal Java's (the double result rounded to float) exactly.
 */
class SimdFloatSweepTest {
    /** 1 ulp less the reference's own error (under 2^-27 ulp), rounded down generously. */
    static final double BOUND = 1.0 - 0x1p-20;
    private static final long STRIDE = Long.getLong("flynn.test.f32Stride", 1L << 15);
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    enum Op {
        EXP(SimdExpLog::exp, Math::exp, 88.72284f, -103.97208f, -87.33655f),
        LOG(SimdExpLog::log, Math::log, 1f, 0x1p-126f, Float.MIN_VALUE),
        LOG10(SimdExpLog::log10, Math::log10, 1f, 10f, 0x1p-126f),
        LOG1P(SimdExpLog::log1p, Math::log1p, -1f, 0x1p-25f, -0x1p-25f),
        // overflow, argument rounding to itself, the switch from k = 0 to 1, the result rounding to -1
        EXPM1(SimdExpLog::expm1, Math::expm1, 88.72284f, 0x1p-25f, 0.34657359f, 17.32868f, 20f),
        // small argument, the switch to e^|x| / 2, overflow
        SINH(SimdExpLog::sinh, Math::sinh, 0x1p-25f, 0.34657359f, 12f, 89.41599f),
        COSH(SimdExpLog::cosh, Math::cosh, 0.34657359f, 12f, 89.41599f),
        // small argument, 2x crossing ln2/2, the result rounding to 1, the switch to 1
        TANH(SimdExpLog::tanh, Math::tanh, 0x1p-13f, 0.1732868f, 9.010913f, 10f),
        // subnormal arguments, each residue of the exponent mod 3
        CBRT(SimdExpLog::cbrt, Math::cbrt, 0x1p-126f, 1f, 2f, 4f, 8f, Float.MAX_VALUE),
        // the switch from the series to pi/2 - 2 asin(sqrt((1 - |x|) / 2)), the domain's end, the argument
        // rounding to itself
        ASIN(SimdArcTrig::asin, Math::asin, 0.5f, 1f, 0x1p-12f),
        ACOS(SimdArcTrig::acos, Math::acos, 0.5f, 1f, 0x1p-25f);

        final UnaryOperator<FloatVector> routine;
        final DoubleUnaryOperator reference;
        /** Arguments where the function changes regime; their float neighbours are checked too. */
        final float[] edges;

        Op(UnaryOperator<FloatVector> routine, DoubleUnaryOperator reference, float... edges) {
            this.routine = routine;
            this.reference = reference;
            this.edges = edges;
        }
    }

    @ParameterizedTest
    @EnumSource(Op.class)
    void withinOneUlpOfJavaOnEveryFloatSampled(Op op) {
        Sweep s = new Sweep(op);
        for (long bits = op.ordinal() * 7919L % STRIDE; bits < 1L << 32; bits += STRIDE) {
            s.add(Float.intBitsToFloat((int) bits));
        }
        for (float edge : op.edges) {
            for (float e : new float[] {edge, -edge}) {
                float x = e;
                for (int i = 0; i < 64; i++) {
                    x = Math.nextDown(x);
                }
                for (int i = 0; i < 129; i++, x = Math.nextUp(x)) {
                    s.add(x);
                }
            }
        }
        for (float special : new float[] {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_VALUE, 1f, -1f}) {
            s.add(special);
        }
        s.flush();
        System.out.printf("SimdFloatSweepTest %s: %d inputs, largest error %.4f ulp at %a, %d differ from Java%n",
                op, s.count, s.worst, s.worstAt, s.notRounded);
        assertTrue(s.worst <= BOUND, op + ": " + s.worst + " ulp at " + s.worstAt);
    }

    /** The distance in float ulps of {@code got} from {@code ref}, or -1 where the two must be equal and are. */
    static double distance(float got, double ref) {
        float rounded = (float) ref;
        if (Double.isNaN(ref) || Double.isInfinite(ref) || ref == 0 || Float.isInfinite(rounded)) {
            return -1;
        }
        // the ulp of the binade holding ref, not of its rounding (which may be the next binade up)
        float below = Math.abs((double) rounded) > Math.abs(ref) ? Math.nextDown(Math.abs(rounded)) : Math.abs(rounded);
        return Math.abs(got - ref) / Math.ulp(below);
    }

    private static final class Sweep {
        private final Op op;
        private final float[] in = new float[4096];
        private final float[] out = new float[in.length];
        private int n;
        long count;
        long notRounded;
        double worst;
        float worstAt;

        Sweep(Op op) {
            this.op = op;
        }

        void add(float x) {
            in[n++] = x;
            if (n == in.length) {
                flush();
            }
        }

        void flush() {
            int i = 0;
            for (; i < SPECIES.loopBound(n); i += SPECIES.length()) {
                op.routine.apply(FloatVector.fromArray(SPECIES, in, i)).intoArray(out, i);
            }
            if (i < n) {
                var m = SPECIES.indexInRange(i, n);
                op.routine.apply(FloatVector.fromArray(SPECIES, in, i, m)).intoArray(out, i, m);
            }
            for (int j = 0; j < n; j++) {
                float x = in[j];
                double ref = op.reference.applyAsDouble(x);
                double d = distance(out[j], ref);
                if (d < 0) {
                    float want = (float) ref;
                    assertEquals(Float.isNaN(want) ? "NaN" : Integer.toHexString(Float.floatToIntBits(want)),
                            Float.isNaN(out[j]) ? "NaN" : Integer.toHexString(Float.floatToIntBits(out[j])),
                            op + " of " + x + " (" + Float.toHexString(x) + "): Java gives " + want + ", got " + out[j]);
                    continue;
                }
                if (out[j] != (float) ref) {
                    notRounded++;
                }
                if (d > worst) {
                    worst = d;
                    worstAt = x;
                }
            }
            count += n;
            n = 0;
        }
    }
}
