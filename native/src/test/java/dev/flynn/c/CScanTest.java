package dev.flynn.c;

import dev.flynn.Backend;
import dev.flynn.conformance.ScanSuite;

/** Scans on the C backend: the documented block order, bounds, bindings and bad input. */
class CScanTest extends ScanSuite {
    @Override
    protected Backend backend() {
        return Backend.C;
    }
}
