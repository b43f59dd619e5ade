package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.conformance.NdScanSuite;

/** Scans along an axis of n-D views on the SIMD backend. */
class SimdNdScanTest extends NdScanSuite {
    @Override
    protected Backend backend() {
        return Backend.SIMD;
    }
}
