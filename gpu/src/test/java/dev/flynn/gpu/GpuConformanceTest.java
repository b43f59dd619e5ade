package dev.flynn.gpu;

import dev.flynn.Backend;
import dev.flynn.conformance.ConformanceSuite;
import dev.flynn.gpu.cuda.CudaContext;
import dev.flynn.spi.Availability;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * The conformance suite on a GPU; skipped, with the probe's reason, where no GPU is present, and
 * where the PTX emulator stands in for one ({@link EmulatedGpuConformanceTest} covers that).
 */
@Tag("gpu")
class GpuConformanceTest extends ConformanceSuite {

    @BeforeAll
    void requireGpu() {
        Assumptions.assumeFalse(CudaContext.emulatorSelected(), "the PTX emulator is selected, not a GPU");
        Availability a = new GpuBackend().probe();
        Assumptions.assumeTrue(a.available(), () -> "no GPU here, GPU conformance skipped: " + a);
    }

    @Override
    protected Backend backend() {
        return Backend.GPU;
    }

    /**
     * The division-by-zero error is raised by Java code after the launch ({@code CudaContext}), never by
     * a JIT-compiled division: fewer throws show the message as well, and each is a launch.
     */
    @Override
    protected int hotThrows() {
        return CudaContext.emulatorSelected() ? 50 : 2_000;
    }

    /** Each distinct shape is a PTX module loaded into the device (or parsed by the emulator). */
    @Override
    protected int kernelsToDrop() {
        return CudaContext.emulatorSelected() ? 200 : 1_000;
    }
}
