package dev.flynn.scalar;

import dev.flynn.DType;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.Node;
import dev.flynn.ir.ReduceOp;
import dev.flynn.ir.Schedule;
import dev.flynn.spi.Binding;
import dev.flynn.spi.Partials;
import dev.flynn.spi.ReduceLowering;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.List;

import static dev.flynn.scalar.ScalarCodegen.CD_MATH;
import static dev.flynn.scalar.ScalarCodegen.CD_OPS;
import static dev.flynn.scalar.ScalarCodegen.CD_PARTIAL;
import static dev.flynn.scalar.ScalarCodegen.CD_RULES;
import static dev.flynn.scalar.ScalarCodegen.CD_SEGMENT;
import static dev.flynn.scalar.ScalarCodegen.CD_THIS;
import static dev.flynn.scalar.ScalarCodegen.MTD_CHUNK;
import static dev.flynn.scalar.ScalarCodegen.chunkName;
import static dev.flynn.scalar.ScalarCodegen.desc;
import static dev.flynn.scalar.ScalarCodegen.fromBits;
import static dev.flynn.scalar.ScalarCodegen.kind;
import static dev.flynn.scalar.ScalarCodegen.layoutDesc;
import static dev.flynn.scalar.ScalarCodegen.storePartialValue;
import static dev.flynn.scalar.ScalarLowering.arith;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_double;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

/**
 * One method's loop over {@code [start, end)}. Kernels whose operands are all arrays or scalars
 * use an int induction variable, as a hand-written loop does (C2's range-check elimination and
 * auto-vectorization expect it); memory segments need a long one.
 */
final class ScalarLoop {
    final KernelIR ir;
    final List<Binding> inputs;
    final Binding output;
    /** Present when the body is too large for one method: it is then evaluated by chunk methods. */
    final ScalarChunks chunks;
    final CodeBuilder cob;
    final int dataSlot;
    final int offsetsSlot;
    final int startSlot;
    final int endSlot;
    final int argsSlot;
    final boolean intLoop;
    final int[] storage;
    final int[] offset;
    final ScalarLowering body;
    final Schedule schedule;
    /** The scratch arrays of a chunked body, {@code double[]} and {@code long[]}. */
    int fsSlot = -1;
    int lsSlot = -1;
    int i;
    int end;
    /** While emitting the copy of a map loop for whole arrays: index every array by i alone. */
    boolean zeroOffsets;

    ScalarLoop(ScalarCodegen kernel, CodeBuilder cob, int dataSlot, int offsetsSlot, int startSlot, int endSlot,
            int argsSlot) {
        this.ir = kernel.ir;
        this.inputs = kernel.inputs;
        this.output = kernel.output;
        this.chunks = kernel.chunks;
        this.cob = cob;
        this.dataSlot = dataSlot;
        this.offsetsSlot = offsetsSlot;
        this.startSlot = startSlot;
        this.endSlot = endSlot;
        this.argsSlot = argsSlot;
        this.intLoop = !inputs.contains(Binding.SEGMENT) && output != Binding.SEGMENT;
        this.storage = new int[inputs.size()];
        this.offset = new int[inputs.size()];
        this.body = new ScalarLowering(cob, argsSlot);
        this.schedule = kernel.schedule;
    }

    /** Loads each input's array or segment and offset, and each scalar's value, into locals. */
    void prologue() {
        for (int in = 0; in < inputs.size(); in++) {
            DType t = ir.inputs().get(in);
            switch (inputs.get(in)) {
                case ARRAY -> {
                    storage[in] = cob.allocateLocal(TypeKind.REFERENCE);
                    cob.aload(dataSlot).loadConstant(in).aaload().checkcast(desc(t).arrayType())
                            .astore(storage[in]);
                    offset[in] = cob.allocateLocal(intLoop ? TypeKind.INT : TypeKind.LONG);
                    cob.aload(offsetsSlot).loadConstant(in).laload();
                    if (intLoop) {
                        cob.l2i().istore(offset[in]);
                    } else {
                        cob.lstore(offset[in]);
                    }
                }
                case SEGMENT -> {
                    storage[in] = cob.allocateLocal(TypeKind.REFERENCE);
                    cob.aload(dataSlot).loadConstant(in).aaload().checkcast(CD_SEGMENT).astore(storage[in]);
                    offset[in] = cob.allocateLocal(TypeKind.LONG);
                    cob.aload(offsetsSlot).loadConstant(in).laload().lstore(offset[in]);
                }
                case SCALAR -> {
                    int slot = cob.allocateLocal(kind(t));
                    cob.aload(argsSlot).loadConstant(ir.scalarSlot(in)).laload();
                    fromBits(cob, t);
                    cob.storeLocal(kind(t), slot);
                    body.bindInput(in, slot);
                }
                case NONE -> throw new IllegalStateException("an input bound to nothing");
            }
        }
        if (chunks == null) {
            body.hoist(schedule);
        } else {
            fsSlot = cob.allocateLocal(TypeKind.REFERENCE);
            lsSlot = cob.allocateLocal(TypeKind.REFERENCE);
            chunks.allocate(cob, fsSlot, lsSlot);
        }
    }

