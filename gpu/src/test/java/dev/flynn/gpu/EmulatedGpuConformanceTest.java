package dev.flynn.gpu;

import dev.flynn.gpu.cuda.CudaContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * The conformance suite on the GPU backend with the PTX emulator as its device: every generated
 * kernel's PTX is executed, instruction by instruction, with PTX semantics. The accurate math uses
 * only correctly rounded instructions, so the ulps measured here are the ones a GPU gives. Runs in
 * its own JVM (surefire execution {@code emulated-gpu}, {@code -Dflynn.gpu.device=emulator}).
 */
class EmulatedGpuConformanceTest extends GpuConformanceTest {

    @BeforeAll
    @Override
    void requireGpu() {
        Assumptions.assumeTrue(CudaContext.emulatorSelected(),
                "the PTX emulator is not selected: run with -Dflynn.gpu.device=emulator (the emulated-gpu execution)");
    }

    @Override
    protected String reportName() {
        return "gpu-emulated";
    }
}
