package dev.flynn.scalar;

import dev.flynn.DType;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.Node;
import dev.flynn.ir.OpKind;
import dev.flynn.ir.UnaryOp;
import dev.flynn.ir.Schedule;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.HashMap;
import java.util.Map;

import static dev.flynn.scalar.ScalarCodegen.CD_MATH;
import static dev.flynn.scalar.ScalarCodegen.CD_OPS;
import static dev.flynn.scalar.ScalarCodegen.desc;
import static dev.flynn.scalar.ScalarCodegen.fromBits;
import static dev.flynn.scalar.ScalarCodegen.kind;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_double;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;

/**
 * Evaluation of a schedule of nodes into locals: constants and scalars are loaded before the loop,
 * the rest once per element.
 */
final class ScalarLowering {
    final CodeBuilder cob;
    final int argsSlot;
    final Map<Node, Integer> slots = new HashMap<>();
    final Map<Integer, Integer> inputSlots = new HashMap<>();

    ScalarLowering(CodeBuilder cob, int argsSlot) {
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
                if (b.op().kind() == OpKind.MATH && t == DType.F32) {
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
                String method = switch (c.op()) {
                    case LT -> "lt";
                    case LE -> "le";
                    case GT -> "gt";
                    case GE -> "ge";
                    case EQ -> "eq";
                    case NE -> "ne";
                };
                cob.invokestatic(CD_OPS, method, MethodTypeDesc.of(CD_boolean, d, d));
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
            case SQRT, CBRT, EXP, EXPM1, LOG, LOG1P, LOG10, SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH,
                    FLOOR, CEIL, RINT -> {
                // Java has these in double only: a float loop widens, calls Math, and rounds once
                if (t == DType.F32) {
                    cob.f2d();
                }
                cob.invokestatic(CD_MATH, mathMethod(u.op()), MethodTypeDesc.of(CD_double, CD_double));
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
            case ADD, SUB, MUL, DIV, REM -> arith(cob, b.op(), k);
            case MIN, MAX -> cob.invokestatic(CD_MATH, b.op() == BinaryOp.MIN ? "min" : "max",
                    MethodTypeDesc.of(desc(t), desc(t), desc(t)));
            case ATAN2, POW, HYPOT -> {
                String method = switch (b.op()) {
                    case ATAN2 -> "atan2";
                    case POW -> "pow";
                    default -> "hypot";
                };
                cob.invokestatic(CD_MATH, method, MethodTypeDesc.of(CD_double, CD_double, CD_double));
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

    /** The {@code double} function of {@code java.lang.Math} that specifies a unary math op. */
    private static String mathMethod(UnaryOp op) {
        return switch (op) {
            case SQRT -> "sqrt";
            case CBRT -> "cbrt";
            case EXP -> "exp";
            case EXPM1 -> "expm1";
            case LOG -> "log";
            case LOG1P -> "log1p";
            case LOG10 -> "log10";
            case SIN -> "sin";
            case COS -> "cos";
            case TAN -> "tan";
            case ASIN -> "asin";
            case ACOS -> "acos";
            case ATAN -> "atan";
            case SINH -> "sinh";
            case COSH -> "cosh";
            case TANH -> "tanh";
            case FLOOR -> "floor";
            case CEIL -> "ceil";
            case RINT -> "rint";
            case NEG, ABS, NOT, SIGNUM -> throw new IllegalStateException(op + " is not lowered to a double Math call");
        };
    }

    /**
     * Emits the typed arithmetic instruction ({@code fadd}, {@code dmul}, ...). Integer {@code /} and
     * {@code %} call {@link ScalarOps}, which throws the ArithmeticException itself: the one {@code idiv}
     * raises loses its message and stack trace once HotSpot compiles a hot loop that throws it often.
     */
    static void arith(CodeBuilder cob, BinaryOp op, TypeKind k) {
        switch (k) {
            case FLOAT -> {
                switch (op) {
                    case ADD -> cob.fadd();
                    case SUB -> cob.fsub();
                    case MUL -> cob.fmul();
                    case DIV -> cob.fdiv();
                    case REM -> cob.frem();
                    default -> throw notArithmetic(op, k);
                }
            }
            case DOUBLE -> {
                switch (op) {
                    case ADD -> cob.dadd();
                    case SUB -> cob.dsub();
                    case MUL -> cob.dmul();
                    case DIV -> cob.ddiv();
                    case REM -> cob.drem();
                    default -> throw notArithmetic(op, k);
                }
            }
            case INT -> {
                MethodTypeDesc d = MethodTypeDesc.of(CD_int, CD_int, CD_int);
                switch (op) {
                    case ADD -> cob.iadd();
                    case SUB -> cob.isub();
                    case MUL -> cob.imul();
                    case DIV -> cob.invokestatic(CD_OPS, "div", d);
                    case REM -> cob.invokestatic(CD_OPS, "rem", d);
                    default -> throw notArithmetic(op, k);
                }
            }
            case LONG -> {
                MethodTypeDesc d = MethodTypeDesc.of(CD_long, CD_long, CD_long);
                switch (op) {
                    case ADD -> cob.ladd();
                    case SUB -> cob.lsub();
                    case MUL -> cob.lmul();
                    case DIV -> cob.invokestatic(CD_OPS, "div", d);
                    case REM -> cob.invokestatic(CD_OPS, "rem", d);
                    default -> throw notArithmetic(op, k);
                }
            }
            default -> throw notArithmetic(op, k);
        }
    }

    private static IllegalStateException notArithmetic(BinaryOp op, TypeKind k) {
        return new IllegalStateException(op + " on " + k + " is not a JVM arithmetic instruction");
    }
}
