package dev.flynn.scalar;

import dev.flynn.Backend;
import dev.flynn.conformance.NdScanSuite;

/** Scans along an axis of n-D views on the scalar backend. */
class ScalarNdScanTest extends NdScanSuite {
    @Override
    protected Backend backend() {
        return Backend.SCALAR;
    }
}