    /** Emits {@code for (i = start; i < end; i++) { each(); }}. */
    void loop(Runnable each) {
        Label top = cob.newLabel();
        Label done = cob.newLabel();
        if (intLoop) {
            i = cob.allocateLocal(TypeKind.INT);
            end = cob.allocateLocal(TypeKind.INT);
            cob.lload(startSlot).l2i().istore(i);
            cob.lload(endSlot).l2i().istore(end);
            cob.labelBinding(top);
            cob.iload(i).iload(end).if_icmpge(done);
            each.run();
            cob.iinc(i, 1);
        } else {
            i = cob.allocateLocal(TypeKind.LONG);
            cob.lload(startSlot).lstore(i);
            cob.labelBinding(top);
            cob.lload(i).lload(endSlot).lcmp().ifge(done);
            each.run();
            cob.lload(i).lconst_1().ladd().lstore(i);
        }
        cob.goto_(top);
        cob.labelBinding(done);
    }

    /** Loads every array or segment input at index i into its node's local, then evaluates the body. */
    void evaluateBody() {
        if (chunks != null) {
            evaluateChunks();
            return;
        }
        for (Node n : schedule.nodes()) {
            if (n instanceof Node.Input in && inputs.get(in.index()) != Binding.SCALAR) {
                loadElement(in.index(), in.type());
                Integer slot = body.slots.get(n);
                if (slot == null) {
                    slot = cob.allocateLocal(kind(n.type()));
                    body.slots.put(n, slot);
                }
                cob.storeLocal(kind(n.type()), slot);
            }
        }
        body.evaluate(schedule);
    }

    /**
     * The chunked body: each array or segment element into the scratch arrays, a call of each chunk
     * method, and the result back into the body's local.
     */
    void evaluateChunks() {
        for (Node n : schedule.nodes()) {
            if (n instanceof Node.Input in && inputs.get(in.index()) != Binding.SCALAR) {
                chunks.store(cob, schedule.indexOf(n), n.type(), fsSlot, lsSlot, () -> loadElement(in.index(), in.type()));
            }
        }
        for (int j = 0; j < chunks.count(); j++) {
            cob.aload(argsSlot).aload(fsSlot).aload(lsSlot).invokestatic(CD_THIS, chunkName(j), MTD_CHUNK);
        }
        Node root = ir.body();
        Integer slot = body.slots.get(root);
        if (slot == null) {
            slot = cob.allocateLocal(kind(root.type()));
            body.slots.put(root, slot);
        }
        if (root instanceof Node.Input || root instanceof Node.Const) {
            throw new IllegalStateException("a chunked body is an operation");
        }
        chunks.load(cob, schedule.indexOf(root), root.type(), fsSlot, lsSlot);
        cob.storeLocal(kind(root.type()), slot);
    }

    void loadElement(int in, DType t) {
        if (inputs.get(in) == Binding.ARRAY) {
            cob.aload(storage[in]);
            if (zeroOffsets) {
                cob.iload(i);
            } else if (intLoop) {
                cob.iload(offset[in]).iload(i).iadd();
            } else {
                cob.lload(offset[in]).lload(i).ladd().l2i();
            }
            cob.arrayLoad(kind(t));
        } else {
            cob.aload(storage[in]);
            layout(t);
            cob.lload(offset[in]).lload(i).ladd().loadConstant((long) t.byteSize()).lmul();
            cob.invokeinterface(CD_SEGMENT, "get", MethodTypeDesc.of(desc(t), layoutDesc(t), CD_long));
        }
    }

