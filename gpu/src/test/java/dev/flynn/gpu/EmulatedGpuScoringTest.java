package dev.flynn.gpu;

import dev.flynn.Backend;
import dev.flynn.conformance.ScoringSuite;
import dev.flynn.gpu.cuda.CudaContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * Batched scoring on the GPU backend, each row's reduction run as PTX in the emulator (surefire
 * execution {@code emulated-gpu}); small matrices, the emulator being slow.
 */
class EmulatedGpuScoringTest extends ScoringSuite {
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
    protected long[][] shapes() {
        return new long[][] {{1, 1}, {1, 33}, {9, 1}, {0, 5}, {4, 0}, {3, 7}, {5, 40}};
    }

    @Override
    protected int rows() {
        return 40;
    }
}
