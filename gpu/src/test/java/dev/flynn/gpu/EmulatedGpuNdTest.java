package dev.flynn.gpu;

import dev.flynn.Backend;
import dev.flynn.conformance.NdSuite;
import dev.flynn.gpu.cuda.CudaContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * n-D maps and axis reductions on the GPU backend, the generated PTX run by the PTX emulator
 * (surefire execution {@code emulated-gpu}); every line is one launch, so the shapes are small.
 */
class EmulatedGpuNdTest extends NdSuite {
    @BeforeAll
    void requireEmulator() {
        Assumptions.assumeTrue(CudaContext.emulatorSelected(),
                "the PTX emulator is not selected: run with -Dflynn.gpu.device=emulator (the emulated-gpu execution)");
    }

    @Override
    protected Backend backend() {
        return Backend.GPU;
    }

    @Override
    protected long[] sizes() {
        return new long[] {1, 2, 7, 17};
    }
}
