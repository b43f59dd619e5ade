package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.conformance.RowKernelSuite;

/** Reduce-then-map kernels (softmax, layer and RMS norm, ...) on the SIMD backend. */
class SimdRowKernelTest extends RowKernelSuite {
    @Override
    protected Backend backend() {
        return Backend.SIMD;
    }
}
