package dev.flynn.simd;

import dev.flynn.DType;
import dev.flynn.ir.Node;
import dev.flynn.ir.Schedule;
import dev.flynn.simd.SimdCompiler.Plan;
import dev.flynn.simd.SimdCompiler.Position;
import dev.flynn.simd.SimdCompiler.Val;
import dev.flynn.spi.Binding;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.TypeKind;
import java.lang.constant.MethodTypeDesc;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.Function;

import static dev.flynn.simd.SimdCompiler.desc;
import static dev.flynn.simd.SimdCompiler.vectorClass;

/**
 * The loops around a body: the prologue (storage, broadcasts, index and limit), the map's main loop
 * and tail (read and written through {@link SimdTail}; for bodies that copy in own math routines, the
 * tail goes through the main loop's code), and the accumulator blocks of {@link SimdLayout} that
 * reductions fold into.
 */
abstract sealed class SimdLoops extends SimdLowering permits SimdReductions {
    SimdLoops(Plan plan, CodeBuilder c) {
        super(plan, c);
    }

    // ---- prologue -------------------------------------------------------------------------

    /** Loads operands' storage, broadcasts constants and scalars, sets the index and limit. */
    void prologue(int startParam, int endParam, List<Node> roots) {
        for (int i = 0; i < ir.arity(); i++) {
            DType t = ir.inputs().get(i);
            switch (plan.inputs.get(i)) {
                case ARRAY -> {
                    c.aload(dataSlot).loadConstant(i).aaload().checkcast(desc(t.arrayType()));
                    storage[i] = c.allocateLocal(TypeKind.REFERENCE);
                    c.astore(storage[i]);
                    c.aload(offsetsSlot).loadConstant(i).laload();
                    offset[i] = c.allocateLocal(indexKind());
                    if (plan.intLoop) {
                        c.l2i();
                    }
                    storeIndex(offset[i]);
                }
                case SEGMENT -> {
                    c.aload(dataSlot).loadConstant(i).aaload().checkcast(desc(MemorySegment.class));
                    storage[i] = c.allocateLocal(TypeKind.REFERENCE);
                    c.astore(storage[i]);
                    c.aload(offsetsSlot).loadConstant(i).laload();
                    offset[i] = c.allocateLocal(TypeKind.LONG);
                    c.lstore(offset[i]);
                }
                case SCALAR -> hoisted.put(new Node.Input(i, t), broadcastArg(ir.scalarSlot(i), t));
                case NONE -> throw new IllegalStateException("input " + i + " bound to NONE");
            }
        }
        if (plan.inputs.contains(Binding.SEGMENT) || plan.output == Binding.SEGMENT) {
            c.invokestatic(desc(ByteOrder.class), "nativeOrder", MethodTypeDesc.of(desc(ByteOrder.class)));
            orderSlot = c.allocateLocal(TypeKind.REFERENCE);
            c.astore(orderSlot);
        }
        if (plan.chunks != null && roots.contains(ir.body())) {
            allocateScratch();
        }
        for (Node root : roots) {
            if (plan.chunks != null && root == ir.body()) {
                // the chunks broadcast the body's constants themselves
                continue;
            }
            for (Node n : Schedule.of(root).nodes()) {
                if (n instanceof Node.Const k && !hoisted.containsKey(k)) {
                    hoisted.put(k, broadcastArg(k.slot(), k.type()));
                }
            }
        }
        declareTail();
        indexSlot = c.allocateLocal(indexKind());
        limitSlot = c.allocateLocal(indexKind());
        c.lload(startParam);
        if (plan.intLoop) {
            c.l2i();
        }
        storeIndex(indexSlot);
        c.lload(endParam);
        if (plan.intLoop) {
            c.l2i();
        }
        storeIndex(limitSlot);
    }

    /** The tail masks, one per element type: lanes whose index is below the limit. */
    Map<DType, Integer> tailMasks() {
        return tailMasks(0);
    }

    /** The masks of the vector {@code delta} elements past the index: lanes whose index is below the limit. */
    Map<DType, Integer> tailMasks(long delta) {
        Map<DType, Integer> masks = new EnumMap<>(DType.class);
        for (DType t : plan.speciesOrder) {
            species(t);
            at(delta, null).index().run();
            loadIndexSlot(limitSlot);
            call(VectorSpecies.class, "indexInRange", plan.intLoop ? new Class<?>[]{int.class, int.class}
                    : new Class<?>[]{long.class, long.class});
            int slot = c.allocateLocal(TypeKind.REFERENCE);
            c.astore(slot);
            masks.put(t, slot);
        }
        return masks;
    }

