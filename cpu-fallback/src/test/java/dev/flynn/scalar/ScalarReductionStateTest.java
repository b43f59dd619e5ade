package dev.flynn.scalar;

import dev.flynn.Backend;
import dev.flynn.conformance.ReductionStateSuite;

/** The public reduction state (pieces reduced, merged and finished) on the scalar backend. */
class ScalarReductionStateTest extends ReductionStateSuite {
    @Override
    protected Backend backend() {
        return Backend.SCALAR;
    }
}
