package dev.flynn.cli;

/**
 * How long each measurement warms up and samples. A sample times a batch of calls long enough that the
 * clock's resolution does not matter; warm-up ends when three samples in a row agree within
 * {@link #STABLE} after at least a third of its budget, or when the budget is spent. Before the first
 * measurement of a kernel on a backend, it is primed with calls on a short prefix of the data until the
 * JIT reports the kernel's generated class C2-compiled ({@link JitWatch}): JIT thresholds count calls and
 * loop iterations, and a few slow interpreted calls on large arrays would otherwise look "stable".
 *
 * @param warmupNanos  most time spent warming up (JIT compilation, caches, page faults)
 * @param measureNanos time spent collecting samples once at least {@code minSamples} exist
 * @param minSamples   samples taken whatever the budget
 * @param maxSamples   samples after which sampling stops early
 * @param sampleNanos  the least duration of one sample
 * @param primeCalls   calls on a short prefix before a kernel's first measurement on a backend
 * @param primeNanos   most time spent on those calls where compilation cannot be observed
 * @param compileNanos most time spent calling a kernel until the JIT reports its code C2-compiled; 0:
 *                     do not watch the JIT
 * @param streamLength elements per array of the STREAM-like bandwidth measurement
 */
record Timing(long warmupNanos, long measureNanos, int minSamples, int maxSamples, long sampleNanos,
              int primeCalls, long primeNanos, long compileNanos, int streamLength) {
    /** Elements of the prefix used to prime a kernel: several vectors and a partial one, as a tail. */
    static final int PRIME_LENGTH = 4096 + 13;

    /** Relative spread under which three consecutive warm-up samples count as stable. */
    static final double STABLE = 0.05;

    private static final long MS = 1_000_000L;

    /** Arrays four times a 32 MiB L3 cache, as STREAM asks, so that they stream from memory. */
    private static final int STREAM_LENGTH = 16 << 20;

    static final Timing DEFAULT = new Timing(300 * MS, 400 * MS, 5, 200, 2 * MS, 3000, 1000 * MS, 30_000 * MS,
            STREAM_LENGTH);
    static final Timing QUICK = new Timing(120 * MS, 120 * MS, 5, 100, 2 * MS, 3000, 500 * MS, 15_000 * MS,
            STREAM_LENGTH);

    /** One call per measurement and tiny bandwidth arrays: for tests of the command's plumbing. */
    static final Timing ONCE = new Timing(0, 0, 1, 1, 0, 0, 0, 0, 1 << 10);

    Timing {
        if (minSamples < 1 || maxSamples < minSamples) {
            throw new IllegalArgumentException("need 1 <= minSamples <= maxSamples, got " + minSamples + ", " + maxSamples);
        }
    }
}
