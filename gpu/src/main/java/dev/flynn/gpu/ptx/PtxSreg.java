package dev.flynn.gpu.ptx;

import java.util.Optional;

/** The special registers kernels read: thread and block indices and sizes in dimension x, and the lane. */
public enum PtxSreg {
    TID_X("%tid.x"),
    NTID_X("%ntid.x"),
    CTAID_X("%ctaid.x"),
    NCTAID_X("%nctaid.x"),
    LANEID("%laneid");

    private final String name;

    PtxSreg(String name) {
        this.name = name;
    }

    /** The register written as {@code name} ({@code %tid.x}), if it is one of these. */
    public static Optional<PtxSreg> of(String name) {
        for (PtxSreg s : values()) {
            if (s.name.equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The register as written in an operand: {@code %tid.x}. */
    @Override
    public String toString() {
        return name;
    }
}
