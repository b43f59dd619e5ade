package dev.flynn.scalar;

import dev.flynn.Backend;
import dev.flynn.conformance.GraphConformanceSuite;

/** Deep, shared and large kernels on the scalar backend. */
class ScalarGraphConformanceTest extends GraphConformanceSuite {
    @Override
    protected Backend backend() {
        return Backend.SCALAR;
    }
}
