package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.conformance.HandleSuite;

/** Typed handles on the simd backend against its own generic calls and exact values. */
class SimdHandleTest extends HandleSuite {
    @Override
    protected Backend backend() {
        return Backend.SIMD;
    }
}
