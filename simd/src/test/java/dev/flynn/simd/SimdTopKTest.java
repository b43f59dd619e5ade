package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.conformance.TopKSuite;

/** Top-k on a runtime of the SIMD backend. */
class SimdTopKTest extends TopKSuite {
    @Override
    protected Backend backend() {
        return Backend.SIMD;
    }
}
