package dev.flynn.cli;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading HotSpot's code list, and deciding from it whether a kernel is compiled at the top tier. */
class JitWatchTest {
    private static final String V = "dev.flynn.simd.SimdKernel/0x00000000830c4c00";
    private static final String W = "dev.flynn.simd.SimdKernel/0x00000000830c5000";

    private static JitWatch.Nmethod nm(int id, int level, int state, String type) {
        return new JitWatch.Nmethod(id, level, state, type, "map");
    }

    @Test
    void parsesTheCodeList() {
        String listing = """
                1282 1 0 dev.flynn.spi.Call.data()[Ljava/lang/Object; [0x00007f7e13f23808, 0x00007f7e13f23900 - 0x00007f7e13f239c0]
                1409 4 0 dev.flynn.simd.SimdKernel/0x00000000830c4c00.map([Ljava/lang/Object;[JLjava/lang/Object;JJJ[J)V [0x1, 0x2 - 0x3]
                1331 2 1 dev.flynn.simd.SimdKernel/0x00000000830c4c00.map([Ljava/lang/Object;[JLjava/lang/Object;JJJ[J)V [0x1, 0x2 - 0x3]
                1500 3 0 dev.flynn.scalar.ScalarKernel/0x00000000830c6000.reduce([Ljava/lang/Object;[JJJ[JLdev/flynn/spi/Partial;)V [0x1, 0x2 - 0x3]
                """;
        assertEquals(List.of(new JitWatch.Nmethod(1409, 4, 0, V, "map"), new JitWatch.Nmethod(1331, 2, 1, V, "map")),
                JitWatch.parse(listing, "dev.flynn.simd.SimdKernel"));
        assertEquals(List.of(new JitWatch.Nmethod(1500, 3, 0, "dev.flynn.scalar.ScalarKernel/0x00000000830c6000", "reduce")),
                JitWatch.parse(listing, "dev.flynn.scalar.ScalarKernel"));
    }

    @Test
    void compiledWhenC2CodeIsInUseAndNoLowerTierMayStillBeTheOrdinaryEntry() {
        assertFalse(JitWatch.compiledAtTop(List.of(), Set.of()), "nothing compiled yet");
        assertFalse(JitWatch.compiledAtTop(List.of(nm(1, 3, 0, V)), Set.of()), "C1 only");
        assertTrue(JitWatch.compiledAtTop(List.of(nm(1, 3, 1, V), nm(2, 4, 0, V)), Set.of()), "C2 replaced C1");
        // as seen for blackscholes: C1 ordinary code, then C2 code for the loop's OSR entry only
        assertFalse(JitWatch.compiledAtTop(List.of(nm(1653, 3, 0, V), nm(1680, 4, 0, V)), Set.of()), "C2 OSR beside C1");
        // then C2 ordinary code, which threw out C1's
        assertTrue(JitWatch.compiledAtTop(List.of(nm(1653, 3, 1, V), nm(1680, 4, 0, V), nm(1718, 4, 0, V)), Set.of()));
        // an older C1 OSR compilation stays in use beside C2's ordinary code, which threw out C1's ordinary code
        assertTrue(JitWatch.compiledAtTop(List.of(nm(1, 3, 0, V), nm(2, 3, 1, V), nm(3, 4, 0, V)), Set.of()));
        // C1 ordinary code newer than anything thrown out may be the entry: C2 beside it may be OSR only
        assertFalse(JitWatch.compiledAtTop(List.of(nm(1, 2, 1, V), nm(2, 3, 0, V), nm(3, 4, 0, V)), Set.of()));
        // recompiled at C1 after C2's code was thrown out (an uncommon trap): not settled
        assertFalse(JitWatch.compiledAtTop(List.of(nm(1, 4, 2, V), nm(2, 3, 0, V), nm(3, 4, 0, V)), Set.of()));
        assertFalse(JitWatch.compiledAtTop(List.of(nm(1, 4, 2, V)), Set.of()), "C2 code no longer in use");
        // another kernel's classes, compiled before this one first ran, do not count either way
        assertFalse(JitWatch.compiledAtTop(List.of(nm(1, 4, 0, V)), Set.of(V)), "only an earlier kernel's class");
        assertTrue(JitWatch.compiledAtTop(List.of(nm(1, 3, 0, V), nm(2, 4, 0, W)), Set.of(V)), "the new class is at C2");
        // a class run once per size (the reference's helpers) never gets there and does not hold the kernel's back
        assertEquals(Set.of(V), JitWatch.atTop(List.of(nm(1, 3, 1, V), nm(2, 4, 0, V), nm(3, 3, 0, W), nm(4, 4, 0, W)),
                Set.of()));
        assertEquals(Set.of(V, W), JitWatch.atTop(List.of(nm(2, 4, 0, V), nm(4, 4, 0, W)), Set.of()));
        assertEquals(Set.of(), JitWatch.atTop(List.of(nm(2, 4, 0, V), nm(4, 4, 0, W)), Set.of(V, W)));
    }

