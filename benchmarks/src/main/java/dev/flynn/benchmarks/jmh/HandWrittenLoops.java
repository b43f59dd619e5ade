package dev.flynn.benchmarks.jmh;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.CompilerControl;

/**
 * The float loops that Lucene's {@code PanamaVectorUtilSupport} and jvector write by hand, the yardstick
 * Flynn's kernels are measured against, kept in one place so every benchmark races the same code: four
 * accumulators over the unrolled body, one vector tail, one scalar tail, and the accumulators combined
 * as {@code (acc1 + acc2) + (acc3 + acc4)}. Each is forced inline so that it compiles into the calling
 * benchmark method exactly as if it were written there; a call per invocation would cost nanoseconds
 * that the small-call benchmarks measure.
 */
final class HandWrittenLoops {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private HandWrittenLoops() {
    }

    /** {@code sum(a[i] * b[i])} with FMA, as Lucene computes its dot product. */
    @CompilerControl(CompilerControl.Mode.INLINE)
    static float dotFma(float[] a, float[] b) {
        int i = 0;
        float res = 0;
        if (a.length >= 2 * F.length()) {
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector acc2 = FloatVector.zero(F);
            FloatVector acc3 = FloatVector.zero(F);
            FloatVector acc4 = FloatVector.zero(F);
            // four independent chains hide the FMA unit's latency of four cycles
            int unrolled = F.loopBound(a.length - 3 * F.length());
            for (; i < unrolled; i += 4 * F.length()) {
                acc1 = FloatVector.fromArray(F, a, i).fma(FloatVector.fromArray(F, b, i), acc1);
                acc2 = FloatVector.fromArray(F, a, i + F.length()).fma(FloatVector.fromArray(F, b, i + F.length()), acc2);
                acc3 = FloatVector.fromArray(F, a, i + 2 * F.length())
                        .fma(FloatVector.fromArray(F, b, i + 2 * F.length()), acc3);
                acc4 = FloatVector.fromArray(F, a, i + 3 * F.length())
                        .fma(FloatVector.fromArray(F, b, i + 3 * F.length()), acc4);
            }
            for (int bound = F.loopBound(a.length); i < bound; i += F.length()) {
                acc1 = FloatVector.fromArray(F, a, i).fma(FloatVector.fromArray(F, b, i), acc1);
            }
            res = acc1.add(acc2).add(acc3.add(acc4)).reduceLanes(VectorOperators.ADD);
        }
        for (; i < a.length; i++) {
            res = Math.fma(a[i], b[i], res);
        }
        return res;
    }

    /**
     * {@code sum(a[i] * b[i])} with a multiply then an add, rounded twice: the meaning of Java's
     * {@code a*b + s}, which Flynn's kernels keep, in Lucene's loop shape.
     */
    @CompilerControl(CompilerControl.Mode.INLINE)
    static float dotMulAdd(float[] a, float[] b) {
        int i = 0;
        float res = 0;
        if (a.length >= 2 * F.length()) {
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector acc2 = FloatVector.zero(F);
            FloatVector acc3 = FloatVector.zero(F);
            FloatVector acc4 = FloatVector.zero(F);
            int unrolled = F.loopBound(a.length - 3 * F.length());
            for (; i < unrolled; i += 4 * F.length()) {
                acc1 = acc1.add(FloatVector.fromArray(F, a, i).mul(FloatVector.fromArray(F, b, i)));
                acc2 = acc2.add(FloatVector.fromArray(F, a, i + F.length()).mul(FloatVector.fromArray(F, b, i + F.length())));
                acc3 = acc3.add(FloatVector.fromArray(F, a, i + 2 * F.length())
                        .mul(FloatVector.fromArray(F, b, i + 2 * F.length())));
                acc4 = acc4.add(FloatVector.fromArray(F, a, i + 3 * F.length())
                        .mul(FloatVector.fromArray(F, b, i + 3 * F.length())));
            }
            for (int bound = F.loopBound(a.length); i < bound; i += F.length()) {
                acc1 = acc1.add(FloatVector.fromArray(F, a, i).mul(FloatVector.fromArray(F, b, i)));
            }
            res = acc1.add(acc2).add(acc3.add(acc4)).reduceLanes(VectorOperators.ADD);
        }
        for (; i < a.length; i++) {
            res += a[i] * b[i];
        }
        return res;
    }

