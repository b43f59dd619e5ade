package dev.flynn.scalar;

import dev.flynn.Backend;
import dev.flynn.conformance.HandleSuite;

/** Typed handles on the scalar backend against its own generic calls and exact values. */
class ScalarHandleTest extends HandleSuite {
    @Override
    protected Backend backend() {
        return Backend.SCALAR;
    }
}
