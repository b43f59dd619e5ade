package dev.flynn.gpu.ptx;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the body of one PTX function or kernel entry: hands out virtual registers, emits
 * instructions from {@link PtxOp}, {@link PtxCmp} and {@link PtxType} only, and wraps the body with its
 * register declarations once their counts are known. All PTX text of the backend goes through here.
 */
public final class PtxWriter {
    private final Map<PtxType, Integer> counts = new EnumMap<>(PtxType.class);
    private final StringBuilder body = new StringBuilder();
    private int labels;
    /** The guard of the instruction being written ({@code @%p3 }), empty when unguarded. */
    private String guard = "";

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

    /** Emits {@code op.type d, srcs...} into a new register {@code d} of type {@code t}. */
    PtxReg op(PtxOp op, PtxType t, Object... srcs) {
        PtxReg d = reg(t);
        emit(op.mnemonic() + "." + t.suffix(), d, srcs);
        return d;
    }

    /** Emits {@code op.type d, srcs...} into an existing register (loop-carried values). */
    void opInto(PtxReg d, PtxOp op, PtxType t, Object... srcs) {
        emit(op.mnemonic() + "." + t.suffix(), d, srcs);
    }

    /** {@code mul.wide.src d, a, b}: the full product of two 32-bit values in a 64-bit register. */
    PtxReg mulWide(PtxType src, Object a, Object b) {
        PtxReg d = reg(src == PtxType.S32 ? PtxType.S64 : PtxType.U64);
        emit(PtxOp.MUL_WIDE.mnemonic() + "." + src.suffix(), d, a, b);
        return d;
    }

    /** {@code clz.b64 d, a}: leading zeros of a 64-bit value, into a 32-bit register. */
    PtxReg clz(PtxReg a) {
        PtxReg d = reg(PtxType.S32);
        emit(PtxOp.CLZ.mnemonic() + "." + a.type().bits().suffix(), d, a);
        return d;
    }

    /** Emits a conversion {@code cvt.to.from d, a} (with the rounding {@code op} carries) into a new register. */
    PtxReg cvt(PtxOp op, PtxType to, PtxType from, Object a) {
        PtxReg d = reg(to);
        emit(op.mnemonic() + "." + to.suffix() + "." + from.suffix(), d, a);
        return d;
    }

    /** {@code setp.cmp.type p, a, b}. */
    PtxReg setp(PtxCmp cmp, PtxType t, Object a, Object b) {
        PtxReg p = reg(PtxType.PRED);
        emit(PtxOp.SETP.mnemonic() + "." + cmp.mnemonic() + "." + t.suffix(), p, a, b);
        return p;
    }

    /** {@code selp.type d, a, b, p}: {@code p ? a : b}. */
    PtxReg selp(PtxType t, Object a, Object b, PtxReg p) {
        PtxReg d = reg(t);
        emit(PtxOp.SELP.mnemonic() + "." + t.suffix(), d, a, b, p);
        return d;
    }

    /** {@code mov.type d, a} into an existing register. */
    void move(PtxReg d, Object a) {
        emit(PtxOp.MOV.mnemonic() + "." + d.type().suffix(), d, a);
    }

    /** {@code mov.type d, a} into a new register. */
    PtxReg mov(PtxType t, Object a) {
        return op(PtxOp.MOV, t, a);
    }

    /** {@code ld.space.type d, [base+offset]} into a new register; {@code space} is one of the {@code LD_} ops. */
    PtxReg load(PtxOp space, PtxType t, Object base, int offset) {
        PtxReg d = reg(t);
        loadInto(d, space, base, offset);
        return d;
    }

    private void loadInto(PtxReg d, PtxOp space, Object base, int offset) {
        instruction(space.mnemonic() + "." + d.type().suffix() + " \t" + d + ", " + address(base, offset));
    }

    /** {@code st.space.type [base+offset], value}; {@code space} is one of the {@code ST_} ops. */
    void store(PtxOp space, PtxType t, Object base, int offset, Object value) {
        instruction(space.mnemonic() + "." + t.suffix() + " \t" + address(base, offset) + ", " + value);
    }

    private static String address(Object base, int offset) {
        return "[" + base + (offset == 0 ? "" : "+" + offset) + "]";
    }

