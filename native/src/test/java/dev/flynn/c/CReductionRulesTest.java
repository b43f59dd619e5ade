package dev.flynn.c;

import dev.flynn.Backend;
import dev.flynn.conformance.ReductionRulesSuite;

/** The reduction rules the C backend writes in C against core's reference rules. */
class CReductionRulesTest extends ReductionRulesSuite {
    @Override
    protected Backend backend() {
        return Backend.C;
    }
}
