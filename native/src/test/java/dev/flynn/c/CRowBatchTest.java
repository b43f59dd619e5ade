package dev.flynn.c;

import dev.flynn.Backend;
import dev.flynn.conformance.RowBatchSuite;

/** Many rows in one call on the C backend: each row bitwise its own 1-D call. */
class CRowBatchTest extends RowBatchSuite {
    @Override
    protected Backend backend() {
        return Backend.C;
    }
}
