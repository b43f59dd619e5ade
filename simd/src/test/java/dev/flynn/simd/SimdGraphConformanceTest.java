package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.conformance.GraphConformanceSuite;

/** Deep, shared and large kernels on the SIMD backend. */
class SimdGraphConformanceTest extends GraphConformanceSuite {
    @Override
    protected Backend backend() {
        return Backend.SIMD;
    }
}
