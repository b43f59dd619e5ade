package dev.flynn.c;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.conformance.GraphConformanceSuite;

import java.util.List;

/**
 * Deep, shared and large kernels on the C backend. The C compiler's time grows faster than the size
 * of one function: with gcc 12 -O3, 10,000 chained additions take about 15 s, and a 1,000-deep
 * nesting of {@code where} or {@code **} tens of seconds. So this backend runs the smaller depths
 * and sizes; the code generation itself is linear and iterative like every other backend's.
 */
class CGraphConformanceTest extends GraphConformanceSuite {
    @Override
    protected Backend backend() {
        return Backend.C;
    }

    @Override
    protected int[] depths() {
        return new int[]{10, 100};
    }

    @Override
    protected int[] kernelSizes() {
        return new int[]{2_000};
    }

    @Override
    protected List<DType> kernelTypes(int size) {
        return List.of(DType.F64, DType.I64);
    }
}
