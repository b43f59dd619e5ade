package dev.flynn.cli;

import java.util.Arrays;

/**
 * Times per call of one measured operation.
 *
 * @param medianNanos the median over samples
 * @param minNanos    the fastest sample
 * @param maxNanos    the slowest sample
 * @param samples     how many samples were taken
 * @param codeChanged whether the code that ran changed while samples were taken (see {@link #of})
 */
record Measurement(double medianNanos, double minNanos, double maxNanos, int samples, boolean codeChanged) {

    /** Calls {@code call} up to {@code timing.primeCalls()} times within {@code timing.primeNanos()}. */
    static void prime(Runnable call, Timing timing) {
        long end = System.nanoTime() + timing.primeNanos();
        for (int i = 0; i < timing.primeCalls() && System.nanoTime() < end; i++) {
            call.run();
        }
    }

    /** Times {@code call}: warm up until stable, then sample; see {@link Timing}. */
    static Measurement of(Runnable call, Timing timing) {
        return of(call, timing, () -> null);
    }

    /**
     * Times {@code call} as {@link #of(Runnable, Timing)} does, and reads {@code code} (what compiled
     * code is in use) just before and just after sampling.
     */
    static Measurement of(Runnable call, Timing timing, java.util.function.Supplier<Object> code) {
        long start = System.nanoTime();
        call.run();
        double perCall = Math.max(1, System.nanoTime() - start);
        int batch = batch(perCall, timing);
        double[] recent = {Double.NaN, Double.NaN, Double.NaN};
        long warmupStart = System.nanoTime();
        long warmupEnd = warmupStart + timing.warmupNanos();
        long settled = warmupStart + timing.warmupNanos() / 3;
        for (int i = 0; System.nanoTime() < warmupEnd; i++) {
            perCall = sample(call, batch);
            recent[i % 3] = perCall;
            if (i >= 2 && spread(recent) <= Timing.STABLE && System.nanoTime() >= settled) {
                break;
            }
            batch = batch(perCall, timing);
        }
        Object codeBefore = code.get();
        double[] samples = new double[timing.maxSamples()];
        int count = 0;
        long measureEnd = System.nanoTime() + timing.measureNanos();
        while (count < timing.maxSamples() && (count < timing.minSamples() || System.nanoTime() < measureEnd)) {
            samples[count++] = sample(call, batch);
        }
        double[] taken = Arrays.copyOf(samples, count);
        Arrays.sort(taken);
        double median = count % 2 == 1 ? taken[count / 2] : (taken[count / 2 - 1] + taken[count / 2]) / 2;
        boolean changed = !java.util.Objects.equals(codeBefore, code.get());
        return new Measurement(median, taken[0], taken[count - 1], count, changed);
    }

    private static double sample(Runnable call, int batch) {
        long t0 = System.nanoTime();
        for (int i = 0; i < batch; i++) {
            call.run();
        }
        return (double) (System.nanoTime() - t0) / batch;
    }

    private static int batch(double perCall, Timing timing) {
        return Math.clamp((long) Math.ceil(timing.sampleNanos() / perCall), 1, 1_000_000);
    }

    private static double spread(double[] values) {
        double lo = Math.min(values[0], Math.min(values[1], values[2]));
        double hi = Math.max(values[0], Math.max(values[1], values[2]));
        return hi / lo - 1;
    }
}
