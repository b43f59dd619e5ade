package dev.flynn.simd;

import dev.flynn.DType;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.CompareOp;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.Node;
import dev.flynn.ir.ReduceOp;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.ir.Schedule;
import dev.flynn.ir.UnaryOp;
import dev.flynn.spi.Binding;
import dev.flynn.spi.CpuKernel;
import dev.flynn.spi.Partial;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * Compiles a kernel's IR to a hidden class implementing {@link CpuKernel} whose loops call the Vector
 * API, so that C2 turns each loop into one fused SIMD loop with every intermediate in a register.
 *
 * <p>Shape of the generated code: every element type uses a species of the same lane count (the
 * preferred width divided by the widest element type of the kernel), so conversions and masks map lane
 * to lane. Species are class-data constants ({@code ldc} of a dynamic constant), which C2 folds; a
 * species that C2 cannot see as constant would box every vector. Constants and scalar inputs are
 * broadcast once before the loop. Then comes an unmasked main loop (int-indexed when every operand is
 * an array, so C2 eliminates the bounds checks and unrolls it) and one masked step for the tail.
 * Reductions keep several accumulators, combined once after the loop and then across lanes in a fixed
 * order, so results depend only on the range, never on JIT state.
 */
final class VectorCompiler {
    private static final ClassDesc CD_CPU_KERNEL = ClassDesc.of(CpuKernel.class.getName());
    private static final ClassDesc CD_PARTIAL = ClassDesc.of(Partial.class.getName());
    private static final ClassDesc CD_MATH = ClassDesc.of(VectorMath.class.getName());
    private static final ClassDesc CD_SPECIES = ClassDesc.of(VectorSpecies.class.getName());
    private static final MethodTypeDesc MAP_DESC = MethodTypeDesc.ofDescriptor(
            "([Ljava/lang/Object;[JLjava/lang/Object;JJJ[J)V");
    private static final MethodTypeDesc REDUCE_DESC = MethodTypeDesc.ofDescriptor(
            "([Ljava/lang/Object;[JJJ[J" + CD_PARTIAL.descriptorString() + ")V");
    private static final MethodTypeDesc COMBINE_DESC = MethodTypeDesc.ofDescriptor(
            "(" + CD_PARTIAL.descriptorString() + CD_PARTIAL.descriptorString() + "[J)V");
    private static final ClassDesc CD_THIS = ClassDesc.of(VectorCompiler.class.getPackageName() + ".VectorKernel");
    /** {@code chunk(long[] args, Object[] scratch)}: see {@link VectorChunks}. */
    private static final MethodTypeDesc CHUNK_DESC = MethodTypeDesc.ofDescriptor("([J[Ljava/lang/Object;)V");
    private static final Map<String, Method> METHODS = new ConcurrentHashMap<>();
    private static final ClassFile CLASS_FILE = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
            ClassHierarchyResolver.defaultResolver().orElse(
                    ClassHierarchyResolver.ofClassLoading(VectorCompiler.class.getClassLoader()))));
    /** Reductions over longer ranges are split so that lane indices of ARGMIN/ARGMAX fit an int vector. */
    static final long MAX_ARG_RANGE = 1L << 30;
    /** Lanewise ops whose operands may swap without changing a bit (Java's min/max are symmetric too). */
    private static final Set<String> COMMUTATIVE = Set.of("ADD", "MUL", "MIN", "MAX", "AND", "OR", "XOR");

    private VectorCompiler() {
    }

    static CpuKernel compile(KernelIR ir, List<Binding> inputs, Binding output) {
        return compile(ir, inputs, output, VectorRoutines.FAST_MATH);
    }

    /** Compiles in the given math mode ({@link VectorRoutines}): own exactly rounded math, or fast (SVML). */
    static CpuKernel compile(KernelIR ir, List<Binding> inputs, Binding output, boolean fastMath) {
        Plan plan = new Plan(ir, inputs, output, fastMath);
        byte[] bytes = CLASS_FILE.build(CD_THIS, cb -> {
            cb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC);
            cb.withInterfaceSymbols(CD_CPU_KERNEL);
            cb.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC, c -> c
                    .aload(0).invokespecial(ConstantDescs.CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void).return_());
            cb.withMethodBody("map", MAP_DESC, ClassFile.ACC_PUBLIC, c -> {
                if (ir.isReduction()) {
                    unsupported(c, "map of a reduction kernel");
                } else {
                    new Gen(plan, c).map();
                }
            });
            cb.withMethodBody("reduce", REDUCE_DESC, ClassFile.ACC_PUBLIC, c -> {
                if (ir.isReduction()) {
                    new Gen(plan, c).reduce();
                } else {
                    unsupported(c, "reduce of a map kernel");
                }
            });
            if (plan.chunks != null) {
                // generated in order: a chunk records the species of the masks it spills for later chunks
                for (int j = 0; j < plan.chunks.size(); j++) {
                    int chunk = j;
                    cb.withMethodBody("chunk" + j, CHUNK_DESC, ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC,
                            c -> new Gen(plan, c).chunk(chunk));
                }
                cb.withMethodBody("body", CHUNK_DESC, ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC, c -> {
                    for (int j = 0; j < plan.chunks.size(); j++) {
                        c.aload(0).aload(1).invokestatic(CD_THIS, "chunk" + j, CHUNK_DESC);
                    }
                    c.return_();
                });
            }
            cb.withMethodBody("combine", COMBINE_DESC, ClassFile.ACC_PUBLIC, c -> {
                if (ir.reduce().map(r -> r.op() == ReduceOp.CUSTOM).orElse(false)) {
                    new Gen(plan, c).combine();
                } else {
                    unsupported(c, "combine of a kernel without a custom reduction");
                }
            });
        });
        dump(bytes, ir);
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup()
                    .defineHiddenClassWithClassData(bytes, plan.speciesList(), true);
            return (CpuKernel) lookup.findConstructor(lookup.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (Throwable e) {
            throw new IllegalStateException("the SIMD backend generated invalid code for " + ir.shapeKey() + ": " + e, e);
        }
    }

    /** Where {@code -Dflynn.simd.dump=DIR} asks for it, writes the generated class there (for javap). */
    private static void dump(byte[] bytes, KernelIR ir) {
        String dir = System.getProperty("flynn.simd.dump");
        if (dir == null) {
            return;
        }
        try {
            java.nio.file.Path d = java.nio.file.Files.createDirectories(java.nio.file.Path.of(dir));
            String name = "VectorKernel-" + Integer.toHexString(ir.shapeKey().hashCode()) + "-"
                    + System.identityHashCode(bytes) + ".class";
            java.nio.file.Files.write(d.resolve(name), bytes);
            java.nio.file.Files.writeString(d.resolve(name + ".txt"), ir.shapeKey());
        } catch (java.io.IOException | RuntimeException e) {
            System.getLogger("dev.flynn.simd").log(System.Logger.Level.WARNING, "cannot dump generated class: " + e);
        }
    }

    private static void unsupported(CodeBuilder c, String what) {
        ClassDesc ex = ClassDesc.of(UnsupportedOperationException.class.getName());
        c.new_(ex).dup().ldc(what).invokespecial(ex, ConstantDescs.INIT_NAME,
                MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_String)).athrow();
    }

    /** What the kernel needs: lane count, one species per element type, bindings. */
    static final class Plan {
        final KernelIR ir;
        final List<Binding> inputs;
        final Binding output;
        final int lanes;
        final Map<DType, VectorSpecies<?>> species = new EnumMap<>(DType.class);
        final List<DType> speciesOrder = new ArrayList<>();
        /** Whether loops index with an int: only arrays (and scalars) are bound. */
        final boolean intLoop;
        /** Transcendentals through the Vector API's operators (SVML) instead of Flynn's own routines. */
        final boolean fastMath;
        /**
         * Whether own math routines are copied into the kernel: not when it holds more than
         * {@link VectorChunks#MAX_INLINED} of them, whose copies would overflow the class's constant pool
         * and code; those kernels call the routines instead (slower: the vectors are passed as objects).
         */
        final boolean inlineRoutines;
        /** Present when the body is too large for one method. */
        final VectorChunks chunks;

        Plan(KernelIR ir, List<Binding> inputs, Binding output, boolean fastMath) {
            this.ir = ir;
            this.fastMath = fastMath;
            this.inputs = List.copyOf(inputs);
            this.output = output;
            Set<DType> used = EnumSet.noneOf(DType.class);
            used.addAll(ir.inputs());
            List<Node> roots = new ArrayList<>();
            roots.add(ir.body());
            ir.reduce().flatMap(ReduceSpec::combine).ifPresent(roots::add);
            for (Node root : roots) {
                for (Node n : Schedule.of(root).nodes()) {
                    used.add(n.type());
                    if (n instanceof Node.Compare c) {
                        used.add(c.a().type());
                    }
                }
            }
            ReduceOp op = ir.reduce().map(ReduceSpec::op).orElse(null);
            if (op == ReduceOp.ARGMIN || op == ReduceOp.ARGMAX) {
                used.add(DType.I32);
            }
            used.remove(DType.BOOL);
            int widest = used.stream().mapToInt(DType::byteSize).max().orElse(4) * 8;
            int lanes = Math.max(2, VectorShapes.preferredBits() / widest);
            if (ir.isReduction() && ir.body().type() != DType.BOOL) {
                // wider loops than the canonical layout's smallest partial count could not map onto it
                lanes = Math.min(lanes, VectorLayout.maxLanes(ir.body().type()));
            }
            this.lanes = lanes;
            // only the types the kernel uses: a species of another type could need a shape wider than
            // the CPU's (a Max shape), whose classes C2 would meet uninitialised in the tail and trap on
            for (DType t : used) {
                species.put(t, VectorSpecies.of(t.javaType(), VectorShape.forBitSize(lanes * t.byteSize() * 8)));
                speciesOrder.add(t);
            }
            boolean segments = inputs.contains(Binding.SEGMENT) || output == Binding.SEGMENT;
            this.intLoop = !segments;
            this.inlineRoutines = VectorChunks.routines(ir.body(), fastMath) <= VectorChunks.MAX_INLINED;
            this.chunks = VectorChunks.plan(ir.body(), fastMath, inlineRoutines);
        }

        List<Object> speciesList() {
            List<Object> out = new ArrayList<>();
            for (DType t : speciesOrder) {
                out.add(species.get(t));
            }
            return out;
        }

        int speciesIndex(DType t) {
            return speciesOrder.indexOf(t);
        }
    }

    /**
     * A value in a local: a vector of {@code type}, or for BOOL a mask whose species is that of {@code home}.
     * {@code merged} marks a local that is reassigned (a loop-carried accumulator): C2 types it from the
     * bytecode's declared type (FloatVector, not the exact Float512Vector), see {@link Gen#exact}.
     */
    record Val(int slot, DType type, DType home, boolean merged) {
        Val(int slot, DType type, DType home) {
            this(slot, type, home, false);
        }

        boolean isMask() {
            return type == DType.BOOL;
        }

        Val asMerged() {
            return new Val(slot, type, home, true);
        }
    }

    /** Where the body is evaluated: its first element index (pushed by {@code index}) and the tail masks, if any. */
    record Position(Runnable index, Map<DType, Integer> masks) {
        boolean masked() {
            return masks != null;
        }
    }

    static Class<?> vectorClass(DType t) {
        return switch (t) {
            case F32 -> FloatVector.class;
            case F64 -> DoubleVector.class;
            case I32 -> IntVector.class;
            case I64 -> LongVector.class;
            case BOOL -> VectorMask.class;
        };
    }

    static ClassDesc desc(Class<?> c) {
        return c.describeConstable().orElseThrow();
    }

    /** The code generator of one method. */
    static final class Gen {
        // map(Object[] data, long[] offsets, Object out, long outOffset, long start, long end, long[] args)
        // reduce(Object[] data, long[] offsets, long start, long end, long[] args, Partial result)
        private final Plan plan;
        private final KernelIR ir;
        private final CodeBuilder c;
        private final int dataSlot = 1;
        private final int offsetsSlot = 2;
        private int startSlot;
        private int endSlot;
        private int argsSlot;
        private int resultSlot;
        private final int[] storage;
        private final int[] offset;
        private int orderSlot = -1;
        private int indexSlot;
        private int limitSlot;
        private final Map<Node, Val> hoisted = new HashMap<>();
        /** The scratch {@code Object[]} of a chunked body. */
        private int scratchSlot = -1;

        Gen(Plan plan, CodeBuilder c) {
            this.plan = plan;
            this.ir = plan.ir;
            this.c = c;
            this.storage = new int[ir.arity()];
            this.offset = new int[ir.arity()];
        }

        private TypeKind indexKind() {
            return plan.intLoop ? TypeKind.INT : TypeKind.LONG;
        }

        // ---- bytecode helpers ------------------------------------------------------------------

        /** Emits a call to a public Vector API (or helper) method, found by reflection so descriptors are exact. */
        private Class<?> call(Class<?> owner, String name, Class<?>... params) {
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

        private static Method find(Class<?> owner, String name, Class<?>... params) {
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
        private Val callTo(DType t, DType home, Class<?> owner, String name, Class<?>... params) {
            Class<?> ret = call(owner, name, params);
            Class<?> want = vectorClass(t);
            if (!want.isAssignableFrom(ret)) {
                c.checkcast(desc(want));
            }
            return store(t, home);
        }

        private Val store(DType t, DType home) {
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
        private Val exact(Val v) {
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

        private void species(DType t) {
            c.ldc(DynamicConstantDesc.ofNamed(ConstantDescs.BSM_CLASS_DATA_AT, ConstantDescs.DEFAULT_NAME, CD_SPECIES,
                    plan.speciesIndex(t)));
        }

        /** Pushes the operator constant {@code VectorOperators.<field>}, typed as declared (ADD is an Associative). */
        private void op(String field, Class<?> kind) {
            Class<?> declared;
            try {
                declared = VectorOperators.class.getField(field).getType();
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException("no VectorOperators." + field, e);
            }
            if (!kind.isAssignableFrom(declared)) {
                throw new IllegalStateException("VectorOperators." + field + " is not a " + kind.getSimpleName());
            }
            c.getstatic(desc(VectorOperators.class), field, desc(declared));
        }

        private void load(Val v) {
            c.aload(v.slot());
        }

        /** Pushes {@code args[slot]} decoded to the primitive of {@code t}. */
        private void arg(int slot, DType t) {
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
        private Val broadcastArg(int slot, DType t) {
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
        private Val broadcastLong(DType t, long value) {
            species(t);
            c.loadConstant(value);
            return callTo(t, t, vectorClass(t), "broadcast", VectorSpecies.class, long.class);
        }

        private Val broadcastDouble(DType t, double value) {
            species(t);
            switch (t) {
                case F32 -> c.loadConstant((float) value);
                case F64 -> c.loadConstant(value);
                default -> throw new IllegalStateException(t.name());
            }
            return callTo(t, t, vectorClass(t), "broadcast", VectorSpecies.class, t.javaType());
        }

        private DType maskHome() {
            return ir.inputs().getFirst();
        }

        private void pushIndex() {
            if (plan.intLoop) {
                c.iload(indexSlot);
            } else {
                c.lload(indexSlot);
            }
        }

        private void pushIndexConst(long v) {
            if (plan.intLoop) {
                c.loadConstant((int) v);
            } else {
                c.loadConstant(v);
            }
        }

        private void indexAdd() {
            if (plan.intLoop) {
                c.iadd();
            } else {
                c.ladd();
            }
        }

        private void indexSub() {
            if (plan.intLoop) {
                c.isub();
            } else {
                c.lsub();
            }
        }

        private void indexRem() {
            if (plan.intLoop) {
                c.irem();
            } else {
                c.lrem();
            }
        }

        /** Pops two indices; jumps when the first is {@code >=} the second. */
        private void ifIndexGE(Label target) {
            if (plan.intLoop) {
                c.if_icmpge(target);
            } else {
                c.lcmp().ifge(target);
            }
        }

        private void storeIndex(int slot) {
            if (plan.intLoop) {
                c.istore(slot);
            } else {
                c.lstore(slot);
            }
        }

        private void loadIndexSlot(int slot) {
            if (plan.intLoop) {
                c.iload(slot);
            } else {
                c.lload(slot);
            }
        }

        private void step(long by) {
            if (plan.intLoop) {
                c.iinc(indexSlot, (int) by);
            } else {
                c.lload(indexSlot).loadConstant(by).ladd().lstore(indexSlot);
            }
        }

        /** Loop bound: {@code limit - (limit - i) % stride}, the end of the whole strides from i. */
        private int bound(long stride) {
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

        // ---- prologue -------------------------------------------------------------------------

        /** Loads operands' storage, broadcasts constants and scalars, sets the index and limit. */
        private void prologue(int startParam, int endParam, List<Node> roots) {
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
        private Map<DType, Integer> tailMasks() {
            return tailMasks(0);
        }

        /** The masks of the vector {@code delta} elements past the index: lanes whose index is below the limit. */
        private Map<DType, Integer> tailMasks(long delta) {
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

        private Position at(long delta, Map<DType, Integer> masks) {
            return new Position(() -> {
                pushIndex();
                if (delta != 0) {
                    pushIndexConst(delta);
                    indexAdd();
                }
            }, masks);
        }

        // ---- evaluation -------------------------------------------------------------------------

        private Val eval(Node root, Position pos, Map<Node, Val> known) {
            if (plan.chunks != null && root == ir.body()) {
                return evalChunked(pos);
            }
            Map<Node, Val> env = new HashMap<>(known);
            for (Node n : Schedule.of(root).nodes()) {
                if (!env.containsKey(n)) {
                    env.put(n, lower(n, env, pos));
                }
            }
            return env.get(root);
        }

        // ---- chunked bodies (VectorChunks) ---------------------------------------------------------

        private void allocateScratch() {
            VectorChunks k = plan.chunks;
            c.loadConstant(VectorChunks.LIVE + 1);
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
            c.aload(scratchSlot).loadConstant(VectorChunks.LIVE);
            pushInt(plan.speciesOrder.size() * plan.lanes);
            c.newarray(TypeKind.BOOLEAN);
            c.aastore();
        }

        private void scratchArray(int scratch, int array) {
            c.aload(scratch).loadConstant(array).aaload();
            c.checkcast(desc(array == VectorChunks.MASKS || array == VectorChunks.LIVE ? boolean[].class
                    : switch (array) {
                        case 0 -> float[].class;
                        case 1 -> double[].class;
                        case 2 -> int[].class;
                        default -> long[].class;
                    }));
        }

        /** Pushes an int without a constant-pool entry (a class holds at most 65535 constants). */
        private void pushInt(int i) {
            if (i <= Short.MAX_VALUE) {
                c.loadConstant(i);
            } else {
                c.sipush(i >>> 15).bipush(15).ishl().sipush(i & 0x7fff).ior();
            }
        }

        private void spill(Val v, int scratch, int offset) {
            load(v);
            scratchArray(scratch, VectorChunks.array(v.type()));
            pushInt(offset);
            if (v.isMask()) {
                call(VectorMask.class, "intoArray", boolean[].class, int.class);
            } else {
                call(vectorClass(v.type()), "intoArray", v.type().arrayType(), int.class);
            }
        }

        private Val unspill(DType t, DType home, int scratch, int offset) {
            species(t == DType.BOOL ? home : t);
            scratchArray(scratch, VectorChunks.array(t));
            pushInt(offset);
            if (t == DType.BOOL) {
                return callTo(DType.BOOL, home, VectorMask.class, "fromArray", VectorSpecies.class, boolean[].class,
                        int.class);
            }
            return callTo(t, t, vectorClass(t), "fromArray", VectorSpecies.class, t.arrayType(), int.class);
        }

        /** The body at {@code pos} through the chunk methods: inputs and live lanes in, the result out. */
        private Val evalChunked(Position pos) {
            VectorChunks k = plan.chunks;
            for (Node n : k.schedule.nodes()) {
                if (n instanceof Node.Input in && plan.inputs.get(in.index()) != Binding.SCALAR) {
                    spill(loadInput(in.index(), in.type(), pos), scratchSlot, k.offset(n, plan.lanes));
                }
            }
            if (k.divides) {
                for (int s = 0; s < plan.speciesOrder.size(); s++) {
                    DType t = plan.speciesOrder.get(s);
                    if (pos.masked()) {
                        c.aload(pos.masks().get(t));
                    } else {
                        species(t);
                        c.iconst_1();
                        call(VectorSpecies.class, "maskAll", boolean.class);
                    }
                    scratchArray(scratchSlot, VectorChunks.LIVE);
                    pushInt(s * plan.lanes);
                    call(VectorMask.class, "intoArray", boolean[].class, int.class);
                }
            }
            c.aload(argsSlot).aload(scratchSlot).invokestatic(CD_THIS, "body", CHUNK_DESC);
            Node root = ir.body();
            return unspill(root.type(), root.type(), scratchSlot, k.offset(root, plan.lanes));
        }

        /** {@code chunk<j>(long[] args, Object[] scratch)}: the operations of chunk {@code j}. */
        void chunk(int j) {
            argsSlot = 0;
            int scratch = 1;
            VectorChunks k = plan.chunks;
            Map<DType, Integer> live = null;
            if (k.divides) {
                live = new EnumMap<>(DType.class);
                for (int s = 0; s < plan.speciesOrder.size(); s++) {
                    DType t = plan.speciesOrder.get(s);
                    species(t);
                    scratchArray(scratch, VectorChunks.LIVE);
                    pushInt(s * plan.lanes);
                    call(VectorMask.class, "fromArray", VectorSpecies.class, boolean[].class, int.class);
                    int slot = c.allocateLocal(TypeKind.REFERENCE);
                    c.astore(slot);
                    live.put(t, slot);
                }
            }
            Position pos = new Position(() -> {
                throw new IllegalStateException("a chunk reads its inputs from the scratch arrays");
            }, live);
            Map<Node, Val> env = new HashMap<>();
            for (Node n : k.nodes(j)) {
                for (Node op : Schedule.operands(n)) {
                    if (env.containsKey(op)) {
                        continue;
                    }
                    Val v;
                    if (op instanceof Node.Const konst) {
                        v = broadcastArg(konst.slot(), konst.type());
                    } else if (op instanceof Node.Input in && plan.inputs.get(in.index()) == Binding.SCALAR) {
                        v = broadcastArg(ir.scalarSlot(in.index()), in.type());
                    } else {
                        int at = k.offset(op, plan.lanes);
                        v = unspill(op.type(), k.homes[k.schedule.indexOf(op)], scratch, at);
                    }
                    env.put(op, v);
                }
                Val v = lower(n, env, pos);
                env.put(n, v);
                int at = k.offset(n, plan.lanes);
                if (at >= 0) {
                    k.homes[k.schedule.indexOf(n)] = v.home();
                    spill(v, scratch, at);
                }
            }
            c.return_();
        }

        private Val lower(Node n, Map<Node, Val> env, Position pos) {
            return switch (n) {
                case Node.Input in -> loadInput(in.index(), in.type(), pos);
                case Node.Const k -> throw new IllegalStateException("constant not hoisted: " + k);
                case Node.Unary u -> unary(u.op(), env.get(u.x()), u.type());
                case Node.Binary b -> binary(b.op(), env.get(b.a()), env.get(b.b()), b.type(), pos);
                case Node.Ternary t -> {
                    // FMA is the only ternary op: one rounding, exactly Math.fma
                    load(exact(env.get(t.a())));
                    op("FMA", VectorOperators.Ternary.class);
                    load(env.get(t.b()));
                    load(env.get(t.c()));
                    yield callTo(t.type(), t.type(), vectorClass(t.type()), "lanewise",
                            VectorOperators.Ternary.class, Vector.class, Vector.class);
                }
                case Node.Compare cmp -> compare(cmp.op(), env.get(cmp.a()), env.get(cmp.b()));
                case Node.Select s -> select(env.get(s.mask()), env.get(s.a()), env.get(s.b()), s.type());
                case Node.Cast k -> cast(env.get(k.x()), k.type());
            };
        }

        private Val loadInput(int i, DType t, Position pos) {
            Class<?> vc = vectorClass(t);
            species(t);
            switch (plan.inputs.get(i)) {
                case ARRAY -> {
                    c.aload(storage[i]);
                    loadIndexSlot(offset[i]);
                    pos.index().run();
                    indexAdd();
                    if (!plan.intLoop) {
                        c.l2i();
                    }
                    if (pos.masked()) {
                        c.aload(pos.masks().get(t));
                        return callTo(t, t, vc, "fromArray", VectorSpecies.class, t.arrayType(), int.class, VectorMask.class);
                    }
                    return callTo(t, t, vc, "fromArray", VectorSpecies.class, t.arrayType(), int.class);
                }
                case SEGMENT -> {
                    c.aload(storage[i]);
                    c.lload(offset[i]);
                    pos.index().run();
                    if (plan.intLoop) {
                        c.i2l();
                    }
                    c.ladd().loadConstant((long) t.byteSize()).lmul();
                    c.aload(orderSlot);
                    if (pos.masked()) {
                        c.aload(pos.masks().get(t));
                        return callTo(t, t, vc, "fromMemorySegment", VectorSpecies.class, MemorySegment.class, long.class,
                                ByteOrder.class, VectorMask.class);
                    }
                    return callTo(t, t, vc, "fromMemorySegment", VectorSpecies.class, MemorySegment.class, long.class,
                            ByteOrder.class);
                }
                default -> throw new IllegalStateException("input " + i + " is " + plan.inputs.get(i));
            }
        }

        private Val unary(UnaryOp op, Val x, DType t) {
            Class<?> vc = vectorClass(t);
            if (t == DType.BOOL) {
                if (op != UnaryOp.NOT) {
                    throw new IllegalStateException(op + " of a mask");
                }
                load(x);
                return callTo(DType.BOOL, x.home(), VectorMask.class, "not");
            }
            x = exact(x);
            load(x);
            Optional<VectorRoutines.Routine> routine = VectorRoutines.unary(op, plan.fastMath);
            if (routine.isPresent()) {
                invoke(routine.get(), MethodTypeDesc.of(desc(vc), desc(vc)));
                return store(t, t);
            }
            // every other unary op's operator has the op's name
            op(op.name(), VectorOperators.Unary.class);
            return callTo(t, t, vc, "lanewise", VectorOperators.Unary.class);
        }

        /** Calls a routine whose arguments are on the stack, or copies its code here. */
        private void invoke(VectorRoutines.Routine r, MethodTypeDesc type) {
            if (r.inlined() && plan.inlineRoutines) {
                VectorInliner.inline(c, r.ownerDesc(), r.name(), type);
                // a NaN's sign and payload from fma and friends differ between the interpreter (Math.fma
                // returns Java's NaN) and the CPU's instruction (x86's default NaN is negative): one NaN
                // keeps own math bitwise identical interpreted and compiled
                VectorInliner.inline(c, CD_MATH, "canonicalNaN", MethodTypeDesc.of(type.returnType(), type.returnType()));
            } else {
                c.invokestatic(r.ownerDesc(), r.name(), type);
                if (r.inlined()) {
                    c.invokestatic(CD_MATH, "canonicalNaN", MethodTypeDesc.of(type.returnType(), type.returnType()));
                }
            }
        }

        private Val binary(BinaryOp op, Val a, Val b, DType t, Position pos) {
            if (t == DType.BOOL) {
                load(a);
                loadMaskAs(b, a.home());
                String name = switch (op) {
                    case AND -> "and";
                    case OR -> "or";
                    case XOR -> "xor";
                    default -> throw new IllegalStateException(op + " of masks");
                };
                return callTo(DType.BOOL, a.home(), VectorMask.class, name, VectorMask.class);
            }
            Class<?> vc = vectorClass(t);
            a = exact(a);
            Optional<VectorRoutines.Routine> routine = t.isFloating() ? VectorRoutines.binary(op, plan.fastMath)
                    : Optional.empty();
            if (routine.isPresent()) {
                b = exact(b);
                load(a);
                load(b);
                invoke(routine.get(), MethodTypeDesc.of(desc(vc), desc(vc), desc(vc)));
                return store(t, t);
            }
            if (op == BinaryOp.REM) {
                // Java's integer % is a - (a / b) * b, with the same ArithmeticException for b == 0
                Val q = binary(BinaryOp.DIV, a, b, t, pos);
                Val qb = lanewise("MUL", q, b, t, null);
                return lanewise("SUB", a, qb, t, null);
            }
            if (op == BinaryOp.DIV && t.isIntegral()) {
                // VectorMath.div throws Java's own exception; in the tail it divides only the live lanes
                b = exact(b);
                load(a);
                load(b);
                Integer live = pos.masked() ? pos.masks().get(t) : null;
                if (live == null) {
                    c.invokestatic(CD_MATH, "div", MethodTypeDesc.of(desc(vc), desc(vc), desc(vc)));
                } else {
                    c.aload(live);
                    c.invokestatic(CD_MATH, "div", MethodTypeDesc.of(desc(vc), desc(vc), desc(vc), desc(VectorMask.class)));
                }
                return store(t, t);
            }
            String name = switch (op) {
                case ADD -> "ADD";
                case SUB -> "SUB";
                case MUL -> "MUL";
                case DIV -> "DIV";
                case MIN -> "MIN";
                case MAX -> "MAX";
                case ATAN2 -> "ATAN2";
                case POW -> "POW";
                case HYPOT -> "HYPOT";
                case AND -> "AND";
                case OR -> "OR";
                case XOR -> "XOR";
                case SHL -> "LSHL";
                case SHR -> "ASHR";
                case USHR -> "LSHR";
                case REM -> throw new IllegalStateException("handled above");
            };
            return lanewise(name, a, b, t, null);
        }

        private Val lanewise(String name, Val a, Val b, DType t, Integer mask) {
            if (a.merged() && !b.merged() && COMMUTATIVE.contains(name)) {
                // the exact value as receiver, the accumulator as argument: no copy needed
                Val swap = a;
                a = b;
                b = swap;
            }
            a = exact(a);
            load(a);
            op(name, VectorOperators.Binary.class);
            load(b);
            if (mask != null) {
                c.aload(mask);
                return callTo(t, t, vectorClass(t), "lanewise", VectorOperators.Binary.class, Vector.class, VectorMask.class);
            }
            return callTo(t, t, vectorClass(t), "lanewise", VectorOperators.Binary.class, Vector.class);
        }

        private void loadMaskAs(Val m, DType home) {
            load(m);
            if (m.home() != home) {
                species(home);
                call(VectorMask.class, "cast", VectorSpecies.class);
            }
        }

        private Val compare(CompareOp op, Val a, Val b) {
            a = exact(a);
            if (a.isMask()) {
                load(a);
                loadMaskAs(b, a.home());
                return callTo(DType.BOOL, a.home(), VectorMask.class, op == CompareOp.EQ ? "eq" : "xor", VectorMask.class);
            }
            load(a);
            op(op.name(), VectorOperators.Comparison.class);
            load(b);
            return callTo(DType.BOOL, a.type(), vectorClass(a.type()), "compare", VectorOperators.Comparison.class,
                    Vector.class);
        }

        private Val select(Val m, Val a, Val b, DType t) {
            if (t == DType.BOOL) {
                // (m & a) | (b & ~m), in a's species
                load(a);
                loadMaskAs(m, a.home());
                call(VectorMask.class, "and", VectorMask.class);
                loadMaskAs(b, a.home());
                loadMaskAs(m, a.home());
                call(VectorMask.class, "andNot", VectorMask.class);
                return callTo(DType.BOOL, a.home(), VectorMask.class, "or", VectorMask.class);
            }
            load(exact(b));
            load(a);
            loadMaskAs(m, t);
            return callTo(t, t, vectorClass(t), "blend", Vector.class, VectorMask.class);
        }

        private Val cast(Val x, DType to) {
            DType from = x.type();
            if (from == to) {
                return x;
            }
            if (from == DType.BOOL) {
                // a mask as a number is 1 or 0
                Val zero = broadcastLong(to, 0);
                load(zero);
                c.lconst_1();
                loadMaskAs(x, to);
                return callTo(to, to, vectorClass(to), "blend", long.class, VectorMask.class);
            }
            String conv = letter(from) + "2" + letter(to);
            load(exact(x));
            op(conv, VectorOperators.Conversion.class);
            species(to);
            c.iconst_0();
            return callTo(to, to, vectorClass(from), "convertShape", VectorOperators.Conversion.class,
                    VectorSpecies.class, int.class);
        }

        private static String letter(DType t) {
            return switch (t) {
                case F32 -> "F";
                case F64 -> "D";
                case I32 -> "I";
                case I64 -> "L";
                case BOOL -> throw new IllegalStateException("no conversion letter for masks");
            };
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
            int upper = bound(plan.lanes);
            Label loop = c.newLabel();
            Label tail = c.newLabel();
            Label done = c.newLabel();
            c.labelBinding(loop);
            pushIndex();
            loadIndexSlot(upper);
            ifIndexGE(tail);
            Position main = at(0, null);
            storeOut(eval(ir.body(), main, hoisted), outStore, outOff, main, t);
            step(plan.lanes);
            c.goto_(loop);
            c.labelBinding(tail);
            pushIndex();
            loadIndexSlot(limitSlot);
            ifIndexGE(done);
            Position last = at(0, tailMasks());
            storeOut(eval(ir.body(), last, hoisted), outStore, outOff, last, t);
            c.labelBinding(done);
            c.return_();
        }

        private void storeOut(Val v, int outStore, int outOff, Position pos, DType t) {
            load(v);
            c.aload(outStore);
            if (plan.output == Binding.SEGMENT) {
                c.lload(outOff);
                pos.index().run();
                if (plan.intLoop) {
                    c.i2l();
                }
                c.ladd().loadConstant((long) t.byteSize()).lmul();
                c.aload(orderSlot);
                if (pos.masked()) {
                    c.aload(pos.masks().get(t));
                    call(vectorClass(t), "intoMemorySegment", MemorySegment.class, long.class, ByteOrder.class, VectorMask.class);
                } else {
                    call(vectorClass(t), "intoMemorySegment", MemorySegment.class, long.class, ByteOrder.class);
                }
                return;
            }
            loadIndexSlot(outOff);
            pos.index().run();
            indexAdd();
            if (!plan.intLoop) {
                c.l2i();
            }
            if (pos.masked()) {
                c.aload(pos.masks().get(t));
                call(vectorClass(t), "intoArray", t.arrayType(), int.class, VectorMask.class);
            } else {
                call(vectorClass(t), "intoArray", t.arrayType(), int.class);
            }
        }

        // ---- reductions ---------------------------------------------------------------------------

        /** The canonical partial count of this kernel's reduction (see {@link VectorLayout}). */
        private int partials(DType t) {
            return VectorLayout.partials(t, bodyNodes());
        }

        private int bodyNodes() {
            return Schedule.of(ir.body()).nodes().size();
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
            switch (spec.op()) {
                case SUM -> {
                    if (spec.compensated() && t.isFloating()) {
                        compensatedSum(t);
                    } else {
                        Val acc = fold(t, broadcastLong(t, 0), this::valueAt, (x, y) -> lanewise("ADD", x, y, t, null));
                        finishLanes(acc, t, "ADD");
                    }
                }
                case PROD -> finishLanes(fold(t, broadcastLong(t, 1), this::valueAt,
                        (x, y) -> lanewise("MUL", x, y, t, null)), t, "MUL");
                case MIN -> finishLanes(fold(t, extreme(t, true), this::valueAt,
                        (x, y) -> lanewise("MIN", x, y, t, null)), t, "MIN");
                case MAX -> finishLanes(fold(t, extreme(t, false), this::valueAt,
                        (x, y) -> lanewise("MAX", x, y, t, null)), t, "MAX");
                case ARGMIN, ARGMAX -> arg(t, spec.op() == ReduceOp.ARGMIN);
                case MOMENTS -> moments();
                case CUSTOM -> custom(spec, t);
            }
            c.return_();
        }

        private Val valueAt(Position pos) {
            return eval(ir.body(), pos, hoisted);
        }

        /** The identity of MIN (largest value) or MAX (smallest value). */
        private Val extreme(DType t, boolean largest) {
            return switch (t) {
                case F32, F64 -> broadcastDouble(t, largest ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
                case I32 -> broadcastLong(t, largest ? Integer.MAX_VALUE : Integer.MIN_VALUE);
                case I64 -> broadcastLong(t, largest ? Long.MAX_VALUE : Long.MIN_VALUE);
                case BOOL -> throw new IllegalStateException("no extreme of a mask");
            };
        }

        private void reassign(Val into, Val from) {
            load(from);
            c.astore(into.slot());
        }

        /**
         * Folds the values over the range with {@code f} into the canonical partials of
         * {@link VectorLayout}: K = P / lanes accumulators, a main loop over whole blocks of P elements,
         * then one masked step per accumulator for the rest of the range, and the accumulators combined in
         * the layout's tree ({@code a} with {@code a + K/2}). Returns one vector; its lanes still need the
         * tree's last levels.
         */
        private Val fold(DType t, Val identity, Function<Position, Val> value, BinaryOperator<Val> f) {
            int k = partials(t) / plan.lanes;
            List<Val> accs = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                load(identity);
                accs.add(store(t, t).asMerged());
            }
            blocks(k, Math.min(k, VectorLayout.unroll(bodyNodes())), (j, pos) -> {
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
        private void blocks(int k, int u, BlockStep step, List<List<Val>> accumulators) {
            Label loop = c.newLabel();
            Label tail = c.newLabel();
            Label done = c.newLabel();
            int upper = bound((long) k * plan.lanes);
            c.labelBinding(loop);
            pushIndex();
            loadIndexSlot(upper);
            ifIndexGE(tail);
            for (int j = 0; j < u; j++) {
                step.apply(j, at((long) j * plan.lanes, null));
            }
            rotate(accumulators, u);
            step((long) u * plan.lanes);
            c.goto_(loop);
            c.labelBinding(tail);
            pushIndex();
            loadIndexSlot(limitSlot);
            ifIndexGE(done);
            int round = c.allocateLocal(TypeKind.INT);
            c.iconst_0().istore(round);
            Label tailLoop = c.newLabel();
            c.labelBinding(tailLoop);
            step.apply(0, at(0, tailMasks()));
            rotate(accumulators, 1);
            step(plan.lanes);
            c.iinc(round, 1);
            c.iload(round).loadConstant(k).if_icmplt(tailLoop);
            c.labelBinding(done);
        }

        /** Slot j of each list takes the value slot (j + by) mod K held (K and by are powers of two). */
        private void rotate(List<List<Val>> accumulators, int by) {
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
        private Val blendLive(Val acc, Val next, Position pos, DType t) {
            load(exact(acc));
            load(next);
            c.aload(pos.masks().get(t));
            return callTo(t, t, vectorClass(t), "blend", Vector.class, VectorMask.class);
        }

        /** The first levels of the layout's tree: accumulator a with a + K/2, halving. */
        private static Val treeOfAccumulators(List<Val> accs, BinaryOperator<Val> f) {
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

        /** Pushes lane {@code j} of {@code v} widened to double (floating) or long (integral). */
        private void lane(Val v, int j) {
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
        private void finishLanes(Val acc, DType t, String op) {
            acc = exact(acc);
            c.aload(resultSlot);
            if (t.isIntegral()) {
                load(acc);
                op(op, VectorOperators.Associative.class);
                call(vectorClass(t), "reduceLanes", VectorOperators.Associative.class);
                if (t == DType.I32) {
                    c.i2l();
                }
                c.putfield(CD_PARTIAL, "l", ConstantDescs.CD_long);
                return;
            }
            TypeKind k = t == DType.F32 ? TypeKind.FLOAT : TypeKind.DOUBLE;
            ClassDesc prim = t == DType.F32 ? ConstantDescs.CD_float : ConstantDescs.CD_double;
            if (op.equals("ADD") || op.equals("MUL")) {
                laneTree(acc, t, op.equals("ADD"));
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
                switch (op) {
                    case "ADD" -> c.with(k == TypeKind.FLOAT ? java.lang.classfile.instruction.OperatorInstruction.of(java.lang.classfile.Opcode.FADD) : java.lang.classfile.instruction.OperatorInstruction.of(java.lang.classfile.Opcode.DADD));
                    case "MUL" -> c.with(k == TypeKind.FLOAT ? java.lang.classfile.instruction.OperatorInstruction.of(java.lang.classfile.Opcode.FMUL) : java.lang.classfile.instruction.OperatorInstruction.of(java.lang.classfile.Opcode.DMUL));
                    case "MIN", "MAX" -> c.invokestatic(ClassDesc.of("java.lang.Math"), op.toLowerCase(java.util.Locale.ROOT),
                            MethodTypeDesc.of(prim, prim, prim));
                    default -> throw new IllegalStateException(op);
                }
            }
            if (t == DType.F32) {
                c.f2d();
            }
            c.putfield(CD_PARTIAL, "d", ConstantDescs.CD_double);
        }

        /**
         * Pushes the last levels of {@link VectorLayout}'s tree over the lanes of a floating {@code acc}
         * (lane j with lane j + half, halving), as a float or double: the Vector API leaves the order of
         * reduceLanes open, and C2 and the interpreter differ. A dependency chain of log2(lanes) operations
         * instead of lanes - 1.
         */
        private void laneTree(Val acc, DType t, boolean add) {
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
         * Neumaier's summation in each of {@link VectorLayout}'s compensated partials; the partials'
         * (sum, compensation) pairs are then summed exactly, in partial order.
         */
        private void compensatedSum(DType t) {
            int k = VectorLayout.compensatedPartials(t) / plan.lanes;
            Class<?> vc = vectorClass(t);
            Val zero = broadcastLong(t, 0);
            List<Val> sums = new ArrayList<>();
            List<Val> comps = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                load(zero);
                sums.add(store(t, t).asMerged());
                load(zero);
                comps.add(store(t, t).asMerged());
            }
            blocks(k, Math.min(k, VectorLayout.compensatedUnroll(bodyNodes())),
                    (j, pos) -> neumaierStep(sums.get(j), comps.get(j), valueAt(pos), t, pos), List.of(sums, comps));
            // the partials' (sum, compensation) pairs summed exactly, all sums in partial order, then all
            // compensations (see VectorMath.exactAdd)
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
         * {@code t = s + x; c += |s| >= |x| ? (s - t) + x : (x - t) + s; s = t}, per lane; at a masked
         * position only in the live lanes (an extra step with x = 0 would turn an infinite sum's
         * compensation into NaN).
         */
        private void neumaierStep(Val s, Val comp, Val x, DType t, Position pos) {
            Val sum = lanewise("ADD", s, x, t, null);
            Val big = lanewise("SUB", s, sum, t, null);
            Val bigCorr = lanewise("ADD", big, x, t, null);
            Val small = lanewise("SUB", x, sum, t, null);
            Val smallCorr = lanewise("ADD", small, s, t, null);
            load(exact(s));
            call(vectorClass(t), "abs");
            op("GE", VectorOperators.Comparison.class);
            load(x);
            call(vectorClass(t), "abs");
            Val sBigger = callTo(DType.BOOL, t, vectorClass(t), "compare", VectorOperators.Comparison.class, Vector.class);
            Val corr = select(sBigger, bigCorr, smallCorr, t);
            Val newComp = lanewise("ADD", comp, corr, t, null);
            if (pos.masked()) {
                newComp = blendLive(comp, newComp, pos, t);
                sum = blendLive(s, sum, pos, t);
            }
            reassign(comp, newComp);
            reassign(s, sum);
        }

        /** MOMENTS: the range's mean from a first pass, the squared deviations from it in a second. */
        private void moments() {
            DType t = DType.F64;
            int startIndex = c.allocateLocal(indexKind());
            loadIndexSlot(indexSlot);
            storeIndex(startIndex);
            Val sum = fold(t, broadcastLong(t, 0), this::valueAt, (x, y) -> lanewise("ADD", x, y, t, null));
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
            Val m2 = fold(t, broadcastLong(t, 0), pos -> {
                Val d = lanewise("SUB", valueAt(pos), meanVec, t, null);
                return lanewise("MUL", d, d, t, null);
            }, (x, y) -> lanewise("ADD", x, y, t, null));
            c.aload(resultSlot).lload(count).putfield(CD_PARTIAL, "n", ConstantDescs.CD_long);
            c.aload(resultSlot).dload(mean).putfield(CD_PARTIAL, "mean", ConstantDescs.CD_double);
            c.aload(resultSlot);
            sumLanes(m2);
            c.putfield(CD_PARTIAL, "m2", ConstantDescs.CD_double);
        }

        /** Pushes the sum of the lanes of an F64 vector, in the layout's tree. */
        private void sumLanes(Val v) {
            laneTree(v, DType.F64, true);
        }

        /** CUSTOM: the user's combine in every lane, then across lanes by halving rotations. */
        private void custom(ReduceSpec spec, DType t) {
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
        private void splitLongRanges(ReduceSpec spec) {
            Label fits = c.newLabel();
            c.lload(endSlot).lload(startSlot).lsub().loadConstant(MAX_ARG_RANGE).lcmp().ifle(fits);
            c.aload(0).aload(dataSlot).aload(offsetsSlot).lload(startSlot).lload(endSlot).aload(argsSlot).aload(resultSlot);
            c.getstatic(desc(ReduceOp.class), spec.op().name(), desc(ReduceOp.class));
            c.getstatic(desc(DType.class), ir.body().type().name(), desc(DType.class));
            c.invokestatic(desc(VectorKernels.class), "reduceInPieces", MethodTypeDesc.of(ConstantDescs.CD_void,
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
        private void arg(DType t, boolean min) {
            Class<?> vc = vectorClass(t);
            DType it = DType.I32;
            Val worst = extreme(t, min);
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

            int upper = bound(plan.lanes);
            Label loop = c.newLabel();
            Label tail = c.newLabel();
            Label done = c.newLabel();
            c.labelBinding(loop);
            pushIndex();
            loadIndexSlot(upper);
            ifIndexGE(tail);
            argStep(t, min, best, bestIndex, at(0, null), startInt);
            step(plan.lanes);
            c.goto_(loop);
            c.labelBinding(tail);
            pushIndex();
            loadIndexSlot(limitSlot);
            ifIndexGE(done);
            argStep(t, min, best, bestIndex, at(0, tailMasks()), startInt);
            c.labelBinding(done);

            String suffix = t.isFloating() ? "D" : "L";
            ClassDesc prim = t.isFloating() ? ConstantDescs.CD_double : ConstantDescs.CD_long;
            MethodTypeDesc d = MethodTypeDesc.of(ConstantDescs.CD_void, CD_PARTIAL, prim, ConstantDescs.CD_long);
            best = exact(best);
            bestIndex = exact(bestIndex);
            for (int j = 0; j < plan.lanes; j++) {
                c.aload(resultSlot);
                lane(best, j);
                lane(bestIndex, j);
                c.lload(startSlot).ladd();
                c.invokestatic(CD_MATH, j == 0 ? "argFirst" + suffix : (min ? "argMin" : "argMax") + suffix, d);
            }
        }

        private void argStep(DType t, boolean min, Val best, Val bestIndex, Position pos, int startInt) {
            Class<?> vc = vectorClass(t);
            DType it = DType.I32;
            Val v = valueAt(pos);
            load(v);
            op(min ? "LT" : "GT", VectorOperators.Comparison.class);
            load(best);
            Val better = callTo(DType.BOOL, t, vc, "compare", VectorOperators.Comparison.class, Vector.class);
            if (t.isFloating()) {
                // the first NaN wins: take a NaN unless the lane already holds one
                load(better);
                load(v);
                op("IS_NAN", VectorOperators.Test.class);
                call(vc, "test", VectorOperators.Test.class);
                call(VectorMask.class, "or", VectorMask.class);
                load(exact(best));
                op("IS_NAN", VectorOperators.Test.class);
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
}
