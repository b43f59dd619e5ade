package dev.flynn.c;

import dev.flynn.Backend;
import dev.flynn.conformance.ConformanceSuite;

/** The whole conformance suite on the C backend in strict mode. */
class CConformanceTest extends ConformanceSuite {
    @Override
    protected Backend backend() {
        return Backend.C;
    }

    /** Each distinct shape is a run of the C compiler (libraries on disk are reused by later runs). */
    @Override
    protected int kernelsToDrop() {
        return 40;
    }
}
