package dev.flynn.scalar;

import dev.flynn.Backend;
import dev.flynn.conformance.NdSuite;

/** n-D maps and axis reductions on the scalar backend against Java loops over the same lines. */
class ScalarNdTest extends NdSuite {
    @Override
    protected Backend backend() {
        return Backend.SCALAR;
    }
}
