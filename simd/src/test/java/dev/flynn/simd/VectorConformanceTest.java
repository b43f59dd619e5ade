package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.conformance.ConformanceSuite;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.UnaryOp;

/**
 * The conformance suite on the SIMD backend. Transcendental ops go through the Vector API's math
 * library; their bounds are the largest errors measured against the correctly rounded result (the
 * suite writes what it measured to {@code target/conformance-ulp-simd.txt}).
 */
class VectorConformanceTest extends ConformanceSuite {
    @Override
    protected Backend backend() {
        return Backend.SIMD;
    }

    /**
     * Measured by this suite against the correctly rounded result (target/conformance-ulp-simd.txt):
     * every F32 op within 0.67 ulp on the sampled values; F64 within 0.73 ulp except atan2 (1.10),
     * sinh (1.07) and cosh (0.95). The bounds leave room for inputs the suite does not sample: SVML's
     * F64 tanh was measured at 2 ulps from StrictMath before, so 3 from the correctly rounded value.
     */
    @Override
    protected double ulpBound(Enum<?> op, DType type) {
        double java = super.ulpBound(op, type);
        if (java == 0) {
            return 0;
        }
        if (type == DType.F32) {
            return 1;
        }
        return switch (op) {
            case UnaryOp u when u == UnaryOp.TANH -> 3;
            case UnaryOp u when u == UnaryOp.SINH || u == UnaryOp.COSH -> 2;
            case BinaryOp b when b == BinaryOp.ATAN2 -> 2;
            default -> 1;
        };
    }
}
