package dev.flynn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Core alone has no backend: forcing one throws with the fix, AUTO says none is available, nothing is written. */
class NoBackendTest {
    private static final Kernel NEG = Kernel.map(DType.F64, x -> x.neg());

    @Test
    void noBackendIsFound() {
        assertTrue(Flynn.backends().isEmpty(), "core's tests see no backend: " + Flynn.backends());
        assertTrue(Flynn.provider("scalar").isEmpty());
    }

    @Test
    void aForcedBackendThatIsMissingThrowsWithTheFix() {
        for (Backend b : new Backend[]{Backend.SCALAR, Backend.SIMD, Backend.GPU, Backend.C}) {
            try (Flynn f = Flynn.builder().backend(b).threads(2).build()) {
                double[] out = {7, 7, 7};
                BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                        () -> f.into(NEG, out, new double[]{1, 2, 3}));
                assertTrue(e.getMessage().contains(b.id()), e.getMessage());
                assertTrue(e.getMessage().contains("dev.flynn:flynn-"), "names the dependency to add: " + e.getMessage());
                assertEquals(7.0, out[0] + out[1] + out[2] - 14, "nothing was written");
            }
        }
    }

    @Test
    void autoWithNoBackendThrows() {
        try (Flynn f = Flynn.builder().backend(Backend.AUTO).build()) {
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> f.reduceDouble(NEG.reduce(Reduction.sum()), new double[]{1}));
            assertTrue(e.getMessage().contains("no backend is available"), e.getMessage());
            assertTrue(e.getMessage().contains("flynn-scalar"), e.getMessage());
        }
    }

    @Test
    void backendNames() {
        assertEquals(Backend.SIMD, Backend.of(" Simd "));
        assertEquals("c", Backend.C.id());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backend.of("tpu"));
        assertTrue(e.getMessage().contains("tpu") && e.getMessage().contains("scalar"), e.getMessage());
    }
}
