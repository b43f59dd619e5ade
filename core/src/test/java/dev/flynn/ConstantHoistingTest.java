package dev.flynn;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.flynn.DType.F32;
import static dev.flynn.DType.F64;
import static dev.flynn.DType.I32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Literals are kernel arguments: kernels that differ only in literal values share one compiled form. */
class ConstantHoistingTest {
    private static final List<String> XY = List.of("x", "y");

    private static Kernel parse(String src) {
        return Kernel.parse(src, XY, List.of(F64, F64));
    }

    private static long bits(double v) {
        return Double.doubleToRawLongBits(v);
    }

    @Test
    void literalValuesDoNotChangeTheShape() {
        Kernel two = parse("x*2+y");
        Kernel three = parse("x*3+y");
        assertEquals(two.shapeKey(), three.shapeKey());
        assertEquals(two.ir().shapeKey(), three.ir().shapeKey());
        assertArrayEquals(new long[]{bits(2)}, two.constants());
        assertArrayEquals(new long[]{bits(3)}, three.constants());
        assertEquals(parse("x*2+y*2").shapeKey(), parse("x*2+y*3").shapeKey(), "equal literals are not merged");
        assertEquals(parse("x*2.5+1").shapeKey(), parse("x*-7+1e300").shapeKey());
    }

    @Test
    void tracedAndParsedKernelsShareTheShape() {
        Kernel traced = Kernel.map(F64, F64, (x, y) -> x.mul(4).add(y));
        assertEquals(parse("x*2+y").shapeKey(), traced.shapeKey());
        assertArrayEquals(new long[]{bits(4)}, traced.constants());
    }

    @Test
    void structureAndTypesDoChangeTheShape() {
        assertNotEquals(parse("x*2+y").shapeKey(), parse("x+2*y").shapeKey());
        assertNotEquals(parse("x*2+y").shapeKey(), parse("x*2-y").shapeKey());
        assertNotEquals(parse("x*2+y").shapeKey(), Kernel.parse("x*2+y", XY, List.of(F32, F32)).shapeKey());
        assertNotEquals(parse("x*2+y").shapeKey(), Kernel.parse("x*2+y", XY, List.of(I32, I32)).shapeKey());
    }

    @Test
    void constantsAreNumberedInEvaluationOrder() {
        Kernel k = parse("(x + 1) * (y - 2) / 3");
        assertArrayEquals(new long[]{bits(1), bits(2), bits(3)}, k.constants());
        Kernel f = Kernel.parse("x * 0.1", List.of("x"), List.of(F32));
        assertArrayEquals(new long[]{Float.floatToRawIntBits(0.1f)}, f.constants(), "held in the kernel's type");
    }

    @Test
    void reductionsHoistToo() {
        Kernel a = Kernel.map(F64, x -> x.mul(2)).reduce(Reduction.sum());
        Kernel b = Kernel.map(F64, x -> x.mul(5)).reduce(Reduction.sum());
        assertEquals(a.shapeKey(), b.shapeKey());
        assertNotEquals(a.shapeKey(), Kernel.map(F64, x -> x.mul(2)).reduce(Reduction.max()).shapeKey());
        Kernel c1 = Kernel.map(F64, x -> x).reduce(Reduction.custom(0.0, (p, q) -> p.add(q).mul(1)));
        Kernel c2 = Kernel.map(F64, x -> x).reduce(Reduction.custom(1.0, (p, q) -> p.add(q).mul(2)));
        assertEquals(c1.shapeKey(), c2.shapeKey(), "identity and combine literals are arguments as well");
    }

    @Test
    void kernelsRebuiltFromTheirIrAreEqual() {
        Kernel k = parse("where(x > 1, x * 2, y - 0.5)");
        Kernel back = Kernel.fromIR(k.ir(), k.inputNames(), Optional.empty(), k.constants());
        assertEquals(k.shapeKey(), back.shapeKey());
        assertArrayEquals(k.constants(), back.constants());
        assertEquals(k.toString(), back.toString());
    }

    @Test
    void constantsAreCopiedOut() {
        Kernel k = parse("x*2+y");
        k.constants()[0] = 99;
        assertArrayEquals(new long[]{bits(2)}, k.constants());
    }
}
