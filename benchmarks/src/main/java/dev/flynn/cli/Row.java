package dev.flynn.cli;

import java.util.List;

/**
 * One measured line of {@code flynn bench} or {@code flynn eval}. Numbers that do not apply (the ulp
 * error of a reduction, a speedup without a baseline) are NaN.
 *
 * @param kernel      kernel name, or the expression of {@code flynn eval}
 * @param dtype       element type label ({@code f32}, {@code f64})
 * @param n           elements per input
 * @param backend     backend name; GPU rows say {@code gpu-copied} or {@code gpu-resident}
 * @param threads     threads given to the backend
 * @param medianNanos median time per call
 * @param minNanos    fastest time per call
 * @param maxNanos    slowest time per call
 * @param gbps        bytes read and written per call over the median time, in 10^9 bytes per second
 * @param gelems      elements per second over the median time, in 10^9
 * @param speedup     the scalar backend's median at one thread over this median
 * @param bwFraction  {@code gbps} over the machine's measured memory bandwidth
 * @param maxUlp      largest ulp distance from the scalar backend's output (maps)
 * @param termErr     largest distance from the scalar backend's output relative to the magnitude of
 *                    the expression's terms (maps that add or subtract; see {@link Magnitude})
 * @param relErr      relative error against the exact result (reductions)
 * @param warmup      what ended the warm-up: {@link Warmup}
 * @param flags       why the row's figures may mislead; empty when nothing was seen
 */
record Row(String kernel, String dtype, long n, String backend, int threads, double medianNanos, double minNanos,
           double maxNanos, double gbps, double gelems, double speedup, double bwFraction, double maxUlp,
           double termErr, double relErr, Warmup warmup, List<Flag> flags) {

    /** The JSON and CSV field names, in order. */
    static final List<String> FIELDS = List.of("kernel", "dtype", "n", "backend", "threads",
            "median_ns", "min_ns", "max_ns", "spread", "gbps", "gelems", "speedup", "bw_fraction", "max_ulp",
            "term_err", "rel_err", "warmup", "flags");

    Row {
        flags = List.copyOf(flags);
    }

    /**
     * How far the median sample is from the fastest, as a fraction of the median. The fastest sample
     * is what the code can do; a median far above it means the samples did not measure one thing
     * (code compiled or recompiled midway, or the machine busy for much of the time). The slowest
     * sample is not used: on a shared machine one preempted sample says nothing about the code.
     */
    double spread() {
        return (medianNanos - minNanos) / medianNanos;
    }

    /** The field values in the order of {@link #FIELDS}: strings, longs and doubles. */
    List<Object> values() {
        return List.of(kernel, dtype, n, backend, (long) threads, medianNanos, minNanos, maxNanos, spread(), gbps,
                gelems, speedup, bwFraction, maxUlp, termErr, relErr, warmup.label(),
                String.join(",", flags.stream().map(Flag::label).toList()));
    }

    /** What ended a kernel's warm-up on a backend. */
    enum Warmup {
        /** The JIT compiled the backend's generated kernel class with C2, as JFR reported. */
        C2("c2"),
        /** The backend compiles the kernel before its first call returns (C, GPU): no JIT to wait for. */
        AHEAD("ahead"),
        /** JFR reported no C2 compilation of the kernel within the warm-up budget. */
        UNSEEN("unseen"),
        /** No JFR in this JVM: warmed by a fixed number of calls, compilation not observed. */
        UNWATCHED("unwatched");

        private final String label;

        Warmup(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    /** Why a row's figures may mislead. */
    enum Flag {
        /** The median is more than {@link #SPREAD_LIMIT} above the fastest sample. */
        SPREAD("spread", "the median is more than 10% slower than the fastest sample: the samples did not measure"
                + " one steady thing (a busy machine, or code changing midway); compare with care"),
        /** The kernel's code was not seen C2-compiled before timing. */
        NOT_COMPILED("not-compiled", "the JIT was not seen to compile this kernel with C2 before timing: the time"
                + " may include interpreted or C1 code"),
        /** HotSpot compiled the kernel's class again while samples were taken. */
        RECOMPILED("recompiled", "the JIT compiled this kernel's code again while it was being timed: early and"
                + " late samples ran different code");

        /** The largest {@code (median - min) / median} of an unflagged row. */
        static final double SPREAD_LIMIT = 0.10;

        private final String label;
        private final String meaning;

        Flag(String label, String meaning) {
            this.label = label;
            this.meaning = meaning;
        }

        String label() {
            return label;
        }

        String meaning() {
            return meaning;
        }
    }
}
