package dev.flynn.gpu.ptx;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The PTX opcodes the backend writes, each with its modifiers but without its type suffixes:
 * {@code add.rn} in {@code add.rn.f32}. {@link PtxWriter} emits only these, and the emulator decodes
 * instructions into them, so an opcode one side knows and the other does not cannot exist.
 */
public enum PtxOp {
    // integer arithmetic; the .cc / addc pair carries through a 128-bit sum
    ADD("add"),
    ADD_CC("add.cc"),
    ADDC("addc"),
    SUB("sub"),
    MUL_LO("mul.lo"),
    MUL_HI("mul.hi"),
    MUL_WIDE("mul.wide"),
    MAD_LO("mad.lo"),
    DIV("div"),
    REM("rem"),
    // floating point always carries a rounding mode, which also forbids ptxas to contract a mul and an
    // add into an fma (PTX ISA, "Floating-point instructions")
    ADD_RN("add.rn"),
    SUB_RN("sub.rn"),
    MUL_RN("mul.rn"),
    DIV_RN("div.rn"),
    FMA_RN("fma.rn"),
    SQRT_RN("sqrt.rn"),
    NEG("neg"),
    ABS("abs"),
    MIN("min"),
    MAX("max"),
    COPYSIGN("copysign"),
    // fast mode only: approximate, flushing subnormals to zero
    EX2_APPROX("ex2.approx.ftz"),
    LG2_APPROX("lg2.approx.ftz"),
    SIN_APPROX("sin.approx.ftz"),
    COS_APPROX("cos.approx.ftz"),
    // logic and shifts
    AND("and"),
    OR("or"),
    XOR("xor"),
    NOT("not"),
    SHL("shl"),
    SHR("shr"),
    CLZ("clz"),
    // data movement, comparison and conversion
    MOV("mov"),
    SELP("selp"),
    SETP("setp"),
    CVT("cvt"),
    CVT_RN("cvt.rn"),
    CVT_RZI("cvt.rzi"),
    CVT_RNI("cvt.rni"),
    CVT_RMI("cvt.rmi"),
    CVT_RPI("cvt.rpi"),
    CVTA_TO_GLOBAL("cvta.to.global"),
    // memory
    LD_PARAM("ld.param"),
    LD_GLOBAL("ld.global"),
    LD_SHARED("ld.shared"),
    LD_CONST("ld.const"),
    ST_PARAM("st.param"),
    ST_GLOBAL("st.global"),
    ST_SHARED("st.shared"),
    // warps, blocks and control flow
    SHFL_SYNC_DOWN("shfl.sync.down"),
    BAR_SYNC("bar.sync"),
    BRA("bra"),
    BRA_UNI("bra.uni"),
    CALL("call"),
    RET("ret");

    private static final Map<String, PtxOp> BY_MNEMONIC = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(PtxOp::mnemonic, Function.identity()));

    private final String mnemonic;

    PtxOp(String mnemonic) {
        this.mnemonic = mnemonic;
    }

    /** The opcode with its modifiers, as written: {@code cvt.rzi}. */
    public String mnemonic() {
        return mnemonic;
    }

    /** The opcode written exactly as {@code mnemonic} ({@code add.rn}), if there is one. */
    public static Optional<PtxOp> of(String mnemonic) {
        return Optional.ofNullable(BY_MNEMONIC.get(mnemonic));
    }

    @Override
    public String toString() {
        return mnemonic;
    }
}
