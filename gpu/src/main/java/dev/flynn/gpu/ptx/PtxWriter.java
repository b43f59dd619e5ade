package dev.flynn.gpu.ptx;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the body of one PTX function or kernel entry: hands out virtual registers, emits
 * instructions from the mnemonic constants below, and wraps the body with its register
 * declarations once their counts are known. All PTX text of the backend goes through here.
 */
public final class PtxWriter {
    // arithmetic; floating-point forms always carry a rounding mode, which also forbids ptxas to
    // contract a mul and an add into an fma (PTX ISA, "Floating-point instructions")
    static final String ADD = "add";
    static final String SUB = "sub";
    static final String MUL_LO = "mul.lo";
    static final String MUL_WIDE = "mul.wide";
    static final String MUL_HI = "mul.hi";
    static final String MAD_LO = "mad.lo";
    static final String DIV = "div";
    static final String REM = "rem";
    static final String ADD_RN = "add.rn";
    static final String SUB_RN = "sub.rn";
    static final String MUL_RN = "mul.rn";
    static final String DIV_RN = "div.rn";
    static final String FMA_RN = "fma.rn";
    static final String SQRT_RN = "sqrt.rn";
    static final String NEG = "neg";
    static final String ABS = "abs";
    static final String MIN = "min";
    static final String MAX = "max";
    static final String COPYSIGN = "copysign";
    // fast mode only
    static final String EX2_APPROX = "ex2.approx.ftz";
    static final String LG2_APPROX = "lg2.approx.ftz";
    static final String SIN_APPROX = "sin.approx.ftz";
    static final String COS_APPROX = "cos.approx.ftz";
    static final String RCP_APPROX = "rcp.approx.ftz";
    static final String DIV_FULL = "div.full";
    // logic and shifts
    static final String AND = "and";
    static final String OR = "or";
    static final String XOR = "xor";
    static final String NOT = "not";
    static final String SHL = "shl";
    static final String SHR = "shr";
    static final String CLZ = "clz";
    // data movement and conversion
    static final String MOV = "mov";
    static final String SELP = "selp";
    static final String CVT = "cvt";
    static final String CVT_RN = "cvt.rn";
    static final String CVT_RZI = "cvt.rzi";
    static final String CVT_RNI = "cvt.rni";
    static final String CVT_RMI = "cvt.rmi";
    static final String CVT_RPI = "cvt.rpi";
    static final String LD_PARAM = "ld.param";
    static final String ST_PARAM = "st.param";
    static final String LD_GLOBAL = "ld.global";
    static final String ST_GLOBAL = "st.global";
    static final String LD_SHARED = "ld.shared";
    static final String ST_SHARED = "st.shared";
    static final String CVTA_GLOBAL = "cvta.to.global";
    static final String SHFL_DOWN = "shfl.sync.down.b32";
    static final String BAR_SYNC = "bar.sync";
    static final String SETP = "setp";
    static final String BRA = "bra.uni";
    static final String RET = "ret";

    private final Map<PtxType, Integer> counts = new EnumMap<>(PtxType.class);
    private final StringBuilder body = new StringBuilder();
    private int labels;

    /** A fresh register of type {@code t}. Numbering is per register file, as PTX declares them. */
    PtxReg reg(PtxType t) {
        PtxType file = fileOf(t);
        int n = counts.merge(file, 1, Integer::sum);
        return new PtxReg(t, n);
    }

    private static PtxType fileOf(PtxType t) {
        return switch (t.regDecl()) {
            case "pred" -> PtxType.PRED;
            case "b32" -> PtxType.B32;
            case "b64" -> PtxType.B64;
            case "f32" -> PtxType.F32;
            default -> PtxType.F64;
        };
    }

    /** A fresh label name. */
    String label(String hint) {
        return "$L_" + hint + "_" + (++labels);
    }

    /** Emits {@code mnemonic.type d, srcs...} into a new register {@code d} of type {@code t}. */
    PtxReg op(String mnemonic, PtxType t, Object... srcs) {
        PtxReg d = reg(t);
        emit(mnemonic + "." + t.suffix(), d, srcs);
        return d;
    }

    /** Emits {@code mnemonic.type d, srcs...} into an existing register (loop-carried values). */
    void opInto(PtxReg d, String mnemonic, PtxType t, Object... srcs) {
        emit(mnemonic + "." + t.suffix(), d, srcs);
    }

    /** {@code mul.wide.src d, a, b}: the full product of two 32-bit values in a 64-bit register. */
    PtxReg mulWide(PtxType src, Object a, Object b) {
        PtxReg d = reg(src == PtxType.S32 ? PtxType.S64 : PtxType.U64);
        emit(MUL_WIDE + "." + src.suffix(), d, a, b);
        return d;
    }

