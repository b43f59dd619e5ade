package dev.flynn.scalar;

import dev.flynn.Backend;
import dev.flynn.conformance.TopKSuite;

/** Top-k on a runtime of the scalar backend. */
class ScalarTopKTest extends TopKSuite {
    @Override
    protected Backend backend() {
        return Backend.SCALAR;
    }
}
