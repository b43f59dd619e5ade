package dev.flynn.gpu.ptx;

import dev.flynn.DType;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.Node;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.ir.Schedule;
import dev.flynn.spi.Binding;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.flynn.gpu.ptx.PtxType.B32;
import static dev.flynn.gpu.ptx.PtxType.F32;
import static dev.flynn.gpu.ptx.PtxType.F64;
import static dev.flynn.gpu.ptx.PtxType.S64;
import static dev.flynn.gpu.ptx.PtxType.U32;
import static dev.flynn.gpu.ptx.PtxType.U64;

/**
 * Lowers a kernel's IR to a PTX module: the entries, their loops and reductions here, each node by
 * {@link PtxLowering}'s exhaustive switch; one virtual register per scheduled node. Maps are 64-bit
 * grid-stride loops; reductions are two entries: per-block partials (a per-thread fold, warp
 * shuffles, shared memory across the warps), then one block that folds the partials. The merge order
 * depends only on {@code n}, never on the device, and no floating-point atomics are used, so results
 * are reproducible.
 *
 * <p>Constants are never baked into the text: they arrive as 64-bit kernel parameters, so kernels
 * that differ only in literals share one module.
 */
public final class PtxGenerator {
    /** Threads per block for every kernel. */
    public static final int BLOCK = 256;
    static final int WARPS = BLOCK / 32;
    public static final String MAP = "flynn_map";
    public static final String REDUCE_BLOCKS = "flynn_reduce_blocks";
    public static final String REDUCE_FINAL = "flynn_reduce_final";
    private static final String SMEM = "flynn_smem";

    private final KernelIR ir;
    private final boolean[] memory;
    private final boolean fast;
    private final Set<PtxMath.Fn> used = EnumSet.noneOf(PtxMath.Fn.class);
    private boolean checksErrors;

    private PtxGenerator(KernelIR ir, List<Binding> inputs, boolean fast) {
        this.ir = ir;
        this.fast = fast;
        this.memory = new boolean[ir.arity()];
        for (int i = 0; i < ir.arity(); i++) {
            memory[i] = inputs.get(i) != Binding.SCALAR;
        }
    }

    /** A generator whose entries only lower {@code ir}'s body with both inputs in registers: a scan's step ({@link PtxScan}). */
    static PtxGenerator forStep(KernelIR ir) {
        return new PtxGenerator(ir, List.of(Binding.SCALAR, Binding.SCALAR), false);
    }

    /**
     * The module for a kernel with these input bindings (only scalar or not matters: every other
     * binding reaches the kernel as a device pointer).
     *
     * @param fast use {@code .approx} instructions for F32 exp, log, sin and cos (opt-in fast mode)
     */
    public static PtxModule generate(KernelIR ir, List<Binding> inputs, PtxTarget target, boolean fast) {
        PtxGenerator g = new PtxGenerator(ir, inputs, fast);
        StringBuilder entries = new StringBuilder();
        if (ir.isReduction()) {
            entries.append(g.reduceEntry(false)).append('\n').append(g.reduceEntry(true));
        } else {
            entries.append(g.mapEntry());
        }
        StringBuilder sb = new StringBuilder();
        sb.append("// Flynn kernel ").append(ir.shapeKey().replace('\n', ' ')).append('\n');
        sb.append("// inputs ").append(inputs).append(fast ? ", fast math (.approx)" : "").append("\n\n");
        sb.append(target.header()).append('\n');
        boolean twoOverPi = g.used.stream().anyMatch(PtxMath.Fn::usesTwoOverPi);
        boolean atan = g.used.stream().anyMatch(PtxMath.Fn::usesAtanTable);
        String tables = PtxMath.tables(twoOverPi, atan);
        if (!tables.isEmpty()) {
            sb.append(tables).append('\n');
        }
        if (ir.isReduction()) {
            sb.append(".shared .align 8 .b8 ").append(SMEM).append('[').append(WARPS * PtxModule.PARTIAL_BYTES)
                    .append("];\n\n");
        }
        for (PtxMath.Fn fn : g.used) {
            sb.append(PtxMath.function(fn)).append('\n');
        }
        sb.append(entries);
        return new PtxModule(sb.toString(), ir.isReduction(), g.memory.clone(), ir.argCount(), g.checksErrors);
    }

    // ---- entries ------------------------------------------------------------------------------

    /** The entry's parameters: the count, the named pointers, input pointers, the error flag, the arguments. */
    private String params(List<String> pointers, boolean withInputs) {
        StringBuilder sb = new StringBuilder("(\n\t.param .u64 n");
        for (String p : pointers) {
            sb.append(",\n\t.param .u64 ").append(p);
        }
        if (withInputs) {
            for (int i = 0; i < memory.length; i++) {
                if (memory[i]) {
                    sb.append(",\n\t.param .u64 in").append(i);
                }
            }
        }
        sb.append(",\n\t.param .u64 err");
        for (int i = 0; i < ir.argCount(); i++) {
            sb.append(",\n\t.param .b64 arg").append(i);
        }
        return sb.append("\n)\n").toString();
    }

