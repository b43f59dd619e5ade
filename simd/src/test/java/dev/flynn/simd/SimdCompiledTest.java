package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same checks after {@link SimdBackend#warmUp}: C2's code for an op can differ from the Vector
 * API's Java fallback (C2 calls SVML for transcendentals and its own sequences for conversions and
 * min/max), so both must meet the contract.
 */
class SimdCompiledTest {
    static final Flynn SIMD = Flynn.builder().backend(Backend.SIMD).threads(1).build();
    static final int N = 1 << 15;
    static final List<String> SPECIAL_MISMATCHES = new ArrayList<>();

    /**
     * Max ulp error of each transcendental after C2 (SVML on x86), against StrictMath (F64) or StrictMath
     * rounded once (F32): measured 1 for every op and type except F64 tanh (2).
     */
    static double ulpBound(String op, DType t) {
        return t == DType.F64 && op.equals("tanh") ? 2.0 : 1.0;
    }

    @Test
    void exactOpsStayExactWhenCompiled() {
        float[] x = SimdMapTest.floats(N, 5);
        double[] d = SimdMapTest.doubles(N, 6);
        for (String e : SimdMapTest.EXACT_UNARY) {
            Kernel kf = Kernel.parse(e, DType.F32);
            Kernel kd = Kernel.parse(e, DType.F64);
            SimdBackend.warmUp(kf);
            SimdBackend.warmUp(kd);
            float[] of = SIMD.floats(kf, x);
            double[] od = SIMD.doubles(kd, d);
            for (int i = 0; i < N; i++) {
                float want = e.equals("abs(x)") ? Math.abs(x[i]) : e.equals("-x") ? -x[i]
                        : e.equals("signum(x)") ? Math.signum(x[i]) : (float) SimdMapTest.unaryRef(e, x[i]);
                SimdMapTest.assertBits(want, of[i], e, x[i]);
                SimdMapTest.assertBits(SimdMapTest.unaryRef(e, d[i]), od[i], e, d[i]);
            }
        }
        for (String e : List.of("min(x, y)", "max(x, y)")) {
            Kernel k = Kernel.parse(e, DType.F32);
            SimdBackend.warmUp(k);
            float[] y = SimdMapTest.floats(N, 7);
            float[] o = SIMD.floats(k, x, y);
            for (int i = 0; i < N; i++) {
                SimdMapTest.assertBits(SimdMapTest.binaryRefF(e, x[i], y[i]), o[i], e, x[i]);
            }
        }
        List<DType> types = List.of(DType.F32, DType.F64, DType.I32, DType.I64);
        for (DType from : types) {
            for (DType to : types) {
                if (from == to) {
                    continue;
                }
                Kernel k = Kernel.parse(to.label() + "(x)", from);
                SimdBackend.warmUp(k);
                Object in = SimdMapTest.data(from, N, from.ordinal() * 7L + to.ordinal());
                Object out = SIMD.apply(k, in);
                for (int i = 0; i < N; i++) {
                    assertEquals(SimdMapTest.javaCast(in, i, to), java.lang.reflect.Array.get(out, i), from + "->" + to);
                }
            }
        }
    }

