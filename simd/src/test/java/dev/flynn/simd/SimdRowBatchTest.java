package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.conformance.RowBatchSuite;

/** Many rows in one call on the simd backend: each row bitwise its own 1-D call. */
class SimdRowBatchTest extends RowBatchSuite {
    @Override
    protected Backend backend() {
        return Backend.SIMD;
    }
}
