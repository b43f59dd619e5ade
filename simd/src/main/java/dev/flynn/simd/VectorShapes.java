package dev.flynn.simd;

import jdk.incubator.vector.VectorShape;

/** The first class to touch the Vector API, loaded only after {@link VectorProbe} has seen the module readable. */
final class VectorShapes {
    private VectorShapes() {
    }

    /** Bits of the widest vector that C2 compiles to one register on this CPU. */
    static int preferredBits() {
        return VectorShape.preferredShape().vectorBitSize();
    }
}
