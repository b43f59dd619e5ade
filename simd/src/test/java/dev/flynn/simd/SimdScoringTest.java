package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.conformance.ScoringSuite;

/** Batched scoring on the SIMD backend. */
class SimdScoringTest extends ScoringSuite {
    @Override
    protected Backend backend() {
        return Backend.SIMD;
    }
}
