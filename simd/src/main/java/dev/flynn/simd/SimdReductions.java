package dev.flynn.simd;

import dev.flynn.DType;
import dev.flynn.ir.Node;
import dev.flynn.ir.ReduceOp;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.ir.Schedule;
import dev.flynn.simd.SimdCompiler.Plan;
import dev.flynn.simd.SimdCompiler.Position;
import dev.flynn.simd.SimdCompiler.Val;
import dev.flynn.spi.Partials;
import dev.flynn.spi.ReduceLowering;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;

import static dev.flynn.simd.SimdCompiler.CD_CPU_KERNEL;
import static dev.flynn.simd.SimdCompiler.CD_MATH;
import static dev.flynn.simd.SimdCompiler.CD_PARTIAL;
import static dev.flynn.simd.SimdCompiler.MAX_ARG_RANGE;
import static dev.flynn.simd.SimdCompiler.desc;
import static dev.flynn.simd.SimdCompiler.vectorClass;

/**
 * The reductions: each op's accumulators and step inside {@link SimdLoops}' blocks, then the lanes
 * folded into the {@code Partial}; and CUSTOM's combine of two partials. The last of the chain
 * {@link SimdEmitter}, {@link SimdLowering}, {@link SimdLoops}: one instance generates one method.
 */
final class SimdReductions extends SimdLoops {
    SimdReductions(Plan plan, CodeBuilder c) {
        super(plan, c);
    }

    void reduce() {
        startSlot = 3;
        endSlot = 5;
        argsSlot = 7;
        resultSlot = 8;
        ReduceSpec spec = ir.reduce().orElseThrow();
        List<Node> roots = new ArrayList<>();
        roots.add(ir.body());
        spec.combine().ifPresent(roots::add);
        spec.identity().ifPresent(roots::add);
        if (spec.op() == ReduceOp.ARGMIN || spec.op() == ReduceOp.ARGMAX) {
            splitLongRanges(spec);
        }
        prologue(startSlot, endSlot, roots);
        DType t = ir.body().type();
        ReduceLowering.lower(spec, t, new Cases(spec));
        c.return_();
    }

    Val valueAt(Position pos) {
        return eval(ir.body(), pos, hoisted);
    }

    /** One case per reduction of core's {@link ReduceLowering}: each emits its loops and stores its state. */
    private final class Cases implements ReduceLowering<Void> {
        private final ReduceSpec spec;

        Cases(ReduceSpec spec) {
            this.spec = spec;
        }

        @Override
        public Void sum(DType t) {
            return lanes(t, ReduceOp.SUM, VectorOperators.ADD);
        }

        @Override
        public Void compensatedSum(DType t) {
            SimdReductions.this.compensatedSum(t);
            return null;
        }

        @Override
        public Void prod(DType t) {
            return lanes(t, ReduceOp.PROD, VectorOperators.MUL);
        }

        @Override
        public Void min(DType t) {
            return lanes(t, ReduceOp.MIN, VectorOperators.MIN);
        }

        @Override
        public Void max(DType t) {
            return lanes(t, ReduceOp.MAX, VectorOperators.MAX);
        }

        /** Folds the values into lanes from {@code op}'s identity by {@code operator}, then the lanes by it. */
        private Void lanes(DType t, ReduceOp op, VectorOperators.Associative operator) {
            finishLanes(fold(t, identity(op, t), SimdReductions.this::valueAt,
                    (x, y) -> lanewise(operator, x, y, t, null)), t, operator);
            return null;
        }

        @Override
        public Void argmin(DType t) {
            arg(t, true);
            return null;
        }

        @Override
        public Void argmax(DType t) {
            arg(t, false);
            return null;
        }

        @Override
        public Void moments(DType t) {
            SimdReductions.this.moments();
            return null;
        }

        @Override
        public Void custom(DType t, Node combine, Node.Const identity) {
            SimdReductions.this.custom(spec, t);
            return null;
        }
    }

    /** Core's identity of SUM, PROD, MIN or MAX in every lane. */
    Val identity(ReduceOp op, DType t) {
        Number id = Partials.identity(op, t);
        return t.isFloating() ? broadcastDouble(t, id.doubleValue()) : broadcastLong(t, id.longValue());
    }

    /** Pushes lane {@code j} of {@code v} widened to double (floating) or long (integral). */
    void lane(Val v, int j) {
        v = exact(v);
        load(v);
        c.loadConstant(j);
        call(vectorClass(v.type()), "lane", int.class);
        switch (v.type()) {
            case F32 -> c.f2d();
            case I32 -> c.i2l();
            default -> {
            }
        }
    }

