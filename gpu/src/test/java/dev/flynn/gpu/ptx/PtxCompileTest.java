package dev.flynn.gpu.ptx;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every generated kernel (each op and element type as a map, each reduction, accurate and fast math)
 * compiles to cubin for sm_75, sm_80 and sm_90 with the PTX compiler JCuda links statically: what the
 * driver would JIT, checked without a GPU.
 */
class PtxCompileTest {
    private static final int[] SMS = {75, 80, 90};

    @Test
    void everyKernelCompilesForEveryTarget() {
        List<PtxKernels.Case> cases = PtxKernels.all();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        // JCuda 12.6 links the CUDA 12.0 PTX compiler, which reads PTX up to 8.0
        cases.parallelStream().forEach(c -> {
            for (int sm : SMS) {
                for (boolean fast : new boolean[] {false, true}) {
                    if (fast && !c.name().endsWith("f32")) {
                        continue;
                    }
                    PtxTarget target = PtxTarget.of(12000, sm / 10, sm % 10);
                    String ptx = PtxGenerator.generate(c.ir(), c.bindings(), target, fast).ptx();
                    try {
                        byte[] cubin = PtxOfflineCompiler.compile(ptx, target.gpuName());
                        if (cubin.length == 0) {
                            failures.add(c + " sm_" + sm + ": empty cubin");
                        }
                    } catch (AssertionError e) {
                        failures.add(c + " sm_" + sm + (fast ? " fast" : "") + ": " + e.getMessage());
                    }
                }
            }
        });
        assertTrue(failures.isEmpty(), failures.size() + " failed:\n" + String.join("\n", failures));
        assertTrue(cases.size() > 150, "expected every op and type, got " + cases.size() + " kernels");
    }

    @Test
    void everyScanModuleCompilesForEveryTarget() {
        int modules = 0;
        for (dev.flynn.ir.ScanOp op : dev.flynn.ir.ScanOp.values()) {
            for (dev.flynn.DType type : new dev.flynn.DType[] {dev.flynn.DType.F32, dev.flynn.DType.F64,
                    dev.flynn.DType.I32, dev.flynn.DType.I64}) {
                for (boolean exclusive : new boolean[] {false, true}) {
                    for (int sm : SMS) {
                        PtxTarget target = PtxTarget.of(12000, sm / 10, sm % 10);
                        String ptx = PtxScan.generate(op, type, exclusive, target).ptx();
                        assertTrue(PtxOfflineCompiler.compile(ptx, target.gpuName()).length > 0, op + " " + type);
                        modules++;
                    }
                }
            }
        }
        assertEquals(4 * 4 * 2 * SMS.length, modules);
    }

    @Test
    void everyStridedCopyModuleCompilesForEveryTarget() {
        for (dev.flynn.DType type : new dev.flynn.DType[] {dev.flynn.DType.F32, dev.flynn.DType.F64,
                dev.flynn.DType.I32, dev.flynn.DType.I64}) {
            for (int sm : SMS) {
                PtxTarget target = PtxTarget.of(12000, sm / 10, sm % 10);
                String ptx = PtxCopy.generate(type, target).ptx();
                assertTrue(PtxOfflineCompiler.compile(ptx, target.gpuName()).length > 0, "copy " + type + " sm_" + sm);
            }
        }
    }

    @Test
    void compilerIsTheOneJCudaShips() {
        assertTrue(PtxOfflineCompiler.version().startsWith("12."), PtxOfflineCompiler.version());
    }

    @Test
    void oldestSupportedDriverStillTargetsAllDevices() {
        // CUDA 11.8 (PTX 7.8) is the oldest driver that knows sm_90
        PtxKernels.Case c = PtxKernels.maps().getFirst();
        for (int sm : SMS) {
            PtxTarget t = PtxTarget.of(11080, sm / 10, sm % 10);
            PtxOfflineCompiler.compile(PtxGenerator.generate(c.ir(), c.bindings(), t, false).ptx(), t.gpuName());
        }
    }
}