    Position at(long delta, Map<DType, Integer> masks) {
        return new Position(() -> {
            pushIndex();
            if (delta != 0) {
                pushIndexConst(delta);
                indexAdd();
            }
        }, masks);
    }

    // ---- map -------------------------------------------------------------------------------

    void map() {
        startSlot = 6;
        endSlot = 8;
        argsSlot = 10;
        int outSlot = 3;
        int outOffsetSlot = 4;
        prologue(startSlot, endSlot, List.of(ir.body()));
        DType t = ir.body().type();
        int outStore = c.allocateLocal(TypeKind.REFERENCE);
        int outOff = c.allocateLocal(indexKind());
        if (plan.output == Binding.SEGMENT) {
            c.aload(outSlot).checkcast(desc(MemorySegment.class)).astore(outStore);
            c.lload(outOffsetSlot);
            storeIndex(outOff);
        } else {
            c.aload(outSlot).checkcast(desc(t.arrayType())).astore(outStore);
            c.lload(outOffsetSlot);
            if (plan.intLoop) {
                c.l2i();
            }
            storeIndex(outOff);
        }
        if (tailThroughBody()) {
            mapOnce(outStore, outOff, t);
            c.return_();
            return;
        }
        loops(plan.lanes, plan.lanes, () -> {
            Position main = at(0, null);
            storeOut(eval(ir.body(), main, hoisted), outStore, outOff, main, t);
        }, () -> {
            Position last = at(0, tailMasks());
            storeOut(eval(ir.body(), last, hoisted), outStore, outOff, last, t);
        });
        c.return_();
    }

