package dev.flynn.cli;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.benchmarks.BenchKernel;
import dev.flynn.benchmarks.InputData;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs kernels over sizes and targets and measures each: time, throughput, speedup over the scalar
 * backend at one thread, and error against the reference. The scalar one-thread baseline is always
 * measured, and shown only when asked for.
 */
final class Suite {
    /** Same inputs for every run, so results can be compared across runs and machines. */
    private static final long SEED = 0x5EED_F1A7L;

    private final Timing timing;
    private final Progress progress;
    private final Map<Target, Flynn> runtimes = new LinkedHashMap<>();
    private final Set<String> notes = new LinkedHashSet<>();
    /**
     * How each kernel and backend pair was primed, and the classes of its compiled code: compiled code is
     * shared by every size and thread count.
     */
    private final Map<String, Primed> primed = new HashMap<>();
    /** The compiled generated classes before each kernel first ran on each backend: its own are the others. */
    private final Map<String, Set<String>> before = new HashMap<>();
    private JitWatch.Watching jit = new JitWatch.Watching(Optional.empty(), "not started");

    Suite(Timing timing, Progress progress) {
        this.timing = timing;
        this.progress = progress;
    }

    /** The valid backend names, in the order they are shown. */
    static List<String> backendNames() {
        return List.of("scalar", "simd", "gpu", "c");
    }

    /** Measures every kernel at every size on the plan's targets. */
    SuiteResult run(List<BenchKernel> kernels, List<Integer> sizes, DType dtype, Plan plan, int maxThreads) {
        notes.addAll(plan.notes());
        Machine machine = Machine.current();
        progress.begin("measuring the memory bandwidth");
        Bandwidth bandwidth = Bandwidth.measure(timing.streamLength(),
                Math.max(maxThreads, Runtime.getRuntime().availableProcessors()));
        if (timing.compileNanos() > 0) {
            jit = JitWatch.start();
            jit.watch().ifPresentOrElse(w -> { }, () -> notes.add("the JIT cannot be observed (" + jit.reason()
                    + "): kernels were warmed by a fixed number of calls; rows say 'unwatched'"));
        }
        List<Row> rows = new ArrayList<>();
        progress.start(kernels.size() * sizes.size() * plan.measured().size());
        try {
            for (BenchKernel k : kernels) {
                Kernel kernel = k.kernel(dtype);
                for (int n : sizes) {
                    int len = k.matrix().map(m -> MatrixCall.of(m, n).length()).orElse(n);
                    Object[] inputs = InputData.inputs(k, dtype, len, SEED);
                    Reference ref = plan.hasBaseline() ? reference(k, kernel, dtype, inputs) : Reference.NONE;
                    double baselineNanos = Double.NaN;
                    for (Target t : plan.measured()) {
                        progress.step(k.name() + " " + dtype.label() + " " + Sizes.format(n) + " " + t.label()
                                + " x" + t.threads());
                        Optional<Row> row = measure(k, kernel, dtype, n, inputs, t, ref, baselineNanos, bandwidth);
                        if (t.equals(Target.BASELINE)) {
                            baselineNanos = row.map(Row::medianNanos).orElse(Double.NaN);
                        }
                        if (row.isPresent() && plan.shown().contains(t)) {
                            rows.add(row.get());
                        }
                    }
                }
            }
        } finally {
            progress.finish();
            jit.watch().ifPresent(JitWatch::close);
            runtimes.values().forEach(Flynn::close);
            runtimes.clear();
        }
        return new SuiteResult(machine, bandwidth, rows, List.copyOf(notes));
    }

    /** Why a row's figures may mislead. */
    static List<Row.Flag> flags(double spread, Row.Warmup warmup, boolean codeChanged) {
        List<Row.Flag> flags = new ArrayList<>();
        if (spread > Row.Flag.SPREAD_LIMIT) {
            flags.add(Row.Flag.SPREAD);
        }
        if (warmup == Row.Warmup.UNSEEN || warmup == Row.Warmup.UNWATCHED) {
            flags.add(Row.Flag.NOT_COMPILED);
        }
        if (codeChanged) {
            flags.add(Row.Flag.RECOMPILED);
        }
        return flags;
    }

    /** What each target's result is compared with. */
    private record Reference(Optional<Object> output, Optional<Object> magnitude, Optional<BigDecimal> exact) {
        static final Reference NONE = new Reference(Optional.empty(), Optional.empty(), Optional.empty());
    }

