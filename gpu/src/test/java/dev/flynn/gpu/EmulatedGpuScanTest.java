package dev.flynn.gpu;

import dev.flynn.Backend;
import dev.flynn.conformance.ScanSuite;
import dev.flynn.gpu.cuda.CudaContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** Scans on the GPU backend, the generated PTX run by the PTX emulator: small sizes, a few blocks. */
class EmulatedGpuScanTest extends ScanSuite {
    @BeforeAll
    void requireEmulator() {
        Assumptions.assumeTrue(CudaContext.emulatorSelected(),
                "the PTX emulator is not selected: run with -Dflynn.gpu.device=emulator (the emulated-gpu execution)");
    }

    @Override
    protected Backend backend() {
        return Backend.GPU;
    }

    /** Three blocks of 4096 and a bit: the carries, both passes and the block edges, in the emulator's time. */
    @Override
    protected int maxSize() {
        return 4096 + 17;
    }
}
