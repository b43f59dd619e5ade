package dev.flynn.gpu.ptx;

import dev.flynn.DType;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.Node;
import dev.flynn.ir.ScanOp;

import java.util.List;
import java.util.Optional;

import static dev.flynn.gpu.ptx.PtxType.B64;
import static dev.flynn.gpu.ptx.PtxType.U32;
import static dev.flynn.gpu.ptx.PtxType.U64;

/**
 * The PTX module of a scan over values already in device memory, in core's block order
 * ({@link ScanOp}): {@value #LOCAL} folds each block of {@link ScanOp#BLOCK} values left to right in
 * place, one thread per block, and writes the block's total; the host folds the totals into carries
 * in Java; {@value #CARRY} applies each block's carry, {@code buf[i] = carry ⊕ buf[i]}, for every
 * element past the first block. The step is the op table's ADD, MUL, MIN or MAX, lowered by
 * {@link PtxLowering} like any node, so NaN and signed zeros follow Java. One module per op, type and
 * inclusive or exclusive; it holds no kernel body (the map in front runs as its own module).
 */
public final class PtxScan {
    /** The entry that folds each block in place and writes its total. */
    public static final String LOCAL = "flynn_scan_local";
    /** The entry that applies the carries. */
    public static final String CARRY = "flynn_scan_carry";
    /** Bytes of one total or carry slot: the value in its own type at the slot's start. */
    public static final int SLOT_BYTES = 8;

    private PtxScan() {
    }

    /**
     * The module for one scan.
     *
     * @param op the scan
     * @param type the values' type
     * @param exclusive whether element {@code i} leaves out value {@code i}
     * @param target the PTX version and compute capability
     * @return the module
     */
    public static PtxModule generate(ScanOp op, DType type, boolean exclusive, PtxTarget target) {
        Node.Input acc = new Node.Input(0, type);
        Node.Input value = new Node.Input(1, type);
        Node step = new Node.Binary(op.step(), acc, value, type);
        KernelIR ir = new KernelIR(List.of(type, type), step, Optional.empty(), 0);
        PtxGenerator g = PtxGenerator.forStep(ir);
        StringBuilder sb = new StringBuilder();
        sb.append("// Flynn scan ").append(op).append(' ').append(type).append(exclusive ? " exclusive" : " inclusive")
                .append(", blocks of ").append(ScanOp.BLOCK).append("\n\n");
        sb.append(target.header()).append('\n');
        sb.append(local(g, step, type, exclusive)).append('\n').append(carry(g, step, type));
        return new PtxModule(sb.toString(), false, new boolean[0], 0, false);
    }

