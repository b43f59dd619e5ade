package dev.flynn.c;

import dev.flynn.Backend;
import dev.flynn.conformance.TopKSuite;

/** Top-k on a runtime of the C backend. */
class CTopKTest extends TopKSuite {
    @Override
    protected Backend backend() {
        return Backend.C;
    }
}
