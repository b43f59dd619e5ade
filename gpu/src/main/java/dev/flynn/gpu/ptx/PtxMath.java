package dev.flynn.gpu.ptx;

import java.util.Locale;

import static dev.flynn.gpu.ptx.PtxType.F64;
import static dev.flynn.gpu.ptx.PtxWriter.f64;

/**
 * The accurate math library of the GPU backend: each function a PTX {@code .func} over f64, written
 * once as a sequence of {@code .rn} operations and fmas (F32 kernels widen, call it, and round once,
 * which is how Java defines the F32 ops). Exponentials and logarithms carry double-double
 * intermediates; sin, cos and tan reduce their argument exactly in fixed point with the bits of
 * 2/pi (Payne-Hanek), so no argument loses accuracy. The routines live in {@link PtxExpLog},
 * {@link PtxTrig} and {@link PtxAlgebraic}, over the building blocks of {@link PtxMathOps}. The ulp
 * bounds documented in docs/GPU.md are measured by the conformance suite on the PTX emulator
 * ({@code EmulatedGpuConformanceTest}), which runs this very PTX with the hardware's exact
 * {@code .rn} operations.
 */
final class PtxMath {
    static final String TWO_OVER_PI_TABLE = "flynn_two_over_pi";
    static final String ATAN_TABLE = "flynn_atan_table";

    /** The library functions, each one {@code .func} named {@code flynn_<name>} taking and returning f64. */
    enum Fn {
        EXP(1), EXPM1(1), LOG(1), LOG1P(1), LOG10(1), SIN(1), COS(1), TAN(1), ASIN(1), ACOS(1), ATAN(1),
        SINH(1), COSH(1), TANH(1), CBRT(1), ATAN2(2), POW(2), HYPOT(2), FMOD(2);

        final int arity;

        Fn(int arity) {
            this.arity = arity;
        }

        String symbol() {
            return "flynn_" + name().toLowerCase(Locale.ROOT);
        }

        boolean usesTwoOverPi() {
            return this == SIN || this == COS || this == TAN;
        }

        boolean usesAtanTable() {
            return this == ATAN || this == ATAN2 || this == ASIN || this == ACOS;
        }
    }

    /** The module-scope constant tables a set of functions needs. */
    static String tables(boolean twoOverPi, boolean atan) {
        StringBuilder sb = new StringBuilder();
        if (twoOverPi) {
            sb.append(".const .align 8 .b64 ").append(TWO_OVER_PI_TABLE).append('[')
                    .append(PtxConstants.TWO_OVER_PI.length + 3).append("] = {");
            for (int i = 0; i < PtxConstants.TWO_OVER_PI.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "0x%016X", PtxConstants.TWO_OVER_PI[i]));
            }
            // the window read may run three words past the last one for the largest doubles
            sb.append(", 0, 0, 0};\n");
        }
        if (atan) {
            sb.append(".const .align 8 .f64 ").append(ATAN_TABLE).append("[18] = {");
            for (int k = 0; k <= 8; k++) {
                sb.append(k == 0 ? "" : ", ").append(f64(PtxConstants.ATAN_HI[k])).append(", ")
                        .append(f64(PtxConstants.ATAN_LO[k]));
            }
            sb.append("};\n");
        }
        return sb.toString();
    }

    /** The complete {@code .func} definition of {@code fn}. */
    static String function(Fn fn) {
        PtxWriter w = new PtxWriter();
        PtxExpLog e = new PtxExpLog(w);
        PtxTrig t = new PtxTrig(w);
        PtxAlgebraic a = new PtxAlgebraic(w);
        PtxReg x = w.load(PtxOp.LD_PARAM, F64, "x", 0);
        PtxReg y = fn.arity == 2 ? w.load(PtxOp.LD_PARAM, F64, "y", 0) : null;
        PtxReg r = w.reg(F64);
        String done = w.label("done");
        switch (fn) {
            case EXP -> e.exp(x, r, done);
            case EXPM1 -> e.expm1(x, r, done);
            case LOG -> e.log(x, r, done);
            case LOG1P -> e.log1p(x, r, done);
            case LOG10 -> e.log10(x, r, done);
            case SIN, COS, TAN -> t.trig(fn, x, r, done);
            case ATAN -> t.atan(x, r);
            case ASIN -> t.asin(x, r);
            case ACOS -> t.acos(x, r);
            case ATAN2 -> t.atan2(x, y, r);
            case SINH -> e.sinh(x, r, done);
            case COSH -> e.cosh(x, r, done);
            case TANH -> e.tanh(x, r, done);
            case CBRT -> e.cbrt(x, r, done);
            case POW -> e.pow(x, y, r, done);
            case HYPOT -> a.hypot(x, y, r, done);
            case FMOD -> a.fmod(x, y, r, done);
        }
        w.place(done);
        w.store(PtxOp.ST_PARAM, F64, "r", 0, r);
        w.ret();
        String params = fn.arity == 2 ? "(.param .f64 x, .param .f64 y)" : "(.param .f64 x)";
        return "// " + fn.name().toLowerCase(Locale.ROOT) + ": accurate f64 (see docs/GPU.md for its ulp bound)\n"
                + ".func (.param .f64 r) " + fn.symbol() + params + "\n" + w.finish();
    }
}