    /** Block {@code b} (a grid-stride loop over the blocks): fold in place, total to {@code totals[b]}. */
    private static String local(PtxGenerator g, Node step, DType type, boolean exclusive) {
        PtxGenerator.Body b = g.new Body();
        PtxWriter w = b.w;
        PtxType t = PtxType.of(type);
        PtxReg n = b.param("n");
        PtxReg buf = b.global(b.param("buf"));
        PtxReg totals = b.global(b.param("totals"));
        PtxReg first = w.load(PtxOp.LD_PARAM, B64, "first", 0);
        PtxReg identity = w.load(PtxOp.LD_PARAM, B64, "identity", 0);
        PtxReg blocks = w.op(PtxOp.SHR, U64, w.op(PtxOp.ADD, U64, n, ScanOp.BLOCK - 1), shift());
        PtxGenerator.Loop loop = b.gridStride(blocks, "block");
        PtxReg start = w.op(PtxOp.SHL, B64, loop.i(), shift());
        PtxReg end = w.op(PtxOp.MIN, U64, w.op(PtxOp.ADD, U64, start, ScanOp.BLOCK), n);
        PtxReg acc = w.reg(t);
        w.move(acc, w.load(PtxOp.LD_GLOBAL, t, b.address(buf, start, t.size()), 0));
        if (exclusive) {
            // block 0 starts the scan with its start value; a later block's first slot takes its carry ⊕ identity
            PtxReg raw = w.selp(B64, first, identity, w.setp(PtxCmp.EQ, U64, loop.i(), 0));
            w.store(PtxOp.ST_GLOBAL, t, b.address(buf, start, t.size()), 0, typed(w, raw, type));
        }
        PtxReg i = w.reg(U64);
        w.opInto(i, PtxOp.ADD, U64, start, 1);
        String top = w.label("fold");
        String done = w.label("fold_done");
        w.place(top);
        w.braIf(w.setp(PtxCmp.GE, U64, i, end), done);
        PtxReg at = b.address(buf, i, t.size());
        PtxReg v = w.load(PtxOp.LD_GLOBAL, t, at, 0);
        if (exclusive) {
            w.store(PtxOp.ST_GLOBAL, t, at, 0, acc);
            w.move(acc, b.evaluateWith(step, acc, v));
        } else {
            w.move(acc, b.evaluateWith(step, acc, v));
            w.store(PtxOp.ST_GLOBAL, t, at, 0, acc);
        }
        w.opInto(i, PtxOp.ADD, U64, i, 1);
        w.bra(top);
        w.place(done);
        w.store(PtxOp.ST_GLOBAL, t, b.address(totals, loop.i(), SLOT_BYTES), 0, acc);
        b.endLoop(loop);
        w.ret();
        return "// each block of buf[0, n) folded left to right in place; totals[block] = its last prefix\n"
                + ".visible .entry " + LOCAL + "(\n\t.param .u64 n,\n\t.param .u64 buf,\n\t.param .u64 totals,"
                + "\n\t.param .b64 first,\n\t.param .b64 identity\n)\n" + w.finish();
    }

    /** {@code buf[i] = carries[i / BLOCK] ⊕ buf[i]} for {@code i} in {@code [BLOCK, n)}. */
    private static String carry(PtxGenerator g, Node step, DType type) {
        PtxGenerator.Body b = g.new Body();
        PtxWriter w = b.w;
        PtxType t = PtxType.of(type);
        PtxReg n = b.param("n");
        PtxReg buf = b.global(b.param("buf"));
        PtxReg carries = b.global(b.param("carries"));
        PtxGenerator.Loop loop = b.gridStride(n, "carry");
        String skip = w.label("first_block");
        PtxReg block = w.op(PtxOp.SHR, U64, loop.i(), shift());
        w.braIf(w.setp(PtxCmp.EQ, U64, block, 0), skip);
        PtxReg c = w.load(PtxOp.LD_GLOBAL, t, b.address(carries, block, SLOT_BYTES), 0);
        PtxReg at = b.address(buf, loop.i(), t.size());
        PtxReg v = w.load(PtxOp.LD_GLOBAL, t, at, 0);
        w.store(PtxOp.ST_GLOBAL, t, at, 0, b.evaluateWith(step, c, v));
        w.place(skip);
        b.endLoop(loop);
        w.ret();
        return "// buf[i] = carries[i / " + ScanOp.BLOCK + "] (op) buf[i] past the first block\n"
                + ".visible .entry " + CARRY + "(\n\t.param .u64 n,\n\t.param .u64 buf,\n\t.param .u64 carries\n)\n"
                + w.finish();
    }

    private static int shift() {
        return Integer.numberOfTrailingZeros(ScanOp.BLOCK);
    }

    /** Raw 64-bit bits as a register of {@code type}, as kernel arguments are read. */
    private static PtxReg typed(PtxWriter w, PtxReg raw, DType type) {
        return switch (type) {
            case F64 -> w.mov(PtxType.F64, raw);
            case I64 -> w.mov(PtxType.S64, raw);
            case F32 -> w.mov(PtxType.F32, w.cvt(PtxOp.CVT, U32, U64, raw));
            case I32 -> w.cvt(PtxOp.CVT, U32, U64, raw);
            case BOOL -> throw new IllegalArgumentException("masks are not scanned");
        };
    }
}