    /**
     * Folds the lanes of {@code acc} into the result. Floating sums and products go through a fixed
     * pairwise tree of the lanes (the Vector API leaves the order of reduceLanes open, and C2 and the interpreter differ);
     * integer ops are exact in any order.
     */
    void finishLanes(Val acc, DType t, VectorOperators.Associative op) {
        acc = exact(acc);
        c.aload(resultSlot);
        if (t.isIntegral()) {
            load(acc);
            op(op);
            call(vectorClass(t), "reduceLanes", VectorOperators.Associative.class);
            if (t == DType.I32) {
                c.i2l();
            }
            c.putfield(CD_PARTIAL, "l", ConstantDescs.CD_long);
            return;
        }
        ClassDesc prim = t == DType.F32 ? ConstantDescs.CD_float : ConstantDescs.CD_double;
        if (op == VectorOperators.ADD || op == VectorOperators.MUL) {
            laneTree(acc, t, op == VectorOperators.ADD);
            if (t == DType.F32) {
                c.f2d();
            }
            c.putfield(CD_PARTIAL, "d", ConstantDescs.CD_double);
            return;
        }
        for (int j = 0; j < plan.lanes; j++) {
            load(acc);
            c.loadConstant(j);
            call(vectorClass(t), "lane", int.class);
            if (j == 0) {
                continue;
            }
            // sums and products went through the lane tree above: what is left is min or max
            String method = op == VectorOperators.MIN ? "min" : op == VectorOperators.MAX ? "max" : null;
            if (method == null) {
                throw new IllegalStateException("no lane fold for " + op.name());
            }
            c.invokestatic(ClassDesc.of("java.lang.Math"), method, MethodTypeDesc.of(prim, prim, prim));
        }
        if (t == DType.F32) {
            c.f2d();
        }
        c.putfield(CD_PARTIAL, "d", ConstantDescs.CD_double);
    }

    /**
     * Pushes the last levels of {@link SimdLayout}'s tree over the lanes of a floating {@code acc}
     * (lane j with lane j + half, halving), as a float or double: the Vector API leaves the order of
     * reduceLanes open, and C2 and the interpreter differ. A dependency chain of log2(lanes) operations
     * instead of lanes - 1.
     */
    void laneTree(Val acc, DType t, boolean add) {
        acc = exact(acc);
        TypeKind k = t == DType.F32 ? TypeKind.FLOAT : TypeKind.DOUBLE;
        int[] slots = new int[plan.lanes];
        for (int j = 0; j < plan.lanes; j++) {
            load(acc);
            c.loadConstant(j);
            call(vectorClass(t), "lane", int.class);
            slots[j] = c.allocateLocal(k);
            c.storeLocal(k, slots[j]);
        }
        java.lang.classfile.Opcode opc = add
                ? (k == TypeKind.FLOAT ? java.lang.classfile.Opcode.FADD : java.lang.classfile.Opcode.DADD)
                : (k == TypeKind.FLOAT ? java.lang.classfile.Opcode.FMUL : java.lang.classfile.Opcode.DMUL);
        for (int half = plan.lanes / 2; half >= 1; half /= 2) {
            for (int j = 0; j < half; j++) {
                c.loadLocal(k, slots[j]);
                c.loadLocal(k, slots[j + half]);
                c.with(java.lang.classfile.instruction.OperatorInstruction.of(opc));
                c.storeLocal(k, slots[j]);
            }
        }
        c.loadLocal(k, slots[0]);
    }

