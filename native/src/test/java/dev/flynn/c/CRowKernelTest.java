package dev.flynn.c;

import dev.flynn.Backend;
import dev.flynn.conformance.RowKernelSuite;

/** Reduce-then-map kernels (softmax, layer and RMS norm, ...) on the C backend. */
class CRowKernelTest extends RowKernelSuite {
    @Override
    protected Backend backend() {
        return Backend.C;
    }
}
