package dev.flynn.gpu;

import dev.flynn.Backend;
import dev.flynn.conformance.TopKSuite;
import org.junit.jupiter.api.BeforeAll;

/**
 * Top-k on a runtime of the GPU backend, whose argmax and argmin run as PTX in the emulator
 * (surefire execution {@code emulated-gpu}); small sizes, the emulator being slow.
 */
class EmulatedGpuTopKTest extends TopKSuite {
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
        return new int[] {0, 1, 2, 3, 7, 8, 17, 33, 65, 1000};
    }
}
