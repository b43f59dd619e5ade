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
 * The PTX module of a scan over values already in device memory, in core's order ({@link ScanOp}):
 * {@value #LOCAL} folds each segment of {@link ScanOp#SEGMENT} values left to right in place, one
 * thread per segment, and writes the segment's total; the host folds the totals into the segments'
 * carries within each block and the blocks' carries across them, in Java ({@link ScanOp#combine});
 * {@value #FINISH} writes {@code dst[i] = c ⊕ (e ⊕ q[i])} with the carries that apply, shifted one
 * place for an exclusive scan. The step is the op table's ADD, MUL, MIN or MAX, lowered by
 * {@link PtxLowering} like any node, so NaN and signed zeros follow Java. One module per op, type and
 * inclusive or exclusive; it holds no kernel body (the map in front runs as its own module).
 */
public final class PtxScan {
    /** The entry that folds each segment in place and writes its total. */
    public static final String LOCAL = "flynn_scan_local";
    /** The entry that applies the carries (and the exclusive shift) into the destination. */
    public static final String FINISH = "flynn_scan_finish";
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
                .append(", segments of ").append(ScanOp.SEGMENT).append(", blocks of ").append(ScanOp.BLOCK)
                .append("\n\n");
        sb.append(target.header()).append('\n');
        sb.append(local(g, step, type)).append('\n').append(finish(g, step, type, exclusive));
        return new PtxModule(sb.toString(), false, new boolean[0], 0, false);
    }

    /** Segment {@code g} (a grid-stride loop over the segments): fold in place, total to {@code totals[g]}. */
    private static String local(PtxGenerator g, Node step, DType type) {
        PtxGenerator.Body b = g.new Body();
        PtxWriter w = b.w;
        PtxType t = PtxType.of(type);
        PtxReg n = b.param("n");
        PtxReg buf = b.global(b.param("buf"));
        PtxReg totals = b.global(b.param("totals"));
        PtxReg segments = w.op(PtxOp.SHR, U64, w.op(PtxOp.ADD, U64, n, ScanOp.SEGMENT - 1), shift(ScanOp.SEGMENT));
        PtxGenerator.Loop loop = b.gridStride(segments, "segment");
        PtxReg start = w.op(PtxOp.SHL, B64, loop.i(), shift(ScanOp.SEGMENT));
        PtxReg end = w.op(PtxOp.MIN, U64, w.op(PtxOp.ADD, U64, start, ScanOp.SEGMENT), n);
        PtxReg acc = w.reg(t);
        w.move(acc, w.load(PtxOp.LD_GLOBAL, t, b.address(buf, start, t.size()), 0));
        PtxReg i = w.reg(U64);
        w.opInto(i, PtxOp.ADD, U64, start, 1);
        String top = w.label("fold");
        String done = w.label("fold_done");
        w.place(top);
        w.braIf(w.setp(PtxCmp.GE, U64, i, end), done);
        PtxReg at = b.address(buf, i, t.size());
        w.move(acc, b.evaluateWith(step, acc, w.load(PtxOp.LD_GLOBAL, t, at, 0)));
        w.store(PtxOp.ST_GLOBAL, t, at, 0, acc);
        w.opInto(i, PtxOp.ADD, U64, i, 1);
        w.bra(top);
        w.place(done);
        w.store(PtxOp.ST_GLOBAL, t, b.address(totals, loop.i(), SLOT_BYTES), 0, acc);
        b.endLoop(loop);
        w.ret();
        return "// each segment of buf[0, n) folded left to right in place; totals[segment] = its last prefix\n"
                + ".visible .entry " + LOCAL + "(\n\t.param .u64 n,\n\t.param .u64 buf,\n\t.param .u64 totals\n)\n"
                + w.finish();
    }

    /**
     * {@code dst[i] = c[b] ⊕ (e[s] ⊕ buf[j])}, {@code j = i} (inclusive) or {@code i - 1} (exclusive,
     * {@code dst[0]} the start value), {@code s} and {@code b} the segment and block of {@code j}; a
     * block's first segment has no {@code e}, block 0 no {@code c}.
     */
    private static String finish(PtxGenerator g, Node step, DType type, boolean exclusive) {
        PtxGenerator.Body b = g.new Body();
        PtxWriter w = b.w;
        PtxType t = PtxType.of(type);
        PtxReg n = b.param("n");
        PtxReg buf = b.global(b.param("buf"));
        PtxReg dst = b.global(b.param("dst"));
        PtxReg segCarries = b.global(b.param("segment_carries"));
        PtxReg blockCarries = b.global(b.param("block_carries"));
        PtxReg start = w.load(PtxOp.LD_PARAM, B64, "start", 0);
        PtxGenerator.Loop loop = b.gridStride(n, "element");
        String store = w.label("store");
        PtxReg v = w.reg(t);
        PtxReg j = loop.i();
        if (exclusive) {
            String shifted = w.label("shifted");
            w.braIf(w.setp(PtxCmp.NE, U64, loop.i(), 0), shifted);
            w.move(v, typed(w, start, type));
            w.bra(store);
            w.place(shifted);
            j = w.op(PtxOp.SUB, U64, loop.i(), 1);
        }
        w.move(v, w.load(PtxOp.LD_GLOBAL, t, b.address(buf, j, t.size()), 0));
        PtxReg seg = w.op(PtxOp.SHR, U64, j, shift(ScanOp.SEGMENT));
        String noSegmentCarry = w.label("first_segment");
        PtxReg inBlock = w.op(PtxOp.AND, B64, seg, ScanOp.BLOCK / ScanOp.SEGMENT - 1);
        w.braIf(w.setp(PtxCmp.EQ, U64, inBlock, 0), noSegmentCarry);
        PtxReg e = w.load(PtxOp.LD_GLOBAL, t, b.address(segCarries, seg, SLOT_BYTES), 0);
        w.move(v, b.evaluateWith(step, e, v));
        w.place(noSegmentCarry);
        PtxReg block = w.op(PtxOp.SHR, U64, j, shift(ScanOp.BLOCK));
        w.braIf(w.setp(PtxCmp.EQ, U64, block, 0), store);
        PtxReg c = w.load(PtxOp.LD_GLOBAL, t, b.address(blockCarries, block, SLOT_BYTES), 0);
        w.move(v, b.evaluateWith(step, c, v));
        w.place(store);
        w.store(PtxOp.ST_GLOBAL, t, b.address(dst, loop.i(), t.size()), 0, v);
        b.endLoop(loop);
        w.ret();
        return "// dst[i] = block carry (op) (segment carry (op) buf[j]), j = i" + (exclusive ? " - 1, dst[0] = start" : "")
                + "\n.visible .entry " + FINISH + "(\n\t.param .u64 n,\n\t.param .u64 buf,\n\t.param .u64 dst,"
                + "\n\t.param .u64 segment_carries,\n\t.param .u64 block_carries,\n\t.param .b64 start\n)\n" + w.finish();
    }

    private static int shift(int size) {
        return Integer.numberOfTrailingZeros(size);
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