    /**
     * Fast mode's SVML routines (the surefire execution {@code fast-math} runs this class with
     * {@code -Dflynn.simd.fastMath=true}); the default own math is measured by SimdExpLogTest and the
     * conformance suite.
     */
    @Test
    void transcendentalsWithinTheirUlpBounds() {
        Assumptions.assumeTrue(SimdRoutines.FAST_MATH, "measures fast mode only: run with -Dflynn.simd.fastMath=true");
        List<String> report = new ArrayList<>();
        String[] unary = {"cbrt", "exp", "expm1", "log", "log1p", "log10", "sin", "cos", "tan", "asin", "acos", "atan",
                "sinh", "cosh", "tanh"};
        for (DType t : List.of(DType.F32, DType.F64)) {
            for (String op : unary) {
                DoubleUnaryOperator ref = strict(op);
                double[] in = inputs(op, t, 1);
                double worst = measure(Kernel.parse(op + "(x)", t), t, in, null, (a, b) -> ref.applyAsDouble(a));
                report.add(String.format(Locale.ROOT, "%s %s %.2f", op, t, worst));
                assertTrue(worst <= ulpBound(op, t), op + " " + t + ": " + worst + " ulp");
            }
            for (String op : new String[]{"atan2", "pow", "hypot"}) {
                DoubleBinaryOperator ref = switch (op) {
                    case "atan2" -> StrictMath::atan2;
                    case "pow" -> StrictMath::pow;
                    default -> StrictMath::hypot;
                };
                double[] a = inputs(op, t, 2);
                double[] b = inputs(op, t, 3);
                // the pairs where Java and C99 disagree
                a[0] = -1; b[0] = Double.POSITIVE_INFINITY;
                a[1] = 1; b[1] = Double.NaN;
                a[2] = 1; b[2] = Double.NEGATIVE_INFINITY;
                a[3] = Double.NaN; b[3] = 0;
                double worst = measure(Kernel.parse(op + "(x, y)", t), t, a, b, ref);
                report.add(String.format(Locale.ROOT, "%s %s %.2f", op, t, worst));
                assertTrue(worst <= ulpBound(op, t), op + " " + t + ": " + worst + " ulp");
            }
        }
        System.out.println("max ulp error (simd, after warm-up): " + String.join("; ", report));
        assertEquals(List.of(), SPECIAL_MISMATCHES, "special values differ from Math");
    }

    static DoubleUnaryOperator strict(String op) {
        return switch (op) {
            case "cbrt" -> StrictMath::cbrt;
            case "exp" -> StrictMath::exp;
            case "expm1" -> StrictMath::expm1;
            case "log" -> StrictMath::log;
            case "log1p" -> StrictMath::log1p;
            case "log10" -> StrictMath::log10;
            case "sin" -> StrictMath::sin;
            case "cos" -> StrictMath::cos;
            case "tan" -> StrictMath::tan;
            case "asin" -> StrictMath::asin;
            case "acos" -> StrictMath::acos;
            case "atan" -> StrictMath::atan;
            case "sinh" -> StrictMath::sinh;
            case "cosh" -> StrictMath::cosh;
            default -> StrictMath::tanh;
        };
    }

    /** Random values over the op's useful domain, with the special values of the type mixed in. */
    static double[] inputs(String op, DType t, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double scale = switch (op) {
            case "exp", "expm1", "sinh", "cosh" -> 80;
            case "asin", "acos", "tanh", "atan" -> 1.2;
            case "pow" -> 10;
            case "sin", "cos", "tan" -> 100;
            default -> 1e6;
        };
        double[] in = new double[N];
        for (int i = 0; i < N; i++) {
            int k = r.nextInt(8);
            double v = k == 0 ? SimdMapTest.D_SPECIAL[r.nextInt(SimdMapTest.D_SPECIAL.length)]
                    : k == 1 ? (r.nextDouble() * 2 - 1) * 1e-3 : (r.nextDouble() * 2 - 1) * scale;
            in[i] = t == DType.F32 ? (float) v : v;
        }
        return in;
    }

    /** Max error in ulps of the result type, against StrictMath (F64) or StrictMath rounded once (F32). */
    static double measure(Kernel k, DType t, double[] a, double[] b, DoubleBinaryOperator ref) {
        SimdBackend.warmUp(k);
        Object x = t == DType.F32 ? toFloats(a) : a;
        Object y = b == null ? null : t == DType.F32 ? toFloats(b) : b;
        Object out = y == null ? SIMD.apply(k, x) : SIMD.apply(k, x, y);
        double worst = 0;
        for (int i = 0; i < N; i++) {
            double want = ref.applyAsDouble(a[i], b == null ? 0 : b[i]);
            double got = SimdMapTest.get(out, i);
            if (t == DType.F32) {
                want = (float) want;
            }
            if (Double.isNaN(want) || Double.isInfinite(want) || want == 0) {
                if (Double.doubleToLongBits(want) != Double.doubleToLongBits(got) && SPECIAL_MISMATCHES.size() < 40) {
                    SPECIAL_MISMATCHES.add(k + " " + t + " of " + a[i] + (b == null ? "" : ", " + b[i]) + ": want " + want + " got " + got);
                }
                continue;
            }
            double ulp = t == DType.F32 ? Math.ulp((float) want) : Math.ulp(want);
            worst = Math.max(worst, Math.abs(got - want) / ulp);
        }
        return worst;
    }

    static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
