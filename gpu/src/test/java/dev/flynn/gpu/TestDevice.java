package dev.flynn.gpu;

import dev.flynn.gpu.cuda.CudaContext;
import dev.flynn.spi.Availability;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the GPU suites run: on the PTX emulator (surefire execution {@code emulated-gpu}, every build)
 * or on an NVIDIA GPU (the bundle's {@code run-tests.sh} on a machine with the driver). The same test
 * classes run on both, so what the emulator checks in CI is what a GPU is held to.
 */
final class TestDevice {
    private TestDevice() {
    }

    /** Skips the calling class unless the emulator is selected or a GPU answers the probe. */
    static void requireEmulatorOrGpu() {
        if (CudaContext.emulatorSelected()) {
            return;
        }
        Availability a = new GpuBackend().probe();
        Assumptions.assumeTrue(a.available(), () -> "neither the PTX emulator (-Dflynn.gpu.device=emulator) nor a GPU: " + a);
    }

    /** Skips the calling test unless the emulator is the device: it reads the emulator's own accounts. */
    static void requireEmulator() {
        Assumptions.assumeTrue(CudaContext.emulatorSelected(), "reads the PTX emulator's accounts: run with -Dflynn.gpu.device=emulator");
    }
}
