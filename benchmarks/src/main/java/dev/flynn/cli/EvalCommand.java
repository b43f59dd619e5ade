package dev.flynn.cli;

import dev.flynn.DType;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import dev.flynn.benchmarks.BenchKernel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code flynn eval "EXPR"}: one expression on generated data, measured on each available backend. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs an expression such as \"2*x + exp(y)\" on random inputs in [0.1, 2) on each available"
                + " backend and prints the same metrics as bench.",
                "Inputs are named in order of first appearance; with --reduce the values are folded to one number."})
final class EvalCommand implements Callable<Integer> {
    /** Positive, on both sides of 1: log, sqrt and pow stay defined, exp and products stay finite. */
    static final BenchKernel.Domain DOMAIN = new BenchKernel.Domain(0.1, 2.0);

    @ParentCommand
    private FlynnCommand parent;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "EXPR", description = "The expression, e.g. \"2*x + y\" or \"where(x > 1, log(x), 0)\".")
    private String expression;

    @Option(names = "--n", paramLabel = "N", converter = Choices.Size.class,
            description = "Elements per input, e.g. 1000, 4K, 16M (default 1M); checked against the heap before"
                    + " anything is allocated.")
    private int n = 1 << 20;

    @Option(names = "--shape", paramLabel = "RxC",
            description = "Make each input a row-major matrix of R rows and C columns (e.g. 4096x4096) instead of"
                    + " --n elements; with --reduce, each row (--axis 1, the default) or column (--axis 0) is folded.")
    private String shape;

    @Option(names = "--axis", paramLabel = "A",
            description = "With --shape and --reduce: 1 folds each row, 0 each column (default 1).")
    private int axis = 1;

    @Option(names = "--dtype", paramLabel = "TYPE", converter = Choices.FloatType.class,
            description = "Element type of every input: f32 or f64 (default f32).")
    private DType dtype = DType.F32;

    @Option(names = "--backends", split = ",", paramLabel = "BACKEND", converter = Choices.BackendName.class,
            description = "Backends to run (default: all): scalar, simd, gpu, c. When none can run, the command"
                    + " stops at once with status 1.")
    private List<String> backends = Suite.backendNames();

    /** The singular spelling this command had first. */
    @Option(names = "--backend", split = ",", hidden = true, paramLabel = "BACKEND", converter = Choices.BackendName.class)
    private List<String> backendAlias = List.of();

    @Option(names = "--reduce", paramLabel = "R", converter = Choices.ReductionName.class,
            description = "Fold the values: sum, mean, var, std, min, max, norm1, norm2.")
    private String reduce;

    @Option(names = "--threads", split = ",", paramLabel = "T", converter = Choices.Threads.class,
            description = "Thread counts for CPU backends (default: 1 and every core).")
    private List<Integer> threads = Choices.defaultThreads();

    @Option(names = "--format", paramLabel = "FORMAT", converter = Choices.OutputFormat.class,
            description = "Output: table, json or csv (default table).")
    private Format format = Format.TABLE;

    @Override
    public Integer call() {
        Kernel parsed;
        try {
            parsed = Kernel.parse(expression, dtype);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "cannot parse expression '" + expression + "': "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        Optional<Reduction> reduction = Optional.ofNullable(reduce).map(r -> Choices.REDUCTIONS.get(r).get());
        String name = reduce == null ? expression : reduce + "(" + expression + ")";
        Optional<BenchKernel.Matrix> matrix = Optional.empty();
        if (shape != null) {
            long[] rc = parseShape(shape);
            if (axis != 0 && axis != 1) {
                throw new ParameterException(spec.commandLine(), "--axis must be 0 (columns) or 1 (rows), got " + axis);
            }
            n = (int) (rc[0] * rc[1]);
            matrix = Optional.of(new BenchKernel.Matrix((int) rc[1], axis));
            name = name + " " + rc[0] + "x" + rc[1] + (reduction.isPresent() ? " axis " + axis : "");
        }
        BenchKernel kernel = new BenchKernel(name, name, t -> Kernel.parse(expression, t), reduction,
                Collections.nCopies(parsed.arity(), DOMAIN), Optional.empty(), matrix);
        Context ctx = parent.context();
        List<Integer> t = threads.stream().distinct().toList();
        Plan plan = Plan.of(backendAlias.isEmpty() ? backends : backendAlias, t);
        Timing timing = ctx.timing(false);
        try {
            Plan.checkHeap(List.of(kernel), List.of(n), dtype, timing.streamLength());
        } catch (Plan.TooLarge e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Suite suite = new Suite(timing, new Progress(ctx.err(), ctx.terminal()));
        SuiteResult result = suite.run(List.of(kernel), List.of(n), dtype, plan,
                t.stream().mapToInt(Integer::intValue).max().orElse(1));
        Output.print(ctx, format, result);
        return 0;
    }

    /** {@code RxC}, each a size such as {@code 4096} or {@code 4K}, with at most 2^31 - 9 elements in all. */
    private long[] parseShape(String text) {
        String[] parts = text.strip().toLowerCase(java.util.Locale.ROOT).split("x");
        if (parts.length != 2) {
            throw new ParameterException(spec.commandLine(), "bad --shape '" + text + "'; give rows x columns, e.g. 4096x4096");
        }
        long[] rc = new long[2];
        for (int i = 0; i < 2; i++) {
            try {
                rc[i] = Sizes.parse(parts[i].strip().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "bad --shape '" + text + "': " + e.getMessage());
            }
            if (rc[i] < 1) {
                throw new ParameterException(spec.commandLine(), "bad --shape '" + text + "': rows and columns must be at least 1");
            }
        }
        if (rc[0] * rc[1] > Integer.MAX_VALUE - 8) {
            throw new ParameterException(spec.commandLine(), "--shape " + text + " holds " + rc[0] * rc[1]
                    + " elements, more than a Java array (2^31 - 9)");
        }
        return rc;
    }
}
