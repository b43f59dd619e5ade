package dev.flynn.cli;

import dev.flynn.DType;
import dev.flynn.benchmarks.BenchKernel;
import dev.flynn.benchmarks.KernelCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code flynn bench}: the standard suite over kernels, sizes, backends and thread counts. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures the standard kernels on every available backend and prints one row per kernel,"
                + " size, backend and thread count.",
                "Times are per call (median and fastest of repeated samples after a warm-up that runs until"
                        + " stable); speedup is over the scalar backend at one thread; bandwidth is measured at the"
                        + " start by a STREAM-like copy and triad; the error is against the scalar backend (maps,"
                        + " in ulps) or the exact value (reductions, relative)."})
final class BenchCommand implements Callable<Integer> {
    static final List<Integer> DEFAULT_SIZES = List.of(4 << 10, 256 << 10, 16 << 20);
    static final List<Integer> QUICK_SIZES = List.of(16 << 10, 1 << 20);

    @ParentCommand
    private FlynnCommand parent;

    @Option(names = "--kernels", split = ",", paramLabel = "KERNEL", converter = Choices.KernelName.class,
            description = "Kernels to run (default: all): saxpy, poly, exp, log, sin, relu, sum, dot, var, blackscholes.")
    private List<String> kernels = KernelCatalog.names();

    @Option(names = "--sizes", split = ",", paramLabel = "N", converter = Choices.Size.class,
            description = "Elements per input, e.g. 4K,256K,16M (K = 1024; default 4K,256K,16M; --quick 16K,1M).")
    private List<Integer> sizes;

    @Option(names = "--backends", split = ",", paramLabel = "BACKEND", converter = Choices.BackendName.class,
            description = "Backends to run (default: all): scalar, simd, gpu, c. Unavailable ones are listed with the reason.")
    private List<String> backends = Suite.backendNames();

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
        Suite suite = new Suite(ctx.timing(quick), new Progress(ctx.err(), ctx.terminal()));
        SuiteResult result = suite.run(chosen, n, dtype, backends.stream().distinct().toList(),
                threads.stream().distinct().toList());
        Output.print(ctx, format, result);
        if (report != null) {
            Report.write(report, "Flynn bench (" + dtype.label() + ")", result);
            ctx.err().println("flynn: wrote " + report.resolve("index.html") + " and " + report.resolve("results.json"));
        }
        return 0;
    }
}
