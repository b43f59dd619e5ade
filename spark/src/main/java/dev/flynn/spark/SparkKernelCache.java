package dev.flynn.spark;

import dev.flynn.Backend;
import dev.flynn.Flynn;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-JVM state of an executor: kernels decoded from their bytes once, so that each executor
 * compiles a kernel once however many tasks run it, and the Flynn runtime the tasks run on.
 *
 * <p>The runtime is configured from system properties of the executor JVM
 * ({@code spark.executor.extraJavaOptions}): {@code flynn.backend} (default {@code auto}) and
 * {@code flynn.spark.threads}, threads per task (default 1: Spark already runs one task per core,
 * and more threads per task would oversubscribe the cores).
 */
final class SparkKernelCache {
    // a bound on distinct kernels held; past it the cache starts over rather than grow without limit
    private static final int MAX_KERNELS = 1024;
    private static final ConcurrentHashMap<Key, SparkKernel> KERNELS = new ConcurrentHashMap<>();

    private SparkKernelCache() {
    }

    /** The bytes' hash and the bytes: equal kernels share one entry, and a hash collision is no match. */
    private record Key(int hash, byte[] bytes) {
        static Key of(byte[] bytes) {
            return new Key(Arrays.hashCode(bytes), bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private static final class Runtime {
        static final Flynn FLYNN = Flynn.builder()
                .backend(Backend.of(System.getProperty("flynn.backend", "auto")))
                .threads(Math.max(1, Integer.getInteger("flynn.spark.threads", 1)))
                .build();
    }

    /** The kernel these bytes describe, decoded and verified on first use in this JVM. */
    static SparkKernel get(byte[] bytes) {
        Key key = Key.of(bytes);
        SparkKernel k = KERNELS.get(key);
        if (k != null) {
            return k;
        }
        if (KERNELS.size() >= MAX_KERNELS) {
            KERNELS.clear();
        }
        return KERNELS.computeIfAbsent(key, kk -> new SparkKernel(SparkKernelCodec.decode(kk.bytes())));
    }

    /** Number of kernels held (tests check that tasks share them). */
    static int size() {
        return KERNELS.size();
    }

    /** The runtime tasks of this JVM run kernels on. */
    static Flynn flynn() {
        return Runtime.FLYNN;
    }
}