    /** {@code sum((a[i] - b[i])^2)} with FMA, as Lucene computes its squared distance. */
    @CompilerControl(CompilerControl.Mode.INLINE)
    static float squareDistanceFma(float[] a, float[] b) {
        int i = 0;
        float res = 0;
        if (a.length >= 2 * F.length()) {
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector acc2 = FloatVector.zero(F);
            FloatVector acc3 = FloatVector.zero(F);
            FloatVector acc4 = FloatVector.zero(F);
            int unrolled = F.loopBound(a.length - 3 * F.length());
            for (; i < unrolled; i += 4 * F.length()) {
                FloatVector d1 = FloatVector.fromArray(F, a, i).sub(FloatVector.fromArray(F, b, i));
                acc1 = d1.fma(d1, acc1);
                FloatVector d2 = FloatVector.fromArray(F, a, i + F.length()).sub(FloatVector.fromArray(F, b, i + F.length()));
                acc2 = d2.fma(d2, acc2);
                FloatVector d3 = FloatVector.fromArray(F, a, i + 2 * F.length())
                        .sub(FloatVector.fromArray(F, b, i + 2 * F.length()));
                acc3 = d3.fma(d3, acc3);
                FloatVector d4 = FloatVector.fromArray(F, a, i + 3 * F.length())
                        .sub(FloatVector.fromArray(F, b, i + 3 * F.length()));
                acc4 = d4.fma(d4, acc4);
            }
            for (int bound = F.loopBound(a.length); i < bound; i += F.length()) {
                FloatVector d = FloatVector.fromArray(F, a, i).sub(FloatVector.fromArray(F, b, i));
                acc1 = d.fma(d, acc1);
            }
            res = acc1.add(acc2).add(acc3.add(acc4)).reduceLanes(VectorOperators.ADD);
        }
        for (; i < a.length; i++) {
            float d = a[i] - b[i];
            res = Math.fma(d, d, res);
        }
        return res;
    }

    /** {@code sum(a[i])}: four accumulators, because one chain of adds would leave the adder idle. */
    @CompilerControl(CompilerControl.Mode.INLINE)
    static float sum(float[] a) {
        int i = 0;
        float res = 0;
        if (a.length >= 2 * F.length()) {
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector acc2 = FloatVector.zero(F);
            FloatVector acc3 = FloatVector.zero(F);
            FloatVector acc4 = FloatVector.zero(F);
            int unrolled = F.loopBound(a.length - 3 * F.length());
            for (; i < unrolled; i += 4 * F.length()) {
                acc1 = acc1.add(FloatVector.fromArray(F, a, i));
                acc2 = acc2.add(FloatVector.fromArray(F, a, i + F.length()));
                acc3 = acc3.add(FloatVector.fromArray(F, a, i + 2 * F.length()));
                acc4 = acc4.add(FloatVector.fromArray(F, a, i + 3 * F.length()));
            }
            for (int bound = F.loopBound(a.length); i < bound; i += F.length()) {
                acc1 = acc1.add(FloatVector.fromArray(F, a, i));
            }
            res = acc1.add(acc2).add(acc3.add(acc4)).reduceLanes(VectorOperators.ADD);
        }
        for (; i < a.length; i++) {
            res += a[i];
        }
        return res;
    }

    /** {@code o[i] = alpha * a[i] + b[i]}: a multiply then an add per lane, then a scalar tail. */
    @CompilerControl(CompilerControl.Mode.INLINE)
    static float[] saxpy(float alpha, float[] a, float[] b, float[] o) {
        int i = 0;
        for (int bound = F.loopBound(a.length); i < bound; i += F.length()) {
            FloatVector.fromArray(F, a, i).mul(alpha).add(FloatVector.fromArray(F, b, i)).intoArray(o, i);
        }
        for (; i < a.length; i++) {
            o[i] = alpha * a[i] + b[i];
        }
        return o;
    }
}
