package dev.flynn.gpu.ptx;

import dev.flynn.DType;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.Node;

import java.util.List;
import java.util.Optional;

import static dev.flynn.gpu.ptx.PtxType.B32;
import static dev.flynn.gpu.ptx.PtxType.B64;
import static dev.flynn.gpu.ptx.PtxType.U64;

/**
 * The PTX module that copies a 2-D walk of device memory to another ({@value #COPY}): element
 * {@code (r, c)} of {@code rows × cols}, {@code i = r*cols + c} in a grid-stride loop, from
 * {@code src + (r*src_row + c*src_col)*size} to {@code dst + (r*dst_row + c*dst_col)*size}, strides in
 * elements. Core gathers strided device views into contiguous temporaries with it and scatters results
 * back; the bits are moved, never converted. One module per element size (4 or 8 bytes).
 */
public final class PtxCopy {
    /** The copy's entry. */
    public static final String COPY = "flynn_copy2d";

    private PtxCopy() {
    }

    /**
     * The module for elements of {@code type}'s size.
     *
     * @param type the element type (F32, F64, I32 or I64)
     * @param target the PTX version and compute capability
     * @return the module
     */
    public static PtxModule generate(DType type, PtxTarget target) {
        if (type == DType.BOOL) {
            throw new IllegalArgumentException("device arrays hold no masks");
        }
        PtxType bits = type.byteSize() == 8 ? B64 : B32;
        KernelIR ir = new KernelIR(List.of(type), new Node.Input(0, type), Optional.empty(), 0);
        PtxGenerator g = PtxGenerator.forStep(ir);
        PtxGenerator.Body b = g.new Body();
        PtxWriter w = b.w;
        PtxReg n = b.param("n");
        PtxReg cols = b.param("cols");
        PtxReg src = b.global(b.param("src"));
        PtxReg srcRow = b.param("src_row");
        PtxReg srcCol = b.param("src_col");
        PtxReg dst = b.global(b.param("dst"));
        PtxReg dstRow = b.param("dst_row");
        PtxReg dstCol = b.param("dst_col");
        PtxGenerator.Loop loop = b.gridStride(n, "element");
        PtxReg r = w.op(PtxOp.DIV, U64, loop.i(), cols);
        PtxReg c = w.op(PtxOp.SUB, U64, loop.i(), w.op(PtxOp.MUL_LO, U64, r, cols));
        PtxReg from = w.op(PtxOp.MAD_LO, U64, r, srcRow, w.op(PtxOp.MUL_LO, U64, c, srcCol));
        PtxReg to = w.op(PtxOp.MAD_LO, U64, r, dstRow, w.op(PtxOp.MUL_LO, U64, c, dstCol));
        PtxReg v = w.load(PtxOp.LD_GLOBAL, bits, b.address(src, from, bits.size()), 0);
        w.store(PtxOp.ST_GLOBAL, bits, b.address(dst, to, bits.size()), 0, v);
        b.endLoop(loop);
        w.ret();
        String text = "// Flynn strided copy of " + bits.size() + "-byte elements\n\n" + target.header() + '\n'
                + "// dst[r*dst_row + c*dst_col] = src[r*src_row + c*src_col], r = i / cols, c = i % cols, i in [0, n)\n"
                + ".visible .entry " + COPY + "(\n\t.param .u64 n,\n\t.param .u64 cols,\n\t.param .u64 src,"
                + "\n\t.param .u64 src_row,\n\t.param .u64 src_col,\n\t.param .u64 dst,\n\t.param .u64 dst_row,"
                + "\n\t.param .u64 dst_col\n)\n" + w.finish();
        return new PtxModule(text, false, new boolean[0], 0, false);
    }
}