    private Reference reference(BenchKernel k, Kernel kernel, DType dtype, Object[] inputs) {
        try {
            Flynn scalar = runtime(Target.BASELINE);
            noteFirstRun(k.name(), Target.BASELINE.backend());
            if (k.matrix().isPresent()) {
                // per row or column: compared with the scalar backend's own vector, element by element
                MatrixCall mc = MatrixCall.of(k.matrix().get(), java.lang.reflect.Array.getLength(inputs[0]));
                return new Reference(Optional.of(mc.reference(k, kernel, scalar, inputs)), Optional.empty(), Optional.empty());
            }
            if (k.isScan()) {
                // every backend scans in the same order: the scalar result is the one to match, bit for bit
                return new Reference(Optional.of(scalar.apply(k.scanKernel(dtype), inputs)), Optional.empty(),
                        Optional.empty());
            }
            if (k.reduction().isEmpty()) {
                Optional<Object> magnitude = Magnitude.of(kernel).map(m -> scalar.apply(m, inputs));
                return new Reference(Optional.of(scalar.apply(kernel, inputs)), magnitude, Optional.empty());
            }
            // the exact value of the reduction over the element-wise values as Java computes them
            Object terms = scalar.apply(k.body().apply(dtype), inputs);
            Optional<BigDecimal> exact = Accuracy.exact(k.reduction().get(), terms);
            if (exact.isEmpty()) {
                exact = Optional.of(new BigDecimal(scalar.reduceDouble(kernel, inputs)));
            }
            return new Reference(Optional.empty(), Optional.empty(), exact);
        } catch (RuntimeException e) {
            notes.add("scalar could not compute the reference for " + k.name() + ": " + e.getMessage());
            return Reference.NONE;
        }
    }

    private Optional<Row> measure(BenchKernel k, Kernel kernel, DType dtype, int n, Object[] inputs, Target t,
                                      Reference ref, double baselineNanos, Bandwidth bandwidth) {
        try {
            Flynn flynn = runtime(t);
            double[] value = {Double.NaN};
            MatrixCall mc = k.matrix().map(m -> MatrixCall.of(m, n)).orElse(null);
            Object out = mc != null ? mc.output(k, kernel)
                    : k.isReduction() ? null : java.lang.reflect.Array.newInstance(kernel.resultType().javaType(), n);
            dev.flynn.ScanKernel scan = k.isScan() ? k.scanKernel(dtype) : null;
            Runnable call = mc != null ? mc.call(k, kernel, flynn, out, inputs)
                    : k.isReduction()
                    ? () -> value[0] = flynn.reduceDouble(kernel, inputs)
                    : scan != null ? () -> flynn.into(scan, out, inputs) : () -> flynn.into(kernel, out, inputs);
            String pair = noteFirstRun(k.name(), t.backend());
            Primed p = primed.computeIfAbsent(pair, x -> prime(t.backend(), before.get(pair),
                    mc != null ? mc.primer(k, kernel, flynn, inputs) : primer(k, kernel, flynn, inputs, out, n)));
            if (p.warmup() == Row.Warmup.UNSEEN) {
                // not compiled while primed: perhaps the timed call gets it there
                Set<String> classes = jit.watch().get().warm(t.backend(), before.get(pair), call, timing.compileNanos());
                if (!classes.isEmpty()) {
                    p = new Primed(Row.Warmup.C2, classes);
                    primed.put(pair, p);
                }
            }
            Row.Warmup warmup = p.warmup();
            if (warmup == Row.Warmup.C2 && !jit.watch().get().settle(t.backend(), p.classes(), call, timing.compileNanos())) {
                // this size or thread count took another path through the code, and it was not compiled again in time
                warmup = Row.Warmup.UNSEEN;
            }
            if (warmup == Row.Warmup.UNSEEN) {
                notes.add(k.name() + " on " + t.label() + " x" + t.threads() + " at " + Sizes.format(n) + ": not seen C2-compiled"
                        + " within " + Progress.duration(timing.compileNanos()) + " of calls; its code: "
                        + jit.watch().get().describe(t.backend(), p.classes().isEmpty()
                        ? type -> !before.get(pair).contains(type) : p.classes()::contains));
            }
            Set<String> classes = p.classes();
            java.util.function.Supplier<Object> code = codeInUse(t.backend(), classes);
            Measurement m = Measurement.of(call, timing, code);
            if (m.codeChanged()) {
                // HotSpot recompiled while sampling: once more, once its code is at the top tier again
                if (!classes.isEmpty()) {
                    jit.watch().get().settle(t.backend(), classes, call, timing.compileNanos());
                }
                m = Measurement.of(call, timing, code);
            }
            long bytes = 0;
            for (DType in : kernel.inputTypes()) {
                bytes += (long) n * in.byteSize();
            }
            if (out != null) {
                bytes += (long) n * kernel.resultType().byteSize();
            }
            if (mc != null) {
                bytes = mc.bytes(kernel, inputs, out);
            }
            double gbps = bytes / m.medianNanos();
            double maxUlp = ref.output().map(r -> Accuracy.maxUlp(out, r)).orElse(Double.NaN);
            double termErr = ref.output().flatMap(r -> ref.magnitude().map(mag -> Accuracy.termError(out, r, mag)))
                    .orElse(Double.NaN);
            double relErr = k.isReduction() && mc == null
                    ? ref.exact().map(e -> Accuracy.relativeError(value[0], e)).orElse(Double.NaN)
                    : Double.NaN;
            double speedup = t.equals(Target.BASELINE) ? 1.0 : baselineNanos / m.medianNanos();
            return Optional.of(new Row(k.name(), dtype.label(), n, t.label(), t.threads(), m.medianNanos(), m.minNanos(),
                    m.maxNanos(), gbps, n / m.medianNanos(), speedup, gbps / bandwidth.bestGbps(), maxUlp, termErr,
                    relErr, warmup, flags((m.medianNanos() - m.minNanos()) / m.medianNanos(), warmup, m.codeChanged())));
        } catch (RuntimeException | LinkageError e) {
            notes.add(t.label() + " failed on " + k.name() + " " + dtype.label() + " n=" + Sizes.format(n) + ": " + e);
            return Optional.empty();
        }
    }