    /**
     * Whether the map's tail runs through the main loop's code ({@link #mapOnce}) rather than a copy of
     * the body of its own: where own math routines are copied in (the body's code is then large) over
     * arrays, and no lane needs its mask (an integer division would divide a dead lane's zero).
     */
    boolean tailThroughBody() {
        if (!copiesRoutines() || !plan.intLoop || plan.output != Binding.ARRAY) {
            return false;
        }
        for (Node n : Schedule.of(ir.body()).nodes()) {
            if (n instanceof Node.Binary b && b.type().isIntegral()
                    && (b.op() == dev.flynn.ir.BinaryOp.DIV || b.op() == dev.flynn.ir.BinaryOp.REM)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The map with the body's code emitted once: the last, partial vector copies each array operand's
     * live elements into a scratch of its own ({@link SimdTail#operand}, zeros in the other lanes, as
     * the two-copy tail reads them), points the operand's array and offset at it, and the output's at
     * the result scratch, and goes through the same body once more; then the live lanes are copied out.
     * A routine copied twice made F32 sinh's kernel 6693 bytes of bytecode (3080 now): more than C1
     * compiles, and past C2's inlining node-count cutoff ({@code -XX:+PrintInlining}); C2's code for it
     * ran intrinsics whose species it did not see as a constant as Java code on arrays, allocating per
     * vector, once other kernels had run.
     */
    private void mapOnce(int outStore, int outOff, DType t) {
        int upper = bound(plan.lanes);
        int last = c.allocateLocal(TypeKind.INT);
        int realOut = c.allocateLocal(TypeKind.REFERENCE);
        int realOff = c.allocateLocal(TypeKind.INT);
        c.iconst_0().istore(last);
        c.aconst_null().astore(realOut);
        c.iconst_0().istore(realOff);
        Label loop = c.newLabel();
        Label body = c.newLabel();
        Label rest = c.newLabel();
        Label finish = c.newLabel();
        Label done = c.newLabel();
        c.labelBinding(loop);
        pushIndex();
        loadIndexSlot(upper);
        ifIndexGE(rest);
        c.labelBinding(body);
        Position main = at(0, null);
        storeOut(eval(ir.body(), main, hoisted), outStore, outOff, main, t);
        c.iload(last).ifne(finish);
        step(plan.lanes);
        c.goto_(loop);
        c.labelBinding(rest);
        pushIndex();
        loadIndexSlot(limitSlot);
        ifIndexGE(done);
        for (int i = 0; i < ir.arity(); i++) {
            if (plan.inputs.get(i) != Binding.ARRAY) {
                continue;
            }
            DType in = ir.inputs().get(i);
            pushTail();
            c.aload(storage[i]);
            c.iload(offset[i]);
            pushIndex();
            c.iadd();
            pushRemaining(() -> pushIndex(), true);
            pushInt(plan.lanes);
            pushInt(i);
            call(SimdTail.class, "operand", SimdTail.class, in.arrayType(), int.class, int.class, int.class, int.class);
            c.astore(storage[i]);
            pushIndex();
            c.ineg();
            c.istore(offset[i]);
        }
        c.aload(outStore).astore(realOut);
        c.iload(outOff).istore(realOff);
        pushTail();
        call(SimdTail.class, "scratch" + SimdTail.suffix(t), SimdTail.class);
        c.astore(outStore);
        pushIndex();
        c.ineg();
        c.istore(outOff);
        c.iconst_1().istore(last);
        c.goto_(body);
        c.labelBinding(finish);
        pushTail();
        c.aload(realOut);
        c.iload(realOff);
        pushIndex();
        c.iadd();
        pushRemaining(() -> pushIndex(), true);
        pushInt(plan.lanes);
        call(SimdTail.class, "out", SimdTail.class, t.arrayType(), int.class, int.class, int.class);
        c.labelBinding(done);
    }

    void storeOut(Val v, int outStore, int outOff, Position pos, DType t) {
        load(v);
        if (pos.masked()) {
            // the tail writes its vector into SimdTail's scratch and copies the live lanes out: no masked
            // store past the array's end
            pushTail();
            call(SimdTail.class, "scratch" + SimdTail.suffix(t), SimdTail.class);
            c.iconst_0();
            call(vectorClass(t), "intoArray", t.arrayType(), int.class);
            pushTail();
        }
        c.aload(outStore);
        if (plan.output == Binding.SEGMENT) {
            c.lload(outOff);
            pos.index().run();
            if (plan.intLoop) {
                c.i2l();
            }
            c.ladd().loadConstant((long) t.byteSize()).lmul();
            if (pos.masked()) {
                pushRemaining(pos.index(), false);
                pushInt(plan.lanes);
                call(SimdTail.class, "out" + SimdTail.suffix(t), SimdTail.class, MemorySegment.class, long.class,
                        long.class, int.class);
                return;
            }
            c.aload(orderSlot);
            call(vectorClass(t), "intoMemorySegment", MemorySegment.class, long.class, ByteOrder.class);
            return;
        }
        loadIndexSlot(outOff);
        pos.index().run();
        indexAdd();
        if (!plan.intLoop) {
            c.l2i();
        }
        if (pos.masked()) {
            pushRemaining(pos.index(), true);
            pushInt(plan.lanes);
            call(SimdTail.class, "out", SimdTail.class, t.arrayType(), int.class, int.class, int.class);
            return;
        }
        call(vectorClass(t), "intoArray", t.arrayType(), int.class);
    }

    // ---- reductions ---------------------------------------------------------------------------

    /** The canonical partial count of this kernel's reduction (see {@link SimdLayout}). */
    int partials(DType t) {
        return SimdLayout.partials(t, bodyNodes());
    }

    int bodyNodes() {
        return Schedule.of(ir.body()).nodes().size();
    }

    /** Whether the body's code holds copies of own math routines (not calls, nor calls of chunk methods). */
    boolean copiesRoutines() {
        return plan.chunks == null && plan.inlineRoutines && SimdChunks.routines(ir.body(), plan.fastMath) > 0;
    }

    void reassign(Val into, Val from) {
        load(from);
        c.astore(into.slot());
    }

    /**
     * Folds the values over the range with {@code f} into the canonical partials of
     * {@link SimdLayout}: K = P / lanes accumulators, a main loop over whole blocks of P elements,
     * then one masked step per accumulator for the rest of the range, and the accumulators combined in
     * the layout's tree ({@code a} with {@code a + K/2}). Returns one vector; its lanes still need the
     * tree's last levels.
     */
    Val fold(DType t, Val identity, Function<Position, Val> value, BinaryOperator<Val> f) {
        int k = partials(t) / plan.lanes;
        List<Val> accs = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            load(identity);
            accs.add(store(t, t).asMerged());
        }
        blocks(k, Math.min(k, SimdLayout.unroll(bodyNodes(), copiesRoutines())), (j, pos) -> {
            Val next = f.apply(accs.get(j), value.apply(pos));
            if (pos.masked()) {
                // a partial takes exactly its own elements: lanes past the end keep their value (adding the
                // identity instead would not be exact for every op, e.g. a custom combine)
                next = blendLive(accs.get(j), next, pos, t);
            }
            reassign(accs.get(j), next);
        }, List.of(accs));
        return treeOfAccumulators(accs, f);
    }

    /** One accumulator's step of {@link #blocks}. */
    @FunctionalInterface
    interface BlockStep {
        void apply(int accumulator, Position pos);
    }

    /**
     * Emits the loop of the canonical layout over K accumulators, U of them updated per iteration:
     * {@code step(j, position)} for j < U, then, where K > U, the accumulators rotate by U (slot j
     * takes what slot j + U held), so that after K / U iterations, one block of P elements, every slot
     * holds its own partials again. At the CPU's own width K <= U and nothing rotates; narrower vectors
     * need more accumulators than C2 can compile quickly as copies of the body. The main loop runs over
     * whole blocks. The rest of the range, if any, takes one block of K masked steps in a loop that
     * evaluates the body once and rotates by one (lanes past the end keep their value): the tail costs
     * one copy of the body, not K.
     */
    void blocks(int k, int u, BlockStep step, List<List<Val>> accumulators) {
        loops((long) k * plan.lanes, (long) u * plan.lanes, () -> {
            for (int j = 0; j < u; j++) {
                step.apply(j, at((long) j * plan.lanes, null));
            }
            rotate(accumulators, u);
        }, () -> {
            int round = c.allocateLocal(TypeKind.INT);
            c.iconst_0().istore(round);
            Label tailLoop = c.newLabel();
            c.labelBinding(tailLoop);
            step.apply(0, at(0, tailMasks()));
            rotate(accumulators, 1);
            step(plan.lanes);
            c.iinc(round, 1);
            c.iload(round).loadConstant(k).if_icmplt(tailLoop);
        });
    }

    /**
     * The loop skeleton of every kernel method: while whole blocks of {@code block} elements remain
     * from the index, {@code main} (whose positions are unmasked) and the index advanced by
     * {@code advance}; then, where elements remain, {@code tail} once, which masks the lanes past
     * the limit ({@link #tailMasks()}).
     */
    void loops(long block, long advance, Runnable main, Runnable tail) {
        int upper = bound(block);
        Label loop = c.newLabel();
        Label rest = c.newLabel();
        Label done = c.newLabel();
        c.labelBinding(loop);
        pushIndex();
        loadIndexSlot(upper);
        ifIndexGE(rest);
        main.run();
        step(advance);
        c.goto_(loop);
        c.labelBinding(rest);
        pushIndex();
        loadIndexSlot(limitSlot);
        ifIndexGE(done);
        tail.run();
        c.labelBinding(done);
    }

    /** Slot j of each list takes the value slot (j + by) mod K held (K and by are powers of two). */
    void rotate(List<List<Val>> accumulators, int by) {
        for (List<Val> accs : accumulators) {
            int k = accs.size();
            if (k == by) {
                continue;
            }
            for (int j = 0; j < k; j++) {
                load(accs.get((j + by) % k));
            }
            for (int j = k - 1; j >= 0; j--) {
                c.astore(accs.get(j).slot());
            }
        }
    }

    /** {@code next} in the lanes of {@code pos} below the limit, {@code acc} in the others. */
    Val blendLive(Val acc, Val next, Position pos, DType t) {
        load(exact(acc));
        load(next);
        c.aload(pos.masks().get(t));
        return callTo(t, t, vectorClass(t), "blend", Vector.class, VectorMask.class);
    }

    /** The first levels of the layout's tree: accumulator a with a + K/2, halving. */
    static Val treeOfAccumulators(List<Val> accs, BinaryOperator<Val> f) {
        List<Val> level = accs;
        while (level.size() > 1) {
            int half = level.size() / 2;
            List<Val> next = new ArrayList<>();
            for (int j = 0; j < half; j++) {
                next.add(f.apply(level.get(j), level.get(j + half)));
            }
            level = next;
        }
        return level.getFirst();
    }
}