    /** {@code shfl.sync.down.b32 d, a, delta, 31, -1}: lane l gets lane l + delta's 32 bits, over the full warp. */
    PtxReg shuffleDown(PtxReg a, int delta) {
        PtxReg d = reg(a.type());
        emit(PtxOp.SHFL_SYNC_DOWN.mnemonic() + "." + PtxType.B32.suffix(), d, a, delta, 31, -1);
        return d;
    }

    /** {@code mov.b64 {lo, hi}, wide}: the two 32-bit halves of a 64-bit register. */
    PtxReg[] unpack(PtxReg wide) {
        PtxReg lo = reg(PtxType.B32);
        PtxReg hi = reg(PtxType.B32);
        instruction(PtxOp.MOV.mnemonic() + "." + PtxType.B64.suffix() + " \t{" + lo + ", " + hi + "}, " + wide);
        return new PtxReg[] {lo, hi};
    }

    /** {@code mov.b64 d, {lo, hi}}: a 64-bit register of type {@code t} from two 32-bit halves. */
    PtxReg pack(PtxType t, PtxReg lo, PtxReg hi) {
        PtxReg d = reg(t);
        instruction(PtxOp.MOV.mnemonic() + "." + PtxType.B64.suffix() + " \t" + d + ", {" + lo + ", " + hi + "}");
        return d;
    }

    /** {@code bar.sync 0}: every thread of the block waits here for the others. */
    void barrier() {
        instruction(PtxOp.BAR_SYNC.mnemonic() + " \t0");
    }

    void ret() {
        instruction(PtxOp.RET.mnemonic());
    }

    /** Writes what {@code instructions} emits guarded by {@code p}: each runs only where {@code p} is true. */
    void guarded(PtxReg p, Runnable instructions) {
        withGuard("@" + p + " ", instructions);
    }

    private void withGuard(String g, Runnable instructions) {
        guard = g;
        try {
            instructions.run();
        } finally {
            guard = "";
        }
    }

    void comment(String text) {
        body.append("\t// ").append(text).append('\n');
    }

    void place(String label) {
        body.append(label).append(":\n");
    }

    void bra(String label) {
        instruction(PtxOp.BRA_UNI.mnemonic() + " \t" + label);
    }

    /** Branches when {@code p} is true. */
    void braIf(PtxReg p, String label) {
        guarded(p, () -> instruction(PtxOp.BRA.mnemonic() + " \t" + label));
    }

    /** Branches when {@code p} is false. */
    void braIfNot(PtxReg p, String label) {
        withGuard("@!" + p + " ", () -> instruction(PtxOp.BRA.mnemonic() + " \t" + label));
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
            store(PtxOp.ST_PARAM, args[i].type(), "a" + i, 0, args[i]);
        }
        StringBuilder call = new StringBuilder(PtxOp.CALL.mnemonic()).append(" \t(r), ").append(function).append(", (");
        for (int i = 0; i < args.length; i++) {
            call.append(i == 0 ? "" : ", ").append('a').append(i);
        }
        instruction(call.append(')').toString());
        loadInto(d, PtxOp.LD_PARAM, "r", 0);
        body.append("\t}\n");
        return d;
    }

    private void emit(String mnemonic, PtxReg d, Object... srcs) {
        StringBuilder sb = new StringBuilder(mnemonic).append(" \t").append(d);
        for (Object s : srcs) {
            sb.append(", ").append(s);
        }
        instruction(sb.toString());
    }

    private void instruction(String text) {
        body.append('\t').append(guard).append(text).append(";\n");
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

    /**
     * A PTX f64 immediate with exactly these bits: {@code 0d3FF0000000000000}.
     *
     * @param v the value
     * @return its immediate
     */
    public static String f64(double v) {
        return String.format(Locale.ROOT, "0d%016X", Double.doubleToRawLongBits(v));
    }

    /**
     * A PTX f32 immediate with exactly these bits: {@code 0f3F800000}.
     *
     * @param v the value
     * @return its immediate
     */
    public static String f32(float v) {
        return String.format(Locale.ROOT, "0f%08X", Float.floatToRawIntBits(v));
    }

    /** A floating immediate of type {@code t} (F32 or F64) for the value {@code v}. */
    static String fimm(PtxType t, double v) {
        return t == PtxType.F32 ? f32((float) v) : f64(v);
    }
}
