package dev.flynn.simd;

import dev.flynn.DType;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.CompareOp;
import dev.flynn.ir.Node;
import dev.flynn.ir.Schedule;
import dev.flynn.ir.UnaryOp;
import dev.flynn.simd.SimdCompiler.Plan;
import dev.flynn.simd.SimdCompiler.Position;
import dev.flynn.simd.SimdCompiler.Val;
import dev.flynn.spi.Binding;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.flynn.simd.SimdCompiler.CD_MATH;
import static dev.flynn.simd.SimdCompiler.CD_THIS;
import static dev.flynn.simd.SimdCompiler.CHUNK_DESC;
import static dev.flynn.simd.SimdCompiler.desc;
import static dev.flynn.simd.SimdCompiler.vectorClass;

/**
 * Lowers the nodes of a kernel's body to Vector API calls, one switch over the node kinds; a body too
 * large for one method goes through the chunk methods of {@link SimdChunks}.
 */
abstract sealed class SimdLowering extends SimdEmitter permits SimdLoops {
    /** Lanewise ops whose operands may swap without changing a bit (Java's min/max are symmetric too). */
    private static final Set<VectorOperators.Binary> COMMUTATIVE = Set.of(VectorOperators.ADD, VectorOperators.MUL,
            VectorOperators.MIN, VectorOperators.MAX, VectorOperators.AND, VectorOperators.OR, VectorOperators.XOR);

    SimdLowering(Plan plan, CodeBuilder c) {
        super(plan, c);
    }

    // ---- evaluation -------------------------------------------------------------------------

