package dev.flynn.scalar;

import dev.flynn.Backend;
import dev.flynn.conformance.ColumnReductionSuite;

/** Column reductions on the scalar backend, row by row, against its 1-D reduction of each column. */
class ScalarColumnTest extends ColumnReductionSuite {
    @Override
    protected Backend backend() {
        return Backend.SCALAR;
    }
}
