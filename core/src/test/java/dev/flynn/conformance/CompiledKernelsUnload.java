package dev.flynn.conformance;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Expr;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.spi.BackendProvider;
import dev.flynn.spi.KernelCache;

import java.io.IOException;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds many kernels of distinct shapes on one backend, runs each once, keeps every
 * {@value #KEEP_EVERY}th and drops the rest, then collects garbage and checks that the backend let go
 * of the dropped ones' compiled code: its cache holds at most the kept kernels plus
 * {@link KernelCache#RECENT}; on the Java backends the dropped kernels' hidden classes unloaded; on
 * the C backend their shared libraries were closed. The kept kernels still run, without compiling
 * again. Run in a forked JVM (see {@link ConformanceSuite}); arguments: the backend's id and the
 * number of kernels. Exits with 0 when all holds.
 */
public final class CompiledKernelsUnload {
    private static final int KEEP_EVERY = 10;
    private static final float[] X = {1.5f, -2, 3, 0.25f, 7, -1, 2, 5, 9, 11};

    private CompiledKernelsUnload() {
    }

    public static void main(String[] args) throws Exception {
        Backend backend = Backend.of(args[0]);
        int count = Integer.parseInt(args[1]);
        BackendProvider provider = Flynn.provider(backend.id()).orElseThrow();
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        try (Flynn rt = Flynn.builder().backend(backend).threads(1).build()) {
            run(rt, 0);
            collect();
            int cachedBefore = provider.cachedKernels();
            long unloadedBefore = classes.getUnloadedClassCount();
            List<Kernel> kept = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                Kernel k = run(rt, i);
                if (i % KEEP_EVERY == 0) {
                    kept.add(k);
                }
            }
            collect();
            int cached = provider.cachedKernels();
            long unloaded = classes.getUnloadedClassCount() - unloadedBefore;
            int dropped = count - kept.size();
            System.out.println(backend.id() + ": " + count + " kernels built, " + kept.size() + " kept; cache "
                    + cachedBefore + " -> " + cached + " entries; " + unloaded + " classes unloaded; recent = "
                    + KernelCache.RECENT);
            if (cached > cachedBefore + kept.size() + KernelCache.RECENT) {
                fail("the cache holds " + cached + " compiled kernels after the dropped ones were collected;"
                        + " at most " + (cachedBefore + kept.size() + KernelCache.RECENT) + " expected");
            }
            if (cached < kept.size()) {
                fail("the cache holds " + cached + " compiled kernels, fewer than the " + kept.size() + " still in use");
            }
            if ((backend == Backend.SCALAR || backend == Backend.SIMD) && unloaded < dropped - KernelCache.RECENT) {
                fail("only " + unloaded + " classes unloaded; each of the " + dropped + " dropped kernels but the "
                        + KernelCache.RECENT + " recent ones has a hidden class that should have");
            }
            if (backend == Backend.C) {
                int libraries = librariesClosedAtMost(kept.size() + KernelCache.RECENT + 1);
                System.out.println(libraries + " kernel libraries still mapped");
            }
            for (int j = 0; j < kept.size(); j++) {
                check(rt, kept.get(j), (j + 1) * KEEP_EVERY);
            }
            if (provider.cachedKernels() != cached) {
                fail("running the kept kernels again compiled them again: the cache went from " + cached + " to "
                        + provider.cachedKernels());
            }
        }
    }

    /** Kernel {@code i}: {@code x}, then for each bit of {@code i} from the lowest, {@code + x} for a 1 and {@code * x} for a 0. */
    private static Kernel run(Flynn rt, int i) {
        Kernel k = Kernel.map(DType.F32, x -> {
            Expr e = x;
            for (int b = 0; (i >>> b) > 0; b++) {
                e = ((i >>> b) & 1) == 1 ? e.add(x) : e.mul(x);
            }
            return e;
        });
        check(rt, k, i);
        return k;
    }

    private static void check(Flynn rt, Kernel k, int i) {
        float[] out = new float[X.length];
        rt.into(k, out, X);
        for (int j = 0; j < X.length; j++) {
            float x = X[j];
            float want = x;
            for (int b = 0; (i >>> b) > 0; b++) {
                want = ((i >>> b) & 1) == 1 ? want + x : want * x;
            }
            if (Float.floatToIntBits(want) != Float.floatToIntBits(out[j])) {
                fail(k + " gave " + out[j] + " for x = " + x + ", not " + want);
            }
        }
    }

    /**
     * A full collection: {@code System.gc()} until an object only weakly reachable before it is gone, so
     * that every kernel dropped before the call has been found unreachable (HotSpot unloads classes in
     * the same full collection).
     */
    private static void collect() {
        for (int round = 0; round < 2; round++) {
            WeakReference<Object> sentinel = new WeakReference<>(new Object());
            do {
                System.gc();
            } while (!sentinel.refersTo(null));
        }
    }

    /**
     * The number of kernel libraries mapped into this process once it is at most {@code bound}. The
     * automatic arena of a dropped kernel closes its library on the JDK's cleaner thread after the
     * collection, so this waits for that thread (collecting again meanwhile); it fails only if the
     * libraries stay mapped for minutes.
     */
    private static int librariesClosedAtMost(int bound) throws IOException, InterruptedException {
        int libraries = mappedKernelLibraries();
        for (int tries = 0; libraries > bound && tries < 1200; tries++) {
            collect();
            Thread.sleep(100);
            libraries = mappedKernelLibraries();
        }
        if (libraries > bound) {
            fail(libraries + " kernel libraries are still mapped after the kernels were collected; at most " + bound
                    + " expected");
        }
        return libraries;
    }

    /** Distinct kernel libraries (the C backend's {@code k<hash>.so}) in /proc/self/maps. */
    private static int mappedKernelLibraries() throws IOException {
        return (int) Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .filter(p -> p.matches(".*/k[0-9A-Za-z_-]+\\.so"))
                .distinct().count();
    }

    private static void fail(String what) {
        System.out.println(what);
        System.exit(1);
    }
}
