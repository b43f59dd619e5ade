package dev.flynn.gpu.ptx;

import dev.flynn.spi.StateLayout;

/**
 * One generated PTX module: a map kernel ({@value PtxGenerator#MAP}) or the two passes of a reduction
 * ({@value PtxGenerator#REDUCE_BLOCKS}, {@value PtxGenerator#REDUCE_FINAL}).
 *
 * @param ptx       the module's text
 * @param reduction whether it holds the reduction entries
 * @param memoryInputs for each kernel input, whether it is passed as a device pointer (else a scalar argument)
 * @param argCount  the number of 64-bit argument parameters (constants, then scalar inputs)
 * @param checksErrors whether the kernel may set the device error flag (integer division by zero)
 */
public record PtxModule(String ptx, boolean reduction, boolean[] memoryInputs, int argCount, boolean checksErrors) {
    /** Bytes of one partial result record of a reduction: the most slots of core's {@code StateLayout}. */
    public static final int PARTIAL_BYTES = StateLayout.MAX_SLOTS * StateLayout.SLOT_BYTES;
}
