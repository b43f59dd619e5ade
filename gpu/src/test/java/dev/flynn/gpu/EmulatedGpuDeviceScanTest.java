package dev.flynn.gpu;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.NdView;
import dev.flynn.Scan;
import dev.flynn.ScanKernel;
import dev.flynn.gpu.cuda.CudaContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Scans of device-resident arrays on the PTX emulator: device in and out, in place, exclusive (which
 * shifts, so it may not write over what it reads), and along the rows of a device matrix (each row a
 * device slice): the bits of the scalar backend on the same values.
 */
class EmulatedGpuDeviceScanTest {
    private static final int N = 5000;

    @BeforeAll
    static void requireEmulator() {
        TestDevice.requireEmulatorOrGpu();
    }

    @AfterEach
    void healthy() {
        CudaContext.resetForTests();
    }

    private static double[] values(long seed) {
        return new SplittableRandom(seed).doubles(N, -3, 3).toArray();
    }

    private static double[] onScalar(ScanKernel k, Object... inputs) {
        try (Flynn scalar = Flynn.builder().backend(Backend.SCALAR).threads(1).build()) {
            Object out = scalar.apply(k, inputs);
            return out instanceof NdView v ? (double[]) v.storage() : (double[]) out;
        }
    }

    @Test
    void deviceArraysInOutAndInPlaceGiveTheScalarBits() {
        double[] x = values(1);
        double[] y = values(2);
        for (Scan scan : new Scan[] {Scan.sum(), Scan.sum(true), Scan.max(true), Scan.prod()}) {
            ScanKernel k = Kernel.map(DType.F64, DType.F64, (a, b) -> a.mul(b)).scan(scan);
            double[] want = onScalar(k, x, y);
            try (Flynn gpu = Flynn.builder().backend(Backend.GPU).build();
                 GpuArray dx = GpuArray.upload(x); GpuArray dy = GpuArray.upload(y);
                 GpuArray out = GpuArray.allocate(DType.F64, N)) {
                gpu.into(k, out, dx, dy);
                double[] got = new double[N];
                out.download(got);
                assertArrayEquals(want, got, 0.0, scan + " into a device array");
                gpu.into(k, dx, dx, dy);
                dx.download(got);
                assertArrayEquals(want, got, 0.0, scan + " in place on the device");
            }
        }
    }

    @Test
    void alongTheRowsOfADeviceMatrix() {
        double[] m = values(3);
        ScanKernel k = Kernel.map(DType.F64, a -> a).scan(Scan.sum(true)).along(1);
        double[] want = onScalar(k, NdView.of(m, 4, 1250));
        try (Flynn gpu = Flynn.builder().backend(Backend.GPU).build();
             GpuArray dm = GpuArray.upload(m); GpuArray out = GpuArray.allocate(DType.F64, N)) {
            gpu.into(k, NdView.of(out, 4, 1250), NdView.of(dm, 4, 1250));
            double[] got = new double[N];
            out.download(got);
            assertArrayEquals(want, got, 0.0, "rows of a device matrix");
            // columns are strided on the device: gathered there, scanned, scattered back, as on the scalar backend
            ScanKernel columns = Kernel.map(DType.F64, a -> a).scan(Scan.sum()).along(0);
            gpu.into(columns, NdView.of(out, 4, 1250), NdView.of(dm, 4, 1250));
            out.download(got);
            assertArrayEquals(onScalar(columns, NdView.of(m, 4, 1250)), got, 0.0, "columns of a device matrix");
        }
    }
}
