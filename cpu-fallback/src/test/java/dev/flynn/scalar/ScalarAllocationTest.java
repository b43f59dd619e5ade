package dev.flynn.scalar;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Core's call path and the scalar loops allocate nothing per call once warm. */
class ScalarAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void mapIntoCallerArrayAndReductionAllocateNothing() {
        try (Flynn flynn = Flynn.builder().backend(Backend.SCALAR).threads(1).build()) {
            Kernel saxpy = Kernel.parse("2*x + y", DType.F32);
            Kernel scaled = Kernel.parse("a*x + y", java.util.List.of("a", "x", "y"),
                    java.util.List.of(DType.F32, DType.F32, DType.F32));
            Kernel sum = Kernel.map(DType.F32, x -> x.mul(x)).reduce(Reduction.sum());
            float[] x = new float[65_536];
            float[] y = new float[65_536];
            float[] out = new float[65_536];
            java.util.Arrays.fill(x, 1.5f);
            Float a = 3f;
            double sink = 0;
            for (int i = 0; i < 2_000; i++) {
                flynn.into(saxpy, out, x, y);
                flynn.into(scaled, out, a, x, y);
                sink += flynn.reduceDouble(sum, x);
            }
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100; i++) {
                flynn.into(saxpy, out, x, y);
                flynn.into(scaled, out, a, x, y);
                sink += flynn.reduceDouble(sum, x);
            }
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            assertEquals(0, allocated, "bytes allocated by 300 warm calls");
            // every call summed 65536 squares of 1.5: the loops really ran
            assertEquals(2_100 * 65_536 * 2.25, sink);
        }
    }

    @Test
    void handlesAllocateNothing() {
        try (Flynn flynn = Flynn.builder().backend(Backend.SCALAR).threads(1).build()) {
            dev.flynn.Handles.FloatMap2 saxpy = flynn.bind(Kernel.parse("2*x + y", DType.F32), dev.flynn.Handles.FloatMap2.class);
            dev.flynn.Handles.FloatReduce2 dot = flynn.bind(Kernel.dot(DType.F32), dev.flynn.Handles.FloatReduce2.class);
            dev.flynn.Handles.FloatSliceReduce2 rows = flynn.bind(Kernel.dot(DType.F32),
                    dev.flynn.Handles.FloatSliceReduce2.class);
            float[] x = new float[768];
            float[] y = new float[768];
            float[] out = new float[768];
            java.util.Arrays.fill(x, 1.5f);
            java.util.Arrays.fill(y, 2f);
            double sink = 0;
            for (int i = 0; i < 2_000; i++) {
                saxpy.apply(out, x, y);
                sink += dot.apply(x, y) + rows.apply(x, 0, y, 384, 384);
            }
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100; i++) {
                saxpy.apply(out, x, y);
                sink += dot.apply(x, y) + rows.apply(x, 0, y, 384, 384);
            }
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            assertEquals(0, allocated, "bytes allocated by 300 warm handle calls");
            assertEquals(2_100 * (768 * 3.0 + 384 * 3.0), sink);
            assertEquals(5f, out[767]);
        }
    }
}
