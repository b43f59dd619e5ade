package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * A development tool, not a test: times compiled kernels (SIMD backend, one thread) against
 * hand-written Vector API loops for the same expressions, and against the scalar backend, interleaved
 * in one process so that the machine's noise hits both sides alike. Prints min and median per call and
 * the ratio of throughputs (hand / compiled time: 1.0 means as fast as the hand-written loop).
 * <pre>
 * java --add-modules jdk.incubator.vector -cp ... dev.flynn.simd.VectorSpeedCheck [rounds] [n,n,...] [case,case,...]
 * </pre>
 */
public final class VectorSpeedCheck {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final float A = 0.5f;
    private static final float B = 0.25f;
    private static final float C = -1.5f;
    private static final float D = 2.0f;

    private static float[] x;
    private static float[] y;
    private static float[] out;
    private static volatile double sink;

    private VectorSpeedCheck() {
    }

    public static void main(String[] argv) {
        int rounds = argv.length > 0 ? Integer.parseInt(argv[0]) : 15;
        int[] sizes = argv.length > 1 ? Arrays.stream(argv[1].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[]{4096, 262144, 16777216};
        List<String> cases = argv.length > 2 ? List.of(argv[2].split(","))
                : List.of("saxpy", "sum", "dot", "exp", "poly");
        Kernel saxpy = Kernel.parse("2*x + y", DType.F32);
        Kernel sum = Kernel.parse("x", DType.F32).reduce(Reduction.sum());
        Kernel dot = Kernel.dot(DType.F32);
        Kernel exp = Kernel.parse("exp(x)", DType.F32);
        Kernel poly = Kernel.parse("((0.5*x + 0.25)*x - 1.5)*x + 2", DType.F32);
        try (Flynn simd = Flynn.builder().backend(Backend.SIMD).threads(1).build();
             Flynn scalar = Flynn.builder().backend(Backend.SCALAR).threads(1).build()) {
            for (int n : sizes) {
                SplittableRandom r = new SplittableRandom(n);
                x = new float[n];
                y = new float[n];
                out = new float[n];
                for (int i = 0; i < n; i++) {
                    x[i] = (float) (r.nextDouble() * 2 - 1);
                    y[i] = (float) (r.nextDouble() * 2 - 1);
                }
                for (String c : cases) {
                    List<Variant> vs = new ArrayList<>();
                    switch (c) {
                        case "saxpy" -> {
                            vs.add(new Variant("hand", () -> { saxpyVector(); return out[0]; }));
                            vs.add(new Variant("simd", () -> { simd.into(saxpy, out, x, y); return out[0]; }));
                        }
                        case "sum" -> {
                            vs.add(new Variant("hand", VectorSpeedCheck::sumVector));
                            vs.add(new Variant("simd", () -> simd.reduceDouble(sum, x)));
                            if (n == 262144) {
                                vs.add(new Variant("scalar", () -> scalar.reduceDouble(sum, x)));
                            }
                        }
                        case "dot" -> {
                            vs.add(new Variant("hand", VectorSpeedCheck::dotVector));
                            vs.add(new Variant("simd", () -> simd.reduceDouble(dot, x, y)));
                        }
                        case "exp" -> {
                            vs.add(new Variant("hand", () -> { expVector(); return out[0]; }));
                            vs.add(new Variant("simd", () -> { simd.into(exp, out, x); return out[0]; }));
                            if (n == 262144) {
                                vs.add(new Variant("scalar", () -> { scalar.into(exp, out, x); return out[0]; }));
                            }
                        }
                        case "poly" -> {
                            vs.add(new Variant("hand", () -> { polyVector(); return out[0]; }));
                            vs.add(new Variant("simd", () -> { simd.into(poly, out, x); return out[0]; }));
                        }
                        default -> throw new IllegalArgumentException(c);
                    }
                    measure(c, n, vs, rounds);
                }
            }
        }
    }

    private record Variant(String name, DoubleSupplier body) {
    }

    private static void measure(String what, int n, List<Variant> vs, int rounds) {
        // calls per sample: about 2 ms of work at ~0.1 ns per element
        int calls = (int) Math.max(1, Math.min(20_000, 20_000_000L / n));
        for (Variant v : vs) {
            long deadline = System.nanoTime() + 1_000_000_000L;
            for (int i = 0; i < 20_000 || System.nanoTime() < deadline && i < 200_000; i++) {
                if (i * (long) n > 4_000_000_000L) {
                    break;
                }
                sink += v.body().getAsDouble();
            }
        }
        double[][] t = new double[vs.size()][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < vs.size(); k++) {
                // rotate the order so that no variant always runs first after another
                int j = (k + r) % vs.size();
                DoubleSupplier b = vs.get(j).body();
                long t0 = System.nanoTime();
                double s = 0;
                for (int i = 0; i < calls; i++) {
                    s += b.getAsDouble();
                }
                t[j][r] = (System.nanoTime() - t0) / (double) calls;
                sink += s;
            }
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-6s n=%-9d", what, n));
        double handMin = 0;
        double handMed = 0;
        for (int k = 0; k < vs.size(); k++) {
            double[] s = t[k].clone();
            Arrays.sort(s);
            double min = s[0];
            double med = s[s.length / 2];
            if (k == 0) {
                handMin = min;
                handMed = med;
            }
            sb.append(String.format(Locale.ROOT, " | %s min %.1f med %.1f ns", vs.get(k).name(), min, med));
            if (k > 0) {
                sb.append(String.format(Locale.ROOT, " (hand/%s: min %.2f med %.2f)", vs.get(k).name(), handMin / min,
                        handMed / med));
            }
        }
        if (vs.size() > 2) {
            double[] a = t[1].clone();
            double[] b = t[2].clone();
            Arrays.sort(a);
            Arrays.sort(b);
            sb.append(String.format(Locale.ROOT, " | scalar/simd: min %.1fx med %.1fx", b[0] / a[0], b[b.length / 2] / a[a.length / 2]));
        }
        System.out.println(sb);
    }

    static void saxpyVector() {
        int n = x.length;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, i).mul(2f).add(FloatVector.fromArray(F, y, i)).intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = 2f * x[i] + y[i];
        }
    }

    static double sumVector() {
        int n = x.length;
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        int step = 4 * F.length();
        int i = 0;
        for (int bound = n - n % step; i < bound; i += step) {
            s0 = s0.add(FloatVector.fromArray(F, x, i));
            s1 = s1.add(FloatVector.fromArray(F, x, i + F.length()));
            s2 = s2.add(FloatVector.fromArray(F, x, i + 2 * F.length()));
            s3 = s3.add(FloatVector.fromArray(F, x, i + 3 * F.length()));
        }
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += x[i];
        }
        return s;
    }

    static double dotVector() {
        int n = x.length;
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        int step = 4 * F.length();
        int i = 0;
        for (int bound = n - n % step; i < bound; i += step) {
            s0 = s0.add(FloatVector.fromArray(F, x, i).mul(FloatVector.fromArray(F, y, i)));
            s1 = s1.add(FloatVector.fromArray(F, x, i + F.length()).mul(FloatVector.fromArray(F, y, i + F.length())));
            s2 = s2.add(FloatVector.fromArray(F, x, i + 2 * F.length()).mul(FloatVector.fromArray(F, y, i + 2 * F.length())));
            s3 = s3.add(FloatVector.fromArray(F, x, i + 3 * F.length()).mul(FloatVector.fromArray(F, y, i + 3 * F.length())));
        }
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    static void expVector() {
        int n = x.length;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, i).lanewise(VectorOperators.EXP).intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = (float) Math.exp(x[i]);
        }
    }

    static void polyVector() {
        int n = x.length;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, i);
            v.mul(A).add(B).mul(v).add(C).mul(v).add(D).intoArray(out, i);
        }
        for (; i < n; i++) {
            float v = x[i];
            out[i] = ((A * v + B) * v + C) * v + D;
        }
    }
}