    /** Records the compiled classes before {@code kernel} first runs on {@code backend}; the pair's key. */
    private String noteFirstRun(String kernel, String backend) {
        String pair = kernel + "@" + backend;
        if (!before.containsKey(pair)) {
            before.put(pair, jit.watch().filter(w -> JitWatch.watches(backend)).map(w -> w.classes(backend)).orElse(Set.of()));
        }
        return pair;
    }

    /** What compiled code of the pair's classes is in use, where that can be seen. */
    private java.util.function.Supplier<Object> codeInUse(String backend, Set<String> classes) {
        if (classes.isEmpty() || jit.watch().isEmpty()) {
            return () -> null;
        }
        JitWatch w = jit.watch().get();
        return () -> w.inUse(backend, classes);
    }

    /**
     * How a pair was primed, and its classes.
     *
     * @param classes the generated classes seen compiled for the kernel; empty where none was seen
     */
    private record Primed(Row.Warmup warmup, Set<String> classes) {
    }

    /** Calls {@code primer} until the backend's code for it is compiled, where that can be seen. */
    private Primed prime(String backend, Set<String> known, Runnable primer) {
        if (!JitWatch.watches(backend)) {
            // C and GPU compile the whole kernel before the first call returns
            primer.run();
            return new Primed(Row.Warmup.AHEAD, Set.of());
        }
        if (jit.watch().isEmpty()) {
            Measurement.prime(primer, timing);
            return new Primed(Row.Warmup.UNWATCHED, Set.of());
        }
        Set<String> classes = jit.watch().get().warm(backend, known, primer, timing.compileNanos());
        return new Primed(classes.isEmpty() ? Row.Warmup.UNSEEN : Row.Warmup.C2, classes);
    }

    /**
     * The same call on copies of a short prefix of the arrays: quick even where the interpreter runs it,
     * and bound like the timed call (arrays, not slices), so that it runs the same code.
     */
    private static Runnable primer(BenchKernel k, Kernel kernel, Flynn flynn, Object[] inputs, Object out, int n) {
        int length = Math.min(n, Timing.PRIME_LENGTH);
        Object[] prefix = new Object[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            prefix[i] = prefix(inputs[i], length);
        }
        if (k.isReduction()) {
            return () -> flynn.reduceDouble(kernel, prefix);
        }
        Object outPrefix = prefix(out, length);
        if (k.isScan()) {
            dev.flynn.ScanKernel scan = k.scanKernel(kernel.resultType());
            return () -> flynn.into(scan, outPrefix, prefix);
        }
        return () -> flynn.into(kernel, outPrefix, prefix);
    }

    private static Object prefix(Object array, int length) {
        Object copy = java.lang.reflect.Array.newInstance(array.getClass().getComponentType(), length);
        System.arraycopy(array, 0, copy, 0, length);
        return copy;
    }

    private Flynn runtime(Target t) {
        return runtimes.computeIfAbsent(t, x -> Flynn.builder().backend(Backend.of(x.backend())).threads(x.threads())
                .build());
    }
}
