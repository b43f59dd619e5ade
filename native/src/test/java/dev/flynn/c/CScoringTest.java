package dev.flynn.c;

import dev.flynn.Backend;
import dev.flynn.conformance.ScoringSuite;

/** Batched scoring on the C backend. */
class CScoringTest extends ScoringSuite {
    @Override
    protected Backend backend() {
        return Backend.C;
    }
}
