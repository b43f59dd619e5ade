package dev.flynn.ir;

import dev.flynn.DType;
import dev.flynn.Kernel;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the printer writes, the parser reads back as the same kernel. */
class PrinterRoundTripTest {
    private static final List<String> XYZ = List.of("x", "y", "z");

    private static void roundTrip(String src, DType t) {
        List<DType> types = List.of(t, t, t);
        Kernel first = Kernel.parse(src, XYZ, types);
        String printed = first.toString();
        Kernel again = Kernel.parse(printed, XYZ, types);
        assertEquals(printed, again.toString(), src);
        assertEquals(first.shapeKey(), again.shapeKey(), src + " printed as " + printed);
        assertArrayEquals(first.constants(), again.constants(), src + " printed as " + printed);
    }

    @Test
    void floatingExpressions() {
        for (DType t : new DType[]{DType.F32, DType.F64}) {
            for (String src : List.of("2*x + exp(y)", "where(x > 0, x, 0.1*x)", "-x ** 2", "x - -y", "(x + y) * (x - y)",
                    "x / (y / z)", "x - (y - z)", "-(x + y)", "x * -3", "pow(x, -2.5)", "fma(x, y, z)",
                    "atan2(y, x) + hypot(x, y)", "i32(x) + 1", "f32(x) * 2", "x * (0.1 + 0.2)",
                    "where(x > y & y >= 0 | x != x, 1.0, -1.0)", "min(x, y) + max(x, nan) + inf - x * -inf",
                    "x * pi + e", "floor(x) + ceil(y) + rint(z) + signum(x)", "x * 1e-300 + y * 4.9e-324 + 1e300",
                    "sinh(x) / cosh(y) - tanh(z) + log1p(x) * expm1(y) + cbrt(z) + log10(x)",
                    "where(!(x < y) == (y > z), x, y)", "x % y % z", "(x % y) * z", "x ** y ** z", "(x ** y) ** z")) {
                roundTrip(src, t);
            }
        }
    }

    @Test
    void integerExpressions() {
        for (DType t : new DType[]{DType.I32, DType.I64}) {
            for (String src : List.of("x << 2 | y >> 1 ^ z >>> 3", "~x & (y % 7)", "-x / 3 % y", "i64(x) * 3000000000",
                    "(x | y) & z", "x ^ (y | z)", "x << (y + 1)", "(x << y) + 1", "abs(x) - min(y, -2147483648)",
                    "where(x >= 0 & y < 0, x, -1)", "sqrt(x) + exp(y)", "f32(x) / 3", "x - (y + z)")) {
                roundTrip(src, t);
            }
        }
    }
}
