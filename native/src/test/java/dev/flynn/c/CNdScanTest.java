package dev.flynn.c;

import dev.flynn.Backend;
import dev.flynn.conformance.NdScanSuite;

/** Scans along an axis of n-D views on the C backend. */
class CNdScanTest extends NdScanSuite {
    @Override
    protected Backend backend() {
        return Backend.C;
    }
}