    Val eval(Node root, Position pos, Map<Node, Val> known) {
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

    /** The body at {@code pos} through the chunk methods: inputs and live lanes in, the result out. */
    Val evalChunked(Position pos) {
        SimdChunks k = plan.chunks;
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
                scratchArray(scratchSlot, SimdChunks.LIVE);
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
        SimdChunks k = plan.chunks;
        Map<DType, Integer> live = null;
        if (k.divides) {
            live = new EnumMap<>(DType.class);
            for (int s = 0; s < plan.speciesOrder.size(); s++) {
                DType t = plan.speciesOrder.get(s);
                species(t);
                scratchArray(scratch, SimdChunks.LIVE);
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

    Val lower(Node n, Map<Node, Val> env, Position pos) {
        return switch (n) {
            case Node.Input in -> loadInput(in.index(), in.type(), pos);
            case Node.Const k -> throw new IllegalStateException("constant not hoisted: " + k);
            case Node.Unary u -> unary(u.op(), env.get(u.x()), u.type());
            case Node.Binary b -> binary(b.op(), env.get(b.a()), env.get(b.b()), b.type(), pos);
            case Node.Ternary t -> {
                // FMA is the only ternary op: one rounding, exactly Math.fma
                load(exact(env.get(t.a())));
                op(VectorOperators.FMA);
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

    Val loadInput(int i, DType t, Position pos) {
        Class<?> vc = vectorClass(t);
        species(t);
        switch (plan.inputs.get(i)) {
            case ARRAY -> {
                if (pos.masked()) {
                    // the tail reads through SimdTail's scratch: no masked load past the array's end
                    pushTail();
                }
                c.aload(storage[i]);
                loadIndexSlot(offset[i]);
                pos.index().run();
                indexAdd();
                if (!plan.intLoop) {
                    c.l2i();
                }
                if (pos.masked()) {
                    pushRemaining(pos.index(), true);
                    pushInt(plan.lanes);
                    call(SimdTail.class, "in", SimdTail.class, t.arrayType(), int.class, int.class, int.class);
                    c.iconst_0();
                }
                return callTo(t, t, vc, "fromArray", VectorSpecies.class, t.arrayType(), int.class);
            }
            case SEGMENT -> {
                if (pos.masked()) {
                    pushTail();
                }
                c.aload(storage[i]);
                c.lload(offset[i]);
                pos.index().run();
                if (plan.intLoop) {
                    c.i2l();
                }
                c.ladd().loadConstant((long) t.byteSize()).lmul();
                if (pos.masked()) {
                    pushRemaining(pos.index(), false);
                    pushInt(plan.lanes);
                    call(SimdTail.class, "in" + SimdTail.suffix(t), SimdTail.class, MemorySegment.class, long.class,
                            long.class, int.class);
                    c.iconst_0();
                    return callTo(t, t, vc, "fromArray", VectorSpecies.class, t.arrayType(), int.class);
                }
                c.aload(orderSlot);
                return callTo(t, t, vc, "fromMemorySegment", VectorSpecies.class, MemorySegment.class, long.class,
                        ByteOrder.class);
            }
            default -> throw new IllegalStateException("input " + i + " is " + plan.inputs.get(i));
        }
    }

    Val unary(UnaryOp op, Val x, DType t) {
        Class<?> vc = vectorClass(t);
        if (t == DType.BOOL) {
            if (op != UnaryOp.NOT) {
                throw new IllegalStateException(op + " of a mask");
            }
            load(x);
            return callTo(DType.BOOL, x.home(), VectorMask.class, "not");
        }
        x = exact(x);
        Optional<SimdRoutines.Routine> routine = SimdRoutines.unary(op, plan.fastMath);
        if (routine.isPresent() && widened(routine.get(), t)) {
            Val wide = cast(x, DType.F64);
            load(wide);
            invoke(routine.get().widened(), MethodTypeDesc.of(desc(DoubleVector.class), desc(DoubleVector.class)));
            return cast(store(DType.F64, DType.F64), t);
        }
        load(x);
        if (routine.isPresent()) {
            invoke(routine.get(), MethodTypeDesc.of(desc(vc), desc(vc)));
            return store(t, t);
        }
        op(operator(op));
        return callTo(t, t, vc, "lanewise", VectorOperators.Unary.class);
    }

    /**
     * Whether the routine computes {@code t} lanes in F64: each lane converted, the F64 routine, and
     * rounded back, which gives the bits of Java's {@code (float) f((double) x)} path the routine
     * follows. The plan made the kernel's lane count that of F64, so both conversions are lane to lane
     * (part 0); on half the lanes at a time they would need the Vector API's slice and unslice, which
     * C2 leaves as boxed vectors in the masked tail.
     */
    static boolean widened(SimdRoutines.Routine r, DType t) {
        return t == DType.F32 && r.floatsAsDoubles();
    }

    /** Calls a routine whose arguments are on the stack, or copies its code here. */
    void invoke(SimdRoutines.Routine r, MethodTypeDesc type) {
        if (r.inlined() && plan.inlineRoutines) {
            SimdInliner.inline(c, r.ownerDesc(), r.name(), type);
            // a NaN's sign and payload from fma and friends differ between the interpreter (Math.fma
            // returns Java's NaN) and the CPU's instruction (x86's default NaN is negative): one NaN
            // keeps own math bitwise identical interpreted and compiled
            SimdInliner.inline(c, CD_MATH, "canonicalNaN", MethodTypeDesc.of(type.returnType(), type.returnType()));
        } else {
            c.invokestatic(r.ownerDesc(), r.name(), type);
            if (r.inlined()) {
                c.invokestatic(CD_MATH, "canonicalNaN", MethodTypeDesc.of(type.returnType(), type.returnType()));
            }
        }
    }

    Val binary(BinaryOp op, Val a, Val b, DType t, Position pos) {
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
        Optional<SimdRoutines.Routine> routine = t.isFloating() ? SimdRoutines.binary(op, plan.fastMath)
                : Optional.empty();
        if (routine.isPresent() && widened(routine.get(), t)) {
            Val wa = cast(a, DType.F64);
            Val wb = cast(exact(b), DType.F64);
            load(wa);
            load(wb);
            ClassDesc dv = desc(DoubleVector.class);
            invoke(routine.get().widened(), MethodTypeDesc.of(dv, dv, dv));
            return cast(store(DType.F64, DType.F64), t);
        }
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
            Val qb = lanewise(VectorOperators.MUL, q, b, t, null);
            return lanewise(VectorOperators.SUB, a, qb, t, null);
        }
        if (op == BinaryOp.DIV && t.isIntegral()) {
            // SimdMath.div throws Java's own exception; in the tail it divides only the live lanes
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
        VectorOperators.Binary operator = switch (op) {
            case ADD -> VectorOperators.ADD;
            case SUB -> VectorOperators.SUB;
            case MUL -> VectorOperators.MUL;
            case DIV -> VectorOperators.DIV;
            case MIN -> VectorOperators.MIN;
            case MAX -> VectorOperators.MAX;
            case ATAN2 -> VectorOperators.ATAN2;
            case POW -> VectorOperators.POW;
            case HYPOT -> VectorOperators.HYPOT;
            case AND -> VectorOperators.AND;
            case OR -> VectorOperators.OR;
            case XOR -> VectorOperators.XOR;
            case SHL -> VectorOperators.LSHL;
            case SHR -> VectorOperators.ASHR;
            case USHR -> VectorOperators.LSHR;
            case REM -> throw new IllegalStateException("handled above");
        };
        return lanewise(operator, a, b, t, null);
    }

    Val lanewise(VectorOperators.Binary operator, Val a, Val b, DType t, Integer mask) {
        if (a.merged() && !b.merged() && COMMUTATIVE.contains(operator)) {
            // the exact value as receiver, the accumulator as argument: no copy needed
            Val swap = a;
            a = b;
            b = swap;
        }
        a = exact(a);
        load(a);
        op(operator);
        load(b);
        if (mask != null) {
            c.aload(mask);
            return callTo(t, t, vectorClass(t), "lanewise", VectorOperators.Binary.class, Vector.class, VectorMask.class);
        }
        return callTo(t, t, vectorClass(t), "lanewise", VectorOperators.Binary.class, Vector.class);
    }

    void loadMaskAs(Val m, DType home) {
        load(m);
        if (m.home() != home) {
            species(home);
            call(VectorMask.class, "cast", VectorSpecies.class);
        }
    }

    Val compare(CompareOp op, Val a, Val b) {
        a = exact(a);
        if (a.isMask()) {
            load(a);
            loadMaskAs(b, a.home());
            return callTo(DType.BOOL, a.home(), VectorMask.class, op == CompareOp.EQ ? "eq" : "xor", VectorMask.class);
        }
        load(a);
        op(switch (op) {
            case LT -> VectorOperators.LT;
            case LE -> VectorOperators.LE;
            case GT -> VectorOperators.GT;
            case GE -> VectorOperators.GE;
            case EQ -> VectorOperators.EQ;
            case NE -> VectorOperators.NE;
        });
        load(b);
        return callTo(DType.BOOL, a.type(), vectorClass(a.type()), "compare", VectorOperators.Comparison.class,
                Vector.class);
    }

    Val select(Val m, Val a, Val b, DType t) {
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

    Val cast(Val x, DType to) {
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
        load(exact(x));
        op(conversion(from, to));
        species(to);
        c.iconst_0();
        return callTo(to, to, vectorClass(from), "convertShape", VectorOperators.Conversion.class,
                VectorSpecies.class, int.class);
    }

    /** The Vector API's conversion between two lane types (Java's primitive conversion). */
    static VectorOperators.Conversion<?, ?> conversion(DType from, DType to) {
        return switch (from) {
            case F32 -> switch (to) {
                case F64 -> VectorOperators.F2D;
                case I32 -> VectorOperators.F2I;
                case I64 -> VectorOperators.F2L;
                case F32, BOOL -> throw noConversion(from, to);
            };
            case F64 -> switch (to) {
                case F32 -> VectorOperators.D2F;
                case I32 -> VectorOperators.D2I;
                case I64 -> VectorOperators.D2L;
                case F64, BOOL -> throw noConversion(from, to);
            };
            case I32 -> switch (to) {
                case F32 -> VectorOperators.I2F;
                case F64 -> VectorOperators.I2D;
                case I64 -> VectorOperators.I2L;
                case I32, BOOL -> throw noConversion(from, to);
            };
            case I64 -> switch (to) {
                case F32 -> VectorOperators.L2F;
                case F64 -> VectorOperators.L2D;
                case I32 -> VectorOperators.L2I;
                case I64, BOOL -> throw noConversion(from, to);
            };
            case BOOL -> throw noConversion(from, to);
        };
    }

    private static IllegalStateException noConversion(DType from, DType to) {
        return new IllegalStateException("no lane conversion from " + from + " to " + to);
    }

    /** The Vector API operator of a unary op that {@link SimdRoutines} leaves to it. */
    static VectorOperators.Unary operator(UnaryOp op) {
        return switch (op) {
            case NEG -> VectorOperators.NEG;
            case ABS -> VectorOperators.ABS;
            case NOT -> VectorOperators.NOT;
            case SQRT -> VectorOperators.SQRT;
            case CBRT -> VectorOperators.CBRT;
            case EXP -> VectorOperators.EXP;
            case EXPM1 -> VectorOperators.EXPM1;
            case LOG -> VectorOperators.LOG;
            case LOG1P -> VectorOperators.LOG1P;
            case LOG10 -> VectorOperators.LOG10;
            case SIN -> VectorOperators.SIN;
            case COS -> VectorOperators.COS;
            case TAN -> VectorOperators.TAN;
            case ASIN -> VectorOperators.ASIN;
            case ACOS -> VectorOperators.ACOS;
            case ATAN -> VectorOperators.ATAN;
            case SINH -> VectorOperators.SINH;
            case COSH -> VectorOperators.COSH;
            case TANH -> VectorOperators.TANH;
            case FLOOR, CEIL, RINT, SIGNUM -> throw new IllegalStateException(
                    op + " has no Vector API operator; SimdRoutines computes it");
        };
    }
}