    void emitMap(int outSlot, int outOffsetSlot) {
        prologue();
        DType t = ir.body().type();
        int out = cob.allocateLocal(TypeKind.REFERENCE);
        int outOff = cob.allocateLocal(intLoop ? TypeKind.INT : TypeKind.LONG);
        cob.aload(outSlot).checkcast(output == Binding.SEGMENT ? CD_SEGMENT : desc(t).arrayType()).astore(out);
        cob.lload(outOffsetSlot);
        if (intLoop) {
            cob.l2i().istore(outOff);
        } else {
            cob.lstore(outOff);
        }
        Runnable each = () -> {
            evaluateBody();
            if (output == Binding.ARRAY) {
                cob.aload(out);
                if (zeroOffsets) {
                    cob.iload(i);
                } else if (intLoop) {
                    cob.iload(outOff).iload(i).iadd();
                } else {
                    cob.lload(outOff).lload(i).ladd().l2i();
                }
                body.load(ir.body());
                cob.arrayStore(kind(t));
            } else {
                cob.aload(out);
                layout(t);
                cob.lload(outOff).lload(i).ladd().loadConstant((long) t.byteSize()).lmul();
                body.load(ir.body());
                cob.invokeinterface(CD_SEGMENT, "set", MethodTypeDesc.of(CD_void, layoutDesc(t), CD_long, desc(t)));
            }
        };
        if (intLoop) {
            // Whole arrays (every offset 0) get the loop a developer writes, out[i] = f(x[i], y[i]):
            // with offsets, out[oo + i] and x[ox + i] may overlap across iterations, so C2's
            // auto-vectorizer gives up on the loop; without them it vectorizes it.
            Label withOffsets = cob.newLabel();
            Label done = cob.newLabel();
            for (int in = 0; in < inputs.size(); in++) {
                if (inputs.get(in) == Binding.ARRAY) {
                    cob.iload(offset[in]).ifne(withOffsets);
                }
            }
            cob.iload(outOff).ifne(withOffsets);
            zeroOffsets = true;
            loop(each);
            zeroOffsets = false;
            cob.goto_(done);
            cob.labelBinding(withOffsets);
            loop(each);
            cob.labelBinding(done);
        } else {
            loop(each);
        }
        cob.return_();
    }

    void emitReduce(int resultSlot) {
        prologue();
        ReduceLowering.lower(ir.reduce().orElseThrow(), ir.body().type(), new Reductions(resultSlot));
        cob.return_();
    }

    /**
     * One case per reduction of core's {@link ReduceLowering}: each emits its loops over the range and
     * stores its state's fields into the {@code Partial} in local {@code resultSlot}.
     */
    private final class Reductions implements ReduceLowering<Void> {
        private final int resultSlot;
        private final Node v = ir.body();

        Reductions(int resultSlot) {
            this.resultSlot = resultSlot;
        }

        @Override
        public Void sum(DType t) {
            return plain(t, ReduceOp.SUM, BinaryOp.ADD);
        }

        @Override
        public Void prod(DType t) {
            return plain(t, ReduceOp.PROD, BinaryOp.MUL);
        }

        private Void plain(DType t, ReduceOp op, BinaryOp step) {
            TypeKind k = kind(t);
            int acc = cob.allocateLocal(k);
            pushIdentity(op, t);
            cob.storeLocal(k, acc);
            loop(() -> {
                evaluateBody();
                cob.loadLocal(k, acc);
                body.load(v);
                arith(cob, step, k);
                cob.storeLocal(k, acc);
            });
            cob.aload(resultSlot).loadLocal(k, acc);
            storePartialValue(cob, t);
            return null;
        }

        @Override
        public Void compensatedSum(DType t) {
            TypeKind k = kind(t);
            int acc = cob.allocateLocal(k);
            pushIdentity(ReduceOp.SUM, t);
            cob.storeLocal(k, acc);
            int comp = cob.allocateLocal(k);
            pushZero(t);
            cob.storeLocal(k, comp);
            loop(() -> {
                evaluateBody();
                // t = s + v; c = neumaier(c, s, v, t); s = t
                int sum = cob.allocateLocal(k);
                cob.loadLocal(k, acc);
                body.load(v);
                arith(cob, BinaryOp.ADD, k);
                cob.storeLocal(k, sum);
                cob.loadLocal(k, comp).loadLocal(k, acc);
                body.load(v);
                cob.loadLocal(k, sum);
                ClassDesc d = desc(t);
                cob.invokestatic(CD_RULES, "neumaier", MethodTypeDesc.of(d, d, d, d, d)).storeLocal(k, comp);
                cob.loadLocal(k, sum).storeLocal(k, acc);
            });
            cob.aload(resultSlot).loadLocal(k, acc);
            storePartialValue(cob, t);
            cob.aload(resultSlot).loadLocal(k, comp);
            if (t == DType.F32) cob.f2d();
            cob.putfield(CD_PARTIAL, "c", CD_double);
            return null;
        }

        @Override
        public Void min(DType t) {
            return extreme(t, "min");
        }

        @Override
        public Void max(DType t) {
            return extreme(t, "max");
        }

        private Void extreme(DType t, String math) {
            TypeKind k = kind(t);
            int acc = cob.allocateLocal(k);
            firstValue(acc, k);
            loop(() -> {
                evaluateBody();
                cob.loadLocal(k, acc);
                body.load(v);
                cob.invokestatic(CD_MATH, math, MethodTypeDesc.of(desc(t), desc(t), desc(t)));
                cob.storeLocal(k, acc);
            });
            cob.aload(resultSlot).loadLocal(k, acc);
            storePartialValue(cob, t);
            return null;
        }

        @Override
        public Void argmin(DType t) {
            return arg(t, "argminTakes");
        }

