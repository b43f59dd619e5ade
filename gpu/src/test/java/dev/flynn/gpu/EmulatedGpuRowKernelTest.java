package dev.flynn.gpu;

import dev.flynn.Backend;
import dev.flynn.conformance.RowKernelSuite;
import org.junit.jupiter.api.BeforeAll;

/**
 * Reduce-then-map kernels on the GPU backend, the generated PTX run by the PTX emulator (surefire
 * execution {@code emulated-gpu}): rows of a warp, a block and a few blocks, since the emulator
 * interprets every instruction of the accurate exp and log.
 */
class EmulatedGpuRowKernelTest extends RowKernelSuite {
    @BeforeAll
    void requireEmulator() {
        TestDevice.requireEmulatorOrGpu();
    }

    @Override
    protected Backend backend() {
        return Backend.GPU;
    }

    @Override
    protected int[] sizes() {
        return new int[] {1, 2, 3, 17, 33, 300};
    }
}
