package dev.flynn.scalar;

import dev.flynn.Backend;
import dev.flynn.conformance.ScoringSuite;

/** Batched scoring on the scalar backend. */
class ScalarScoringTest extends ScoringSuite {
    @Override
    protected Backend backend() {
        return Backend.SCALAR;
    }
}
