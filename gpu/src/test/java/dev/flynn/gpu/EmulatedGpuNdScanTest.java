package dev.flynn.gpu;

import dev.flynn.Backend;
import dev.flynn.conformance.NdScanSuite;
import dev.flynn.gpu.cuda.CudaContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** Scans along an axis of n-D views on the GPU backend, run by the PTX emulator: small views. */
class EmulatedGpuNdScanTest extends NdScanSuite {
    @BeforeAll
    void requireEmulator() {
        Assumptions.assumeTrue(CudaContext.emulatorSelected(),
                "the PTX emulator is not selected: run with -Dflynn.gpu.device=emulator (the emulated-gpu execution)");
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
