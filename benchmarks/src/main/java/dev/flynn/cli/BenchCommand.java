package dev.flynn.cli;

import dev.flynn.DType;
import dev.flynn.benchmarks.BenchKernel;
import dev.flynn.benchmarks.KernelCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code flynn bench}: the standard suite over kernels, sizes, backends and thread counts. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures the standard kernels on every available backend and prints one row per kernel,"
                + " size, backend and thread count.",
                "Times are per call (median and fastest of repeated samples, after the JIT has reported the"
                        + " kernel compiled and the times are stable); rows whose median is over 10% above their"
                        + " fastest sample are flagged; speedup is over the scalar backend at one thread; bandwidth"
                        + " is measured at the start by a STREAM-like copy and triad; the error is against the"
                        + " scalar backend (maps: ulps, and relative to the terms' magnitude) or the exact value"
                        + " (reductions, relative). docs/CLI.md defines every column."})
final class BenchCommand implements Callable<Integer> {
    static final List<Integer> DEFAULT_SIZES = List.of(4 << 10, 256 << 10, 16 << 20);
    static final List<Integer> QUICK_SIZES = List.of(16 << 10, 1 << 20);

    @ParentCommand
    private FlynnCommand parent;

    @Spec
    private CommandSpec spec;

    @Option(names = "--kernels", split = ",", paramLabel = "KERNEL", converter = Choices.KernelName.class,
            description = "Kernels to run (default: all): saxpy, poly, exp, log, sin, relu, sum, dot, var, blackscholes.")
    private List<String> kernels = KernelCatalog.names();

    @Option(names = "--sizes", split = ",", paramLabel = "N", converter = Choices.Size.class,
            description = "Elements per input, e.g. 4K,256K,16M (K = 1024; default 4K,256K,16M; --quick 16K,1M).")
    private List<Integer> sizes;

    @Option(names = "--backends", split = ",", paramLabel = "BACKEND", converter = Choices.BackendName.class,
            description = "Backends to run (default: all): scalar, simd, gpu, c. Unavailable ones are listed with the"
                    + " reason; when none can run, the command stops at once with status 1.")
    private List<String> backends = Suite.backendNames();

    /** The singular spelling, as {@code eval} once had it. */
    @Option(names = "--backend", split = ",", hidden = true, paramLabel = "BACKEND", converter = Choices.BackendName.class)
    private List<String> backendAlias = List.of();

    @Option(names = "--threads", split = ",", paramLabel = "T", converter = Choices.Threads.class,
            description = "Thread counts for CPU backends (default: 1 and every core).")
    private List<Integer> threads = Choices.defaultThreads();

    @Option(names = "--dtype", paramLabel = "TYPE", converter = Choices.FloatType.class,
            description = "Element type: f32 or f64 (default f32).")
    private DType dtype = DType.F32;

    @Option(names = "--quick", description = "Fewer sizes and shorter measurements (about a minute).")
    private boolean quick;

    @Option(names = "--format", paramLabel = "FORMAT", converter = Choices.OutputFormat.class,
            description = "Output: table, json (one object per row per line) or csv (default table).")
    private Format format = Format.TABLE;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Also write DIR/index.html (charts and table) and DIR/results.json.")
    private Path report;

    @Override
    public Integer call() throws IOException {
        Context ctx = parent.context();
        List<BenchKernel> chosen = kernels.stream().distinct().map(KernelCatalog::named).toList();
        List<Integer> n = sizes != null ? sizes.stream().distinct().toList() : quick ? QUICK_SIZES : DEFAULT_SIZES;
        List<Integer> t = threads.stream().distinct().toList();
        List<String> b = backendAlias.isEmpty() ? backends : backendAlias;
        Plan plan = Plan.of(b, t);
        Timing timing = ctx.timing(quick);
        try {
            Plan.checkHeap(chosen, n, dtype, timing.streamLength());
        } catch (Plan.TooLarge e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (report != null) {
            Report.prepare(spec.commandLine(), report);
        }
        Suite suite = new Suite(timing, new Progress(ctx.err(), ctx.terminal()));
        SuiteResult result = suite.run(chosen, n, dtype, plan, t.stream().mapToInt(Integer::intValue).max().orElse(1));
        Output.print(ctx, format, result);
        if (report != null) {
            Report.write(report, "Flynn bench (" + dtype.label() + ")", spec.commandLine().getParseResult().originalArgs(),
                    result);
            ctx.err().println("flynn: wrote " + report.resolve("index.html") + " and " + report.resolve("results.json"));
        }
        return 0;
    }
}
