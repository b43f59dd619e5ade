package dev.flynn.ir;

import dev.flynn.DType;

import java.util.EnumMap;
import java.util.Map;

/**
 * The accuracy an op promises on each backend: the largest error, in ulps of the correctly rounded
 * result, per element type. An exact op ({@link #EXACT}) gives the bits of its Java expression on
 * every backend. The conformance suite holds each backend to these bounds, and the tables of
 * docs/SEMANTICS.md are checked against them, so a bound is stated here and nowhere else.
 *
 * @param bounds each target's bound
 */
public record Accuracy(Map<Target, Ulps> bounds) {
    /** Exact on every backend: Java's bits (NaN payloads aside). */
    public static final Accuracy EXACT = new Accuracy(Map.of());

    /** The code paths whose accuracy differs: each backend, and the SIMD backend's fast math mode. */
    public enum Target {
        /** The scalar backend: Java's {@code Math}. */
        SCALAR,
        /** The SIMD backend with Flynn's own vector math (the default). */
        SIMD,
        /** The SIMD backend with {@code -Dflynn.simd.fastMath=true}: the Vector API's SVML routines. */
        SIMD_FAST_MATH,
        /** The C backend in strict mode: glibc's libm. */
        C,
        /** The GPU backend's accurate math (as the PTX interpreter measures it). */
        GPU
    }

    /**
     * A bound per element type; integer operands of a math function are computed in F64.
     *
     * @param f32 the bound for F32 results
     * @param f64 the bound for F64 results
     */
    public record Ulps(double f32, double f64) {
        /**
         * The bound for results of {@code type}.
         *
         * @param type the element type the op computes in
         * @return the bound in ulps
         */
        public double of(DType type) {
            return type == DType.F32 ? f32 : f64;
        }
    }

    /**
     * Validates and copies the bounds.
     *
     * @param bounds each target's bound: none for an exact op, every target otherwise
     */
    public Accuracy {
        if (!bounds.isEmpty() && bounds.size() != Target.values().length) {
            throw new IllegalArgumentException("an inexact op needs a bound for every target, got " + bounds.keySet());
        }
        bounds = bounds.isEmpty() ? Map.of() : Map.copyOf(bounds);
    }

    /**
     * A math function as Flynn computes it by default: {@code javaUlps} where Java's {@code Math} is
     * used (scalar) and on the GPU, 1 ulp in the SIMD backend's own math and in SVML, 2 in C (glibc's
     * libm is within 1 ulp of {@code StrictMath}, itself within 1 of the correctly rounded result).
     *
     * @param javaUlps what {@code java.lang.Math} documents for the function
     * @return the accuracy, to refine with {@link #on}
     */
    static Accuracy math(double javaUlps) {
        Map<Target, Ulps> m = new EnumMap<>(Target.class);
        m.put(Target.SCALAR, new Ulps(javaUlps, javaUlps));
        m.put(Target.SIMD, new Ulps(1, 1));
        m.put(Target.SIMD_FAST_MATH, new Ulps(1, 1));
        m.put(Target.C, new Ulps(2, 2));
        m.put(Target.GPU, new Ulps(javaUlps, javaUlps));
        return new Accuracy(m);
    }

    /**
     * This accuracy with another bound on one target.
     *
     * @param target the target
     * @param f32 its bound for F32
     * @param f64 its bound for F64
     * @return the new accuracy
     */
    Accuracy on(Target target, double f32, double f64) {
        Map<Target, Ulps> m = new EnumMap<>(bounds);
        m.put(target, new Ulps(f32, f64));
        return new Accuracy(m);
    }

    /**
     * Whether the op is exact on every backend.
     *
     * @return true for an exact op
     */
    public boolean exact() {
        return bounds.isEmpty();
    }

    /**
     * The largest error allowed on {@code target} for results of {@code type}: 0 for an exact op.
     *
     * @param target the backend (and mode)
     * @param type the element type the op computes in
     * @return the bound in ulps of the correctly rounded result
     */
    public double ulps(Target target, DType type) {
        return exact() ? 0 : bounds.get(target).of(type);
    }
}
