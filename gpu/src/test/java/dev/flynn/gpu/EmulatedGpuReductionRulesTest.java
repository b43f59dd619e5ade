package dev.flynn.gpu;

import dev.flynn.Backend;
import dev.flynn.conformance.ReductionRulesSuite;
import org.junit.jupiter.api.BeforeAll;

/**
 * The reduction rules the PTX generator writes (identities, the argmin NaN-and-tie rule, Neumaier's
 * step, the warp and block merges) against core's reference rules, run by the PTX emulator.
 */
class EmulatedGpuReductionRulesTest extends ReductionRulesSuite {
    @BeforeAll
    void requireEmulator() {
        TestDevice.requireEmulatorOrGpu();
    }

    @Override
    protected Backend backend() {
        return Backend.GPU;
    }

    /** The emulator interprets every instruction: a warp, a block of warps, and several blocks. */
    @Override
    protected int[] lengths() {
        return new int[] {2, 3, 33, 300};
    }
}