        @Override
        public Void argmax(DType t) {
            return arg(t, "argmaxTakes");
        }

        private Void arg(DType t, String takes) {
            TypeKind k = kind(t);
            int best = cob.allocateLocal(k);
            int index = cob.allocateLocal(TypeKind.LONG);
            firstValue(best, k);
            cob.lload(startSlot).lstore(index);
            // core declares the rule on widened values: F32 and I32 compare the same widened
            ClassDesc wide = t.isFloating() ? CD_double : CD_long;
            loop(() -> {
                evaluateBody();
                Label skip = cob.newLabel();
                cob.loadLocal(k, best);
                widen(t);
                body.load(v);
                widen(t);
                cob.invokestatic(CD_RULES, takes, MethodTypeDesc.of(CD_boolean, wide, wide));
                cob.ifeq(skip);
                body.load(v);
                cob.storeLocal(k, best);
                if (intLoop) {
                    cob.iload(i).i2l();
                } else {
                    cob.lload(i);
                }
                cob.lstore(index);
                cob.labelBinding(skip);
            });
            cob.aload(resultSlot).loadLocal(k, best);
            storePartialValue(cob, t);
            cob.aload(resultSlot).lload(index).putfield(CD_PARTIAL, "index", CD_long);
            return null;
        }

        @Override
        public Void moments(DType t) {
            // two passes over the range: the mean first, then squared deviations from it,
            // which avoids the cancellation of the one-pass sum-of-squares formula
            int sum = cob.allocateLocal(TypeKind.DOUBLE);
            cob.dconst_0().dstore(sum);
            loop(() -> {
                evaluateBody();
                cob.dload(sum);
                body.load(v);
                cob.dadd().dstore(sum);
            });
            int count = cob.allocateLocal(TypeKind.LONG);
            cob.lload(endSlot).lload(startSlot).lsub().lstore(count);
            int mean = cob.allocateLocal(TypeKind.DOUBLE);
            cob.dload(sum).lload(count).l2d().ddiv().dstore(mean);
            int m2 = cob.allocateLocal(TypeKind.DOUBLE);
            cob.dconst_0().dstore(m2);
            loop(() -> {
                evaluateBody();
                int dev = cob.allocateLocal(TypeKind.DOUBLE);
                body.load(v);
                cob.dload(mean).dsub().dstore(dev);
                cob.dload(m2).dload(dev).dload(dev).dmul().dadd().dstore(m2);
            });
            cob.aload(resultSlot).lload(count).putfield(CD_PARTIAL, "n", CD_long);
            cob.aload(resultSlot).dload(mean).putfield(CD_PARTIAL, "mean", CD_double);
            cob.aload(resultSlot).dload(m2).putfield(CD_PARTIAL, "m2", CD_double);
            return null;
        }

        @Override
        public Void custom(DType t, Node combine, Node.Const identity) {
            TypeKind k = kind(t);
            int acc = cob.allocateLocal(k);
            cob.aload(argsSlot).loadConstant(identity.slot()).laload();
            fromBits(cob, t);
            cob.storeLocal(k, acc);
            int val = cob.allocateLocal(k);
            ScalarLowering fold = new ScalarLowering(cob, argsSlot);
            fold.bindInput(0, acc);
            fold.bindInput(1, val);
            Schedule cs = Schedule.of(combine);
            fold.hoist(cs);
            loop(() -> {
                evaluateBody();
                body.load(v);
                cob.storeLocal(k, val);
                fold.evaluate(cs);
                fold.load(combine);
                cob.storeLocal(k, acc);
            });
            cob.aload(resultSlot).loadLocal(k, acc);
            storePartialValue(cob, t);
            return null;
        }
    }

    /** acc = body(start): the first value of a non-empty range seeds min, max, argmin and argmax. */
    void firstValue(int acc, TypeKind k) {
        // the body read at i = start, so that its element loads see the first index
        if (intLoop) {
            i = cob.allocateLocal(TypeKind.INT);
            cob.lload(startSlot).l2i().istore(i);
        } else {
            i = cob.allocateLocal(TypeKind.LONG);
            cob.lload(startSlot).lstore(i);
        }
        evaluateBody();
        body.load(ir.body());
        cob.storeLocal(k, acc);
    }

    void pushIdentity(ReduceOp op, DType t) {
        cob.loadConstant((java.lang.constant.ConstantDesc) Partials.identity(op, t));
    }

    private void widen(DType t) {
        switch (t) {
            case F32 -> cob.f2d();
            case I32 -> cob.i2l();
            default -> {
            }
        }
    }

    void pushZero(DType t) {
        pushIdentity(ReduceOp.SUM, t);
    }

    void layout(DType t) {
        cob.getstatic(CD_OPS, t.name(), layoutDesc(t));
    }
}
