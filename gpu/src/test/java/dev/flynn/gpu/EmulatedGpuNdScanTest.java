package dev.flynn.gpu;

import dev.flynn.Backend;
import dev.flynn.conformance.NdScanSuite;
import org.junit.jupiter.api.BeforeAll;

/** Scans along an axis of n-D views on the GPU backend, run by the PTX emulator: small views. */
class EmulatedGpuNdScanTest extends NdScanSuite {
    @BeforeAll
    void requireEmulator() {
        TestDevice.requireEmulatorOrGpu();
    }

    @Override
    protected Backend backend() {
        return Backend.GPU;
    }

    /** Each line is a launch of its own: a few thousand elements per view keep the emulator's time short. */
    @Override
    protected long maxSize() {
        return 2000;
    }
}
