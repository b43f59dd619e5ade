package dev.flynn.c;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.spi.Availability;
import dev.flynn.spi.Binding;
import dev.flynn.spi.CpuKernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Discovery, availability, the compiled-kernel caches and the compiler's messages. */
class CBackendTest {
    @TempDir
    Path cache;

    @Test
    void discoveredAsCWithPriorityBelowSimd() {
        var info = Flynn.backends().stream().filter(b -> b.name().equals("c")).findFirst().orElseThrow();
        assertEquals(CBackend.PRIORITY, info.priority());
        assertTrue(info.available(), info.reason() + " / " + info.fix());
        assertTrue(info.reason().contains("strict mode"), info.reason());
    }

    @Test
    void kernelsDifferingOnlyInLiteralsCompileOnce() {
        CBackend c = new CBackend(CConfig.fromSystemProperties().withCacheDir(cache));
        assertTrue(c.probe().available(), c.probe().toString());
        Kernel two = Kernel.map(DType.F64, DType.F64, (x, y) -> x.mul(2).add(y));
        Kernel three = Kernel.map(DType.F64, DType.F64, (x, y) -> x.mul(3).add(y));
        List<Binding> arrays = List.of(Binding.ARRAY, Binding.ARRAY);
        CpuKernel k2 = c.kernel(two.ir(), two.shapeKey(), arrays, Binding.ARRAY);
        CpuKernel k3 = c.kernel(three.ir(), three.shapeKey(), arrays, Binding.ARRAY);
        assertEquals(1, c.cachedKernels());
        assertEquals(1, c.compilations());
        double[] out = new double[2];
        Object[] data = {new double[]{1, 2}, new double[]{10, 20}};
        k2.map(data, new long[2], out, 0, 0, 2, two.constants());
        assertArrayEquals(new double[]{12, 24}, out);
        k3.map(data, new long[2], out, 0, 0, 2, three.constants());
        assertArrayEquals(new double[]{13, 26}, out);

        // a second process (here: a fresh backend) finds the library on disk
        CBackend again = new CBackend(CConfig.fromSystemProperties().withCacheDir(cache));
        assertTrue(again.probe().available());
        again.prepare(two.ir(), two.shapeKey(), arrays, Binding.ARRAY);
        assertEquals(0, again.compilations());
    }

    @Test
    void missingCompilerMakesTheBackendUnavailable() {
        String old = System.getProperty("flynn.c.compiler");
        System.setProperty("flynn.c.compiler", "/nonexistent");
        try {
            Availability a = new CBackend().probe();
            assertFalse(a.available());
            assertTrue(a.reason().contains("/nonexistent"), a.reason());
            assertTrue(a.fix().contains("flynn.c.compiler"), a.fix());
        } finally {
            if (old == null) {
                System.clearProperty("flynn.c.compiler");
            } else {
                System.setProperty("flynn.c.compiler", old);
            }
        }
    }

    @Test
    void compilerErrorsAreReportedWithTheCompilersMessage() {
        CConfig bad = new CConfig("cc", List.of("-O2", "-fno-such-option-flynn"), false, cache);
        Availability a = new CBackend(bad).probe();
        assertFalse(a.available());
        assertTrue(a.reason().contains("no-such-option-flynn"), a.reason());
        assertFalse(a.fix().isEmpty());
    }

    @Test
    void fastModeIsLabelled() {
        CBackend fast = new CBackend(CConfig.fromSystemProperties().withCacheDir(cache).withFast(true));
        Availability a = fast.probe();
        assertTrue(a.available(), a.toString());
        assertTrue(a.reason().contains("FAST mode (-ffast-math)"), a.reason());
        assertTrue(fast.config().flags().contains("-ffast-math"));
        Kernel k = Kernel.map(DType.F32, DType.F32, (x, y) -> x.mul(2).add(y));
        CpuKernel compiled = fast.kernel(k.ir(), k.shapeKey(), List.of(Binding.ARRAY, Binding.ARRAY),
                Binding.ARRAY);
        float[] out = new float[3];
        compiled.map(new Object[]{new float[]{1, 2, 3}, new float[]{1, 1, 1}}, new long[2], out, 0, 0, 3, k.constants());
        assertArrayEquals(new float[]{3, 5, 7}, out);
        assertFalse(CConfig.fromSystemProperties().flags().contains("-ffast-math"));
        assertTrue(CConfig.fromSystemProperties().flags().contains("-ffp-contract=off"));
    }
}
