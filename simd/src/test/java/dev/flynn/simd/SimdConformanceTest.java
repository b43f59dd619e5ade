package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.conformance.ConformanceSuite;
import dev.flynn.ir.Accuracy;

/**
 * The conformance suite on the SIMD backend, in its default mode: every transcendental op is Flynn's
 * own ({@link SimdExpLog}, {@link SimdTrig}, {@link SimdArcTrig}), built from exactly rounded
 * vector operations. Bounds, declared in the op table ({@link dev.flynn.ir.Op#accuracy()}), are the
 * largest errors measured against the correctly rounded result, rounded up (the suite writes what it measured to {@code target/conformance-ulp-simd.txt}); in fast
 * mode ({@code -Dflynn.simd.fastMath=true}) the SVML routines' bounds apply.
 */
class SimdConformanceTest extends ConformanceSuite {
    @Override
    protected Backend backend() {
        return Backend.SIMD;
    }

    /**
     * Own math by default (this suite measured at most 0.83 ulp, F64 sinh; SimdExpLogTest found 0.94,
     * F64 expm1 near ln2/2; SimdTrigTest at most 0.75, F64 tan); the SVML routines' bounds when the
     * suite runs with {@code -Dflynn.simd.fastMath=true}.
     */
    @Override
    protected Accuracy.Target accuracyTarget() {
        return SimdRoutines.FAST_MATH ? Accuracy.Target.SIMD_FAST_MATH : Accuracy.Target.SIMD;
    }
}
