package dev.flynn.c;

import dev.flynn.Backend;
import dev.flynn.conformance.HandleSuite;

/** Typed handles on the c backend against its own generic calls and exact values. */
class CHandleTest extends HandleSuite {
    @Override
    protected Backend backend() {
        return Backend.C;
    }
}
