package dev.flynn.simd;

import dev.flynn.DType;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.Node;
import dev.flynn.ir.ReduceOp;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.ir.Schedule;
import dev.flynn.spi.Binding;
import dev.flynn.spi.CpuKernel;
import dev.flynn.spi.Partial;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.CodeBuilder;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a kernel's IR to a hidden class implementing {@link CpuKernel} whose loops call the Vector
 * API, so that C2 turns each loop into one fused SIMD loop with every intermediate in a register.
 *
 * <p>Shape of the generated code: every element type uses a species of the same lane count (the
 * preferred width divided by the widest element type of the kernel, counting F64 where an F32 op is
 * computed in F64), so conversions and masks map lane to lane. Species are class-data constants ({@code ldc} of a dynamic constant), which C2 folds; a
 * species that C2 cannot see as constant would box every vector. Constants and scalar inputs are
 * broadcast once before the loop. Then comes an unmasked main loop (int-indexed when every operand is
 * an array, so C2 eliminates the bounds checks and unrolls it) and one step for the tail, whose lanes
 * past the end are masked in the arithmetic but never in memory: its operands are read and its result
 * written through a scratch vector ({@link SimdTail}). A map whose body copies in own math routines
 * holds that body once: its tail points the operands at scratch copies and runs through the main
 * loop's code ({@code SimdLoops.mapOnce}).
 * Reductions keep several accumulators, combined once after the loop and then across lanes in a fixed
 * order, so results depend only on the range, never on JIT state.
 */
final class SimdCompiler {
    static final ClassDesc CD_CPU_KERNEL = ClassDesc.of(CpuKernel.class.getName());
    static final ClassDesc CD_PARTIAL = ClassDesc.of(Partial.class.getName());
    static final ClassDesc CD_MATH = ClassDesc.of(SimdMath.class.getName());
    private static final MethodTypeDesc MAP_DESC = MethodTypeDesc.ofDescriptor(
            "([Ljava/lang/Object;[JLjava/lang/Object;JJJ[J)V");
    private static final MethodTypeDesc REDUCE_DESC = MethodTypeDesc.ofDescriptor(
            "([Ljava/lang/Object;[JJJ[J" + CD_PARTIAL.descriptorString() + ")V");
    private static final MethodTypeDesc COMBINE_DESC = MethodTypeDesc.ofDescriptor(
            "(" + CD_PARTIAL.descriptorString() + CD_PARTIAL.descriptorString() + "[J)V");
    static final ClassDesc CD_THIS = ClassDesc.of(SimdCompiler.class.getPackageName() + ".SimdKernel");
    /** {@code chunk(long[] args, Object[] scratch)}: see {@link SimdChunks}. */
    static final MethodTypeDesc CHUNK_DESC = MethodTypeDesc.ofDescriptor("([J[Ljava/lang/Object;)V");
    private static final ClassFile CLASS_FILE = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
            ClassHierarchyResolver.defaultResolver().orElse(
                    ClassHierarchyResolver.ofClassLoading(SimdCompiler.class.getClassLoader()))));
    /** Reductions over longer ranges are split so that lane indices of ARGMIN/ARGMAX fit an int vector. */
    static final long MAX_ARG_RANGE = 1L << 30;

    private SimdCompiler() {
    }

    static CpuKernel compile(KernelIR ir, List<Binding> inputs, Binding output) {
        return compile(ir, inputs, output, SimdRoutines.FAST_MATH);
    }

    /** Compiles in the given math mode ({@link SimdRoutines}): own exactly rounded math, or fast (SVML). */
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
                    new SimdReductions(plan, c).map();
                }
            });
            cb.withMethodBody("reduce", REDUCE_DESC, ClassFile.ACC_PUBLIC, c -> {
                if (ir.isReduction()) {
                    new SimdReductions(plan, c).reduce();
                } else {
                    unsupported(c, "reduce of a map kernel");
                }
            });
            if (plan.chunks != null) {
                // generated in order: a chunk records the species of the masks it spills for later chunks
                for (int j = 0; j < plan.chunks.size(); j++) {
                    int chunk = j;
                    cb.withMethodBody("chunk" + j, CHUNK_DESC, ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC,
                            c -> new SimdReductions(plan, c).chunk(chunk));
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
                    new SimdReductions(plan, c).combine();
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
            String name = "SimdKernel-" + Integer.toHexString(ir.shapeKey().hashCode()) + "-"
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
         * {@link SimdChunks#MAX_INLINED} of them, whose copies would overflow the class's constant pool
         * and code; those kernels call the routines instead (slower: the vectors are passed as objects).
         */
        final boolean inlineRoutines;
        /** Present when the body is too large for one method. */
        final SimdChunks chunks;

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
                    if (computesInDoubles(n, fastMath)) {
                        used.add(DType.F64);
                    }
                }
            }
            ReduceOp op = ir.reduce().map(ReduceSpec::op).orElse(null);
            if (op == ReduceOp.ARGMIN || op == ReduceOp.ARGMAX) {
                used.add(DType.I32);
            }
            used.remove(DType.BOOL);
            int widest = used.stream().mapToInt(DType::byteSize).max().orElse(4) * 8;
            int lanes = Math.max(2, SimdShapes.preferredBits() / widest);
            if (ir.isReduction() && ir.body().type() != DType.BOOL) {
                // wider loops than the canonical layout's smallest partial count could not map onto it
                lanes = Math.min(lanes, SimdLayout.maxLanes(ir.body().type()));
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
            this.inlineRoutines = SimdChunks.routines(ir.body(), fastMath) <= SimdChunks.MAX_INLINED;
            this.chunks = SimdChunks.plan(ir.body(), fastMath, inlineRoutines);
        }

        /** Whether {@code n} is an F32 op whose routine computes in F64 ({@link SimdLowering#widened}). */
        private static boolean computesInDoubles(Node n, boolean fastMath) {
            java.util.Optional<SimdRoutines.Routine> r = switch (n) {
                case Node.Unary u -> SimdRoutines.unary(u.op(), fastMath);
                case Node.Binary b when b.type().isFloating() -> SimdRoutines.binary(b.op(), fastMath);
                default -> java.util.Optional.empty();
            };
            return r.map(routine -> SimdLowering.widened(routine, n.type())).orElse(false);
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
     * bytecode's declared type (FloatVector, not the exact Float512Vector), see {@link SimdEmitter#exact}.
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
}
