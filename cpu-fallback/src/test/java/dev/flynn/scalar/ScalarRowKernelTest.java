package dev.flynn.scalar;

import dev.flynn.Backend;
import dev.flynn.conformance.RowKernelSuite;

/** Reduce-then-map kernels (softmax, layer and RMS norm, ...) on the scalar backend. */
class ScalarRowKernelTest extends RowKernelSuite {
    @Override
    protected Backend backend() {
        return Backend.SCALAR;
    }
}
