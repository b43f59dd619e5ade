package dev.flynn.scalar;

import dev.flynn.DType;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.Node;
import dev.flynn.ir.ReduceOp;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.ir.Schedule;
import dev.flynn.spi.Binding;
import dev.flynn.spi.CpuKernel;
import dev.flynn.spi.Partial;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_double;
import static java.lang.constant.ConstantDescs.CD_float;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

/**
 * Compiles a kernel's IR to the bytecode of a plain Java loop ({@code java.lang.classfile}), loaded
 * as a hidden class implementing {@link CpuKernel}. Each IR node becomes one JVM operation (or a
 * call of {@code Math} or {@link ScalarOps}), exactly what the equivalent hand-written loop compiles
 * to, so results are bit-for-bit Java's.
 */
final class ScalarCodegen {
    private static final ClassDesc CD_KERNEL = ClassDesc.of(CpuKernel.class.getName());
    private static final ClassDesc CD_PARTIAL = ClassDesc.of(Partial.class.getName());
    private static final ClassDesc CD_SEGMENT = ClassDesc.of(MemorySegment.class.getName());
    private static final ClassDesc CD_OPS = ClassDesc.of(ScalarOps.class.getName());
    private static final ClassDesc CD_MATH = ClassDesc.of("java.lang.Math");
    private static final ClassDesc CD_FLOAT = ClassDesc.of("java.lang.Float");
    private static final ClassDesc CD_DOUBLE = ClassDesc.of("java.lang.Double");
    private static final MethodTypeDesc MTD_MAP = MethodTypeDesc.of(CD_void, CD_Object.arrayType(),
            CD_long.arrayType(), CD_Object, CD_long, CD_long, CD_long, CD_long.arrayType());
    private static final MethodTypeDesc MTD_REDUCE = MethodTypeDesc.of(CD_void, CD_Object.arrayType(),
            CD_long.arrayType(), CD_long, CD_long, CD_long.arrayType(), CD_PARTIAL);
    private static final MethodTypeDesc MTD_COMBINE = MethodTypeDesc.of(CD_void, CD_PARTIAL, CD_PARTIAL,
            CD_long.arrayType());

    private static final ClassDesc CD_THIS = ClassDesc.of("dev.flynn.scalar.ScalarKernel");
    private static final MethodTypeDesc MTD_CHUNK = MethodTypeDesc.of(CD_void, CD_long.arrayType(),
            CD_double.arrayType(), CD_long.arrayType());

    private final KernelIR ir;
    private final List<Binding> inputs;
    private final Binding output;
    private final Schedule schedule;
    /** Present when the body is too large for one method: it is then evaluated by chunk methods. */
    private final ScalarChunks chunks;

    private ScalarCodegen(KernelIR ir, List<Binding> inputs, Binding output) {
        this.ir = ir;
        this.inputs = inputs;
        this.output = output;
        this.schedule = Schedule.of(ir.body());
        this.chunks = ScalarChunks.plan(schedule, ir.body());
    }

