package dev.flynn.gpu.cuda;

import dev.flynn.BackendInfo;
import dev.flynn.Flynn;
import dev.flynn.gpu.GpuBackend;
import dev.flynn.gpu.ptx.PtxTarget;
import dev.flynn.spi.Availability;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without a driver the backend is unavailable with a reason and a fix, and nothing throws. */
class CudaProbeTest {

    @Test
    void noDriverLibraryIsUnavailableWithReasonAndFix(@org.junit.jupiter.api.io.TempDir Path empty) {
        Availability a = CudaProbe.probe(List.of(empty));
        assertFalse(a.available());
        assertTrue(a.reason().contains("libcuda.so.1"), a.reason());
        assertTrue(a.fix().contains("NVIDIA driver"), a.fix());
    }

    @Test
    void constructionAndProbeNeverThrow() {
        GpuBackend b = new GpuBackend();
        assertEquals("gpu", b.name());
        assertEquals(300, b.priority());
        Availability a = b.probe();
        assertTrue(a.available() || !a.fix().isEmpty(), a.toString());
    }

    @Test
    void runtimeListsTheBackend() {
        BackendInfo gpu = Flynn.backends().stream().filter(i -> i.name().equals("gpu")).findFirst().orElseThrow();
        assertEquals(300, gpu.priority());
    }

    @Test
    void targetFollowsDriverAndDevice() {
        assertEquals(".version 8.5\n.target sm_90\n.address_size 64\n", PtxTarget.of(12060, 9, 0).header());
        assertEquals(".version 7.8\n.target sm_75\n.address_size 64\n", PtxTarget.of(11080, 7, 5).header());
        assertEquals(".version 8.0\n.target sm_80\n.address_size 64\n", PtxTarget.of(12000, 8, 0).header());
    }
}
