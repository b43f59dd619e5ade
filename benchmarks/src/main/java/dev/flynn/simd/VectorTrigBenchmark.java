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
 * Flynn's own sin, cos, tan, asin, acos, atan and atan2 ({@link VectorTrig}, {@link VectorArcTrig})
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
public class VectorTrigBenchmark {
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
                case "sin" -> { for (int i = 0; i < n; i += F.length()) VectorTrig.sin(FloatVector.fromArray(F, xf, i)).intoArray(of, i); }
                case "cos" -> { for (int i = 0; i < n; i += F.length()) VectorTrig.cos(FloatVector.fromArray(F, xf, i)).intoArray(of, i); }
                case "tan" -> { for (int i = 0; i < n; i += F.length()) VectorTrig.tan(FloatVector.fromArray(F, xf, i)).intoArray(of, i); }
                case "asin" -> { for (int i = 0; i < n; i += F.length()) VectorArcTrig.asin(FloatVector.fromArray(F, xf, i)).intoArray(of, i); }
                case "acos" -> { for (int i = 0; i < n; i += F.length()) VectorArcTrig.acos(FloatVector.fromArray(F, xf, i)).intoArray(of, i); }
                case "atan" -> { for (int i = 0; i < n; i += F.length()) VectorArcTrig.atan(FloatVector.fromArray(F, xf, i)).intoArray(of, i); }
                default -> { for (int i = 0; i < n; i += F.length()) VectorArcTrig.atan2(FloatVector.fromArray(F, yf, i), FloatVector.fromArray(F, xf, i)).intoArray(of, i); }
            }
            return of;
        }
        switch (op) {
            case "sin" -> { for (int i = 0; i < n; i += D.length()) VectorTrig.sin(DoubleVector.fromArray(D, xd, i)).intoArray(od, i); }
            case "cos" -> { for (int i = 0; i < n; i += D.length()) VectorTrig.cos(DoubleVector.fromArray(D, xd, i)).intoArray(od, i); }
            case "tan" -> { for (int i = 0; i < n; i += D.length()) VectorTrig.tan(DoubleVector.fromArray(D, xd, i)).intoArray(od, i); }
            case "asin" -> { for (int i = 0; i < n; i += D.length()) VectorArcTrig.asin(DoubleVector.fromArray(D, xd, i)).intoArray(od, i); }
            case "acos" -> { for (int i = 0; i < n; i += D.length()) VectorArcTrig.acos(DoubleVector.fromArray(D, xd, i)).intoArray(od, i); }
            case "atan" -> { for (int i = 0; i < n; i += D.length()) VectorArcTrig.atan(DoubleVector.fromArray(D, xd, i)).intoArray(od, i); }
            default -> { for (int i = 0; i < n; i += D.length()) VectorArcTrig.atan2(DoubleVector.fromArray(D, yd, i), DoubleVector.fromArray(D, xd, i)).intoArray(od, i); }
        }
        return od;
    }

    /** The same loops with the operators; each names its operator as a constant, which C2 needs to intrinsify it. */
    @Benchmark
    public Object svml() {
        if (dtype.equals("f32")) {
            switch (op) {
                case "sin" -> { for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, xf, i).lanewise(VectorOperators.SIN).intoArray(of, i); }
                case "cos" -> { for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, xf, i).lanewise(VectorOperators.COS).intoArray(of, i); }
                case "tan" -> { for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, xf, i).lanewise(VectorOperators.TAN).intoArray(of, i); }
                case "asin" -> { for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, xf, i).lanewise(VectorOperators.ASIN).intoArray(of, i); }
                case "acos" -> { for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, xf, i).lanewise(VectorOperators.ACOS).intoArray(of, i); }
                case "atan" -> { for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, xf, i).lanewise(VectorOperators.ATAN).intoArray(of, i); }
                default -> { for (int i = 0; i < n; i += F.length()) FloatVector.fromArray(F, yf, i).lanewise(VectorOperators.ATAN2, FloatVector.fromArray(F, xf, i)).intoArray(of, i); }
            }
            return of;
        }
        switch (op) {
            case "sin" -> { for (int i = 0; i < n; i += D.length()) DoubleVector.fromArray(D, xd, i).lanewise(VectorOperators.SIN).intoArray(od, i); }
            case "cos" -> { for (int i = 0; i < n; i += D.length()) DoubleVector.fromArray(D, xd, i).lanewise(VectorOperators.COS).intoArray(od, i); }
            case "tan" -> { for (int i = 0; i < n; i += D.length()) DoubleVector.fromArray(D, xd, i).lanewise(VectorOperators.TAN).intoArray(od, i); }
            case "asin" -> { for (int i = 0; i < n; i += D.length()) DoubleVector.fromArray(D, xd, i).lanewise(VectorOperators.ASIN).intoArray(od, i); }
            case "acos" -> { for (int i = 0; i < n; i += D.length()) DoubleVector.fromArray(D, xd, i).lanewise(VectorOperators.ACOS).intoArray(od, i); }
            case "atan" -> { for (int i = 0; i < n; i += D.length()) DoubleVector.fromArray(D, xd, i).lanewise(VectorOperators.ATAN).intoArray(od, i); }
            default -> { for (int i = 0; i < n; i += D.length()) DoubleVector.fromArray(D, yd, i).lanewise(VectorOperators.ATAN2, DoubleVector.fromArray(D, xd, i)).intoArray(od, i); }
        }
        return od;
    }
}
