package dev.flynn.c;

import dev.flynn.Backend;
import dev.flynn.conformance.NdSuite;

/** n-D maps and axis reductions on the C backend against Java loops over the same lines. */
class CNdTest extends NdSuite {
    @Override
    protected Backend backend() {
        return Backend.C;
    }
}