    /**
     * Neumaier's summation in each of {@link SimdLayout}'s compensated partials; the partials'
     * (sum, compensation) pairs are then summed exactly, in partial order.
     */
    void compensatedSum(DType t) {
        int k = SimdLayout.compensatedPartials(t) / plan.lanes;
        Class<?> vc = vectorClass(t);
        Val zero = identity(ReduceOp.SUM, t);
        List<Val> sums = new ArrayList<>();
        List<Val> comps = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            load(zero);
            sums.add(store(t, t).asMerged());
            load(zero);
            comps.add(store(t, t).asMerged());
        }
        blocks(k, Math.min(k, SimdLayout.compensatedUnroll(bodyNodes(), copiesRoutines())),
                (j, pos) -> neumaierStep(sums.get(j), comps.get(j), valueAt(pos), t, pos), List.of(sums, comps));
        // the partials' (sum, compensation) pairs summed exactly, all sums in partial order, then all
        // compensations (see SimdMath.exactAdd)
        ClassDesc cdDoubles = desc(double[].class);
        c.invokestatic(CD_MATH, "exactStart", MethodTypeDesc.of(cdDoubles));
        int exact = c.allocateLocal(TypeKind.REFERENCE);
        c.astore(exact);
        MethodTypeDesc addDesc = MethodTypeDesc.of(ConstantDescs.CD_void, cdDoubles, ConstantDescs.CD_double);
        for (List<Val> parts : List.of(sums, comps)) {
            for (Val acc : parts) {
                Val part = exact(acc);
                for (int lane = 0; lane < plan.lanes; lane++) {
                    c.aload(exact);
                    load(part);
                    c.loadConstant(lane);
                    call(vc, "lane", int.class);
                    if (t == DType.F32) {
                        c.f2d();
                    }
                    c.invokestatic(CD_MATH, parts == sums ? "exactAdd" : "exactAddCompensation", addDesc);
                }
            }
        }
        c.aload(resultSlot).aload(exact).loadConstant(t == DType.F32 ? 1 : 0);
        c.invokestatic(CD_MATH, "exactFinish", MethodTypeDesc.of(ConstantDescs.CD_void, CD_PARTIAL, cdDoubles,
                ConstantDescs.CD_boolean));
    }

    /**
     * Core's Neumaier step ({@code Partials.neumaier}) per lane, checked against it by
     * {@code SimdReductionRulesTest}: {@code t = s + x; c += |s| >= |x| ? (s - t) + x : (x - t) + s; s = t}; at a masked
     * position only in the live lanes (an extra step with x = 0 would turn an infinite sum's
     * compensation into NaN).
     */
    void neumaierStep(Val s, Val comp, Val x, DType t, Position pos) {
        Val sum = lanewise(VectorOperators.ADD, s, x, t, null);
        Val big = lanewise(VectorOperators.SUB, s, sum, t, null);
        Val bigCorr = lanewise(VectorOperators.ADD, big, x, t, null);
        Val small = lanewise(VectorOperators.SUB, x, sum, t, null);
        Val smallCorr = lanewise(VectorOperators.ADD, small, s, t, null);
        load(exact(s));
        call(vectorClass(t), "abs");
        op(VectorOperators.GE);
        load(x);
        call(vectorClass(t), "abs");
        Val sBigger = callTo(DType.BOOL, t, vectorClass(t), "compare", VectorOperators.Comparison.class, Vector.class);
        Val corr = select(sBigger, bigCorr, smallCorr, t);
        Val newComp = lanewise(VectorOperators.ADD, comp, corr, t, null);
        if (pos.masked()) {
            newComp = blendLive(comp, newComp, pos, t);
            sum = blendLive(s, sum, pos, t);
        }
        reassign(comp, newComp);
        reassign(s, sum);
    }

    /** MOMENTS: the range's mean from a first pass, the squared deviations from it in a second. */
    void moments() {
        DType t = DType.F64;
        int startIndex = c.allocateLocal(indexKind());
        loadIndexSlot(indexSlot);
        storeIndex(startIndex);
        Val sum = fold(t, identity(ReduceOp.SUM, t), this::valueAt,
                (x, y) -> lanewise(VectorOperators.ADD, x, y, t, null));
        int total = c.allocateLocal(TypeKind.DOUBLE);
        sumLanes(sum);
        c.dstore(total);
        int count = c.allocateLocal(TypeKind.LONG);
        c.lload(endSlot).lload(startSlot).lsub().lstore(count);
        int mean = c.allocateLocal(TypeKind.DOUBLE);
        c.dload(total).lload(count).l2d().ddiv().dstore(mean);
        loadIndexSlot(startIndex);
        storeIndex(indexSlot);
        species(t);
        c.dload(mean);
        Val meanVec = callTo(t, t, DoubleVector.class, "broadcast", VectorSpecies.class, double.class);
        Val m2 = fold(t, identity(ReduceOp.SUM, t), pos -> {
            Val d = lanewise(VectorOperators.SUB, valueAt(pos), meanVec, t, null);
            return lanewise(VectorOperators.MUL, d, d, t, null);
        }, (x, y) -> lanewise(VectorOperators.ADD, x, y, t, null));
        c.aload(resultSlot).lload(count).putfield(CD_PARTIAL, "n", ConstantDescs.CD_long);
        c.aload(resultSlot).dload(mean).putfield(CD_PARTIAL, "mean", ConstantDescs.CD_double);
        c.aload(resultSlot);
        sumLanes(m2);
        c.putfield(CD_PARTIAL, "m2", ConstantDescs.CD_double);
    }

    /** Pushes the sum of the lanes of an F64 vector, in the layout's tree. */
    void sumLanes(Val v) {
        laneTree(v, DType.F64, true);
    }

    /** CUSTOM: the user's combine in every lane, then across lanes by halving rotations. */
    void custom(ReduceSpec spec, DType t) {
        Node combine = spec.combine().orElseThrow();
        Val identity = hoisted.get(spec.identity().orElseThrow());
        BinaryOperator<Val> f = (acc, v) -> {
            Map<Node, Val> env = new HashMap<>(hoisted);
            env.put(new Node.Input(0, t), acc);
            env.put(new Node.Input(1, t), v);
            return eval(combine, at(0, null), env);
        };
        Val acc = fold(t, identity, this::valueAt, f);
        for (int h = plan.lanes / 2; h >= 1; h /= 2) {
            acc = exact(acc);
            load(acc);
            c.loadConstant(h);
            load(acc);
            Val rotated = callTo(t, t, vectorClass(t), "slice", int.class, Vector.class);
            acc = f.apply(acc, rotated);
        }
        c.aload(resultSlot);
        lane(acc, 0);
        c.putfield(CD_PARTIAL, t.isFloating() ? "d" : "l", t.isFloating() ? ConstantDescs.CD_double : ConstantDescs.CD_long);
    }

    /** CUSTOM's merge of two partials: the combine expression on broadcast values, lane 0 kept. */
    void combine() {
        argsSlot = 3;
        ReduceSpec spec = ir.reduce().orElseThrow();
        DType t = ir.body().type();
        Node combine = spec.combine().orElseThrow();
        for (Node n : Schedule.of(combine).nodes()) {
            if (n instanceof Node.Const k && !hoisted.containsKey(k)) {
                hoisted.put(k, broadcastArg(k.slot(), k.type()));
            }
        }
        Val[] sides = new Val[2];
        for (int side = 0; side < 2; side++) {
            species(t);
            c.aload(1 + side);
            if (t.isFloating()) {
                c.getfield(CD_PARTIAL, "d", ConstantDescs.CD_double);
                if (t == DType.F32) {
                    c.d2f();
                }
            } else {
                c.getfield(CD_PARTIAL, "l", ConstantDescs.CD_long);
                if (t == DType.I32) {
                    c.l2i();
                }
            }
            sides[side] = callTo(t, t, vectorClass(t), "broadcast", VectorSpecies.class, t.javaType());
        }
        Map<Node, Val> env = new HashMap<>(hoisted);
        env.put(new Node.Input(0, t), sides[0]);
        env.put(new Node.Input(1, t), sides[1]);
        Val r = eval(combine, at(0, null), env);
        c.aload(1);
        lane(r, 0);
        c.putfield(CD_PARTIAL, t.isFloating() ? "d" : "l", t.isFloating() ? ConstantDescs.CD_double : ConstantDescs.CD_long);
        c.return_();
    }

    /** Ranges too long for int lane indices are reduced in pieces and merged as core merges blocks. */
    void splitLongRanges(ReduceSpec spec) {
        Label fits = c.newLabel();
        c.lload(endSlot).lload(startSlot).lsub().loadConstant(MAX_ARG_RANGE).lcmp().ifle(fits);
        c.aload(0).aload(dataSlot).aload(offsetsSlot).lload(startSlot).lload(endSlot).aload(argsSlot).aload(resultSlot);
        c.getstatic(desc(ReduceOp.class), spec.op().name(), desc(ReduceOp.class));
        c.getstatic(desc(DType.class), ir.body().type().name(), desc(DType.class));
        c.invokestatic(desc(SimdKernels.class), "reduceInPieces", MethodTypeDesc.of(ConstantDescs.CD_void,
                CD_CPU_KERNEL, desc(Object[].class), desc(long[].class), ConstantDescs.CD_long, ConstantDescs.CD_long,
                desc(long[].class), CD_PARTIAL, desc(ReduceOp.class), desc(DType.class)));
        c.return_();
        c.labelBinding(fits);
    }

    /**
     * ARGMIN/ARGMAX: per lane the best value and its index (relative to start, in an int vector of
     * the same lane count). The first vector seeds the lanes (its dead lanes hold a value that loses
     * every tie, at index MAX_VALUE), so a lane never reports an index it did not see.
     */
    void arg(DType t, boolean min) {
        Class<?> vc = vectorClass(t);
        DType it = DType.I32;
        // MIN's identity loses every argmin tie (and MAX's every argmax tie): dead lanes never win
        Val worst = identity(min ? ReduceOp.MIN : ReduceOp.MAX, t);
        // seed: first vector, masked if the range is shorter than one vector
        Map<DType, Integer> firstMasks = tailMasks();
        Position first = at(0, firstMasks);
        Val v0 = valueAt(first);
        load(worst);
        load(v0);
        c.aload(firstMasks.get(t));
        Val best = callTo(t, t, vc, "blend", Vector.class, VectorMask.class).asMerged();
        Val noIndex = broadcastLong(it, Integer.MAX_VALUE);
        Val iota = broadcastLong(it, 0);
        load(iota);
        c.iconst_1();
        iota = callTo(it, it, IntVector.class, "addIndex", int.class);
        load(noIndex);
        load(iota);
        c.aload(firstMasks.get(it));
        Val bestIndex = callTo(it, it, IntVector.class, "blend", Vector.class, VectorMask.class).asMerged();
        step(plan.lanes);
        int startInt = c.allocateLocal(TypeKind.INT);
        c.lload(startSlot).l2i().istore(startInt);

        loops(plan.lanes, plan.lanes, () -> argStep(t, min, best, bestIndex, at(0, null), startInt),
                () -> argStep(t, min, best, bestIndex, at(0, tailMasks()), startInt));

        String suffix = t.isFloating() ? "D" : "L";
        ClassDesc prim = t.isFloating() ? ConstantDescs.CD_double : ConstantDescs.CD_long;
        MethodTypeDesc d = MethodTypeDesc.of(ConstantDescs.CD_void, CD_PARTIAL, prim, ConstantDescs.CD_long);
        Val bestValues = exact(best);
        Val bestIndices = exact(bestIndex);
        for (int j = 0; j < plan.lanes; j++) {
            c.aload(resultSlot);
            lane(bestValues, j);
            lane(bestIndices, j);
            c.lload(startSlot).ladd();
            c.invokestatic(CD_MATH, j == 0 ? "argFirst" + suffix : (min ? "argMin" : "argMax") + suffix, d);
        }
    }

    /**
     * Core's argmin/argmax rule ({@code Partials.argminTakes}) per lane, as Vector API masks: the
     * Vector API has no scalar call per lane, so the rule is written here again and checked against
     * core's reference on every pair of special values by {@code SimdReductionRulesTest}.
     */
    void argStep(DType t, boolean min, Val best, Val bestIndex, Position pos, int startInt) {
        Class<?> vc = vectorClass(t);
        DType it = DType.I32;
        Val v = valueAt(pos);
        load(v);
        op(min ? VectorOperators.LT : VectorOperators.GT);
        load(best);
        Val better = callTo(DType.BOOL, t, vc, "compare", VectorOperators.Comparison.class, Vector.class);
        if (t.isFloating()) {
            // the first NaN wins: take a NaN unless the lane already holds one
            load(better);
            load(v);
            op(VectorOperators.IS_NAN);
            call(vc, "test", VectorOperators.Test.class);
            call(VectorMask.class, "or", VectorMask.class);
            load(exact(best));
            op(VectorOperators.IS_NAN);
            call(vc, "test", VectorOperators.Test.class);
            better = callTo(DType.BOOL, t, VectorMask.class, "andNot", VectorMask.class);
        }
        if (pos.masked()) {
            load(better);
            c.aload(pos.masks().get(t));
            better = callTo(DType.BOOL, t, VectorMask.class, "and", VectorMask.class);
        }
        load(exact(best));
        load(v);
        load(better);
        reassign(best, callTo(t, t, vc, "blend", Vector.class, VectorMask.class));
        // lane indices relative to start: i - start + lane
        species(it);
        pos.index().run();
        if (!plan.intLoop) {
            c.l2i();
        }
        c.iload(startInt).isub();
        Val base = callTo(it, it, IntVector.class, "broadcast", VectorSpecies.class, int.class);
        load(base);
        c.iconst_1();
        Val index = callTo(it, it, IntVector.class, "addIndex", int.class);
        load(exact(bestIndex));
        load(index);
        loadMaskAs(better, it);
        reassign(bestIndex, callTo(it, it, IntVector.class, "blend", Vector.class, VectorMask.class));
    }
}
