package dev.flynn.gpu;

import dev.flynn.Backend;
import dev.flynn.conformance.GraphConformanceSuite;
import org.junit.jupiter.api.BeforeAll;

/**
 * Deep, shared and large kernels on the GPU backend, the generated PTX run by the PTX emulator
 * (surefire execution {@code emulated-gpu}, {@code -Dflynn.gpu.device=emulator}). The emulator
 * interprets every instruction of the accurate math, so 10,000-deep transcendental chains are left
 * to the faster backends; the random kernels of up to 50,000 operations run here too.
 */
class EmulatedGpuGraphConformanceTest extends GraphConformanceSuite {
    @BeforeAll
    void requireEmulator() {
        TestDevice.requireEmulatorOrGpu();
    }

    @Override
    protected Backend backend() {
        return Backend.GPU;
    }

    @Override
    protected int[] depths() {
        return new int[]{10, 1_000};
    }
}
