package dev.flynn.c;

import dev.flynn.Backend;
import dev.flynn.conformance.ReductionStateSuite;

/** The public reduction state (pieces reduced, merged and finished) on the C backend. */
class CReductionStateTest extends ReductionStateSuite {
    @Override
    protected Backend backend() {
        return Backend.C;
    }
}
