package dev.flynn.benchmarks.jmh;

/** JVM options every forked benchmark JVM needs: the Vector API for simd, native access for the C backend. */
final class JvmFlags {
    static final String VECTOR = "--add-modules=jdk.incubator.vector";
    static final String NATIVE = "--enable-native-access=ALL-UNNAMED";
    /** Turns off C2's auto-vectorization, so a plain loop is truly scalar (SISD). */
    static final String NO_SUPERWORD = "-XX:-UseSuperWord";
    /** The SIMD backend's opt-in fast mode: transcendentals through the JDK's SVML stubs. */
    static final String SIMD_FAST_MATH = "-Dflynn.simd.fastMath=true";
    /** The C backend's fast mode: -ffast-math and vectorised libm (libmvec). */
    static final String C_FAST_MATH = "-Dflynn.c.fast=true";

    private JvmFlags() {
    }
}
