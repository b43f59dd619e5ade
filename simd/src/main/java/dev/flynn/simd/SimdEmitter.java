package dev.flynn.simd;

import dev.flynn.DType;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.Node;
import dev.flynn.simd.SimdCompiler.Plan;
import dev.flynn.simd.SimdCompiler.Val;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static dev.flynn.simd.SimdCompiler.desc;
import static dev.flynn.simd.SimdCompiler.vectorClass;

/**
 * The bytecode helpers of one generated method: its locals, Vector API calls, broadcasts, the loop
 * index and the scratch arrays of chunked bodies. {@link SimdLowering} lowers the nodes with them,
 * {@link SimdLoops} writes the loops around the body and {@link SimdReductions} the reductions.
 */
abstract sealed class SimdEmitter permits SimdLowering {
    private static final ClassDesc CD_SPECIES = ClassDesc.of(VectorSpecies.class.getName());
    private static final Map<String, Method> METHODS = new ConcurrentHashMap<>();

    // map(Object[] data, long[] offsets, Object out, long outOffset, long start, long end, long[] args)
    // reduce(Object[] data, long[] offsets, long start, long end, long[] args, Partial result)
    final Plan plan;
    final KernelIR ir;
    final CodeBuilder c;
    final int dataSlot = 1;
    final int offsetsSlot = 2;
    int startSlot;
    int endSlot;
    int argsSlot;
    int resultSlot;
    final int[] storage;
    final int[] offset;
    int orderSlot = -1;
    int indexSlot;
    int limitSlot;
    final Map<Node, Val> hoisted = new HashMap<>();
    /** The scratch {@code Object[]} of a chunked body. */
    int scratchSlot = -1;
    /** This thread's {@link SimdTail}, null until the call's tail first needs it. */
    int tailSlot = -1;

    SimdEmitter(Plan plan, CodeBuilder c) {
        this.plan = plan;
        this.ir = plan.ir;
        this.c = c;
        this.storage = new int[ir.arity()];
        this.offset = new int[ir.arity()];
    }

    TypeKind indexKind() {
        return plan.intLoop ? TypeKind.INT : TypeKind.LONG;
    }

    // ---- bytecode helpers ------------------------------------------------------------------

    /** Emits a call to a public Vector API (or helper) method, found by reflection so descriptors are exact. */
    Class<?> call(Class<?> owner, String name, Class<?>... params) {
        String key = owner.getName() + "." + name + java.util.Arrays.toString(params);
        Method m = METHODS.computeIfAbsent(key, k -> find(owner, name, params));
        ClassDesc[] ps = new ClassDesc[m.getParameterCount()];
        for (int i = 0; i < ps.length; i++) {
            ps[i] = desc(m.getParameterTypes()[i]);
        }
        MethodTypeDesc d = MethodTypeDesc.of(desc(m.getReturnType()), ps);
        if (Modifier.isStatic(m.getModifiers())) {
            c.invokestatic(desc(owner), name, d, owner.isInterface());
        } else if (owner.isInterface()) {
            c.invokeinterface(desc(owner), name, d);
        } else {
            c.invokevirtual(desc(owner), name, d);
        }
        return m.getReturnType();
    }

    static Method find(Class<?> owner, String name, Class<?>... params) {
        try {
            return owner.getMethod(name, params);
        } catch (NoSuchMethodException e) {
            for (Method m : owner.getDeclaredMethods()) {
                if (m.getName().equals(name) && java.util.Arrays.equals(m.getParameterTypes(), params)) {
                    return m;
                }
            }
            throw new IllegalStateException("no method " + owner.getSimpleName() + "." + name
                    + java.util.Arrays.toString(params), e);
        }
    }

    /** A call whose result is a vector of {@code t} (or a mask); casts where the API returns a supertype. */
    Val callTo(DType t, DType home, Class<?> owner, String name, Class<?>... params) {
        Class<?> ret = call(owner, name, params);
        Class<?> want = vectorClass(t);
        if (!want.isAssignableFrom(ret)) {
            c.checkcast(desc(want));
        }
        return store(t, home);
    }

    Val store(DType t, DType home) {
        int slot = c.allocateLocal(TypeKind.REFERENCE);
        c.astore(slot);
        return new Val(slot, t, home);
    }

