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
            assertArrayEquals(new long[] {rows}, auto.reduceAxis(sum, 1, NdView.of(dm, rows, cols)).shape());
        }
    }

    /**
     * Columns of device matrices, transposed and strided device views, and whole reductions of them:
     * gathered on the device, each line bitwise the GPU's 1-D result for the same values sent as a host
     * array, for 4- and 8-byte elements; written strided views get exactly their elements.
     */
    @Test
    void stridedDeviceViewsAreGatheredOnTheDevice() {
        int rows = 7;
        int cols = 5;
        double[] m = new double[rows * cols];
        for (int i = 0; i < m.length; i++) {
            m[i] = (i * 37 % 23 - 11) / 3.0;
        }
        Kernel sum = Kernel.parse("x*x + 1", DType.F64).reduce(Reduction.sum());
        Kernel argmax = Kernel.parse("x", DType.F64).reduce(Reduction.argmax());
        try (Flynn gpu = Flynn.builder().backend(Backend.GPU).build(); GpuArray dm = GpuArray.upload(m)) {
            NdView v = NdView.of(dm, rows, cols);
            double[] colSums = (double[]) gpu.reduceAxis(sum, 0, v).storage();
            long[] colArgmax = (long[]) gpu.reduceAxis(argmax, 0, v).storage();
            for (int j = 0; j < cols; j++) {
                double[] col = new double[rows];
                for (int i = 0; i < rows; i++) {
                    col[i] = m[i * cols + j];
                }
                assertEquals(gpu.reduceDouble(sum, col), colSums[j], "column " + j);
                assertEquals(gpu.reduceLong(argmax, col), colArgmax[j], "argmax of column " + j);
            }
            // the transposed view's rows are the columns: the same results along axis 1
            assertArrayEquals(colSums, (double[]) gpu.reduceAxis(sum, 1, v.transpose()).storage());
            // a whole reduction of a transposed device view: its elements in the view's row-major order
            double[] t = new double[rows * cols];
            for (int j = 0; j < cols; j++) {
                for (int i = 0; i < rows; i++) {
                    t[j * rows + i] = m[i * cols + j];
                }
            }
            assertEquals(gpu.reduceDouble(sum, t), gpu.reduceDouble(sum, v.transpose()));
            // every other column of a 3-D view (offset, strides 2*cols*... ), reduced along its last axis
            NdView every = NdView.strided(dm, 1, new long[] {2, 3, 2}, new long[] {15, 5, 2});
            double[] got = (double[]) gpu.reduceAxis(sum, 2, every).storage();
            for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 3; b++) {
                    double[] line = {m[1 + a * 15 + b * 5], m[1 + a * 15 + b * 5 + 2]};
                    assertEquals(gpu.reduceDouble(sum, line), got[a * 3 + b], "line " + a + "," + b);
                }
            }
        }
        // 4-byte elements, a map written through a transposed device view: out^T = 2*x^T, nothing else touched
        int[] xi = new int[rows * cols];
        for (int i = 0; i < xi.length; i++) {
            xi[i] = i * 7 - 40;
        }
        int[] before = new int[cols * rows];
        java.util.Arrays.fill(before, -1);
        Kernel twice = Kernel.parse("2*x", DType.I32);
        try (Flynn gpu = Flynn.builder().backend(Backend.GPU).build(); GpuArray dx = GpuArray.upload(xi);
             GpuArray dout = GpuArray.upload(before)) {
            // out is cols x rows; its transpose is rows x cols with strides (1, rows)
            gpu.into(twice, NdView.of(dout, cols, rows).transpose(), NdView.of(dx, rows, cols));
            int[] back = new int[cols * rows];
            dout.download(back);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    assertEquals(2 * xi[i * cols + j], back[j * rows + i], "element " + i + "," + j);
                }
            }
            // a strided output covering every other element of a longer array leaves the rest alone
            try (GpuArray wide = GpuArray.upload(new int[2 * rows * cols])) {
                NdView odd = NdView.strided(wide, 1, new long[] {rows, cols}, new long[] {2L * cols, 2});
                gpu.into(twice, odd, NdView.of(dx, rows, cols));
                int[] w = new int[2 * rows * cols];
                wide.download(w);
                for (int k = 0; k < w.length; k++) {
                    int want = k % 2 == 1 ? 2 * xi[k / 2] : 0;
                    assertEquals(want, w[k], "element " + k + " of the wide array");
                }
            }
        }
    }
}
