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
import dev.flynn.spi.Partials;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.util.List;

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
    static final ClassDesc CD_PARTIAL = ClassDesc.of(Partial.class.getName());
    static final ClassDesc CD_SEGMENT = ClassDesc.of(MemorySegment.class.getName());
    static final ClassDesc CD_OPS = ClassDesc.of(ScalarOps.class.getName());
    /** Core's reduction rules: the generated loops call them, so the scalar backend is the reference itself. */
    static final ClassDesc CD_RULES = ClassDesc.of(Partials.class.getName());
    static final ClassDesc CD_MATH = ClassDesc.of("java.lang.Math");
    private static final ClassDesc CD_FLOAT = ClassDesc.of("java.lang.Float");
    private static final ClassDesc CD_DOUBLE = ClassDesc.of("java.lang.Double");
    private static final MethodTypeDesc MTD_MAP = MethodTypeDesc.of(CD_void, CD_Object.arrayType(),
            CD_long.arrayType(), CD_Object, CD_long, CD_long, CD_long, CD_long.arrayType());
    private static final MethodTypeDesc MTD_REDUCE = MethodTypeDesc.of(CD_void, CD_Object.arrayType(),
            CD_long.arrayType(), CD_long, CD_long, CD_long.arrayType(), CD_PARTIAL);
    private static final MethodTypeDesc MTD_COMBINE = MethodTypeDesc.of(CD_void, CD_PARTIAL, CD_PARTIAL,
            CD_long.arrayType());

    static final ClassDesc CD_THIS = ClassDesc.of("dev.flynn.scalar.ScalarKernel");
    static final MethodTypeDesc MTD_CHUNK = MethodTypeDesc.of(CD_void, CD_long.arrayType(),
            CD_double.arrayType(), CD_long.arrayType());

    final KernelIR ir;
    final List<Binding> inputs;
    final Binding output;
    final Schedule schedule;
    /** Present when the body is too large for one method: it is then evaluated by chunk methods. */
    final ScalarChunks chunks;

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
                    new ScalarLoop(this, cob, 1, 2, 6, 8, 10).emitMap(3, 4);
                }
            });
            clb.withMethodBody("reduce", MTD_REDUCE, ClassFile.ACC_PUBLIC, cob -> {
                if (!ir.isReduction()) {
                    unsupported(cob, "reduce on a map kernel");
                } else {
                    new ScalarLoop(this, cob, 1, 2, 3, 5, 7).emitReduce(8);
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

    static String chunkName(int j) {
        return "chunk" + j;
    }

    /**
     * One chunk of a large body: {@code chunk(long[] args, double[] fs, long[] ls)} computes its nodes
     * into locals, reading values of earlier chunks (and the current elements) from the scratch arrays
     * and writing there the values later chunks need.
     */
    private void emitChunk(CodeBuilder cob, int chunk) {
        ScalarLowering eval = new ScalarLowering(cob, 0);
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
        ScalarLowering eval = new ScalarLowering(cob, 3);
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
    static void storePartialValue(CodeBuilder cob, DType t) {
        switch (t) {
            case F32 -> cob.f2d().putfield(CD_PARTIAL, "d", CD_double);
            case F64 -> cob.putfield(CD_PARTIAL, "d", CD_double);
            case I32 -> cob.i2l().putfield(CD_PARTIAL, "l", CD_long);
            case I64 -> cob.putfield(CD_PARTIAL, "l", CD_long);
            case BOOL -> throw new IllegalStateException("a mask in a reduction state");
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

    static ClassDesc layoutDesc(DType t) {
        return switch (t) {
            case F32 -> ClassDesc.of("java.lang.foreign.ValueLayout$OfFloat");
            case F64 -> ClassDesc.of("java.lang.foreign.ValueLayout$OfDouble");
            case I32 -> ClassDesc.of("java.lang.foreign.ValueLayout$OfInt");
            case I64 -> ClassDesc.of("java.lang.foreign.ValueLayout$OfLong");
            case BOOL -> throw new IllegalStateException("masks are not stored");
        };
    }
}
