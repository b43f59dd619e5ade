package dev.flynn.scalar;

import dev.flynn.Backend;
import dev.flynn.conformance.ScanSuite;

/** Scans on the scalar backend: the documented block order, bounds, bindings and bad input. */
class ScalarScanTest extends ScanSuite {
    @Override
    protected Backend backend() {
        return Backend.SCALAR;
    }
}
