package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.conformance.ReductionStateSuite;

/** The public reduction state (pieces reduced, merged and finished) on the SIMD backend. */
class SimdReductionStateTest extends ReductionStateSuite {
    @Override
    protected Backend backend() {
        return Backend.SIMD;
    }
}