    /**
     * A copy of {@code v} that C2 sees with its exact vector class, where {@code v} is a merged local.
     *
     * <p>C2 types a loop-carried local by its declared type, an abstract class with one subclass per
     * shape, so a virtual call with it as receiver needs a profile-based guess. Once the cumulative
     * class-check trap count of a compilation passes PerMethodTrapLimit (inlined Vector API methods
     * carry the trap history of every other shape the process ran), C2 stops guessing with a trap and
     * keeps a real virtual call on the slow path, to which the vector must be passed as a boxed object:
     * an allocation per iteration. A blend into an exact vector with an all-true mask has the exact
     * class, is bitwise the identity, and costs at most one instruction; as an argument (not a
     * receiver) a merged value needs no copy.
     */
    Val exact(Val v) {
        if (!v.merged() || v.isMask()) {
            return v;
        }
        DType t = v.type();
        species(t);
        c.lconst_0();
        call(vectorClass(t), "broadcast", VectorSpecies.class, long.class);
        load(v);
        species(t);
        c.iconst_1();
        call(VectorSpecies.class, "maskAll", boolean.class);
        return callTo(t, t, vectorClass(t), "blend", Vector.class, VectorMask.class);
    }

    void species(DType t) {
        c.ldc(DynamicConstantDesc.ofNamed(ConstantDescs.BSM_CLASS_DATA_AT, ConstantDescs.DEFAULT_NAME, CD_SPECIES,
                plan.speciesIndex(t)));
    }

    /**
     * Pushes the operator constant {@code VectorOperators.<field>} holding {@code operator}: its
     * {@link VectorOperators.Operator#name() name} is the field's, and the field is typed as declared
     * (ADD is an Associative, SUB a Binary).
     */
    void op(VectorOperators.Operator operator) {
        c.getstatic(desc(VectorOperators.class), operator.name(), desc(fieldType(operator)));
    }

    /** The declared type of the {@code VectorOperators} field holding {@code operator}. */
    static Class<?> fieldType(VectorOperators.Operator operator) {
        return switch (operator) {
            case VectorOperators.Associative a -> VectorOperators.Associative.class;
            case VectorOperators.Binary b -> VectorOperators.Binary.class;
            case VectorOperators.Unary u -> VectorOperators.Unary.class;
            case VectorOperators.Ternary t -> VectorOperators.Ternary.class;
            case VectorOperators.Comparison cmp -> VectorOperators.Comparison.class;
            case VectorOperators.Test test -> VectorOperators.Test.class;
            case VectorOperators.Conversion<?, ?> conv -> VectorOperators.Conversion.class;
            default -> throw new IllegalStateException("no field type known for VectorOperators." + operator.name());
        };
    }

    void load(Val v) {
        c.aload(v.slot());
    }

    /** Pushes {@code args[slot]} decoded to the primitive of {@code t}. */
    void arg(int slot, DType t) {
        c.aload(argsSlot);
        pushInt(slot);
        c.laload();
        switch (t) {
            case F32 -> c.l2i().invokestatic(ConstantDescs.CD_Float, "intBitsToFloat",
                    MethodTypeDesc.of(ConstantDescs.CD_float, ConstantDescs.CD_int));
            case F64 -> c.invokestatic(ConstantDescs.CD_Double, "longBitsToDouble",
                    MethodTypeDesc.of(ConstantDescs.CD_double, ConstantDescs.CD_long));
            case I32 -> c.l2i();
            case I64, BOOL -> {
            }
        }
    }

    /** Broadcasts {@code args[slot]} into a vector of {@code t} (a mask for BOOL). */
    Val broadcastArg(int slot, DType t) {
        if (t == DType.BOOL) {
            DType home = maskHome();
            species(home);
            arg(slot, DType.I64);
            c.lconst_0().lcmp();
            // lcmp leaves 0 for false and +-1 for true; maskAll takes a boolean (0 or 1)
            c.iconst_1().iand();
            return callTo(DType.BOOL, home, VectorSpecies.class, "maskAll", boolean.class);
        }
        species(t);
        arg(slot, t);
        return callTo(t, t, vectorClass(t), "broadcast", VectorSpecies.class, t.javaType());
    }

    /** A vector of {@code t} with every lane {@code value}. */
    Val broadcastLong(DType t, long value) {
        species(t);
        c.loadConstant(value);
        return callTo(t, t, vectorClass(t), "broadcast", VectorSpecies.class, long.class);
    }

    Val broadcastDouble(DType t, double value) {
        species(t);
        switch (t) {
            case F32 -> c.loadConstant((float) value);
            case F64 -> c.loadConstant(value);
            default -> throw new IllegalStateException(t.name());
        }
        return callTo(t, t, vectorClass(t), "broadcast", VectorSpecies.class, t.javaType());
    }

    DType maskHome() {
        return ir.inputs().getFirst();
    }

    void pushIndex() {
        if (plan.intLoop) {
            c.iload(indexSlot);
        } else {
            c.lload(indexSlot);
        }
    }

    void pushIndexConst(long v) {
        if (plan.intLoop) {
            c.loadConstant((int) v);
        } else {
            c.loadConstant(v);
        }
    }

    void indexAdd() {
        if (plan.intLoop) {
            c.iadd();
        } else {
            c.ladd();
        }
    }

    void indexSub() {
        if (plan.intLoop) {
            c.isub();
        } else {
            c.lsub();
        }
    }

