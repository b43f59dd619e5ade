package dev.flynn.gpu;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.DeviceArray;
import dev.flynn.Flynn;
import dev.flynn.Handles;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import dev.flynn.gpu.cuda.CudaContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Typed handles over device-resident arrays run on the GPU backend (here on the PTX emulator) and
 * give what the generic calls on the same arrays give. Runs in the {@code emulated-gpu} execution.
 */
public class EmulatedGpuHandleTest {
    private static final int N = 10_007;

    /** A reduction over device arrays, in the user's own words. */
    public interface DeviceSum {
        double sum(DeviceArray x);
    }

    @BeforeAll
    static void requireEmulator() {
        TestDevice.requireEmulatorOrGpu();
    }

    @AfterEach
    void healthy() {
        CudaContext.resetForTests();
    }

    @Test
    void mapsAndReductionsOnDeviceArraysAgreeWithTheGenericCalls() {
        Random r = new Random(3);
        float[] x = new float[N];
        float[] y = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = (float) r.nextGaussian();
            y[i] = (float) r.nextGaussian();
        }
        double[] d = new double[N];
        for (int i = 0; i < N; i++) {
            d[i] = i % 17 - 8;
        }
        Kernel saxpy = Kernel.parse("2.5*x + y", DType.F32);
        Kernel sum = Kernel.parse("x", DType.F64).reduce(Reduction.sum());
        try (Flynn auto = Flynn.builder().build(); GpuArray dx = GpuArray.upload(x); GpuArray dy = GpuArray.upload(y);
             GpuArray want = GpuArray.allocate(DType.F32, N); GpuArray got = GpuArray.allocate(DType.F32, N);
             GpuArray dd = GpuArray.upload(d)) {
            Handles.DeviceMap2 h = auto.bind(saxpy, Handles.DeviceMap2.class);
            h.apply(got, dx, dy);
            auto.into(saxpy, want, dx, dy);
            float[] a = new float[N];
            float[] b = new float[N];
            want.download(a);
            got.download(b);
            assertArrayEquals(a, b);
            DeviceSum s = auto.bind(sum, DeviceSum.class);
            // integers summed in double: exact, so the value is known independently
            double exact = 0;
            for (double v : d) {
                exact += v;
            }
            assertEquals(exact, s.sum(dd));
            assertEquals(auto.reduceDouble(sum, dd), s.sum(dd));
            // a device array of the wrong element type is caught per call, before the launch
            assertThrows(IllegalArgumentException.class, () -> s.sum(dx));
        }
    }

    @Test
    void aHostOnlyRuntimeCannotBindDeviceOperands() {
        try (Flynn scalar = Flynn.builder().backend(Backend.SCALAR).build()) {
            assertThrows(IllegalArgumentException.class,
                    () -> scalar.bind(Kernel.parse("2.5*x + y", DType.F32), Handles.DeviceMap2.class));
        }
    }
}
