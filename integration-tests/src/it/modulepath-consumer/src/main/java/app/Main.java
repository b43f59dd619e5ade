package app;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.FlynnVersion;
import dev.flynn.Kernel;

/** On the module path: runs 2*x + y on the SIMD backend and compares it with the same loop in plain Java. */
public final class Main {
    public static void main(String[] args) {
        Kernel saxpy = Kernel.map(DType.F32, DType.F32, (x, y) -> x.mul(2).add(y));
        int n = 1003;   // not a multiple of any vector width: the vector loop and its tail both run
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i * 0.25f - 100;
            y[i] = 1.0f / (i + 1);
        }
        float[] out;
        try (Flynn simd = Flynn.builder().backend(Backend.SIMD).build()) {
            out = simd.floats(saxpy, x, y);
        }
        String backend = Flynn.lastBackend().orElse("none");
        int wrong = 0;
        for (int i = 0; i < n; i++) {
            if (Float.floatToRawIntBits(out[i]) != Float.floatToRawIntBits(2 * x[i] + y[i])) {
                wrong++;
            }
        }
        String module = Kernel.class.getModule().isNamed() ? Kernel.class.getModule().getName() : "unnamed";
        System.out.println("flynn " + FlynnVersion.current().version() + " from module " + module);
        System.out.println("backend: " + backend);
        System.out.println("elements differing from the Java loop: " + wrong + " of " + n);
    }
}
