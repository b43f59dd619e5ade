package dev.flynn.benchmarks;

import dev.flynn.DType;
import dev.flynn.benchmarks.BenchKernel.Domain;

import java.util.List;
import java.util.SplittableRandom;

/** Seeded random inputs, so every run and every backend sees the same numbers. */
public final class InputData {
    private InputData() {
    }

    /** An array of {@code n} values of {@code type} drawn uniformly from {@code domain}. */
    public static Object array(DType type, int n, Domain domain, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double lo = domain.lo();
        double width = domain.hi() - domain.lo();
        return switch (type) {
            case F32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (float) (lo + width * random.nextDouble());
                }
                yield a;
            }
            case F64 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = lo + width * random.nextDouble();
                }
                yield a;
            }
            default -> throw new IllegalArgumentException("inputs are generated for f32 and f64, not " + type.label());
        };
    }

    /** One array per input of {@code kernel}, each from its own domain and seed. */
    public static Object[] inputs(BenchKernel kernel, DType type, int n, long seed) {
        return inputs(kernel.domains(), type, n, seed);
    }

    /** One array per domain. */
    public static Object[] inputs(List<Domain> domains, DType type, int n, long seed) {
        Object[] in = new Object[domains.size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = array(type, n, domains.get(i), seed + 7919L * i);
        }
        return in;
    }
}