    static CpuKernel compile(KernelIR ir, List<Binding> inputs, Binding output) {
        byte[] bytes = new ScalarCodegen(ir, inputs, output).generate();
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClass(bytes, true);
            return (CpuKernel) lookup.findConstructor(lookup.lookupClass(), java.lang.invoke.MethodType.methodType(void.class))
                    .invoke();
        } catch (Throwable e) {
            throw new IllegalStateException("the scalar backend generated invalid code for " + ir.shapeKey(), e);
        }
    }

    /** The class file, for tests and for inspection with javap. */
    static byte[] classBytes(KernelIR ir, List<Binding> inputs, Binding output) {
        return new ScalarCodegen(ir, inputs, output).generate();
    }

    private byte[] generate() {
        ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                ClassHierarchyResolver.defaultResolver().orElse(
                        ClassHierarchyResolver.ofClassLoading(ScalarCodegen.class.getClassLoader()))));
        return cf.build(CD_THIS, clb -> {
            clb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC);
            clb.withInterfaceSymbols(CD_KERNEL);
            clb.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC, cob -> cob
                    .aload(0).invokespecial(CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void).return_());
            clb.withMethodBody("map", MTD_MAP, ClassFile.ACC_PUBLIC, cob -> {
                if (ir.isReduction()) {
                    unsupported(cob, "map on a reduction kernel");
                } else {
                    new Loop(cob, 1, 2, 6, 8, 10).emitMap(3, 4);
                }
            });
            clb.withMethodBody("reduce", MTD_REDUCE, ClassFile.ACC_PUBLIC, cob -> {
                if (!ir.isReduction()) {
                    unsupported(cob, "reduce on a map kernel");
                } else {
                    new Loop(cob, 1, 2, 3, 5, 7).emitReduce(8);
                }
            });
            if (chunks != null) {
                for (int j = 0; j < chunks.count(); j++) {
                    int chunk = j;
                    clb.withMethodBody(chunkName(j), MTD_CHUNK, ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC,
                            cob -> emitChunk(cob, chunk));
                }
            }
            clb.withMethodBody("combine", MTD_COMBINE, ClassFile.ACC_PUBLIC, cob -> {
                if (ir.reduce().map(r -> r.op() == ReduceOp.CUSTOM).orElse(false)) {
                    emitCombineMethod(cob);
                } else {
                    unsupported(cob, "combine on a kernel that is not a custom reduction");
                }
            });
        });
    }

    private static String chunkName(int j) {
        return "chunk" + j;
    }

    /**
     * One chunk of a large body: {@code chunk(long[] args, double[] fs, long[] ls)} computes its nodes
     * into locals, reading values of earlier chunks (and the current elements) from the scratch arrays
     * and writing there the values later chunks need.
     */
    private void emitChunk(CodeBuilder cob, int chunk) {
        Eval eval = new Eval(cob, 0);
        for (Node n : chunks.nodes(chunk)) {
            for (Node op : Schedule.operands(n)) {
                if (eval.slots.containsKey(op)) {
                    continue;
                }
                int slot = cob.allocateLocal(kind(op.type()));
                if (op instanceof Node.Const c) {
                    cob.aload(0);
                    ScalarChunks.pushIndex(cob, c.slot());
                    cob.laload();
                    fromBits(cob, c.type());
                } else if (op instanceof Node.Input in && inputs.get(in.index()) == Binding.SCALAR) {
                    cob.aload(0);
                    ScalarChunks.pushIndex(cob, ir.scalarSlot(in.index()));
                    cob.laload();
                    fromBits(cob, in.type());
                } else {
                    chunks.load(cob, schedule.indexOf(op), op.type(), 1, 2);
                }
                cob.storeLocal(kind(op.type()), slot);
                eval.slots.put(op, slot);
            }
            eval.evaluateNode(n);
            int index = schedule.indexOf(n);
            if (chunks.spilled(index)) {
                chunks.store(cob, index, n.type(), 1, 2, () -> eval.load(n));
            }
        }
        cob.return_();
    }

    private static void unsupported(CodeBuilder cob, String what) {
        ClassDesc ex = ClassDesc.of("java.lang.UnsupportedOperationException");
        cob.new_(ex).dup().ldc(what).invokespecial(ex, ConstantDescs.INIT_NAME,
                MethodTypeDesc.of(CD_void, ConstantDescs.CD_String)).athrow();
    }

    private void emitCombineMethod(CodeBuilder cob) {
        ReduceSpec spec = ir.reduce().orElseThrow();
        DType t = ir.body().type();
        Node combine = spec.combine().orElseThrow();
        Eval eval = new Eval(cob, 3);
        int acc = cob.allocateLocal(kind(t));
        int val = cob.allocateLocal(kind(t));
        loadPartialValue(cob, 1, t);
        cob.storeLocal(kind(t), acc);
        loadPartialValue(cob, 2, t);
        cob.storeLocal(kind(t), val);
        eval.bindInput(0, acc);
        eval.bindInput(1, val);
        Schedule s = Schedule.of(combine);
        eval.hoist(s);
        eval.evaluate(s);
        cob.aload(1);
        eval.load(combine);
        storePartialValue(cob, t);
        cob.return_();
    }

    private static void loadPartialValue(CodeBuilder cob, int partial, DType t) {
        cob.aload(partial);
        if (t.isFloating()) {
            cob.getfield(CD_PARTIAL, "d", CD_double);
            if (t == DType.F32) {
                cob.d2f();
            }
        } else {
            cob.getfield(CD_PARTIAL, "l", CD_long);
            if (t == DType.I32) {
                cob.l2i();
            }
        }
    }

    /** Stack: partial, value. */
    private static void storePartialValue(CodeBuilder cob, DType t) {
        switch (t) {
            case F32 -> cob.f2d().putfield(CD_PARTIAL, "d", CD_double);
            case F64 -> cob.putfield(CD_PARTIAL, "d", CD_double);
            case I32 -> cob.i2l().putfield(CD_PARTIAL, "l", CD_long);
            case I64 -> cob.putfield(CD_PARTIAL, "l", CD_long);
            case BOOL -> throw new IllegalStateException("a mask in a reduction state");
        }
    }

    /**
     * Emits the typed arithmetic instruction ({@code fadd}, {@code dmul}, ...). Integer {@code /} and
     * {@code %} call {@link ScalarOps}, which throws the ArithmeticException itself: the one {@code idiv}
     * raises loses its message and stack trace once HotSpot compiles a hot loop that throws it often.
     */
    private static void arith(CodeBuilder cob, String op, TypeKind k) {
        switch (op + k) {
            case "addFLOAT" -> cob.fadd();
            case "addDOUBLE" -> cob.dadd();
            case "addINT" -> cob.iadd();
            case "addLONG" -> cob.ladd();
            case "subFLOAT" -> cob.fsub();
            case "subDOUBLE" -> cob.dsub();
            case "subINT" -> cob.isub();
            case "subLONG" -> cob.lsub();
            case "mulFLOAT" -> cob.fmul();
            case "mulDOUBLE" -> cob.dmul();
            case "mulINT" -> cob.imul();
            case "mulLONG" -> cob.lmul();
            case "divFLOAT" -> cob.fdiv();
            case "divDOUBLE" -> cob.ddiv();
            case "divINT" -> cob.invokestatic(CD_OPS, "div", MethodTypeDesc.of(CD_int, CD_int, CD_int));
            case "divLONG" -> cob.invokestatic(CD_OPS, "div", MethodTypeDesc.of(CD_long, CD_long, CD_long));
            case "remFLOAT" -> cob.frem();
            case "remDOUBLE" -> cob.drem();
            case "remINT" -> cob.invokestatic(CD_OPS, "rem", MethodTypeDesc.of(CD_int, CD_int, CD_int));
            case "remLONG" -> cob.invokestatic(CD_OPS, "rem", MethodTypeDesc.of(CD_long, CD_long, CD_long));
            default -> throw new IllegalStateException(op + " on " + k);
        }
    }

    static TypeKind kind(DType t) {
        return switch (t) {
            case F32 -> TypeKind.FLOAT;
            case F64 -> TypeKind.DOUBLE;
            case I32, BOOL -> TypeKind.INT;
            case I64 -> TypeKind.LONG;
        };
    }

    static ClassDesc desc(DType t) {
        return switch (t) {
            case F32 -> CD_float;
            case F64 -> CD_double;
            case I32 -> CD_int;
            case I64 -> CD_long;
            case BOOL -> CD_boolean;
        };
    }

    /** Converts raw argument bits (a long on the stack) to a value of type {@code t}. */
    static void fromBits(CodeBuilder cob, DType t) {
        switch (t) {
            case F32 -> cob.l2i().invokestatic(CD_FLOAT, "intBitsToFloat", MethodTypeDesc.of(CD_float, CD_int));
            case F64 -> cob.invokestatic(CD_DOUBLE, "longBitsToDouble", MethodTypeDesc.of(CD_double, CD_long));
            case I32, BOOL -> cob.l2i();
            case I64 -> {
            }
        }
    }

    /**
     * Evaluation of a schedule of nodes into locals: constants and scalars are loaded before the loop,
     * the rest once per element.
     */
    private final class Eval {
        final CodeBuilder cob;
        final int argsSlot;
        final Map<Node, Integer> slots = new HashMap<>();
        final Map<Integer, Integer> inputSlots = new HashMap<>();

        Eval(CodeBuilder cob, int argsSlot) {
            this.cob = cob;
            this.argsSlot = argsSlot;
        }

        void bindInput(int index, int slot) {
            inputSlots.put(index, slot);
        }

        /** Loads constants (and bound inputs) into their locals: code that runs once, before any loop. */
        void hoist(Schedule s) {
            for (Node n : s.nodes()) {
                if (n instanceof Node.Const c) {
                    int slot = cob.allocateLocal(kind(c.type()));
                    cob.aload(argsSlot).loadConstant(c.slot()).laload();
                    fromBits(cob, c.type());
                    cob.storeLocal(kind(c.type()), slot);
                    slots.put(n, slot);
                } else if (n instanceof Node.Input in && inputSlots.containsKey(in.index())) {
                    slots.put(n, inputSlots.get(in.index()));
                }
            }
        }

        void load(Node n) {
            Integer slot = slots.get(n);
            if (slot == null) {
                throw new IllegalStateException("no value for " + n);
            }
            cob.loadLocal(kind(n.type()), slot);
        }

        /**
         * Emits code computing every node except hoisted ones and inputs (loaded by the caller), in
         * order, each into its local. Called again, it recomputes: each loop evaluates afresh.
         */
        void evaluate(Schedule s) {
            for (Node n : s.nodes()) {
                if (n instanceof Node.Const || n instanceof Node.Input) {
                    if (!slots.containsKey(n)) {
                        throw new IllegalStateException("no value for " + n + " in this context");
                    }
                    continue;
                }
                evaluateNode(n);
            }
        }

        /** Emits code computing {@code n} into its local, its operands being in locals. */
        void evaluateNode(Node n) {
            emit(n);
            Integer slot = slots.get(n);
            if (slot == null) {
                slot = cob.allocateLocal(kind(n.type()));
                slots.put(n, slot);
            }
            cob.storeLocal(kind(n.type()), slot);
        }

        /** Pushes the value of {@code n}, its operands being in locals. */
        private void emit(Node n) {
            switch (n) {
                case Node.Input in -> throw new IllegalStateException("inputs are loaded by the loop");
                case Node.Const c -> throw new IllegalStateException("constants are hoisted");
                case Node.Unary u -> {
                    load(u.x());
                    unary(u);
                }
                case Node.Binary b -> {
                    DType t = b.type();
                    load(b.a());
                    if (b.op().kind() == dev.flynn.ir.OpKind.MATH && t == DType.F32) {
                        cob.f2d();
                        load(b.b());
                        cob.f2d();
                    } else {
                        load(b.b());
                    }
                    binary(b);
                }
                case Node.Ternary t -> {
                    load(t.a());
                    load(t.b());
                    load(t.c());
                    ClassDesc d = desc(t.type());
                    cob.invokestatic(CD_MATH, "fma", MethodTypeDesc.of(d, d, d, d));
                }
                case Node.Compare c -> {
                    load(c.a());
                    load(c.b());
                    ClassDesc d = desc(c.a().type());
                    cob.invokestatic(CD_OPS, c.op().symbol(), MethodTypeDesc.of(CD_boolean, d, d));
                }
                case Node.Select s -> {
                    load(s.mask());
                    load(s.a());
                    load(s.b());
                    ClassDesc d = desc(s.type());
                    cob.invokestatic(CD_OPS, "select", MethodTypeDesc.of(d, CD_boolean, d, d));
                }
                case Node.Cast c -> {
                    load(c.x());
                    DType from = c.x().type();
                    DType to = c.type();
                    if (from == DType.BOOL) {
                        // a mask is the int 0 or 1 on the JVM stack
                        if (to != DType.I32 && to != DType.BOOL) {
                            cob.conversion(TypeKind.INT, kind(to));
                        }
                    } else if (kind(from) != kind(to)) {
                        cob.conversion(kind(from), kind(to));
                    }
                }
            }
        }

        private void unary(Node.Unary u) {
            DType t = u.type();
            TypeKind k = kind(t);
            switch (u.op()) {
                case NEG -> {
                    switch (k) {
                        case FLOAT -> cob.fneg();
                        case DOUBLE -> cob.dneg();
                        case INT -> cob.ineg();
                        default -> cob.lneg();
                    }
                }
                case ABS -> cob.invokestatic(CD_MATH, "abs", MethodTypeDesc.of(desc(t), desc(t)));
                case NOT -> {
                    if (t == DType.BOOL) {
                        cob.iconst_1().ixor();
                    } else if (t == DType.I32) {
                        cob.iconst_m1().ixor();
                    } else {
                        cob.loadConstant(-1L).lxor();
                    }
                }
                case SIGNUM -> cob.invokestatic(CD_MATH, "signum", MethodTypeDesc.of(desc(t), desc(t)));
                default -> {
                    // Java has these in double only: a float loop widens, calls Math, and rounds once
                    if (t == DType.F32) {
                        cob.f2d();
                    }
                    cob.invokestatic(CD_MATH, u.op().symbol(), MethodTypeDesc.of(CD_double, CD_double));
                    if (t == DType.F32) {
                        cob.d2f();
                    }
                }
            }
        }

        private void binary(Node.Binary b) {
            DType t = b.type();
            TypeKind k = kind(t);
            switch (b.op()) {
                case ADD -> arith(cob, "add", k);
                case SUB -> arith(cob, "sub", k);
                case MUL -> arith(cob, "mul", k);
                case DIV -> arith(cob, "div", k);
                case REM -> arith(cob, "rem", k);
                case MIN, MAX -> cob.invokestatic(CD_MATH, b.op().symbol(), MethodTypeDesc.of(desc(t), desc(t), desc(t)));
                case ATAN2, POW, HYPOT -> {
                    cob.invokestatic(CD_MATH, b.op().symbol(), MethodTypeDesc.of(CD_double, CD_double, CD_double));
                    if (t == DType.F32) {
                        cob.d2f();
                    }
                }
                case AND -> {
                    if (k == TypeKind.LONG) cob.land(); else cob.iand();
                }
                case OR -> {
                    if (k == TypeKind.LONG) cob.lor(); else cob.ior();
                }
                case XOR -> {
                    if (k == TypeKind.LONG) cob.lxor(); else cob.ixor();
                }
                case SHL, SHR, USHR -> {
                    // the JVM takes an int shift count and masks it to the width, as Java does
                    if (k == TypeKind.LONG) {
                        cob.l2i();
                        switch (b.op()) {
                            case SHL -> cob.lshl();
                            case SHR -> cob.lshr();
                            default -> cob.lushr();
                        }
                    } else {
                        switch (b.op()) {
                            case SHL -> cob.ishl();
                            case SHR -> cob.ishr();
                            default -> cob.iushr();
                        }
                    }
                }
            }
        }
    }

    /**
     * One method's loop over {@code [start, end)}. Kernels whose operands are all arrays or scalars
     * use an int induction variable, as a hand-written loop does (C2's range-check elimination and
     * auto-vectorization expect it); memory segments need a long one.
     */
    private final class Loop {
        final CodeBuilder cob;
        final int dataSlot;
        final int offsetsSlot;
        final int startSlot;
        final int endSlot;
        final int argsSlot;
        final boolean intLoop;
        final int[] storage;
        final int[] offset;
        final Eval body;
        final Schedule schedule;
        /** The scratch arrays of a chunked body, {@code double[]} and {@code long[]}. */
        int fsSlot = -1;
        int lsSlot = -1;
        int i;
        int end;
        /** While emitting the copy of a map loop for whole arrays: index every array by i alone. */
        boolean zeroOffsets;

        Loop(CodeBuilder cob, int dataSlot, int offsetsSlot, int startSlot, int endSlot, int argsSlot) {
            this.cob = cob;
            this.dataSlot = dataSlot;
            this.offsetsSlot = offsetsSlot;
            this.startSlot = startSlot;
            this.endSlot = endSlot;
            this.argsSlot = argsSlot;
            this.intLoop = !inputs.contains(Binding.SEGMENT) && output != Binding.SEGMENT;
            this.storage = new int[inputs.size()];
            this.offset = new int[inputs.size()];
            this.body = new Eval(cob, argsSlot);
            this.schedule = ScalarCodegen.this.schedule;
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
        private void evaluateChunks() {
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

        private void loadElement(int in, DType t) {
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
            ReduceSpec spec = ir.reduce().orElseThrow();
            DType t = ir.body().type();
            TypeKind k = kind(t);
            Node v = ir.body();
            switch (spec.op()) {
                case SUM, PROD -> {
                    int acc = cob.allocateLocal(k);
                    pushIdentity(spec.op(), t);
                    cob.storeLocal(k, acc);
                    int comp = -1;
                    if (spec.compensated() && t.isFloating()) {
                        comp = cob.allocateLocal(k);
                        pushZero(t);
                        cob.storeLocal(k, comp);
                    }
                    int compSlot = comp;
                    loop(() -> {
                        evaluateBody();
                        if (compSlot >= 0) {
                            // t = s + v; c = neumaier(c, s, v, t); s = t
                            int sum = cob.allocateLocal(k);
                            cob.loadLocal(k, acc);
                            body.load(v);
                            arith(cob, "add", k);
                            cob.storeLocal(k, sum);
                            cob.loadLocal(k, compSlot).loadLocal(k, acc);
                            body.load(v);
                            cob.loadLocal(k, sum);
                            ClassDesc d = desc(t);
                            cob.invokestatic(CD_OPS, "neumaier", MethodTypeDesc.of(d, d, d, d, d)).storeLocal(k, compSlot);
                            cob.loadLocal(k, sum).storeLocal(k, acc);
                        } else {
                            cob.loadLocal(k, acc);
                            body.load(v);
                            if (spec.op() == ReduceOp.SUM) arith(cob, "add", k); else arith(cob, "mul", k);
                            cob.storeLocal(k, acc);
                        }
                    });
                    cob.aload(resultSlot).loadLocal(k, acc);
                    storePartialValue(cob, t);
                    if (compSlot >= 0) {
                        cob.aload(resultSlot).loadLocal(k, compSlot);
                        if (t == DType.F32) cob.f2d();
                        cob.putfield(CD_PARTIAL, "c", CD_double);
                    }
                }
                case MIN, MAX -> {
                    int acc = cob.allocateLocal(k);
                    firstValue(acc, k);
                    loop(() -> {
                        evaluateBody();
                        cob.loadLocal(k, acc);
                        body.load(v);
                        cob.invokestatic(CD_MATH, spec.op() == ReduceOp.MIN ? "min" : "max",
                                MethodTypeDesc.of(desc(t), desc(t), desc(t)));
                        cob.storeLocal(k, acc);
                    });
                    cob.aload(resultSlot).loadLocal(k, acc);
                    storePartialValue(cob, t);
                }
                case ARGMIN, ARGMAX -> {
                    int best = cob.allocateLocal(k);
                    int index = cob.allocateLocal(TypeKind.LONG);
                    firstValue(best, k);
                    cob.lload(startSlot).lstore(index);
                    String takes = spec.op() == ReduceOp.ARGMIN ? "argminTakes" : "argmaxTakes";
                    loop(() -> {
                        evaluateBody();
                        Label skip = cob.newLabel();
                        cob.loadLocal(k, best);
                        body.load(v);
                        cob.invokestatic(CD_OPS, takes, MethodTypeDesc.of(CD_boolean, desc(t), desc(t)));
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
                }
                case MOMENTS -> {
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
                }
                case CUSTOM -> {
                    Node combine = spec.combine().orElseThrow();
                    Node.Const identity = spec.identity().orElseThrow();
                    int acc = cob.allocateLocal(k);
                    cob.aload(argsSlot).loadConstant(identity.slot()).laload();
                    fromBits(cob, t);
                    cob.storeLocal(k, acc);
                    int val = cob.allocateLocal(k);
                    Eval fold = new Eval(cob, argsSlot);
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
                }
            }
            cob.return_();
        }

        /** acc = body(start): the first value of a non-empty range seeds min, max, argmin and argmax. */
        private void firstValue(int acc, TypeKind k) {
            // evaluate at i = start in a one-iteration loop, so element loads see the right index
            Label done = cob.newLabel();
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
            cob.labelBinding(done);
        }

        private void pushIdentity(ReduceOp op, DType t) {
            boolean one = op == ReduceOp.PROD;
            switch (t) {
                case F32 -> cob.loadConstant(one ? 1f : 0f);
                case F64 -> cob.loadConstant(one ? 1d : 0d);
                case I32 -> cob.loadConstant(one ? 1 : 0);
                case I64 -> cob.loadConstant(one ? 1L : 0L);
                case BOOL -> throw new IllegalStateException("mask accumulator");
            }
        }

        private void pushZero(DType t) {
            pushIdentity(ReduceOp.SUM, t);
        }

        private void layout(DType t) {
            cob.getstatic(CD_OPS, t.name(), layoutDesc(t));
        }
    }

    private static ClassDesc layoutDesc(DType t) {
        return switch (t) {
            case F32 -> ClassDesc.of("java.lang.foreign.ValueLayout$OfFloat");
            case F64 -> ClassDesc.of("java.lang.foreign.ValueLayout$OfDouble");
            case I32 -> ClassDesc.of("java.lang.foreign.ValueLayout$OfInt");
            case I64 -> ClassDesc.of("java.lang.foreign.ValueLayout$OfLong");
            case BOOL -> throw new IllegalStateException("masks are not stored");
        };
    }
}
