package dev.flynn.simd;

import jdk.incubator.vector.VectorShape;

import java.util.OptionalInt;

/**
 * The first class to touch the Vector API, loaded only after {@link SimdProbe} has seen the module
 * readable. Holds the vector width the backend uses: the CPU's preferred one, or the narrower one that
 * {@code -Dflynn.simd.bits} asks for, read once.
 */
final class SimdShapes {
    private SimdShapes() {
    }

    /** Bits of the vectors the backend uses: the CPU's preferred width, or {@code flynn.simd.bits} capped at it. */
    static int preferredBits() {
        return Chosen.BITS;
    }

    /** Bits of the widest vector that C2 compiles to one register on this CPU. */
    static int machineBits() {
        return VectorShape.preferredShape().vectorBitSize();
    }

    private static final class Chosen {
        static final int BITS = choose();

        private static int choose() {
            int machine = machineBits();
            OptionalInt requested = SimdWidth.current().requested();
            if (requested.isEmpty()) {
                return machine;
            }
            if (requested.getAsInt() > machine) {
                System.getLogger("dev.flynn.simd").log(System.Logger.Level.WARNING, "-D" + SimdWidth.PROPERTY + "="
                        + requested.getAsInt() + " is wider than this CPU's " + machine + "-bit vectors: the SIMD"
                        + " backend uses " + machine + " bits");
                return machine;
            }
            return requested.getAsInt();
        }
    }
}
