package dev.flynn.gpu;

import dev.flynn.Backend;
import dev.flynn.conformance.ScanSuite;
import org.junit.jupiter.api.BeforeAll;

/** Scans on the GPU backend, the generated PTX run by the PTX emulator: small sizes, a few blocks. */
class EmulatedGpuScanTest extends ScanSuite {
    @BeforeAll
    void requireEmulator() {
        TestDevice.requireEmulatorOrGpu();
    }

    @Override
    protected Backend backend() {
        return Backend.GPU;
    }

    /** Two blocks, the second a short one: a carry, both passes and a block edge, in the emulator's time. */
    @Override
    protected int maxSize() {
        return 4096 + 17;
    }
}
