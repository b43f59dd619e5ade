package dev.flynn.gpu.ptx;

import java.util.Locale;
import java.util.Optional;

/**
 * The comparison of a {@code setp}: {@code setp.lt.f32}. For floating-point operands the plain forms
 * are ordered (false when either operand is NaN) and the {@code u} forms unordered (true then);
 * {@code NUM} and {@code NAN} test for NaN alone. {@code LO}, {@code LS}, {@code HI} and {@code HS}
 * compare integers as unsigned whatever the instruction's type.
 */
public enum PtxCmp {
    EQ, NE, LT, LE, GT, GE,
    LO, LS, HI, HS,
    EQU, NEU, LTU, LEU, GTU, GEU, NUM, NAN;

    private final String mnemonic = name().toLowerCase(Locale.ROOT);

    /** The comparison as written in the instruction: {@code ge}. */
    public String mnemonic() {
        return mnemonic;
    }

    /** The comparison written as {@code mnemonic}, if there is one. */
    public static Optional<PtxCmp> of(String mnemonic) {
        for (PtxCmp c : values()) {
            if (c.mnemonic.equals(mnemonic)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return mnemonic;
    }
}
