package dev.flynn.conformance;

import ch.obermuhlner.math.big.BigDecimalMath;
import dev.flynn.DType;
import dev.flynn.ir.UnaryOp;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ulp checker must catch deliberately wrong implementations, or the suite proves nothing. */
class UlpTest {
    private static final MathContext MC = new MathContext(40);

    /** The largest distance of {@code impl} from exp over seeded arguments in [-700, 700]. */
    private static double worstExp(DoubleUnaryOperator impl) {
        SplittableRandom rng = new SplittableRandom(42);
        double worst = 0;
        for (int i = 0; i < 300; i++) {
            double x = -700 + 1400 * rng.nextDouble();
            worst = Math.max(worst, Ulp.distance(impl.applyAsDouble(x), BigDecimalMath.exp(new BigDecimal(x), MC), DType.F64));
        }
        return worst;
    }

    @Test
    void javaExpIsWithinOneUlp() {
        double worst = worstExp(Math::exp);
        assertTrue(worst <= 1, "Math.exp measured " + worst + " ulp");
        assertTrue(worst > 0.4, "a correctly rounded result is up to half an ulp from the exact value: " + worst);
    }

    @Test
    void offByTwoUlpsIsCaught() {
        double worst = worstExp(x -> Math.nextUp(Math.nextUp(Math.exp(x))));
        assertTrue(worst >= 1.5, "two ulps too high measured " + worst);
        assertTrue(worstExp(x -> Math.nextDown(Math.nextDown(Math.exp(x)))) >= 1.5);
    }

    @Test
    void oneUlpOffIsMeasuredBetweenHalfAndOneAndAHalf() {
        BigDecimal exact = BigDecimalMath.exp(BigDecimal.ONE, MC);
        double cr = exact.doubleValue();
        double d = Ulp.distance(Math.nextUp(cr), exact, DType.F64);
        assertTrue(d >= 0.5 && d <= 1.5, "one ulp above the correctly rounded value measured " + d);
        assertTrue(Ulp.distance(cr, exact, DType.F64) <= 0.5);
    }

    @Test
    void floatPrecisionPassedOffAsDoubleIsCaught() {
        double worst = worstExp(x -> (double) (float) Math.exp(x));
        assertTrue(worst > 1e6, "exp rounded to float measured only " + worst + " ulp of double");
    }

    @Test
    void doublePrecisionPassedOffAsFloatIsCaught() {
        BigDecimal exact = BigDecimalMath.exp(new BigDecimal(1.5f), MC);
        assertEquals(Double.POSITIVE_INFINITY, Ulp.distance(Math.exp(1.5f), exact, DType.F32),
                "an F32 result must be a float");
        assertTrue(Ulp.distance((float) Math.exp(1.5f), exact, DType.F32) <= 0.5);
    }

    @Test
    void floatUlpsAreFloatSized() {
        BigDecimal exact = new BigDecimal(1.25f);
        assertEquals(1.0, Ulp.distance(Math.nextUp(1.25f), exact, DType.F32));
        assertEquals(0.0, Ulp.distance(1.25f, exact, DType.F32));
        assertEquals(1.0, Ulp.distance(Math.nextUp(1.25), exact, DType.F64));
    }

    @Test
    void wrongSignOfZeroIsCaught() {
        assertEquals(Double.POSITIVE_INFINITY, Ulp.exactly(-0.0, DType.F64).distance(0.0));
        assertEquals(Double.POSITIVE_INFINITY, Ulp.exactly(0.0, DType.F32).distance(-0.0));
        assertEquals(0.0, Ulp.exactly(-0.0, DType.F64).distance(-0.0));
        // a tiny negative exact value that underflows: -0.0 is right, +0.0 is not
        BigDecimal tinyNegative = new BigDecimal("-1e-400");
        assertEquals(0.0, Ulp.distance(-0.0, tinyNegative, DType.F64), 1e-70);
        assertEquals(Double.POSITIVE_INFINITY, Ulp.distance(0.0, tinyNegative, DType.F64));
    }

    @Test
    void nanWhereANumberIsDueAndTheReverseAreCaught() {
        assertEquals(Double.POSITIVE_INFINITY, Ulp.distance(Double.NaN, BigDecimal.ONE, DType.F64));
        assertEquals(Double.POSITIVE_INFINITY, Ulp.exactly(Double.NaN, DType.F64).distance(1.0));
        assertEquals(0.0, Ulp.exactly(Double.NaN, DType.F64).distance(Double.longBitsToDouble(0x7ff0_0000_0000_0001L)),
                "any NaN is a NaN");
    }