    @Test
    void withOsrKnownTheOrdinaryEntryDecides() {
        // ids 1 and 3 were compiled for OSR, 2 and 4 are ordinary entries; 9 is not known yet
        java.util.function.IntFunction<java.util.Optional<Boolean>> osr = id -> switch (id) {
            case 1, 3 -> java.util.Optional.of(true);
            case 2, 4 -> java.util.Optional.of(false);
            default -> java.util.Optional.empty();
        };
        assertEquals(Set.of(V), JitWatch.atTop(List.of(nm(1, 3, 0, V), nm(4, 4, 0, V)), Set.of(), osr),
                "C1 OSR code beside a C2 entry");
        assertEquals(Set.of(), JitWatch.atTop(List.of(nm(2, 3, 0, V), nm(3, 4, 0, V)), Set.of(), osr),
                "C2 OSR code beside a C1 entry");
        assertEquals(Set.of(), JitWatch.atTop(List.of(nm(3, 4, 0, V)), Set.of(), osr), "only OSR code: no entry");
        assertEquals(Set.of(), JitWatch.atTop(List.of(nm(4, 4, 0, V), nm(9, 3, 0, V)), Set.of(), osr), "9 unknown yet");
        assertEquals(Set.of(V), JitWatch.atTop(List.of(nm(4, 4, 0, V), nm(9, 3, 2, V)), Set.of(), osr),
                "code thrown out does not matter");
        assertEquals(Set.of(), JitWatch.atTop(List.of(nm(4, 4, 0, V)), Set.of(V), osr), "an earlier kernel's class");
    }

    @Test
    void seesANewSimdKernelCompiledByC2() {
        JitWatch w = JitWatch.start().watch().orElseThrow();
        Set<String> before = w.classes("simd");
        // a shape no other test compiles, so its class is new
        Kernel k = Kernel.parse("x*y - 3*x + y*y*y - x/7", DType.F32);
        float[] x = new float[4109];
        float[] y = new float[4109];
        float[] out = new float[4109];
        java.util.Arrays.fill(x, 1.5f);
        java.util.Arrays.fill(y, 0.5f);
        try (Flynn simd = Flynn.builder().backend(Backend.of("simd")).threads(1).build()) {
            assertFalse(JitWatch.compiledAtTop(w.snapshot("simd"), before), "not compiled before it ran");
            // a generous budget: C2 compiles a hot loop long before; the verdict does not depend on speed
            Set<String> mine = w.warm("simd", before, () -> simd.into(k, out, x, y), 300_000_000_000L);
            assertEquals(1, mine.size(), "the kernel's one class: " + mine);
            assertTrue(mine.iterator().next().startsWith("dev.flynn.simd.SimdKernel/"), mine.toString());
            assertTrue(w.snapshot("simd").stream().anyMatch(n -> mine.contains(n.type()) && n.level() == JitWatch.C2));
            assertFalse(w.inUse("simd", mine).isEmpty());
            assertTrue(w.settle("simd", mine, () -> simd.into(k, out, x, y), 300_000_000_000L));
            assertTrue(w.describe("simd", mine::contains).contains("map #"), w.describe("simd", mine::contains));
        }
        assertEquals(1.5f * 0.5f - 3 * 1.5f + 0.125f - 1.5f / 7, out[4108], 1e-6f);
    }
}
