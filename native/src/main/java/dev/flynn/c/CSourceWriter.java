package dev.flynn.c;

import dev.flynn.DType;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.Node;
import dev.flynn.ir.ReduceOp;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.ir.Schedule;
import dev.flynn.spi.Binding;
import dev.flynn.spi.Partials;
import dev.flynn.spi.ReduceLowering;
import dev.flynn.spi.StateLayout;

import java.util.List;
import java.util.TreeMap;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * Writes the C99 translation unit of one kernel: the prelude, then {@code flynn_map} or
 * {@code flynn_reduce} (and {@code flynn_combine} for CUSTOM reductions), whose parameters are
 * matched by {@link CDowncalls}. Every function returns 1 if an integer division by zero happened,
 * else 0.
 *
 * <p>Loops carry {@code #pragma omp simd} and no {@code parallel for}: core already splits a call
 * across Java threads in fixed blocks, and OpenMP threads inside a block would oversubscribe the
 * cores and hide the block structure that makes reductions reproducible.
 */
final class CSourceWriter {
    /**
     * Accumulators per reduction: element {@code start + k} goes to lane {@code k % LANES}, lanes are
     * combined in a fixed tree. The order is thus fixed by the source, not by the vector width the
     * compiler picks or the alignment of the data, so a result is bitwise reproducible.
     */
    static final int LANES = 16;

    private final KernelIR ir;
    private final List<Binding> inputs;
    private final StringBuilder out = new StringBuilder();
    private int depth;
    /** The layout of the state {@code flynn_reduce} writes; set for a reduction. */
    private StateLayout layout;

    private CSourceWriter(KernelIR ir, List<Binding> inputs) {
        this.ir = ir;
        this.inputs = inputs;
        out.append("/* Flynn C kernel: ").append(ir.shapeKey().replace("*/", "* /")).append(" */\n");
        out.append(CPrelude.TEXT);
    }

    /** The source of a map kernel. */
    static String map(KernelIR ir, List<Binding> inputs, Binding output) {
        if (ir.body().type() == DType.BOOL) {
            throw new IllegalArgumentException("a map kernel cannot store a mask; cast it to a number first");
        }
        CSourceWriter w = new CSourceWriter(ir, inputs);
        w.writeMap(output);
        return w.out.toString();
    }

    /** The source of a reduction kernel. */
    static String reduce(KernelIR ir, List<Binding> inputs) {
        CSourceWriter w = new CSourceWriter(ir, inputs);
        ReduceSpec spec = ir.reduce().orElseThrow();
        w.writeReduce(spec);
        spec.combine().ifPresent(c -> w.writeCombine(c));
        return w.out.toString();
    }

    // ---- functions ---------------------------------------------------------------------------

    private void writeMap(Binding output) {
        CType t = CType.of(ir.body().type());
        String outType = output == Binding.SEGMENT ? t.unaligned() : t.c();
        // no restrict on data pointers: a map may run in place (out is one of the inputs), and
        // '#pragma omp simd' already tells the vectorizer that iterations are independent
        open("int32_t flynn_map(" + params("") + outType + "* out0, int64_t out_off, int64_t start, int64_t end, "
                + "const int64_t* restrict args)");
        prologue("");
        line(outType + "* out = out0 + out_off;");
        line("int32_t err = 0;");
        line("#pragma omp simd reduction(|:err)");
        open("for (int64_t i = start; i < end; i++)");
        String v = body("i");
        line("out[i] = " + v + ";");
        close();
        line("return err;");
        close();
    }

    /**
     * Writes {@code flynn_reduce}, whose {@code int64_t result[]} holds the state's fields in the slots of
     * core's {@link StateLayout}. The identities are core's ({@link Partials#identity}); the argmin NaN
     * and tie rule and Neumaier's step are written in C below and checked against core's reference
     * rules on every pair of special values by {@code CReductionRulesTest}.
     */
    private void writeReduce(ReduceSpec spec) {
        layout = StateLayout.of(spec, ir.body().type());
        open("int32_t flynn_reduce(" + params("restrict ") + "int64_t start, int64_t end, "
                + "const int64_t* restrict args, int64_t* restrict result)");
        prologue("restrict ");
        line("int32_t err = 0;");
        line("for (int k = 0; k < " + StateLayout.MAX_SLOTS + "; k++) result[k] = 0;");
        ReduceLowering.lower(spec, ir.body().type(), new Cases());
        line("return err;");
        close();
    }

    /** {@code ab[0] = combine(ab[0], ab[1])} on raw values (floats as double bits), for merging blocks. */
    private void writeCombine(Node combine) {
        CType t = CType.of(ir.body().type());
        open("int32_t flynn_combine(int64_t* restrict ab, const int64_t* restrict args)");
        constants();
        line("int32_t err = 0;");
        line("const " + t.c() + " a = " + fromResult(t, "ab[0]") + ";");
        line("const " + t.c() + " b = " + fromResult(t, "ab[1]") + ";");
        String r = inlineCombine(combine, "a", "b");
        line("ab[0] = " + toResult(t, r) + ";");
        line("return err;");
        close();
    }

    // ---- reductions ----------------------------------------------------------------------------

    /** One case per reduction of core's {@link ReduceLowering}: each writes its loop and stores its fields. */
    private final class Cases implements ReduceLowering<Void> {
        @Override
        public Void sum(DType type) {
            CType t = CType.of(type);
            lanes(t, "acc", identity(ReduceOp.SUM, t), CSourceWriter::add);
            value(t, "acc[0]");
            return null;
        }

        @Override
        public Void compensatedSum(DType type) {
            neumaier(CType.of(type));
            return null;
        }

        @Override
        public Void prod(DType type) {
            CType t = CType.of(type);
            lanes(t, "acc", identity(ReduceOp.PROD, t), (a, b) -> "(" + a + " * " + b + ")");
            value(t, "acc[0]");
            return null;
        }

        @Override
        public Void min(DType type) {
            return extreme(CType.of(type), ReduceOp.MIN, "min", "<=");
        }

        @Override
        public Void max(DType type) {
            return extreme(CType.of(type), ReduceOp.MAX, "max", ">=");
        }

        /** Floating min and max by the prelude's functions (NaN and signed zeros as Java's); integers by {@code cmp}. */
        private Void extreme(CType t, ReduceOp op, String fn, String cmp) {
            lanes(t, "acc", identity(op, t),
                    t.isFloating() ? (a, b) -> "flynn_" + fn + "_" + t.suffix() + "(" + a + ", " + b + ")"
                            : (a, b) -> "(" + a + " " + cmp + " " + b + " ? " + a + " : " + b + ")");
            value(t, "acc[0]");
            return null;
        }

        @Override
        public Void argmin(DType type) {
            arg(CType.of(type), "<");
            return null;
        }

        @Override
        public Void argmax(DType type) {
            arg(CType.of(type), ">");
            return null;
        }

        @Override
        public Void moments(DType type) {
            CSourceWriter.this.moments(CType.of(type));
            return null;
        }

        @Override
        public Void custom(DType type, Node combine, Node.Const identity) {
            lanes(CType.of(type), "acc", "c" + identity.slot(), (a, b) -> inlineCombine(combine, a, b));
            value(CType.of(type), "acc[0]");
            return null;
        }
    }

    /**
     * Folds the body's values into {@link #LANES} accumulators with {@code fold}, then folds the
     * accumulators pairwise into {@code name[0]}. Needs {@code fold} associative (and commutative for
     * the tail), which every reduction but ARGMIN/ARGMAX and compensated SUM is.
     */
    private void lanes(CType t, String name, String identity, BinaryOperator<String> fold) {
        lanes(t, name, identity, fold, fold);
    }

    /** As above, with {@code merge} folding two accumulators where it differs from {@code step}. */
    private void lanes(CType t, String name, String identity, BinaryOperator<String> step, BinaryOperator<String> merge) {
        line(t.c() + " " + name + "[" + LANES + "];");
        line("for (int j = 0; j < " + LANES + "; j++) " + name + "[j] = " + identity + ";");
        line("int64_t i = start;");
        open("for (; end - i >= " + LANES + "; i += " + LANES + ")");
        line("#pragma omp simd reduction(|:err)");
        open("for (int j = 0; j < " + LANES + "; j++)");
        String v = body("i + j");
        line(name + "[j] = " + step.apply(name + "[j]", v) + ";");
        close();
        close();
        open("for (int j = 0; i + j < end; j++)");
        v = body("i + j");
        line(name + "[j] = " + step.apply(name + "[j]", v) + ";");
        close();
        open("for (int w = " + LANES / 2 + "; w > 0; w >>= 1)");
        open("for (int j = 0; j < w; j++)");
        line(name + "[j] = " + merge.apply(name + "[j]", name + "[j + w]") + ";");
        close();
        close();
    }

    /** Core's Neumaier step ({@code Partials.neumaier}) in C, element by element in order; checked against it by CReductionRulesTest. */
    private void neumaier(CType t) {
        String abs = t == CType.F32 ? "fabsf" : "fabs";
        line(t.c() + " s = 0, c = 0;");
        open("for (int64_t i = start; i < end; i++)");
        String v = body("i");
        line("const " + t.c() + " t = s + " + v + ";");
        line("if (" + abs + "(s) >= " + abs + "(" + v + ")) c += (s - t) + " + v + "; else c += (" + v + " - t) + s;");
        line("s = t;");
        close();
        line("result[" + slot(StateLayout.Field.VALUE) + "] = flynn_f64_bits((double) s);");
        line("result[" + slot(StateLayout.Field.COMPENSATION) + "] = flynn_f64_bits((double) c);");
    }

    /**
     * The lowest index of the extreme value by {@code cmp}; the first NaN wins and is kept: core's
     * {@code Partials.argminTakes} in C, checked against it by CReductionRulesTest.
     */
    private void arg(CType t, String cmp) {
        line(t.c() + " best = 0;");
        line("int64_t index = start;");
        open("for (int64_t i = start; i < end; i++)");
        String v = body("i");
        String better = "i == start || " + v + " " + cmp + " best";
        if (t.isFloating()) {
            // once best is NaN nothing replaces it; a NaN value replaces any number
            better = "i == start || (best == best && (" + v + " != " + v + " || " + v + " " + cmp + " best))";
        }
        line("if (" + better + ") { best = " + v + "; index = i; }");
        close();
        value(t, "best");
        line("result[" + slot(StateLayout.Field.INDEX) + "] = index;");
    }

    /** Count, mean and squared deviations from that mean, in two passes over the range. */
    private void moments(CType t) {
        open("");
        lanes(t, "sum", identity(ReduceOp.SUM, t), CSourceWriter::add, CSourceWriter::add);
        line("const double mean = sum[0] / (double) (end - start);");
        open("");
        lanes(t, "m2", identity(ReduceOp.SUM, t), (a, b) -> "(" + a + " + (" + b + " - mean) * (" + b + " - mean))", CSourceWriter::add);
        line("result[" + slot(StateLayout.Field.COUNT) + "] = end - start;");
        line("result[" + slot(StateLayout.Field.MEAN) + "] = flynn_f64_bits(mean);");
        line("result[" + slot(StateLayout.Field.M2) + "] = flynn_f64_bits(m2[0]);");
        close();
        close();
    }

    private static String add(String a, String b) {
        return "(" + a + " + " + b + ")";
    }

    private void value(CType t, String v) {
        // a floating value travels as the bits of its double, as StateLayout's slots hold it
        if (t.isFloating()) {
            line("result[" + slot(StateLayout.Field.VALUE) + "] = flynn_f64_bits((double) " + v + ");");
        } else {
            line("result[" + slot(StateLayout.Field.VALUE) + "] = (int64_t) " + v + ";");
        }
    }

    private int slot(StateLayout.Field f) {
        return layout.slot(f);
    }

    /** Core's identity of {@code op} as a C literal of type {@code t}. */
    private static String identity(ReduceOp op, CType t) {
        return t.literal(Partials.identity(op, switch (t) {
            case F32 -> DType.F32;
            case F64 -> DType.F64;
            case I32 -> DType.I32;
            case I64 -> DType.I64;
            case BOOL -> throw new IllegalStateException("masks are not reduced directly");
        }));
    }

    // ---- expressions ---------------------------------------------------------------------------

    /** Emits the body's statements for element {@code idx}; returns the name of its value. */
    private String body(String idx) {
        return emit(Schedule.of(ir.body()), in -> inputs.get(in.index()) == Binding.SCALAR
                ? "s" + in.index() : "p" + in.index() + "[" + idx + "]", "v");
    }

    /** Emits the combine expression on {@code acc} and {@code value}; returns the name of its result. */
    private String inlineCombine(Node combine, String acc, String value) {
        return emit(Schedule.of(combine), in -> in.index() == 0 ? acc : value, "w");
    }

    private String emit(Schedule s, Function<Node.Input, String> input, String prefix) {
        List<Node> nodes = s.nodes();
        Function<Node, String> name = n -> n instanceof Node.Const c ? "c" + c.slot() : prefix + s.indexOf(n);
        for (Node n : nodes) {
            if (n instanceof Node.Const) {
                continue;
            }
            String e = n instanceof Node.Input in ? input.apply(in) : CLowering.expr(n, name);
            line("const " + CType.of(n.type()).c() + " " + name.apply(n) + " = " + e + ";");
            CLowering.check(n, name).ifPresent(this::line);
        }
        return name.apply(nodes.getLast());
    }

    // ---- parameters and prologue ---------------------------------------------------------------

    private String params(String restrict) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) == Binding.SCALAR) {
                continue;
            }
            CType t = CType.of(ir.inputs().get(i));
            String type = inputs.get(i) == Binding.SEGMENT ? t.unaligned() : t.c();
            sb.append("const ").append(type).append("* ").append(restrict).append("in").append(i).append(", int64_t off")
                    .append(i).append(", ");
        }
        return sb.toString();
    }

    private void prologue(String restrict) {
        for (int i = 0; i < inputs.size(); i++) {
            CType t = CType.of(ir.inputs().get(i));
            if (inputs.get(i) == Binding.SCALAR) {
                line("const " + t.c() + " s" + i + " = " + t.fromBits("args[" + ir.scalarSlot(i) + "]") + ";");
            } else {
                String type = inputs.get(i) == Binding.SEGMENT ? t.unaligned() : t.c();
                line("const " + type + "* " + restrict + "p" + i + " = in" + i + " + off" + i + ";");
            }
        }
        constants();
    }

    /** Declares every constant once, read from the arguments, so that literals never shape the code. */
    private void constants() {
        TreeMap<Integer, DType> slots = new TreeMap<>();
        collect(ir.body(), slots);
        ir.reduce().ifPresent(r -> {
            r.combine().ifPresent(c -> collect(c, slots));
            r.identity().ifPresent(id -> slots.put(id.slot(), id.type()));
        });
        slots.forEach((slot, type) -> {
            CType t = CType.of(type);
            line("const " + t.c() + " c" + slot + " = " + t.fromBits("args[" + slot + "]") + ";");
        });
    }

    private static void collect(Node root, TreeMap<Integer, DType> slots) {
        for (Node n : Schedule.of(root).nodes()) {
            if (n instanceof Node.Const c) {
                slots.put(c.slot(), c.type());
            }
        }
    }

    private static String fromResult(CType t, String bits) {
        return switch (t) {
            case F32 -> "(float) flynn_f64_of(" + bits + ")";
            case F64 -> "flynn_f64_of(" + bits + ")";
            default -> t.fromBits(bits);
        };
    }

    private static String toResult(CType t, String v) {
        return t.isFloating() ? "flynn_f64_bits((double) " + v + ")" : "(int64_t) " + v;
    }

    // ---- text ----------------------------------------------------------------------------------

    private void open(String head) {
        line(head.isEmpty() ? "{" : head + " {");
        depth++;
    }

    private void close() {
        depth--;
        line("}");
    }

    private void line(String text) {
        out.append("    ".repeat(depth)).append(text).append('\n');
    }
}
