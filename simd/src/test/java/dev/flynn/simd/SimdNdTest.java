package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.conformance.NdSuite;

/** n-D maps and axis reductions on the simd backend against Java loops over the same lines. */
class SimdNdTest extends NdSuite {
    @Override
    protected Backend backend() {
        return Backend.SIMD;
    }
}
