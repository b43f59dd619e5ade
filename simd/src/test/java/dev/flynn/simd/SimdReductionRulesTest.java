package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.conformance.ReductionRulesSuite;

/** The SIMD backend's reduction steps and lane merges against core's reference rules. */
class SimdReductionRulesTest extends ReductionRulesSuite {
    @Override
    protected Backend backend() {
        return Backend.SIMD;
    }
}
