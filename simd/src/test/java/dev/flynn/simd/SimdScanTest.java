package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.conformance.ScanSuite;

/** Scans on the SIMD backend: the documented block order, bounds, bindings and bad input. */
class SimdScanTest extends ScanSuite {
    @Override
    protected Backend backend() {
        return Backend.SIMD;
    }
}
