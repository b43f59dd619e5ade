package dev.flynn.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Flynn's own sin, cos, tan, asin, acos, atan and atan2 ({@link SimdTrig}, {@link SimdArcTrig})
 * against the Vector API's operators, which C2 compiles to the JDK's SVML stubs (the yardstick), in
 * the same hand-written loop over 256K elements, F32 and F64, one thread. The class sits in the simd
 * package because the functions are package-private; {@code own} and {@code svml} are the pair.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class SimdTrigBenchmark {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    @Param({"sin", "cos", "tan", "asin", "acos", "atan", "atan2"})
    public String op;

    @Param({"f32", "f64"})
    public String dtype;

    @Param({"262144"})
    public int n;

    private float[] xf;
    private float[] yf;
    private float[] of;
    private double[] xd;
    private double[] yd;
    private double[] od;

    /** Arguments in the op's domain: [-1, 1] for asin and acos, [-100, 100] otherwise. */
    @Setup(Level.Trial)
    public void setUp() {
        double scale = op.equals("asin") || op.equals("acos") ? 1 : 100;
        SplittableRandom rng = new SplittableRandom(42);
        xf = new float[n];
        yf = new float[n];
        of = new float[n];
        xd = new double[n];
        yd = new double[n];
        od = new double[n];
        for (int i = 0; i < n; i++) {
            xd[i] = (rng.nextDouble() * 2 - 1) * scale;
            yd[i] = (rng.nextDouble() * 2 - 1) * scale;
            xf[i] = (float) xd[i];
            yf[i] = (float) yd[i];
        }
    }

    @Benchmark
    public Object own() {
        if (dtype.equals("f32")) {
            switch (op) {
                case "sin" -> sinOwnF32();
                case "cos" -> cosOwnF32();
                case "tan" -> tanOwnF32();
                case "asin" -> asinOwnF32();
                case "acos" -> acosOwnF32();
                case "atan" -> atanOwnF32();
                default -> atan2OwnF32();
            }
            return of;
        }
        switch (op) {
            case "sin" -> sinOwnF64();
            case "cos" -> cosOwnF64();
            case "tan" -> tanOwnF64();
            case "asin" -> asinOwnF64();
            case "acos" -> acosOwnF64();
            case "atan" -> atanOwnF64();
            default -> atan2OwnF64();
        }
        return od;
    }

    /** The same loops with the operators; each names its operator as a constant, which C2 needs to intrinsify it. */
    @Benchmark
    public Object svml() {
        if (dtype.equals("f32")) {
            switch (op) {
                case "sin" -> sinSvmlF32();
                case "cos" -> cosSvmlF32();
                case "tan" -> tanSvmlF32();
                case "asin" -> asinSvmlF32();
                case "acos" -> acosSvmlF32();
                case "atan" -> atanSvmlF32();
                default -> atan2SvmlF32();
            }
            return of;
        }
        switch (op) {
            case "sin" -> sinSvmlF64();
            case "cos" -> cosSvmlF64();
            case "tan" -> tanSvmlF64();
            case "asin" -> asinSvmlF64();
            case "acos" -> acosSvmlF64();
            case "atan" -> atanSvmlF64();
            default -> atan2SvmlF64();
        }
        return od;
    }

    // one method per loop: C2 compiles each on its own, as a kernel is, within its own inlining budget

    private void sinOwnF32() {
        for (int i = 0; i < n; i += F.length()) SimdTrig.sin(FloatVector.fromArray(F, xf, i)).intoArray(of, i);
    }

    private void cosOwnF32() {
        for (int i = 0; i < n; i += F.length()) SimdTrig.cos(FloatVector.fromArray(F, xf, i)).intoArray(of, i);
    }

    private void tanOwnF32() {
        for (int i = 0; i < n; i += F.length()) SimdTrig.tan(FloatVector.fromArray(F, xf, i)).intoArray(of, i);
    }

    private void asinOwnF32() {
        for (int i = 0; i < n; i += F.length()) SimdArcTrig.asin(FloatVector.fromArray(F, xf, i)).intoArray(of, i);
    }

    private void acosOwnF32() {
        for (int i = 0; i < n; i += F.length()) SimdArcTrig.acos(FloatVector.fromArray(F, xf, i)).intoArray(of, i);
    }

    private void atanOwnF32() {
        for (int i = 0; i < n; i += F.length()) SimdArcTrig.atan(FloatVector.fromArray(F, xf, i)).intoArray(of, i);
    }

    private void atan2OwnF32() {
        for (int i = 0; i < n; i += F.length()) SimdArcTrig.atan2(FloatVector.fromArray(F, yf, i), FloatVector.fromArray(F, xf, i)).intoArray(of, i);
    }

    private void sinOwnF64() {
        for (int i = 0; i < n; i += D.length()) SimdTrig.sin(DoubleVector.fromArray(D, xd, i)).intoArray(od, i);
    }

    private void cosOwnF64() {
        for (int i = 0; i < n; i += D.length()) SimdTrig.cos(DoubleVector.fromArray(D, xd, i)).intoArray(od, i);
    }

    private void tanOwnF64() {
        for (int i = 0; i < n; i += D.length()) SimdTrig.tan(DoubleVector.fromArray(D, xd, i)).intoArray(od, i);
    }

    private void asinOwnF64() {
        for (int i = 0; i < n; i += D.length()) SimdArcTrig.asin(DoubleVector.fromArray(D, xd, i)).intoArray(od, i);
    }

    private void acosOwnF64() {
        for (int i = 0; i < n; i += D.length()) SimdArcTrig.acos(DoubleVector.fromArray(D, xd, i)).intoArray(od, i);
    }

    private void atanOwnF64() {
        for (int i = 0; i < n; i += D.length()) SimdArcTrig.atan(DoubleVector.fromArray(D, xd, i)).intoArray(od, i);
    }

    private void atan2OwnF64() {
        for (int i = 0; i < n; i += D.length()) SimdArcTrig.atan2(DoubleVector.fromArray(D, yd, i), DoubleVector.fromArray(D, xd, i)).intoArray(od, i);
    }

    private void sinSvmlF32() {
        for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, xf, i).lanewise(VectorOperators.SIN).intoArray(of, i);
    }

    private void cosSvmlF32() {
        for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, xf, i).lanewise(VectorOperators.COS).intoArray(of, i);
    }

    private void tanSvmlF32() {
        for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, xf, i).lanewise(VectorOperators.TAN).intoArray(of, i);
    }

    private void asinSvmlF32() {
        for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, xf, i).lanewise(VectorOperators.ASIN).intoArray(of, i);
    }

    private void acosSvmlF32() {
        for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, xf, i).lanewise(VectorOperators.ACOS).intoArray(of, i);
    }

    private void atanSvmlF32() {
        for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, xf, i).lanewise(VectorOperators.ATAN).intoArray(of, i);
    }

    private void atan2SvmlF32() {
        for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, yf, i).lanewise(VectorOperators.ATAN2, FloatVector.fromArray(F, xf, i)).intoArray(of, i);
    }

    private void sinSvmlF64() {
        for (int i = 0; i < n; i += D.length()) DoubleVector.fromArray(D, xd, i).lanewise(VectorOperators.SIN).intoArray(od, i);
    }

    private void cosSvmlF64() {
        for (int i = 0; i < n; i += D.length()) DoubleVector.fromArray(D, xd, i).lanewise(VectorOperators.COS).intoArray(od, i);
    }

    private void tanSvmlF64() {
        for (int i = 0; i < n; i += D.length()) DoubleVector.fromArray(D, xd, i).lanewise(VectorOperators.TAN).intoArray(od, i);
    }

    private void asinSvmlF64() {
        for (int i = 0; i < n; i += D.length()) DoubleVector.fromArray(D, xd, i).lanewise(VectorOperators.ASIN).intoArray(od, i);
    }

    private void acosSvmlF64() {
        for (int i = 0; i < n; i += D.length()) DoubleVector.fromArray(D, xd, i).lanewise(VectorOperators.ACOS).intoArray(od, i);
    }

    private void atanSvmlF64() {
        for (int i = 0; i < n; i += D.length()) DoubleVector.fromArray(D, xd, i).lanewise(VectorOperators.ATAN).intoArray(od, i);
    }

    private void atan2SvmlF64() {
        for (int i = 0; i < n; i += D.length()) DoubleVector.fromArray(D, yd, i).lanewise(VectorOperators.ATAN2, DoubleVector.fromArray(D, xd, i)).intoArray(od, i);
    }
}
