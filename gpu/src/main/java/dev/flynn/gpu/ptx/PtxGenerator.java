package dev.flynn.gpu.ptx;

import dev.flynn.DType;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.Node;
import dev.flynn.ir.ReduceOp;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.ir.Schedule;
import dev.flynn.spi.Binding;
import dev.flynn.spi.Partials;
import dev.flynn.spi.StateLayout;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.flynn.gpu.ptx.PtxType.B32;
import static dev.flynn.gpu.ptx.PtxType.F32;
import static dev.flynn.gpu.ptx.PtxType.F64;
import static dev.flynn.gpu.ptx.PtxType.PRED;
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
        State acc = State.identity(b, spec, type);
        Loop loop = b.gridStride(n, finalPass ? "fold_partials" : "fold");
        if (finalPass) {
            State next = State.load(b, spec, type, b.address(partials, loop.i, PtxModule.PARTIAL_BYTES), false);
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
        State block = State.load(b, spec, type, src, true);
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

    /**
     * The registers of one reduction state and how states fold, merge, shuffle, load and store. The
     * identities are core's ({@link Partials#identity}) and a stored record has the slots of core's
     * {@link StateLayout}; the merge rules (argmin's NaN and tie rule, Neumaier's step, Chan's formula)
     * are written in PTX below and checked against core's reference rules on every pair of special
     * values by {@code EmulatedGpuReductionRulesTest}.
     */
    static final class State {
        final ReduceSpec spec;
        final DType type;
        final PtxType t;
        final StateLayout layout;
        /** value, or MOMENTS' count (as f64) */
        PtxReg v;
        /** compensation, or argmin/argmax's index (u64), or MOMENTS' mean */
        PtxReg x;
        /** MOMENTS' m2 */
        PtxReg m2;

        private State(ReduceSpec spec, DType type) {
            this.spec = spec;
            this.type = type;
            this.t = PtxType.of(type);
            this.layout = StateLayout.of(spec, type);
        }

        static State identity(Body b, ReduceSpec spec, DType type) {
            State s = new State(spec, type);
            PtxWriter w = b.w;
            PtxType t = s.t;
            boolean fl = type.isFloating();
            switch (spec.op()) {
                case SUM -> {
                    s.v = w.mov(t, immediate(ReduceOp.SUM, type));
                    if (spec.compensated() && fl) {
                        s.x = w.mov(t, immediate(ReduceOp.SUM, type));
                    }
                }
                case PROD -> s.v = w.mov(t, immediate(ReduceOp.PROD, type));
                // argmin starts from MIN's identity, which loses every tie to a real element
                case MIN, ARGMIN -> s.v = w.mov(t, immediate(ReduceOp.MIN, type));
                case MAX, ARGMAX -> s.v = w.mov(t, immediate(ReduceOp.MAX, type));
                case MOMENTS -> {
                    s.v = w.mov(F64, PtxWriter.f64(0.0));
                    s.x = w.mov(F64, PtxWriter.f64(0.0));
                    s.m2 = w.mov(F64, PtxWriter.f64(0.0));
                }
                case CUSTOM -> s.v = w.mov(t, b.value(spec.identity().orElseThrow()));
            }
            if (spec.op() == ReduceOp.ARGMIN || spec.op() == ReduceOp.ARGMAX) {
                // an empty state loses every tie: its index is the largest
                s.x = w.mov(U64, "-1");
            }
            return s;
        }

        /** Core's identity of {@code op} as a PTX immediate of {@code type}. */
        private static String immediate(ReduceOp op, DType type) {
            Number id = Partials.identity(op, type);
            return type.isFloating() ? PtxWriter.fimm(PtxType.of(type), id.doubleValue()) : String.valueOf(id.longValue());
        }

        private State fresh() {
            return new State(spec, type);
        }

        /** Folds the value {@code val} of element {@code i} into this state. */
        void fold(Body b, PtxReg val, PtxReg i) {
            PtxWriter w = b.w;
            switch (spec.op()) {
                case MOMENTS -> {
                    // Welford: n += 1; d = x - mean; mean += d/n; m2 += d (x - mean)
                    w.opInto(v, PtxOp.ADD_RN, F64, v, PtxWriter.f64(1.0));
                    PtxReg d = w.op(PtxOp.SUB_RN, F64, val, x);
                    w.opInto(x, PtxOp.ADD_RN, F64, x, w.op(PtxOp.DIV_RN, F64, d, v));
                    w.opInto(m2, PtxOp.FMA_RN, F64, d, w.op(PtxOp.SUB_RN, F64, val, x), m2);
                }
                default -> {
                    State e = fresh();
                    e.v = val;
                    if (spec.op() == ReduceOp.ARGMIN || spec.op() == ReduceOp.ARGMAX) {
                        e.x = i;
                    } else if (spec.compensated() && type.isFloating()) {
                        e.x = w.mov(t, PtxWriter.fimm(t, 0.0));
                    }
                    merge(b, e);
                }
            }
        }

        /** this = merge(this, o), in place. */
        void merge(Body b, State o) {
            PtxWriter w = b.w;
            boolean fl = type.isFloating();
            switch (spec.op()) {
                case SUM -> {
                    if (spec.compensated() && fl) {
                        // Neumaier, as Partials.merge: t = s + x; c += |s| >= |x| ? (s - t) + x : (x - t) + s; c += x.c
                        PtxReg sum = w.op(PtxOp.ADD_RN, t, v, o.v);
                        PtxReg big = w.setp(PtxCmp.GE, t, w.op(PtxOp.ABS, t, v), w.op(PtxOp.ABS, t, o.v));
                        PtxReg e1 = w.op(PtxOp.ADD_RN, t, w.op(PtxOp.SUB_RN, t, v, sum), o.v);
                        PtxReg e2 = w.op(PtxOp.ADD_RN, t, w.op(PtxOp.SUB_RN, t, o.v, sum), v);
                        w.opInto(x, PtxOp.ADD_RN, t, x, w.selp(t, e1, e2, big));
                        w.opInto(x, PtxOp.ADD_RN, t, x, o.x);
                        w.move(v, sum);
                    } else {
                        w.opInto(v, fl ? PtxOp.ADD_RN : PtxOp.ADD, t, v, o.v);
                    }
                }
                case PROD -> w.opInto(v, fl ? PtxOp.MUL_RN : PtxOp.MUL_LO, t, v, o.v);
                case MIN, MAX -> {
                    boolean min = spec.op() == ReduceOp.MIN;
                    if (fl) {
                        w.move(v, b.ops.floatMinMax(t, v, o.v, min));
                    } else {
                        w.opInto(v, min ? PtxOp.MIN : PtxOp.MAX, t, v, o.v);
                    }
                }
                case ARGMIN, ARGMAX -> {
                    PtxCmp better = spec.op() == ReduceOp.ARGMIN ? PtxCmp.LT : PtxCmp.GT;
                    PtxReg lower = w.setp(PtxCmp.LT, U64, o.x, x);
                    PtxReg take;
                    if (fl) {
                        // the NaN with the lowest index wins; else the better value, ties to the lower index
                        PtxReg aNaN = w.setp(PtxCmp.NAN, t, v, v);
                        PtxReg bNaN = w.setp(PtxCmp.NAN, t, o.v, o.v);
                        PtxReg wins = w.op(PtxOp.OR, PRED, w.setp(better, t, o.v, v),
                                w.op(PtxOp.AND, PRED, w.setp(PtxCmp.EQ, t, o.v, v), lower));
                        PtxReg ifA = w.op(PtxOp.AND, PRED, bNaN, lower);
                        PtxReg ifNotA = w.op(PtxOp.OR, PRED, bNaN, wins);
                        take = w.op(PtxOp.OR, PRED, w.op(PtxOp.AND, PRED, aNaN, ifA),
                                w.op(PtxOp.AND, PRED, w.op(PtxOp.NOT, PRED, aNaN), ifNotA));
                    } else {
                        take = w.op(PtxOp.OR, PRED, w.setp(better, t, o.v, v),
                                w.op(PtxOp.AND, PRED, w.setp(PtxCmp.EQ, t, o.v, v), lower));
                    }
                    w.move(v, w.selp(t, o.v, v, take));
                    w.move(x, w.selp(U64, o.x, x, take));
                }
                case MOMENTS -> {
                    // Chan: n = na + nb; d = mb - ma; mean = ma + d nb/n; m2 = m2a + m2b + d^2 na nb / n
                    PtxReg n = w.op(PtxOp.ADD_RN, F64, v, o.v);
                    PtxReg d = w.op(PtxOp.SUB_RN, F64, o.x, x);
                    PtxReg safeN = w.selp(F64, PtxWriter.f64(1.0), n, w.setp(PtxCmp.EQ, F64, n, PtxWriter.f64(0.0)));
                    PtxReg mean = w.op(PtxOp.ADD_RN, F64, x,
                            w.op(PtxOp.MUL_RN, F64, d, w.op(PtxOp.DIV_RN, F64, o.v, safeN)));
                    PtxReg prod = w.op(PtxOp.DIV_RN, F64, w.op(PtxOp.MUL_RN, F64, v, o.v), safeN);
                    PtxReg m = w.op(PtxOp.ADD_RN, F64, w.op(PtxOp.ADD_RN, F64, m2, o.m2),
                            w.op(PtxOp.MUL_RN, F64, w.op(PtxOp.MUL_RN, F64, d, d), prod));
                    // an empty side leaves the other unchanged (no 0 * inf or NaN from it)
                    PtxReg bEmpty = w.setp(PtxCmp.EQ, F64, o.v, PtxWriter.f64(0.0));
                    PtxReg aEmpty = w.setp(PtxCmp.EQ, F64, v, PtxWriter.f64(0.0));
                    PtxReg mean2 = w.selp(F64, o.x, w.selp(F64, x, mean, bEmpty), aEmpty);
                    PtxReg m22 = w.selp(F64, o.m2, w.selp(F64, m2, m, bEmpty), aEmpty);
                    w.move(v, n);
                    w.move(x, mean2);
                    w.move(m2, m22);
                }
                case CUSTOM -> w.move(v, b.evaluateWith(spec.combine().orElseThrow(), v, o.v));
            }
        }

        /** The state of lane {@code lane + off} (shfl.sync.down over the full warp). */
        State shuffle(Body b, int off) {
            State s = fresh();
            s.v = shfl(b, v, off);
            s.x = x == null ? null : shfl(b, x, off);
            s.m2 = m2 == null ? null : shfl(b, m2, off);
            return s;
        }

        private static PtxReg shfl(Body b, PtxReg r, int off) {
            PtxWriter w = b.w;
            if (r.type() == PRED) {
                throw new IllegalStateException("masks are not reduced");
            }
            if (r.type().size() == 4) {
                return w.shuffleDown(r, off);
            }
            PtxReg[] halves = w.unpack(r);
            PtxReg lo = w.shuffleDown(halves[0], off);
            PtxReg hi = w.shuffleDown(halves[1], off);
            return w.pack(r.type(), lo, hi);
        }

        /** Stores the state as a partial record at {@code addr}, in {@link StateLayout}'s slots. */
        void store(Body b, PtxReg addr, boolean shared) {
            PtxOp st = shared ? PtxOp.ST_SHARED : PtxOp.ST_GLOBAL;
            PtxWriter w = b.w;
            for (StateLayout.Field f : layout.fields()) {
                PtxReg r = switch (f) {
                    // the count as an integer, as Partial.n holds it
                    case COUNT -> w.cvt(PtxOp.CVT_RZI, U64, F64, v);
                    case VALUE -> v;
                    case COMPENSATION, INDEX, MEAN -> x;
                    case M2 -> m2;
                };
                w.store(st, fieldType(f), addr, layout.offset(f), r);
            }
        }

        /** Loads a partial record into a new state. */
        static State load(Body b, ReduceSpec spec, DType type, PtxReg addr, boolean shared) {
            PtxOp ld = shared ? PtxOp.LD_SHARED : PtxOp.LD_GLOBAL;
            PtxWriter w = b.w;
            State s = new State(spec, type);
            for (StateLayout.Field f : s.layout.fields()) {
                PtxReg r = w.load(ld, s.fieldType(f), addr, s.layout.offset(f));
                switch (f) {
                    case COUNT -> s.v = w.cvt(PtxOp.CVT_RN, F64, U64, r);
                    case VALUE -> s.v = r;
                    case COMPENSATION, INDEX, MEAN -> s.x = r;
                    case M2 -> s.m2 = r;
                }
            }
            return s;
        }

        /** The PTX type a field has in a record: an index and a count are unsigned. */
        private PtxType fieldType(StateLayout.Field f) {
            return switch (f) {
                case INDEX, COUNT -> U64;
                default -> PtxType.of(StateLayout.typeOf(f, type));
            };
        }
    }
}
