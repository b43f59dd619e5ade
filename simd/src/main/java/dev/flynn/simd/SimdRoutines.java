package dev.flynn.simd;

import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.UnaryOp;

import java.lang.constant.ClassDesc;
import java.util.Optional;

/**
 * Which static method generated code calls for an op that is not a single exactly specified Vector API
 * operator. A routine of a lane type's vector class {@code V} has the signature {@code V name(V)} or
 * {@code V name(V, V)}; ops with no routine here are lowered to their {@code VectorOperators} operator.
 *
 * <p>By default every transcendental is a routine built from exactly rounded operations only, so its
 * bits do not depend on JIT state, vector width or CPU. In fast mode ({@code flynn.simd.fastMath=true})
 * the transcendentals go to the Vector API's operators instead, which C2 compiles to the JDK's SVML
 * stubs: faster for some ops, but interpreted and compiled code round differently.
 */
final class SimdRoutines {
    /** Read once: a JVM's compiled kernels all use one mode, so the kernel cache needs no mode in its key. */
    static final boolean FAST_MATH = Boolean.getBoolean("flynn.simd.fastMath");

    /**
     * A static method {@code owner.name}; {@code inlined}: its bytecode is copied into the kernel
     * ({@link SimdInliner}) rather than called, as every routine of more than a few vector operations must be;
     * {@code floatsAsDoubles}: the routine has no float-lane form, so F32 lanes are widened to F64, computed
     * by its F64 form and rounded once (the kernel then runs at the F64 lane count, see {@link
     * SimdCompiler.Plan}, which makes the widening lane to lane); {@code widenedName}: the F64 method those
     * widened lanes go to, which may rely on its arguments being floats (F32 hypot needs no scaling then).
     */
    record Routine(Class<?> owner, String name, boolean inlined, boolean floatsAsDoubles, String widenedName) {
        Routine(Class<?> owner, String name, boolean inlined, boolean floatsAsDoubles) {
            this(owner, name, inlined, floatsAsDoubles, name);
        }

        ClassDesc ownerDesc() {
            return SimdCompiler.desc(owner);
        }

        /** The routine the widened F32 lanes of a {@code floatsAsDoubles} routine call. */
        Routine widened() {
            return new Routine(owner, widenedName, inlined, floatsAsDoubles, widenedName);
        }
    }

    private SimdRoutines() {
    }

    /** The routine computing {@code op}, or empty when its {@code VectorOperators} operator is used. */
    static Optional<Routine> unary(UnaryOp op, boolean fastMath) {
        Routine r = switch (op) {
            // the Vector API has no such operator: built from exact ops in every mode
            case FLOOR -> math("floor");
            case CEIL -> math("ceil");
            case RINT -> math("rint");
            case SIGNUM -> math("signum");
            case EXP -> own(fastMath, SimdExpLog.class, "exp");
            case EXPM1 -> own(fastMath, SimdExpLog.class, "expm1");
            case LOG -> own(fastMath, SimdExpLog.class, "log");
            case LOG1P -> own(fastMath, SimdExpLog.class, "log1p");
            case LOG10 -> own(fastMath, SimdExpLog.class, "log10");
            case CBRT -> own(fastMath, SimdExpLog.class, "cbrt");
            case SINH -> own(fastMath, SimdExpLog.class, "sinh");
            case COSH -> own(fastMath, SimdExpLog.class, "cosh");
            case TANH -> own(fastMath, SimdExpLog.class, "tanh");
            case SIN -> own(fastMath, SimdTrig.class, "sin");
            case COS -> own(fastMath, SimdTrig.class, "cos");
            case TAN -> own(fastMath, SimdTrig.class, "tan");
            case ASIN -> own(fastMath, SimdArcTrig.class, "asin");
            case ACOS -> own(fastMath, SimdArcTrig.class, "acos");
            case ATAN -> own(fastMath, SimdArcTrig.class, "atan");
            // exactly specified operators
            case NEG, ABS, NOT, SQRT -> null;
        };
        return Optional.ofNullable(r);
    }

    /** The routine computing {@code op} on floating-point lanes, or empty when its operator is used. */
    static Optional<Routine> binary(BinaryOp op, boolean fastMath) {
        Routine r = switch (op) {
            // Java's % on floats has no SIMD instruction
            case REM -> math("rem");
            // C2's POW follows C99 where Java differs; SimdMath.pow patches those lanes
            case POW -> fastMath ? math("pow") : new Routine(SimdExpLog.class, "pow", true, true);
            // float squares are exact in F64, so F32 needs only their sum, a square root and no scaling
            case HYPOT -> fastMath ? null : new Routine(SimdExpLog.class, "hypot", true, true, "hypotOfFloats");
            case ATAN2 -> own(fastMath, SimdArcTrig.class, "atan2");
            case ADD, SUB, MUL, DIV, MIN, MAX, AND, OR, XOR, SHL, SHR, USHR -> null;
        };
        return Optional.ofNullable(r);
    }

    private static Routine math(String name) {
        return new Routine(SimdMath.class, name, false, false);
    }

    /** Flynn's own routine, or none (the SVML-backed operator) in fast mode. */
    private static Routine own(boolean fastMath, Class<?> owner, String name) {
        return fastMath ? null : new Routine(owner, name, true, false);
    }
}
