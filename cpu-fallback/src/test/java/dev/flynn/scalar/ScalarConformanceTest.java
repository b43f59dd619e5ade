package dev.flynn.scalar;

import dev.flynn.Backend;
import dev.flynn.conformance.ConformanceSuite;

/** The scalar backend against the conformance suite: as the reference, it must give Java's results. */
class ScalarConformanceTest extends ConformanceSuite {
    @Override
    protected Backend backend() {
        return Backend.SCALAR;
    }
}
