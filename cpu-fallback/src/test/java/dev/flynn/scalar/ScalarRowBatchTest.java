package dev.flynn.scalar;

import dev.flynn.Backend;
import dev.flynn.conformance.RowBatchSuite;

/** Many rows in one call on the scalar backend: each row bitwise its own 1-D call. */
class ScalarRowBatchTest extends RowBatchSuite {
    @Override
    protected Backend backend() {
        return Backend.SCALAR;
    }
}