    private String mapEntry() {
        Body b = new Body();
        PtxWriter w = b.w;
        PtxReg n = b.param("n");
        PtxReg out = b.global(b.param("out"));
        b.prologue(ir.body(), true);
        Loop loop = b.gridStride(n, "map");
        b.evaluate(ir.body(), loop.i);
        PtxType t = PtxType.of(ir.body().type());
        PtxReg addr = b.address(out, loop.i, t.size());
        w.store(PtxOp.ST_GLOBAL, t, addr, 0, b.value(ir.body()));
        b.endLoop(loop);
        w.ret();
        checksErrors |= b.ops.checksErrors();
        return "// out[i] = body(inputs at i) for i in [0, n)\n.visible .entry " + MAP
                + params(List.of("out"), true) + w.finish();
    }

    private String reduceEntry(boolean finalPass) {
        ReduceSpec spec = ir.reduce().orElseThrow();
        DType type = ir.body().type();
        Body b = new Body();
        PtxWriter w = b.w;
        PtxReg n = b.param("n");
        PtxReg partials = b.global(b.param(finalPass ? "partials" : "out"));
        PtxReg result = finalPass ? b.global(b.param("result")) : null;
        b.prologue(ir.body(), !finalPass);
        PtxState acc = PtxState.identity(b, spec, type);
        Loop loop = b.gridStride(n, finalPass ? "fold_partials" : "fold");
        if (finalPass) {
            PtxState next = PtxState.load(b, spec, type, b.address(partials, loop.i, PtxModule.PARTIAL_BYTES), false);
            acc.merge(b, next);
        } else {
            b.evaluate(ir.body(), loop.i);
            acc.fold(b, b.value(ir.body()), loop.i);
        }
        b.endLoop(loop);
        // within the warp: lane l takes lane l + off, halving; lane 0 ends with the warp's result
        PtxReg tid = w.mov(U32, PtxSreg.TID_X);
        PtxReg lane = w.op(PtxOp.AND, B32, tid, 31);
        PtxReg warp = w.op(PtxOp.SHR, U32, tid, 5);
        for (int off = 16; off >= 1; off >>= 1) {
            acc.merge(b, acc.shuffle(b, off));
        }
        PtxReg smem = w.mov(U64, SMEM);
        PtxReg slot = w.op(PtxOp.ADD, U64, smem, w.mulWide(U32, warp, PtxModule.PARTIAL_BYTES));
        String skipStore = w.label("not_lane0");
        w.braIf(w.setp(PtxCmp.NE, U32, lane, 0), skipStore);
        acc.store(b, slot, true);
        w.place(skipStore);
        w.barrier();
        String end = w.label("end");
        w.braIf(w.setp(PtxCmp.NE, U32, warp, 0), end);
        // warp 0 combines the WARPS warp results: lanes 0..WARPS-1 load them, offsets WARPS/2 .. 1
        PtxReg src = w.op(PtxOp.ADD, U64, smem, w.mulWide(U32, w.op(PtxOp.AND, B32, lane, WARPS - 1),
                PtxModule.PARTIAL_BYTES));
        PtxState block = PtxState.load(b, spec, type, src, true);
        for (int off = WARPS / 2; off >= 1; off >>= 1) {
            block.merge(b, block.shuffle(b, off));
        }
        w.braIf(w.setp(PtxCmp.NE, U32, lane, 0), end);
        if (finalPass) {
            block.store(b, result, false);
        } else {
            PtxReg ctaid = w.mov(U32, PtxSreg.CTAID_X);
            block.store(b, w.op(PtxOp.ADD, U64, partials, w.mulWide(U32, ctaid, PtxModule.PARTIAL_BYTES)), false);
        }
        w.place(end);
        w.ret();
        checksErrors |= b.ops.checksErrors();
        String what = finalPass
                ? "// result = fold of partials[0, n): one block"
                : "// partials[block] = fold of body(inputs at i) over the block's grid-stride share of [0, n)";
        return what + "\n.visible .entry " + (finalPass ? REDUCE_FINAL : REDUCE_BLOCKS)
                + params(finalPass ? List.of("partials", "result") : List.of("out"), !finalPass) + w.finish();
    }

    record Loop(PtxReg i, PtxReg n, PtxReg stride, String top, String exit) {
    }

    /** The code of one entry: its writer, parameter loads, and the register of every evaluated node. */
    final class Body {
        final PtxWriter w = new PtxWriter();
        final Map<Node, PtxReg> values = new HashMap<>();
        final PtxReg[] pointers = new PtxReg[memory.length];
        final PtxLowering ops = new PtxLowering(w, values, fast, used);

        PtxReg param(String name) {
            return w.load(PtxOp.LD_PARAM, U64, name, 0);
        }

        PtxReg global(PtxReg generic) {
            return w.op(PtxOp.CVTA_TO_GLOBAL, U64, generic);
        }

