package dev.flynn.gpu;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.NdView;
import dev.flynn.Reduction;
import dev.flynn.conformance.NdSuite;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * n-D maps and axis reductions on the GPU backend, the generated PTX run by the PTX emulator
 * (surefire execution {@code emulated-gpu}); every line is one launch, so the shapes are small.
 */
class EmulatedGpuNdTest extends NdSuite {
    @BeforeAll
    void requireEmulator() {
        TestDevice.requireEmulatorOrGpu();
    }

    @Override
    protected Backend backend() {
        return Backend.GPU;
    }

    @Override
    protected long[][] reductionShapes() {
        return new long[][] {{1, 1}, {1, 9}, {9, 1}, {3, 5}};
    }

    @Override
    protected long longLine() {
        return 2_000;
    }

    @Override
    protected long[] sizes() {
        return new long[] {1, 2, 7, 17};
    }

    /** Device-resident views: each row a device slice, a host row vector broadcast, results back on the host. */
    @Test
    void deviceViewsRunLineByLineOnTheDevice() {
        int rows = 5;
        int cols = 7;
        float[] m = new float[rows * cols];
        for (int i = 0; i < m.length; i++) {
            m[i] = i % 11 - 5;
        }
        float[] row = {1, 2, 3, 4, 5, 6, 7};
        Kernel scale = Kernel.parse("x * y", DType.F32);
        Kernel sum = Kernel.parse("x", DType.F32).reduce(Reduction.sum());
        try (Flynn auto = Flynn.builder().build(); GpuArray dm = GpuArray.upload(m); GpuArray dout = GpuArray.allocate(DType.F32, rows * cols)) {
            // the output's rows are device slices at an offset: the backend writes each at its place
            auto.into(scale, NdView.of(dout, rows, cols), NdView.of(dm, rows, cols), row);
            float[] got = new float[rows * cols];
            dout.download(got);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    assertEquals(m[i * cols + j] * row[j], got[i * cols + j]);
                }
            }
            float[] sums = (float[]) auto.reduceAxis(sum, 1, NdView.of(dm, rows, cols)).storage();
            for (int i = 0; i < rows; i++) {
                float s = 0;
                for (int j = 0; j < cols; j++) {
                    s += m[i * cols + j];
                }
                assertEquals(s, sums[i], "row " + i);
            }
            assertEquals("gpu", Flynn.lastBackend().orElseThrow());
            // columns of device memory would need a gather on the device
            assertThrows(IllegalArgumentException.class, () -> auto.reduceAxis(sum, 0, NdView.of(dm, rows, cols)));
            assertArrayEquals(new long[] {rows}, auto.reduceAxis(sum, 1, NdView.of(dm, rows, cols)).shape());
        }
    }
}
