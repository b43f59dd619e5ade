package dev.flynn.cli;

import dev.flynn.BackendInfo;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.benchmarks.BenchKernel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run will measure, decided before anything is allocated or timed: the targets that can run
 * here (the others noted with the reason and the fix), and whether the largest size fits in the heap.
 *
 * @param shown    the targets asked for that can run, one series each
 * @param measured {@code shown} plus the scalar one-thread baseline where it can run
 * @param notes    backends that cannot run, with the reason and the fix
 */
record Plan(List<Target> shown, List<Target> measured, List<String> notes) {
    /** Room left for everything else (the JIT's data, the reference's BigDecimals, Chart.js). */
    private static final long SLACK = 64L << 20;

    Plan {
        shown = List.copyOf(shown);
        measured = List.copyOf(measured);
        notes = List.copyOf(notes);
    }

    /** Whether the run measures the scalar one-thread baseline that speedups and errors refer to. */
    boolean hasBaseline() {
        return measured.contains(Target.BASELINE);
    }

    /** What to do about a backend whose provider is not on the class path. */
    static String notFound(String backend) {
        return "put the flynn-" + backend + " jar on the class path";
    }

    /**
     * The targets of {@code backends} at {@code threads}.
     *
     * @throws CannotRun when none of the backends can run here, naming each one's reason
     */
    static Plan of(List<String> backends, List<Integer> threads) {
        Map<String, BackendInfo> found = new LinkedHashMap<>();
        Flynn.backends().forEach(b -> found.put(b.name(), b));
        List<Target> shown = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        // one order whatever the command line's, so tables and charts of different runs line up
        List<String> ordered = backends.stream().distinct()
                .sorted(Comparator.comparingInt(Suite.backendNames()::indexOf)).toList();
        for (String b : ordered) {
            BackendInfo info = found.get(b);
            if (info == null) {
                notes.add(b + ": not found; " + notFound(b));
            } else if (!info.available()) {
                notes.add(b + ": unavailable: " + info.reason() + (info.fix().isEmpty() ? "" : "; fix: " + info.fix()));
            } else if (b.equals("gpu")) {
                // the device runs its own thread grid; host threads do not apply
                shown.add(Target.of(b, 1));
            } else {
                threads.forEach(t -> shown.add(Target.of(b, t)));
            }
        }
        if (shown.isEmpty()) {
            throw new CannotRun("none of the requested backends (" + String.join(", ", ordered) + ") can run here: "
                    + String.join("; ", notes) + ". 'flynn info' lists the backends that can");
        }
        List<Target> measured = new ArrayList<>();
        BackendInfo scalar = found.get(Target.BASELINE.backend());
        if (scalar != null && scalar.available()) {
            measured.add(Target.BASELINE);
        }
        shown.stream().filter(t -> !t.equals(Target.BASELINE)).forEach(measured::add);
        return new Plan(shown, measured, notes);
    }

    /**
     * Checks that the largest kernel and size fit in this JVM's heap, before anything is allocated.
     *
     * @throws TooLarge naming the size, the heap needed and how to get it
     */
    static void checkHeap(List<BenchKernel> kernels, List<Integer> sizes, DType dtype, int streamLength) {
        long limit = Runtime.getRuntime().maxMemory();
        long used = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        long room = limit - used - SLACK;
        for (BenchKernel k : kernels) {
            for (int n : sizes) {
                long need = bytes(k, dtype, n);
                if (need > room) {
                    long gib = (need + used + SLACK + (1L << 30) - 1) >> 30;
                    throw new TooLarge(String.format(Locale.ROOT, "size %s (%d elements) of %s needs about %s of heap"
                                    + " for its inputs, output and reference, but this JVM can use at most %s; give it"
                                    + " more (FLYNN_JAVA_OPTS=-Xmx%dg) or use a smaller size", Sizes.format(n), n,
                            k.name(), gib(need), gib(limit), gib + 1));
                }
            }
        }
        long stream = 3L * streamLength * Double.BYTES;
        if (stream > room) {
            throw new TooLarge("measuring the memory bandwidth needs " + gib(stream) + " of heap but this JVM can use"
                    + " at most " + gib(limit) + "; give it more (FLYNN_JAVA_OPTS=-Xmx2g)");
        }
    }

    /** The arrays a run of one kernel and size holds at once. */
    static long bytes(BenchKernel k, DType dtype, long n) {
        Kernel body = k.body().apply(dtype);
        // one generated array of dtype per domain (a row kernel's inputs are more than its body's)
        long in = k.arity() * n * dtype.byteSize();
        long element = body.resultType().byteSize();
        // maps: the reference, the magnitude of its terms and the measured output; reductions: the
        // element-wise terms and their copy as doubles for the exact sum
        long out = k.isReduction() ? n * (element + Double.BYTES) : 3 * n * element;
        return in + out;
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    /** No requested backend can run on this machine. */
    static final class CannotRun extends RuntimeException {
        CannotRun(String message) {
            super(message);
        }
    }

    /** A size needs more heap than this JVM has. */
    static final class TooLarge extends RuntimeException {
        TooLarge(String message) {
            super(message);
        }
    }
}
