package dev.flynn.gpu.ptx;

/** A virtual PTX register: {@code %fd12}. ptxas allocates the physical registers. */
record PtxReg(PtxType type, int number) {
    @Override
    public String toString() {
        return type.prefix() + number;
    }
}