    void indexRem() {
        if (plan.intLoop) {
            c.irem();
        } else {
            c.lrem();
        }
    }

    /** Pops two indices; jumps when the first is {@code >=} the second. */
    void ifIndexGE(Label target) {
        if (plan.intLoop) {
            c.if_icmpge(target);
        } else {
            c.lcmp().ifge(target);
        }
    }

    void storeIndex(int slot) {
        if (plan.intLoop) {
            c.istore(slot);
        } else {
            c.lstore(slot);
        }
    }

    void loadIndexSlot(int slot) {
        if (plan.intLoop) {
            c.iload(slot);
        } else {
            c.lload(slot);
        }
    }

    void step(long by) {
        if (plan.intLoop) {
            c.iinc(indexSlot, (int) by);
        } else {
            c.lload(indexSlot).loadConstant(by).ladd().lstore(indexSlot);
        }
    }

    // ---- the tail's scratch vector (SimdTail) ------------------------------------------------

    /** Declares the local of this call's {@link SimdTail}, still null: only a call that reaches a tail looks it up. */
    void declareTail() {
        c.aconst_null();
        tailSlot = c.allocateLocal(TypeKind.REFERENCE);
        c.astore(tailSlot);
    }

    /** Pushes this thread's {@link SimdTail}, looking it up on the call's first use. */
    void pushTail() {
        c.aload(tailSlot);
        call(SimdTail.class, "current", SimdTail.class);
        c.dup().astore(tailSlot);
    }

    /** Pushes the elements left from {@code index} (pushed by the runnable) to the limit, as an int for arrays. */
    void pushRemaining(Runnable index, boolean asInt) {
        loadIndexSlot(limitSlot);
        index.run();
        indexSub();
        if (asInt && !plan.intLoop) {
            c.l2i();
        }
    }

    /** Loop bound: {@code limit - (limit - i) % stride}, the end of the whole strides from i. */
    int bound(long stride) {
        int slot = c.allocateLocal(indexKind());
        loadIndexSlot(limitSlot);
        loadIndexSlot(limitSlot);
        pushIndex();
        indexSub();
        pushIndexConst(stride);
        indexRem();
        indexSub();
        storeIndex(slot);
        return slot;
    }

    // ---- chunked bodies (SimdChunks) ---------------------------------------------------------

    void allocateScratch() {
        SimdChunks k = plan.chunks;
        c.loadConstant(SimdChunks.LIVE + 1);
        c.anewarray(ConstantDescs.CD_Object);
        scratchSlot = c.allocateLocal(TypeKind.REFERENCE);
        c.astore(scratchSlot);
        Class<?>[] arrays = {float[].class, double[].class, int[].class, long[].class, boolean[].class};
        for (int a = 0; a < arrays.length; a++) {
            c.aload(scratchSlot).loadConstant(a);
            pushInt(Math.max(1, k.count(a)) * plan.lanes);
            c.newarray(TypeKind.from(arrays[a].componentType()));
            c.aastore();
        }
        c.aload(scratchSlot).loadConstant(SimdChunks.LIVE);
        pushInt(plan.speciesOrder.size() * plan.lanes);
        c.newarray(TypeKind.BOOLEAN);
        c.aastore();
    }

    void scratchArray(int scratch, int array) {
        c.aload(scratch).loadConstant(array).aaload();
        c.checkcast(desc(array == SimdChunks.MASKS || array == SimdChunks.LIVE ? boolean[].class
                : switch (array) {
                    case 0 -> float[].class;
                    case 1 -> double[].class;
                    case 2 -> int[].class;
                    default -> long[].class;
                }));
    }

    /** Pushes an int without a constant-pool entry (a class holds at most 65535 constants). */
    void pushInt(int i) {
        if (i <= Short.MAX_VALUE) {
            c.loadConstant(i);
        } else {
            c.sipush(i >>> 15).bipush(15).ishl().sipush(i & 0x7fff).ior();
        }
    }

    void spill(Val v, int scratch, int offset) {
        load(v);
        scratchArray(scratch, SimdChunks.array(v.type()));
        pushInt(offset);
        if (v.isMask()) {
            call(VectorMask.class, "intoArray", boolean[].class, int.class);
        } else {
            call(vectorClass(v.type()), "intoArray", v.type().arrayType(), int.class);
        }
    }

    Val unspill(DType t, DType home, int scratch, int offset) {
        species(t == DType.BOOL ? home : t);
        scratchArray(scratch, SimdChunks.array(t));
        pushInt(offset);
        if (t == DType.BOOL) {
            return callTo(DType.BOOL, home, VectorMask.class, "fromArray", VectorSpecies.class, boolean[].class,
                    int.class);
        }
        return callTo(t, t, vectorClass(t), "fromArray", VectorSpecies.class, t.arrayType(), int.class);
    }
}
