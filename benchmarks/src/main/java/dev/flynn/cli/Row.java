package dev.flynn.cli;

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
 * @param gbps        bytes read and written per call over the median time, in 10^9 bytes per second
 * @param gelems      elements per second over the median time, in 10^9
 * @param speedup     the scalar backend's median at one thread over this median
 * @param bwFraction  {@code gbps} over the machine's measured memory bandwidth
 * @param maxUlp      largest ulp distance from the scalar backend's output (maps)
 * @param relErr      relative error against the exact result (reductions)
 */
record Row(String kernel, String dtype, long n, String backend, int threads, double medianNanos, double minNanos,
           double gbps, double gelems, double speedup, double bwFraction, double maxUlp, double relErr) {

    /** The JSON and CSV field names, in order. */
    static final java.util.List<String> FIELDS = java.util.List.of("kernel", "dtype", "n", "backend", "threads",
            "median_ns", "min_ns", "gbps", "gelems", "speedup", "bw_fraction", "max_ulp", "rel_err");

    /** The field values in the order of {@link #FIELDS}: strings, longs and doubles. */
    java.util.List<Object> values() {
        return java.util.List.of(kernel, dtype, n, backend, (long) threads, medianNanos, minNanos, gbps, gelems,
                speedup, bwFraction, maxUlp, relErr);
    }
}
