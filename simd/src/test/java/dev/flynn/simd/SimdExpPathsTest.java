package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * F32 {@code exp} takes a shorter path for a vector whose lanes all lie within ±87 and the clamped one
 * otherwise: a lane's bits must not depend on which its neighbours chose, or results would change with
 * the vector width and the position of a value in its array.
 */
class SimdExpPathsTest {
    private static final int N = 4099;

    @Test
    void aLaneGivesTheSameBitsBesideNormalAndOutOfRangeNeighbours() {
        float[] x = inRange();
        for (float outside : new float[] {87.001f, -87.001f, 100f, -200f, Float.NaN, Float.POSITIVE_INFINITY}) {
            // every other element out of range: every vector of every width takes the clamped path
            float[] mixed = new float[2 * N];
            for (int i = 0; i < N; i++) {
                mixed[2 * i] = x[i];
                mixed[2 * i + 1] = outside;
            }
            try (Flynn simd = Flynn.builder().backend(Backend.SIMD).threads(1).build()) {
                Kernel exp = Kernel.parse("exp(x)", DType.F32);
                float[] alone = new float[N];
                float[] beside = new float[2 * N];
                for (int round = 0; round < 3; round++) {
                    simd.into(exp, alone, x);
                    simd.into(exp, beside, mixed);
                    for (int i = 0; i < N; i++) {
                        int a = Float.floatToRawIntBits(alone[i]);
                        int b = Float.floatToRawIntBits(beside[2 * i]);
                        int want = i;
                        assertEquals(a, b, () -> "exp(" + x[want] + ") alone " + alone[want] + ", beside " + outside
                                + " " + beside[2 * want]);
                    }
                }
            }
        }
    }

    /** Random values within ±87 and the neighbours of the path's limits and of k's steps at both ends. */
    private static float[] inRange() {
        float[] x = new float[N];
        SplittableRandom r = new SplittableRandom(17);
        float[] edges = {87f, -87f, Math.nextDown(87f), Math.nextUp(-87f), 86.6f, -86.6f, 0f, -0f, Float.MIN_VALUE,
                -Float.MIN_VALUE, 0x1p-25f, -0x1p-25f, 0.34657359f, -0.34657359f};
        System.arraycopy(edges, 0, x, 0, edges.length);
        for (int i = edges.length; i < N; i++) {
            x[i] = (float) (r.nextDouble(-87, 87));
        }
        return x;
    }
}
