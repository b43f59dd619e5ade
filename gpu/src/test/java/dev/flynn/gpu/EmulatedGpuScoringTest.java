package dev.flynn.gpu;

import dev.flynn.Backend;
import dev.flynn.conformance.ScoringSuite;
import org.junit.jupiter.api.BeforeAll;

/**
 * Batched scoring on the GPU backend, each row's reduction run as PTX in the emulator (surefire
 * execution {@code emulated-gpu}); small matrices, the emulator being slow.
 */
class EmulatedGpuScoringTest extends ScoringSuite {
    @BeforeAll
    void requireEmulator() {
        TestDevice.requireEmulatorOrGpu();
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