        /** Loads pointers, the error flag's address, constants and scalar inputs: all loop-invariant. */
        void prologue(Node root, boolean inputs) {
            for (int i = 0; i < memory.length; i++) {
                if (memory[i] && inputs) {
                    pointers[i] = global(param("in" + i));
                }
            }
            ops.errorFlag(global(param("err")));
            // constants of the body, the combine and the identity; inputs of the body only (the
            // combine's inputs are the accumulator and the value, bound by evaluateWith)
            for (Node node : schedule(root).nodes()) {
                if (node instanceof Node.Const c) {
                    values.put(node, arg(c.slot(), c.type()));
                }
            }
            if (inputs) {
                for (Node node : Schedule.of(root).nodes()) {
                    if (node instanceof Node.Input in && !memory[in.index()]) {
                        values.put(node, arg(ir.scalarSlot(in.index()), in.type()));
                    }
                }
            }
        }

        private Schedule schedule(Node root) {
            var spec = ir.reduce();
            if (spec.isPresent() && spec.get().combine().isPresent()) {
                return Schedule.of(root, spec.get().combine().get(), spec.get().identity().get());
            }
            return Schedule.of(root);
        }

        /** Argument slot {@code slot} (raw 64-bit bits) as a value of {@code type}. */
        PtxReg arg(int slot, DType type) {
            PtxReg raw = w.load(PtxOp.LD_PARAM, PtxType.B64, "arg" + slot, 0);
            return switch (type) {
                case F64 -> w.mov(F64, raw);
                case I64 -> w.mov(S64, raw);
                case F32 -> w.mov(F32, w.cvt(PtxOp.CVT, U32, U64, raw));
                case I32 -> w.cvt(PtxOp.CVT, U32, U64, raw);
                case BOOL -> w.setp(PtxCmp.NE, U64, raw, 0);
            };
        }

        Loop gridStride(PtxReg n, String name) {
            PtxReg ctaid = w.mov(U32, PtxSreg.CTAID_X);
            PtxReg ntid = w.mov(U32, PtxSreg.NTID_X);
            PtxReg tid = w.mov(U32, PtxSreg.TID_X);
            PtxReg nctaid = w.mov(U32, PtxSreg.NCTAID_X);
            PtxReg i = w.reg(U64);
            w.opInto(i, PtxOp.MAD_LO ,U64, w.cvt(PtxOp.CVT, U64, U32, ctaid), w.cvt(PtxOp.CVT, U64, U32, ntid),
                    w.cvt(PtxOp.CVT, U64, U32, tid));
            PtxReg stride = w.mulWide(U32, nctaid, ntid);
            String top = w.label(name);
            String exit = w.label(name + "_done");
            w.braIf(w.setp(PtxCmp.GE, U64, i, n), exit);
            w.place(top);
            return new Loop(i, n, stride, top, exit);
        }

        void endLoop(Loop loop) {
            w.opInto(loop.i, PtxOp.ADD, U64, loop.i, loop.stride);
            w.braIf(w.setp(PtxCmp.LT, U64, loop.i, loop.n), loop.top);
            w.place(loop.exit);
        }

        PtxReg address(PtxReg base, PtxReg i, int size) {
            return w.op(PtxOp.ADD, U64, base, w.op(PtxOp.MUL_LO, U64, i, size));
        }

        PtxReg value(Node n) {
            return ops.value(n);
        }

        /** Evaluates every node of {@code root} that is not loop-invariant, at element {@code i}. */
        void evaluate(Node root, PtxReg i) {
            Map<Integer, PtxReg> offsets = new HashMap<>();
            for (Node node : Schedule.of(root).nodes()) {
                if (values.containsKey(node)) {
                    continue;
                }
                if (node instanceof Node.Input in) {
                    PtxType t = PtxType.of(in.type());
                    PtxReg off = offsets.computeIfAbsent(t.size(), s -> w.op(PtxOp.MUL_LO, U64, i, s));
                    PtxReg addr = w.op(PtxOp.ADD, U64, pointers[in.index()], off);
                    values.put(node, w.load(PtxOp.LD_GLOBAL, t, addr, 0));
                } else {
                    values.put(node, ops.lower(node));
                }
            }
        }

        /** Evaluates {@code expr} with inputs 0 and 1 bound to registers (a CUSTOM combine). */
        PtxReg evaluateWith(Node expr, PtxReg in0, PtxReg in1) {
            Map<Node, PtxReg> saved = new HashMap<>(values);
            for (Node node : Schedule.of(expr).nodes()) {
                if (node instanceof Node.Input in) {
                    values.put(node, in.index() == 0 ? in0 : in1);
                } else if (!(node instanceof Node.Const)) {
                    values.remove(node);
                }
            }
            for (Node node : Schedule.of(expr).nodes()) {
                if (!values.containsKey(node)) {
                    values.put(node, ops.lower(node));
                }
            }
            PtxReg r = values.get(expr);
            values.clear();
            values.putAll(saved);
            return r;
        }

    }
}
