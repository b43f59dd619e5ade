package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.conformance.ColumnReductionSuite;

/** Column reductions on the simd backend, row by row, against its 1-D reduction of each column. */
class SimdColumnTest extends ColumnReductionSuite {
    @Override
    protected Backend backend() {
        return Backend.SIMD;
    }

    /** Fast-math mode leaves transcendentals to the JIT: the backend then keeps the line-by-line path. */
    @Override
    protected boolean rowByRow() {
        return !Boolean.getBoolean("flynn.simd.fastMath");
    }
}
