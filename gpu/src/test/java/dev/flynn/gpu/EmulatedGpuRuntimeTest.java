package dev.flynn.gpu;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Expr;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import dev.flynn.gpu.cuda.CudaContext;
import dev.flynn.gpu.emulator.EmulatorDevice;
import dev.flynn.gpu.ptx.PtxGenerator;
import dev.flynn.spi.Binding;
import dev.flynn.spi.KernelCache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GPU backend's runtime on the PTX emulator: device-resident arrays chained with no transfer,
 * reductions on them, AUTO's choice, the error flag, out-of-memory and sticky errors, the module
 * cache and freeing. Everything here runs the real {@link GpuBackend} and {@link CudaContext}; only
 * the device underneath is emulated. Runs in the {@code emulated-gpu} surefire execution.
 */
class EmulatedGpuRuntimeTest {
    private static final int N = 100_003;

    @BeforeAll
    static void requireEmulator() {
        TestDevice.requireEmulatorOrGpu();
    }

    @AfterEach
    void healthy() {
        CudaContext.resetForTests();
    }

    private static float[] floats(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * 4);
        }
        return a;
    }

    @Test
    void chainedKernelsOnDeviceArraysMatchTheScalarBackend() {
        float[] x = floats(N, 1);
        float[] y = floats(N, 2);
        Kernel first = Kernel.map(DType.F32, DType.F32, (a, b) -> a.mul(2.5).add(dev.flynn.Expr.exp(b)));
        Kernel second = Kernel.map(DType.F32, a -> dev.flynn.Expr.sqrt(a).sub(1));
        float[] expected = new float[N];
        try (Flynn scalar = Flynn.builder().backend(Backend.SCALAR).threads(1).build()) {
            float[] t = new float[N];
            scalar.into(first, t, x, y);
            scalar.into(second, expected, t);
        }
        float[] got = new float[N];
        try (Flynn gpu = Flynn.builder().backend(Backend.GPU).build();
             GpuArray dx = GpuArray.upload(x); GpuArray dy = GpuArray.upload(y);
             GpuArray tmp = GpuArray.allocate(DType.F32, N); GpuArray out = GpuArray.allocate(DType.F32, N)) {
            gpu.into(first, tmp, dx, dy);
            gpu.into(second, out, tmp);
            assertEquals("gpu", Flynn.lastBackend().orElseThrow());
            out.download(got);
        }
        // exp is within 1 ulp on both sides, so compare the chain's inputs to sqrt exactly where exp is exact
        int differing = 0;
        for (int i = 0; i < N; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(got[i])) {
                differing++;
                assertTrue(Math.abs(expected[i] - got[i]) <= 4 * Math.ulp(expected[i]) || Float.isNaN(expected[i])
                        && Float.isNaN(got[i]), "element " + i + ": " + expected[i] + " vs " + got[i]);
            }
        }
        assertTrue(differing < N / 100, differing + " of " + N + " elements differ in the last bits");
    }

    @Test
    void reductionsOnDeviceArraysAreExactWhereTheAnswerIsExact() {
        long[] v = new long[N];
        double[] d = new double[N];
        Random r = new Random(3);
        for (int i = 0; i < N; i++) {
            v[i] = r.nextInt(2_000_001) - 1_000_000;
            d[i] = r.nextInt(2001) - 1000;
        }
        d[77_777] = 5000;
        long sum = 0;
        double dot = 0;
        for (int i = 0; i < N; i++) {
            sum += v[i];
            dot += d[i] * d[i];
        }
        try (Flynn gpu = Flynn.builder().backend(Backend.GPU).build();
             GpuArray dv = GpuArray.upload(v); GpuArray dd = GpuArray.upload(d)) {
            assertEquals(sum, gpu.reduceLong(Kernel.map(DType.I64, a -> a).reduce(Reduction.sum()), dv));
            // every partial sum of squares of integers below 2^53 is exact, in any order
            assertEquals(dot, gpu.reduceDouble(Kernel.dot(DType.F64), dd, dd));
            assertEquals(77_777L, gpu.reduceLong(Kernel.map(DType.F64, a -> a).reduce(Reduction.argmax()), dd));
            assertEquals("gpu", Flynn.lastBackend().orElseThrow());
        }
    }

    @Test
    void autoRunsDeviceArraysOnTheGpuAndSmallHostArraysOnTheCpu() {
        Kernel k = Kernel.map(DType.F32, a -> a.mul(a));
        float[] x = floats(1000, 4);
        float[] out = new float[1000];
        try (Flynn auto = Flynn.builder().backend(Backend.AUTO).build(); GpuArray dx = GpuArray.upload(x);
             GpuArray dout = GpuArray.allocate(DType.F32, 1000)) {
            auto.into(k, dout, dx);
            assertEquals("gpu", Flynn.lastBackend().orElseThrow());
            auto.into(k, out, x);
            assertNotEquals("gpu", Flynn.lastBackend().orElseThrow(), "1000 host elements are below the threshold");
            float[] back = new float[1000];
            dout.download(back);
            assertArrayEquals(out, back);
        }
    }

    /**
     * Host arrays go to the GPU under AUTO only from the size the user names: the emulated-gpu execution
     * names 2^20, the bundle's run names none (the default), so each run checks one side.
     */
    @Test
    void autoSendsHostArraysToTheGpuOnlyFromTheNamedSize() {
        Kernel k = Kernel.map(DType.F32, a -> a.add(1));
        int n = 1 << 20;
        float[] x = new float[n];
        float[] out = new float[n];
        x[n - 1] = 41;
        try (Flynn auto = Flynn.builder().backend(Backend.AUTO).build()) {
            auto.into(k, out, x);
            if (Long.getLong("flynn.gpu.minHostElements") == null) {
                assertNotEquals("gpu", Flynn.lastBackend().orElseThrow(), "no size named: host arrays stay on the CPU");
            } else {
                assertTrue(Long.getLong("flynn.gpu.minHostElements") <= n, "the execution names at most 2^20");
                assertEquals("gpu", Flynn.lastBackend().orElseThrow());
            }
        }
        assertEquals(42f, out[n - 1]);
    }

    @Test
    void integerDivisionByZeroOnTheDeviceThrowsAndWritesNothing() {
        int[] a = {7, 8, 9, 10};
        int[] b = {1, 2, 0, 5};
        Kernel div = Kernel.parse("x / y", DType.I32);
        try (Flynn gpu = Flynn.builder().backend(Backend.GPU).build(); GpuArray da = GpuArray.upload(a);
             GpuArray db = GpuArray.upload(b); GpuArray out = GpuArray.allocate(DType.I32, 4)) {
            out.copyFrom(new int[] {-1, -2, -3, -4});
            assertThrows(ArithmeticException.class, () -> gpu.into(div, out, da, db));
            int[] untouched = new int[4];
            out.download(untouched);
            assertArrayEquals(new int[] {-1, -2, -3, -4}, untouched, "a failed call writes nothing");
            db.copyFrom(new int[] {1, 2, 3, 5});
            gpu.into(div, out, da, db);
            int[] q = new int[4];
            out.download(q);
            assertArrayEquals(new int[] {7, 4, 3, 2}, q, "the error flag is cleared before the next launch");
        }
    }

    @Test
    void outOfMemoryIsRecoverableAndSaysHowMuch() {
        long huge = 1L << 36; // 64 Gi floats: 256 GiB, over the emulator's 4 GiB and any GPU's memory
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class,
                () -> GpuArray.allocate(DType.F32, huge));
        assertEquals(huge * 4, e.requested());
        assertTrue(e.free() > 0 && e.free() < huge * 4, "free " + e.free());
        assertTrue(e.getMessage().contains("CUDA_ERROR_OUT_OF_MEMORY"), e.getMessage());
        // the backend goes on
        try (Flynn gpu = Flynn.builder().backend(Backend.GPU).build(); GpuArray x = GpuArray.upload(new double[] {1, 2})) {
            assertEquals(3.0, gpu.reduceDouble(Kernel.map(DType.F64, a -> a).reduce(Reduction.sum()), x));
        }
    }

    /**
     * Tagged {@code device-fault}: on a GPU the fault spoils the process's context for good, so the
     * bundle's script runs it in a JVM of its own, and memory checkers report its planted fault.
     */
    @Test
    @Tag("device-fault")
    void aStickyErrorDisablesTheGpuAndTheCpuBackendsGoOn() {
        CudaContext ctx = CudaContext.get();
        Kernel k = Kernel.map(DType.F32, a -> a.add(1));
        CudaContext.Compiled compiled = ctx.module("sticky-test", () -> PtxGenerator.generate(k.ir(),
                List.of(Binding.ARRAY), ctx.device.target(), false));
        CudaContext.Allocation in = ctx.allocate(4L * 1024);
        try {
            // an output pointer to no allocation: the emulated kernel faults as a GPU would
            CudaFatalException e = assertThrows(CudaFatalException.class,
                    () -> ctx.launchMap(compiled, 1024, 0x10L, new long[] {in.address()}, new long[0]));
            assertTrue(e.getMessage().contains("CUDA_ERROR_ILLEGAL_ADDRESS"), e.getMessage());
        } finally {
            in.run();
        }
        assertFalse(new GpuBackend().probe().available());
        assertThrows(IllegalStateException.class, CudaContext::get);
        float[] x = new float[1 << 22];
        float[] out = new float[1 << 22];
        x[5] = 41;
        try (Flynn auto = Flynn.builder().backend(Backend.AUTO).build()) {
            auto.into(k, out, x);
            assertNotEquals("gpu", Flynn.lastBackend().orElseThrow());
        }
        assertEquals(42f, out[5]);
    }

    @Test
    void kernelsThatDifferOnlyInLiteralsShareOneModule() {
        float[] x = floats(300, 5);
        float[] out = new float[300];
        try (Flynn gpu = Flynn.builder().backend(Backend.GPU).build(); GpuArray dx = GpuArray.upload(x);
             GpuArray dout = GpuArray.allocate(DType.F32, 300)) {
            gpu.into(Kernel.map(DType.F32, a -> a.mul(2.5).add(7)), dout, dx);
            int modules = GpuBackend.cachedModules();
            gpu.into(Kernel.map(DType.F32, a -> a.mul(3.5).add(9)), dout, dx);
            assertEquals(modules, GpuBackend.cachedModules());
            dout.download(out);
            for (int i = 0; i < 300; i++) {
                assertEquals(x[i] * 3.5f + 9f, out[i]);
            }
        }
    }

    /**
     * Modules of kernels no one refers to are unloaded from the device once collected, beyond the
     * {@link KernelCache#RECENT} most recent; a kernel still referred to keeps its module and runs.
     */
    @Test
    void modulesOfDroppedKernelsAreUnloaded() {
        TestDevice.requireEmulator();
        EmulatorDevice dev = (EmulatorDevice) CudaContext.get().device;
        float[] x = floats(10, 6);
        float[] out = new float[10];
        try (Flynn gpu = Flynn.builder().backend(Backend.GPU).build()) {
            collect();
            int before = GpuBackend.cachedModules();
            assertEquals(before, dev.loadedModules(), "modules loaded before");
            Kernel kept = Kernel.map(DType.F32, a -> a.sub(a.mul(3)));
            gpu.into(kept, out, x);
            int count = KernelCache.RECENT + 100;
            for (int i = 1; i <= count; i++) {
                int bits = i;
                gpu.into(Kernel.map(DType.F32, a -> {
                    Expr e = a;
                    for (int b = 0; (bits >>> b) > 0; b++) {
                        e = ((bits >>> b) & 1) == 1 ? e.add(a) : e.mul(a);
                    }
                    return e;
                }), out, x);
            }
            assertTrue(dev.loadedModules() <= before + count + 1);
            collect();
            int modules = GpuBackend.cachedModules();
            assertTrue(modules <= before + 1 + KernelCache.RECENT, modules + " modules held after " + count
                    + " kernels were dropped; at most " + (before + 1 + KernelCache.RECENT) + " expected");
            assertEquals(modules, dev.loadedModules(), "every module the cache let go of is unloaded from the device");
            gpu.into(kept, out, x);
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i] - x[i] * 3, out[i], "the kept kernel still runs, element " + i);
            }
        }
    }

    /** {@code System.gc()} until an object that was only weakly reachable is gone: a full collection. */
    private static void collect() {
        java.lang.ref.WeakReference<Object> sentinel = new java.lang.ref.WeakReference<>(new Object());
        do {
            System.gc();
        } while (!sentinel.refersTo(null));
    }

    @Test
    void closingAnArrayFreesItsMemoryOnce() {
        TestDevice.requireEmulator();
        EmulatorDevice dev = (EmulatorDevice) CudaContext.get().device;
        long before = dev.used();
        GpuArray a = GpuArray.allocate(DType.F64, 1 << 20);
        assertEquals(before + (8L << 20), dev.used());
        a.close();
        a.close();
        assertEquals(before, dev.used());
        assertThrows(IllegalStateException.class, () -> a.download(new double[1 << 20]));
    }
}