    /** {@code clz.b64 d, a}: leading zeros of a 64-bit value, into a 32-bit register. */
    PtxReg clz(PtxReg a) {
        PtxReg d = reg(PtxType.S32);
        emit(CLZ + "." + a.type().bits().suffix(), d, a);
        return d;
    }

    /** Emits a conversion {@code cvtMnemonic.to.from d, a} into a new register. */
    PtxReg cvt(String cvtMnemonic, PtxType to, PtxType from, Object a) {
        PtxReg d = reg(to);
        emit(cvtMnemonic + "." + to.suffix() + "." + from.suffix(), d, a);
        return d;
    }

    /** {@code setp.cmp.type p, a, b}. */
    PtxReg setp(String cmp, PtxType t, Object a, Object b) {
        PtxReg p = reg(PtxType.PRED);
        emit(SETP + "." + cmp + "." + t.suffix(), p, a, b);
        return p;
    }

    /** {@code selp.type d, a, b, p}: {@code p ? a : b}. */
    PtxReg selp(PtxType t, Object a, Object b, PtxReg p) {
        PtxReg d = reg(t);
        emit(SELP + "." + t.suffix(), d, a, b, p);
        return d;
    }

    /** {@code mov.type d, a} into an existing register. */
    void move(PtxReg d, Object a) {
        emit(MOV + "." + d.type().suffix(), d, a);
    }

    PtxReg mov(PtxType t, Object a) {
        return op(MOV, t, a);
    }

    /** Emits one raw instruction line (already complete but for the semicolon). */
    void line(String instruction) {
        body.append('\t').append(instruction).append(";\n");
    }

    void comment(String text) {
        body.append("\t// ").append(text).append('\n');
    }

    void place(String label) {
        body.append(label).append(":\n");
    }

    void bra(String label) {
        line(BRA + " \t" + label);
    }

    /** Branches when {@code p} is true. */
    void braIf(PtxReg p, String label) {
        body.append("\t@").append(p).append(" bra \t").append(label).append(";\n");
    }

    /** Branches when {@code p} is false. */
    void braIfNot(PtxReg p, String label) {
        body.append("\t@!").append(p).append(" bra \t").append(label).append(";\n");
    }

    /** A predicated instruction line: {@code @p instruction}. */
    void lineIf(PtxReg p, String instruction) {
        body.append("\t@").append(p).append(' ').append(instruction).append(";\n");
    }

    /**
     * Calls a {@code .func} with one result and the given arguments, all passed as {@code .param}
     * of their register's type; returns the result in a new register.
     */
    PtxReg call(String function, PtxType result, PtxReg... args) {
        PtxReg d = reg(result);
        body.append("\t{\n");
        body.append("\t.param .").append(result.suffix()).append(" r;\n");
        for (int i = 0; i < args.length; i++) {
            body.append("\t.param .").append(args[i].type().suffix()).append(" a").append(i).append(";\n");
            body.append("\t").append(ST_PARAM).append('.').append(args[i].type().suffix())
                    .append(" \t[a").append(i).append("], ").append(args[i]).append(";\n");
        }
        body.append("\tcall \t(r), ").append(function).append(", (");
        for (int i = 0; i < args.length; i++) {
            body.append(i == 0 ? "" : ", ").append('a').append(i);
        }
        body.append(");\n");
        body.append("\t").append(LD_PARAM).append('.').append(result.suffix()).append(" \t").append(d).append(", [r];\n");
        body.append("\t}\n");
        return d;
    }

    private void emit(String mnemonic, PtxReg d, Object... srcs) {
        StringBuilder sb = body.append('\t').append(mnemonic).append(" \t").append(d);
        for (Object s : srcs) {
            sb.append(", ").append(s);
        }
        sb.append(";\n");
    }

    /** The register declarations and the body, inside braces. */
    String finish() {
        StringBuilder sb = new StringBuilder("{\n");
        for (PtxType file : new PtxType[] {PtxType.PRED, PtxType.B32, PtxType.B64, PtxType.F32, PtxType.F64}) {
            Integer n = counts.get(file);
            if (n != null) {
                sb.append("\t.reg .").append(file.regDecl()).append(' ').append(file.prefix())
                        .append('<').append(n + 1).append(">;\n");
            }
        }
        return sb.append(body).append("}\n").toString();
    }

    // ---- immediates ----------------------------------------------------------------------------

    /** A PTX f64 immediate with exactly these bits: {@code 0d3FF0000000000000}. */
    public static String f64(double v) {
        return String.format(Locale.ROOT, "0d%016X", Double.doubleToRawLongBits(v));
    }

    /** A PTX f32 immediate with exactly these bits: {@code 0f3F800000}. */
    public static String f32(float v) {
        return String.format(Locale.ROOT, "0f%08X", Float.floatToRawIntBits(v));
    }

    /** A floating immediate of type {@code t} (F32 or F64) for the value {@code v}. */
    static String fimm(PtxType t, double v) {
        return t == PtxType.F32 ? f32((float) v) : f64(v);
    }
}
