package dev.flynn;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inputs given by name land in the kernel's own order, and a wrong or missing name says which. */
class InputsByNameTest {
    @Test
    void namesPickThePositionsWhateverTheOrderOfAppearance() {
        Kernel k = Kernel.parse("y - x", DType.F32);
        assertEquals(java.util.List.of("y", "x"), k.inputNames());
        float[] xs = {1};
        float[] ys = {5};
        Object[] in = k.inputsByName(Map.of("x", xs, "y", ys));
        assertEquals(2, in.length);
        assertSame(ys, in[0]);
        assertSame(xs, in[1]);
    }

    @Test
    void anUnknownOrMissingNameIsAClearError() {
        Kernel k = Kernel.parse("a*x + y", DType.F64);
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> k.inputsByName(Map.of("a", 2.0, "x", new double[1], "y", new double[1], "z", new double[1])));
        assertTrue(unknown.getMessage().contains("no input named 'z'"), unknown.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> k.inputsByName(Map.of("a", 2.0, "x", new double[1])));
        assertTrue(missing.getMessage().contains("needs input 'y'"), missing.getMessage());
    }
}
