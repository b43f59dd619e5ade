package dev.flynn.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The machine's memory bandwidth, measured the way STREAM does: {@code c[i] = a[i]} (copy, 16 bytes per
 * element) and {@code a[i] = b[i] + s*c[i]} (triad, 24 bytes), on arrays much larger than the last-level
 * cache, split over {@code threads} threads, best of several repetitions.
 *
 * @param copyGbps  copy bandwidth in GB/s (10^9 bytes per second)
 * @param triadGbps triad bandwidth in GB/s
 * @param threads   threads used
 */
record Bandwidth(double copyGbps, double triadGbps, int threads) {
    private static final int REPETITIONS = 6;

    /** The larger of the two: what a streaming kernel can hope to reach. */
    double bestGbps() {
        return Math.max(copyGbps, triadGbps);
    }

    static Bandwidth measure(int length, int threads) {
        double[] a = new double[length];
        double[] b = new double[length];
        double[] c = new double[length];
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            // first touch in parallel too, so that pages are mapped before timing
            parallel(pool, threads, length, (from, to) -> {
                for (int i = from; i < to; i++) {
                    a[i] = 1.0;
                    b[i] = 2.0;
                    c[i] = 0.0;
                }
            });
            long copy = Long.MAX_VALUE;
            long triad = Long.MAX_VALUE;
            for (int r = 0; r < REPETITIONS; r++) {
                copy = Math.min(copy, parallel(pool, threads, length, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        c[i] = a[i];
                    }
                }));
                triad = Math.min(triad, parallel(pool, threads, length, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        a[i] = b[i] + 3.0 * c[i];
                    }
                }));
            }
            return new Bandwidth(16.0 * length / copy, 24.0 * length / triad, threads);
        }
    }

    private interface Range {
        void run(int from, int to);
    }

    /** Runs {@code body} over {@code threads} equal parts and returns the elapsed nanoseconds. */
    private static long parallel(ExecutorService pool, int threads, int length, Range body) {
        long t0 = System.nanoTime();
        List<Future<?>> parts = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            int from = (int) ((long) length * t / threads);
            int to = (int) ((long) length * (t + 1) / threads);
            parts.add(pool.submit(() -> body.run(from, to)));
        }
        try {
            for (Future<?> f : parts) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring memory bandwidth", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("measuring memory bandwidth failed", e.getCause());
        }
        return Math.max(1, System.nanoTime() - t0);
    }
}
