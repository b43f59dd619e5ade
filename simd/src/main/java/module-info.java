/**
 * Flynn's SIMD backend: kernels compiled to loops over the JDK Vector API ({@code jdk.incubator.vector}).
 * Run with {@code --add-modules jdk.incubator.vector}; without it the backend reports itself unavailable.
 */
module dev.flynn.simd {
    requires dev.flynn.core;
    requires jdk.incubator.vector;
    requires java.management;

    exports dev.flynn.simd;

    provides dev.flynn.spi.BackendProvider with dev.flynn.simd.SimdBackend;
}
