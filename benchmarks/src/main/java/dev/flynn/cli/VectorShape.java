package dev.flynn.cli;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

/**
 * The Vector API's preferred species. Only this class links against {@code jdk.incubator.vector}, so
 * {@code flynn info} still runs, and says why, when the module is not readable.
 */
final class VectorShape {
    private VectorShape() {
    }

    /** The preferred vector size in bits. */
    static int bits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    static String describe() {
        return "float " + FloatVector.SPECIES_PREFERRED.vectorBitSize() + " bits (" + FloatVector.SPECIES_PREFERRED.length()
                + " lanes), double " + DoubleVector.SPECIES_PREFERRED.vectorBitSize() + " bits ("
                + DoubleVector.SPECIES_PREFERRED.length() + " lanes)";
    }
}
