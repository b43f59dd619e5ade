package dev.flynn.c;

import dev.flynn.DType;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.Node;
import dev.flynn.ir.UnaryOp;

import java.util.Optional;
import java.util.function.Function;

/**
 * The C expression of each IR node, given the names of its operands' values. One exhaustive
 * {@code switch} per node type: an op added to core without a lowering here fails to compile.
 */
final class CLowering {
    private CLowering() {
    }

    /** The C expression computing {@code n} from its operands, named by {@code name}. */
    static String expr(Node n, Function<Node, String> name) {
        return switch (n) {
            case Node.Input in -> name.apply(in);
            case Node.Const c -> name.apply(c);
            case Node.Unary u -> unary(u.op(), CType.of(u.type()), name.apply(u.x()));
            case Node.Binary b -> binary(b.op(), CType.of(b.type()), name.apply(b.a()), name.apply(b.b()));
            case Node.Ternary t -> switch (t.op()) {
                // one rounding, as Math.fma; -ffp-contract=off keeps a*b+c elsewhere at two
                case FMA -> call(CType.of(t.type()) == CType.F32 ? "fmaf" : "fma",
                        name.apply(t.a()), name.apply(t.b()), name.apply(t.c()));
            };
            case Node.Compare c -> "(" + name.apply(c.a()) + " " + c.op().infix() + " " + name.apply(c.b()) + ")";
            case Node.Select s -> "(" + name.apply(s.mask()) + " ? " + name.apply(s.a()) + " : " + name.apply(s.b()) + ")";
            case Node.Cast c -> cast(c.x().type(), c.type(), name.apply(c.x()));
        };
    }

    /**
     * A statement that records an integer division by zero in the kernel's {@code err} flag, for nodes
     * that can divide by zero. A flag rather than an early return keeps the loop vectorizable.
     */
    static Optional<String> check(Node n, Function<Node, String> name) {
        if (n instanceof Node.Binary b && (b.op() == BinaryOp.DIV || b.op() == BinaryOp.REM) && b.type().isIntegral()) {
            return Optional.of("err |= (" + name.apply(b.b()) + " == 0);");
        }
        return Optional.empty();
    }

    private static String unary(UnaryOp op, CType t, String x) {
        boolean f32 = t == CType.F32;
        return switch (op) {
            case NEG -> t.isFloating() ? "(-" + x + ")" : "(" + t.c() + ") (0u - (u" + t.c() + ") " + x + ")";
            case ABS -> t.isFloating() ? call(f32 ? "fabsf" : "fabs", x)
                    : "(" + x + " < 0 ? (" + t.c() + ") (0u - (u" + t.c() + ") " + x + ") : " + x + ")";
            case NOT -> t == CType.BOOL ? "(!" + x + ")" : "(~" + x + ")";
            // correctly rounded in both precisions, so sqrtf equals Java's (float) Math.sqrt(x)
            case SQRT -> call(f32 ? "sqrtf" : "sqrt", x);
            case FLOOR -> call(f32 ? "floorf" : "floor", x);
            case CEIL -> call(f32 ? "ceilf" : "ceil", x);
            // round half to even in the default rounding mode, as Math.rint
            case RINT -> call(f32 ? "rintf" : "rint", x);
            case SIGNUM -> call("flynn_signum_" + t.suffix(), x);
            case CBRT -> math(t, "cbrt", x);
            case EXP -> math(t, "exp", x);
            case EXPM1 -> math(t, "expm1", x);
            case LOG -> math(t, "log", x);
            case LOG1P -> math(t, "log1p", x);
            case LOG10 -> math(t, "log10", x);
            case SIN -> math(t, "sin", x);
            case COS -> math(t, "cos", x);
            case TAN -> math(t, "tan", x);
            case ASIN -> math(t, "asin", x);
            case ACOS -> math(t, "acos", x);
            case ATAN -> math(t, "atan", x);
            case SINH -> math(t, "sinh", x);
            case COSH -> math(t, "cosh", x);
            case TANH -> math(t, "tanh", x);
        };
    }

    private static String binary(BinaryOp op, CType t, String a, String b) {
        return switch (op) {
            case ADD -> "(" + a + " + " + b + ")";
            case SUB -> "(" + a + " - " + b + ")";
            case MUL -> "(" + a + " * " + b + ")";
            case DIV -> t.isFloating() ? "(" + a + " / " + b + ")" : call("flynn_div_" + t.suffix(), a, b);
            // Java's floating % truncates like fmod, which is exact
            case REM -> t.isFloating() ? call(t == CType.F32 ? "fmodf" : "fmod", a, b) : call("flynn_rem_" + t.suffix(), a, b);
            case MIN -> t.isFloating() ? call("flynn_min_" + t.suffix(), a, b) : "(" + a + " <= " + b + " ? " + a + " : " + b + ")";
            case MAX -> t.isFloating() ? call("flynn_max_" + t.suffix(), a, b) : "(" + a + " >= " + b + " ? " + a + " : " + b + ")";
            case ATAN2 -> math(t, "atan2", a, b);
            case POW -> math(t, "flynn_pow", a, b);
            case HYPOT -> math(t, "flynn_hypot", a, b);
            case AND -> "(" + a + " & " + b + ")";
            case OR -> "(" + a + " | " + b + ")";
            case XOR -> "(" + a + " ^ " + b + ")";
            case SHL -> call("flynn_shl_" + t.suffix(), a, b);
            case SHR -> call("flynn_shr_" + t.suffix(), a, b);
            case USHR -> call("flynn_ushr_" + t.suffix(), a, b);
        };
    }

    /**
     * A libm function. F32 is computed in double and rounded once, which is how Java defines it
     * ({@code (float) Math.exp(x)}): closer to Java than expf and within half an ulp of float.
     */
    private static String math(CType t, String fn, String... xs) {
        if (t == CType.F64) {
            return call(fn, xs);
        }
        String[] wide = new String[xs.length];
        for (int i = 0; i < xs.length; i++) {
            wide[i] = "(double) " + xs[i];
        }
        return "((float) " + call(fn, wide) + ")";
    }

    private static String cast(DType from, DType to, String x) {
        if (from == to) {
            return x;
        }
        CType t = CType.of(to);
        if (from.isFloating() && to.isIntegral()) {
            return call("flynn_to_" + t.suffix(), "(double) " + x);
        }
        // int to float rounds to nearest, float to double is exact, double to float rounds to nearest,
        // long to int keeps the low 32 bits (GCC and Clang define it so), mask to number is 0 or 1
        return "((" + t.c() + ") " + x + ")";
    }

    private static String call(String fn, String... args) {
        return fn + "(" + String.join(", ", args) + ")";
    }
}
