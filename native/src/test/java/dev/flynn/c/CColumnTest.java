package dev.flynn.c;

import dev.flynn.Backend;
import dev.flynn.conformance.ColumnReductionSuite;

/** Column reductions on the c backend, row by row, against its 1-D reduction of each column. */
class CColumnTest extends ColumnReductionSuite {
    @Override
    protected Backend backend() {
        return Backend.C;
    }
}
