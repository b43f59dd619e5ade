package dev.flynn.cli;

import dev.flynn.Backend;
import dev.flynn.BackendInfo;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Slice;
import dev.flynn.benchmarks.BenchKernel;
import dev.flynn.benchmarks.InputData;

import java.math.BigDecimal;
import java.util.ArrayList;
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

    /** The jar that provides each backend, for the message when one is missing. */
    private static final Map<String, String> JARS = Map.of(
            "scalar", "flynn-cpu-fallback", "simd", "flynn-simd", "gpu", "flynn-gpu", "c", "flynn-native");

    private final Timing timing;
    private final Progress progress;
    private final Map<Target, Flynn> runtimes = new LinkedHashMap<>();
    private final Set<String> notes = new LinkedHashSet<>();
    /** Kernel and backend pairs already primed: compiled code is shared by every size and thread count. */
    private final Set<String> primed = new java.util.HashSet<>();

    Suite(Timing timing, Progress progress) {
        this.timing = timing;
        this.progress = progress;
    }

    /** The valid backend names, in the order they are shown. */
    static List<String> backendNames() {
        return List.of("scalar", "simd", "gpu", "c");
    }

    /** What to do about a backend whose provider is not on the class path. */
    static String notFound(String backend) {
        return "put the " + JARS.getOrDefault(backend, "flynn-" + backend) + " jar on the class path";
    }

    SuiteResult run(List<BenchKernel> kernels, List<Integer> sizes, DType dtype, List<String> backends,
                    List<Integer> threads) {
        Machine machine = Machine.current();
        int maxThreads = threads.stream().mapToInt(Integer::intValue).max().orElse(1);
        Bandwidth bandwidth = Bandwidth.measure(timing.streamLength(),
                Math.max(maxThreads, Runtime.getRuntime().availableProcessors()));
        List<Target> shown = targets(backends, threads);
        boolean haveBaseline = available(Target.BASELINE.backend());
        List<Target> measured = new ArrayList<>();
        if (haveBaseline) {
            measured.add(Target.BASELINE);
        }
        shown.stream().filter(t -> !t.equals(Target.BASELINE)).forEach(measured::add);
        List<Row> rows = new ArrayList<>();
        progress.start(kernels.size() * sizes.size() * measured.size());
        try {
            for (BenchKernel k : kernels) {
                Kernel kernel = k.kernel(dtype);
                for (int n : sizes) {
                    Object[] inputs = InputData.inputs(k, dtype, n, SEED);
                    Reference ref = haveBaseline ? reference(k, kernel, dtype, inputs) : Reference.NONE;
                    double baselineNanos = Double.NaN;
                    for (Target t : measured) {
                        progress.step(k.name() + " " + dtype.label() + " " + Sizes.format(n) + " " + t.label()
                                + " x" + t.threads());
                        Optional<Row> row = measure(k, kernel, dtype, n, inputs, t, ref, baselineNanos, bandwidth);
                        if (t.equals(Target.BASELINE)) {
                            baselineNanos = row.map(Row::medianNanos).orElse(Double.NaN);
                        }
                        if (row.isPresent() && shown.contains(t)) {
                            rows.add(row.get());
                        }
                    }
                }
            }
        } finally {
            progress.finish();
            runtimes.values().forEach(Flynn::close);
            runtimes.clear();
        }
        return new SuiteResult(machine, bandwidth, rows, List.copyOf(notes));
    }

    /** The targets asked for, less the backends that cannot run here (each noted with its reason). */
    private List<Target> targets(List<String> backends, List<Integer> threads) {
        Map<String, BackendInfo> found = new LinkedHashMap<>();
        Flynn.backends().forEach(b -> found.put(b.name(), b));
        List<Target> out = new ArrayList<>();
        // one order whatever the command line's, so tables and charts of different runs line up
        List<String> ordered = backends.stream().distinct()
                .sorted(java.util.Comparator.comparingInt(backendNames()::indexOf)).toList();
        for (String b : ordered) {
            BackendInfo info = found.get(b);
            if (info == null) {
                notes.add(b + ": not found; " + notFound(b));
            } else if (!info.available()) {
                notes.add(b + ": unavailable: " + info.reason() + (info.fix().isEmpty() ? "" : "; fix: " + info.fix()));
            } else if (b.equals("gpu")) {
                // the device runs its own thread grid; host threads do not apply
                out.add(Target.of(b, 1));
            } else {
                threads.forEach(t -> out.add(Target.of(b, t)));
            }
        }
        return out;
    }

    private static boolean available(String backend) {
        return Flynn.backends().stream().anyMatch(b -> b.name().equals(backend) && b.available());
    }

    /** What each target's result is compared with. */
    private record Reference(Optional<Object> output, Optional<BigDecimal> exact) {
        static final Reference NONE = new Reference(Optional.empty(), Optional.empty());
    }

    private Reference reference(BenchKernel k, Kernel kernel, DType dtype, Object[] inputs) {
        try {
            Flynn scalar = runtime(Target.BASELINE);
            if (k.reduction().isEmpty()) {
                return new Reference(Optional.of(scalar.apply(kernel, inputs)), Optional.empty());
            }
            // the exact value of the reduction over the element-wise values as Java computes them
            Object terms = scalar.apply(k.body().apply(dtype), inputs);
            Optional<BigDecimal> exact = Accuracy.exact(k.reduction().get(), terms);
            if (exact.isEmpty()) {
                exact = Optional.of(new BigDecimal(scalar.reduceDouble(kernel, inputs)));
            }
            return new Reference(Optional.empty(), exact);
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
            Object out = k.isReduction() ? null : java.lang.reflect.Array.newInstance(kernel.resultType().javaType(), n);
            Runnable call = k.isReduction()
                    ? () -> value[0] = flynn.reduceDouble(kernel, inputs)
                    : () -> flynn.into(kernel, out, inputs);
            if (primed.add(k.name() + "@" + t.backend())) {
                Measurement.prime(primer(k, kernel, flynn, inputs, out, n), timing);
            }
            Measurement m = Measurement.of(call, timing);
            long bytes = 0;
            for (DType in : kernel.inputTypes()) {
                bytes += (long) n * in.byteSize();
            }
            if (out != null) {
                bytes += (long) n * kernel.resultType().byteSize();
            }
            double gbps = bytes / m.medianNanos();
            double maxUlp = ref.output().map(r -> Accuracy.maxUlp(out, r)).orElse(Double.NaN);
            double relErr = k.isReduction()
                    ? ref.exact().map(e -> Accuracy.relativeError(value[0], e)).orElse(Double.NaN)
                    : Double.NaN;
            double speedup = t.equals(Target.BASELINE) ? 1.0 : baselineNanos / m.medianNanos();
            return Optional.of(new Row(k.name(), dtype.label(), n, t.label(), t.threads(), m.medianNanos(),
                    m.minNanos(), gbps, n / m.medianNanos(), speedup, gbps / bandwidth.bestGbps(), maxUlp, relErr));
        } catch (RuntimeException | LinkageError e) {
            notes.add(t.label() + " failed on " + k.name() + " " + dtype.label() + " n=" + Sizes.format(n) + ": " + e);
            return Optional.empty();
        }
    }

    /** The same call on a short prefix of the same arrays: slices bind like arrays, so it runs the same code. */
    private static Runnable primer(BenchKernel k, Kernel kernel, Flynn flynn, Object[] inputs, Object out, int n) {
        int length = Math.min(n, Timing.PRIME_LENGTH);
        Object[] prefix = new Object[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            prefix[i] = new Slice(inputs[i], 0, length);
        }
        if (k.isReduction()) {
            return () -> flynn.reduceDouble(kernel, prefix);
        }
        Slice outPrefix = new Slice(out, 0, length);
        return () -> flynn.into(kernel, outPrefix, prefix);
    }

    private Flynn runtime(Target t) {
        return runtimes.computeIfAbsent(t, x -> Flynn.builder().backend(Backend.of(x.backend())).threads(x.threads())
                .build());
    }
}