    @Test
    void infinitiesMustMatch() {
        BigDecimal beyond = new BigDecimal("1e400");
        assertEquals(0.0, Ulp.distance(Double.POSITIVE_INFINITY, beyond, DType.F64));
        assertEquals(Double.POSITIVE_INFINITY, Ulp.distance(Double.NEGATIVE_INFINITY, beyond, DType.F64));
        assertTrue(Ulp.distance(Double.MAX_VALUE, beyond, DType.F64) > 1e10, "MAX_VALUE for 1e400");
        assertEquals(Double.POSITIVE_INFINITY, Ulp.distance(Double.POSITIVE_INFINITY, BigDecimal.TEN, DType.F64));
        assertEquals(Double.POSITIVE_INFINITY, Ulp.exactly(Double.POSITIVE_INFINITY, DType.F64).distance(Double.MAX_VALUE));
        // exp overflows at 709.7827...: MAX_VALUE is one ulp from an exact value just past it
        BigDecimal justPast = new BigDecimal(Double.MAX_VALUE).add(new BigDecimal(Math.ulp(Double.MAX_VALUE)).multiply(new BigDecimal("0.6")));
        assertEquals(0.6, Ulp.distance(Double.MAX_VALUE, justPast, DType.F64), 1e-9);
    }

    @Test
    void subnormalsAreMeasuredInTheirOwnSpacing() {
        BigDecimal twoAndAHalf = new BigDecimal(Double.MIN_VALUE).multiply(new BigDecimal("2.5"));
        assertEquals(0.5, Ulp.distance(2 * Double.MIN_VALUE, twoAndAHalf, DType.F64), 1e-12);
        assertEquals(2.5, Ulp.distance(0.0, twoAndAHalf, DType.F64), 1e-12, "flushing a subnormal to zero");
    }

    @Test
    void theUnitIsTheBinadeOfTheExactValue() {
        // just below 2: ulps are those of [1, 2), and 2.0 is half of one of them away
        BigDecimal below = new BigDecimal(2).subtract(new BigDecimal(Math.ulp(1.0)).divide(BigDecimal.TWO));
        assertEquals(0.5, Ulp.distance(2.0, below, DType.F64), 1e-12);
        assertEquals(0.5, Ulp.distance(Math.nextDown(2.0), below, DType.F64), 1e-12);
    }

    @Test
    void anExactZeroNeedsASign() {
        assertThrows(IllegalArgumentException.class, () -> Ulp.near(BigDecimal.ZERO, DType.F64));
        assertThrows(IllegalArgumentException.class, () -> Ulp.exactly(1, DType.I32));
    }

    @Test
    void referencesAgreeWithJavaMathWithinItsDocumentedBounds() {
        // checks the references themselves: Math is within 1 ulp (2.5 for sinh, cosh, tanh) of them
        SplittableRandom rng = new SplittableRandom(7);
        for (UnaryOp op : UnaryOp.values()) {
            if (!op.transcendental()) {
                continue;
            }
            double bound = switch (op) {
                case SINH, COSH, TANH -> 2.5;
                default -> 1;
            };
            for (DType t : new DType[]{DType.F32, DType.F64}) {
                long[] xs = Values.concat(Values.specials(t), Values.random(t, rng, 60, dev.flynn.conformance.Ops.domain(op, t)));
                for (long bits : xs) {
                    double x = Columns.value(t, bits);
                    double java = JavaOps.floating(op, x, t);
                    Ulp.Ref ref = ExactMath.unary(op, x, t);
                    double d = ref.distance(java);
                    assertTrue(d <= bound, op + " " + t + " of " + x + ": Java gives " + java + ", reference "
                            + ref.describe() + ", " + d + " ulp");
                }
            }
        }
    }

    @Test
    void trigonometricReferencesReduceHugeArgumentsExactly() {
        // sin(1e22) = -0.8522008497671888017727..., a classic test of argument reduction
        Ulp.Ref ref = ExactMath.unary(UnaryOp.SIN, 1e22, DType.F64);
        assertTrue(ref.distance(-0.8522008497671888) <= 0.5, ref.describe());
        assertTrue(ref.distance(Math.sin(1e22)) <= 1);
    }
}
