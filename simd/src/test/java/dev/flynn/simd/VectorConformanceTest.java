package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.conformance.ConformanceSuite;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.UnaryOp;

/**
 * The conformance suite on the SIMD backend, in its default mode: every transcendental op is Flynn's
 * own ({@link VectorExpLog}, {@link VectorTrig}, {@link VectorArcTrig}), built from exactly rounded
 * vector operations. Bounds are the largest errors measured against the correctly rounded result,
 * rounded up (the suite writes what it measured to {@code target/conformance-ulp-simd.txt}); in fast
 * mode ({@code -Dflynn.simd.fastMath=true}) the SVML routines' bounds apply.
 */
class VectorConformanceTest extends ConformanceSuite {
    @Override
    protected Backend backend() {
        return Backend.SIMD;
    }

    /**
     * Own math: every op and type within 1 ulp (this suite measured at most 0.83, F64 sinh; VectorExpLogTest
     * found 0.94, F64 expm1 near ln2/2; VectorTrigTest at most 0.75, F64 tan). Fast mode, when this suite
     * runs with {@code -Dflynn.simd.fastMath=true}: the SVML routines' bounds of docs/SEMANTICS.md.
     */
    @Override
    protected double ulpBound(Enum<?> op, DType type) {
        if (super.ulpBound(op, type) == 0) {
            return 0;
        }
        if (!VectorRoutines.FAST_MATH || type == DType.F32) {
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
