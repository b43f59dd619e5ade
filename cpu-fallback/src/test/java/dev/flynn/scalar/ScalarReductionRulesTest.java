package dev.flynn.scalar;

import dev.flynn.Backend;
import dev.flynn.conformance.ReductionRulesSuite;

/** The scalar backend's reductions against core's reference rules. */
class ScalarReductionRulesTest extends ReductionRulesSuite {
    @Override
    protected Backend backend() {
        return Backend.SCALAR;
    }
}
