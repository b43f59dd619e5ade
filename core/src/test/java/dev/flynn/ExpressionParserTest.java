package dev.flynn;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.flynn.DType.F32;
import static dev.flynn.DType.F64;
import static dev.flynn.DType.I32;
import static dev.flynn.DType.I64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExpressionParserTest {
    private static final List<String> XYZ = List.of("x", "y", "z");

    private static Kernel parse(String src, DType t) {
        return Kernel.parse(src, XYZ, List.of(t, t, t));
    }

    /** The parsed text builds exactly the traced kernel: same structure, types and literal values. */
    private static void assertParsesAs(String src, DType t, Kernel.Fn3 traced) {
        Kernel p = parse(src, t);
        Kernel k = Kernel.map(t, t, t, traced);
        assertEquals(k.toString(), p.toString(), src);
        assertEquals(k.shapeKey(), p.shapeKey(), src);
        assertArrayEquals(k.constants(), p.constants(), src + ": literal values");
    }

    /** The message names the problem, and its last two lines show the text and a caret under {@code at}. */
    private static void assertError(String src, List<String> names, List<DType> types, int at, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernel.parse(src, names, types));
        String msg = e.getMessage();
        assertTrue(msg.contains(problem), "'" + problem + "' missing from: " + msg);
        assertTrue(msg.contains("at position " + at), "position " + at + " missing from: " + msg);
        List<String> lines = msg.lines().toList();
        int text = lines.indexOf("  " + src);
        assertTrue(text >= 0, "the expression is not shown on its own line: " + msg);
        assertEquals("  " + " ".repeat(at) + "^", lines.get(text + 1), "caret under position " + at + " in:\n" + msg);
    }

    private static void assertError(String src, int at, String problem) {
        assertError(src, XYZ, List.of(F64, F64, F64), at, problem);
    }

    @Test
    void multiplicationBindsTighterThanAddition() {
        assertParsesAs("x + y * z", F64, (x, y, z) -> x.add(y.mul(z)));
        assertParsesAs("x * y + z", F64, (x, y, z) -> x.mul(y).add(z));
        assertParsesAs("(x + y) * z", F64, (x, y, z) -> x.add(y).mul(z));
        assertParsesAs("x - y - z", F64, (x, y, z) -> x.sub(y).sub(z));
        assertParsesAs("x / y / z", F64, (x, y, z) -> x.div(y).div(z));
        assertParsesAs("x % y * z", F64, (x, y, z) -> x.rem(y).mul(z));
    }

    @Test
    void unaryMinus() {
        assertParsesAs("-x + y", F64, (x, y, z) -> x.neg().add(y));
        assertParsesAs("x - -y", F64, (x, y, z) -> x.sub(y.neg()));
        assertParsesAs("x * -3 + z", F64, (x, y, z) -> x.mul(-3).add(z));
        assertParsesAs("-(x + y) * z", F64, (x, y, z) -> x.add(y).neg().mul(z));
    }

    @Test
    void powerIsRightAssociativeAndBindsTighterThanUnaryMinus() {
        assertParsesAs("-x ** 2 + z", F64, (x, y, z) -> Expr.pow(x, Expr.lit(2)).neg().add(z));
        assertParsesAs("x ** y ** z", F64, (x, y, z) -> Expr.pow(x, Expr.pow(y, z)));
        assertParsesAs("x * y ** 2", F64, (x, y, z) -> x.mul(Expr.pow(y, Expr.lit(2))));
        assertParsesAs("x ** -y + z", F64, (x, y, z) -> Expr.pow(x, y.neg()).add(z));
        assertParsesAs("x + -2 ** 2", F64, (x, y, z) -> x.add(Expr.pow(Expr.lit(2), Expr.lit(2)).neg()));
    }

    @Test
    void comparisonsLogicAndShifts() {
        assertParsesAs("where(x > 0, x, 0.1 * x)", F64, (x, y, z) -> Expr.select(x.gt(0), x, Expr.lit(0.1).mul(x)));
        assertParsesAs("where(x < y & y <= z | x != z, y, z)", F32,
                (x, y, z) -> Expr.select(x.lt(y).and(y.le(z)).or(x.ne(z)), y, z));
        assertParsesAs("select(!(x >= y), x, y)", F64, (x, y, z) -> Expr.select(x.ge(y).not(), x, y));
        assertParsesAs("x << 2 + y", I32, (x, y, z) -> x.shl(Expr.lit(2).add(y)));
        assertParsesAs("x >> y | z >>> 1 ^ x & 7", I64,
                (x, y, z) -> x.shr(y).or(z.ushr(1).xor(x.and(7))));
        assertParsesAs("~x + z", I32, (x, y, z) -> x.not().add(z));
    }

    @Test
    void functionsCastsAndConstants() {
        assertParsesAs("2*x + exp(y)", F32, (x, y, z) -> Expr.lit(2).mul(x).add(Expr.exp(y)));
        assertParsesAs("atan2(y, x) + hypot(x, z) + fma(x, y, z)", F64,
                (x, y, z) -> Expr.atan2(y, x).add(Expr.hypot(x, z)).add(Expr.fma(x, y, z)));
        assertParsesAs("min(x, y) - max(y, z) + abs(x) * sqrt(z)", F64,
                (x, y, z) -> x.min(y).sub(y.max(z)).add(x.abs().mul(Expr.sqrt(z))));
        assertParsesAs("i32(x) + 1", F64, (x, y, z) -> x.toI32().add(1));
        assertParsesAs("f32(x) * i64(y) + f64(z)", I32, (x, y, z) -> x.toF32().mul(y.toI64()).add(z.toF64()));
        assertParsesAs("x * pi + e - y", F64, (x, y, z) -> x.mul(Math.PI).add(Math.E).sub(y));
        assertParsesAs("x + inf + nan * y", F64,
                (x, y, z) -> x.add(Double.POSITIVE_INFINITY).add(Expr.lit(Double.NaN).mul(y)));
        assertParsesAs("x * 1e-3 + 2.5E2", F64, (x, y, z) -> x.mul(1e-3).add(250.0));
        assertParsesAs("x * 3000000000", I64, (x, y, z) -> x.mul(3_000_000_000L));
    }

    /** JLS 3.10.1: the magnitude 2^63 (2^31 for int) is a literal only as the operand of a unary minus. */
    @Test
    void integerLiteralsReachTheirMinimumOnlyWithAUnaryMinus() {
        assertParsesAs("x + (-9223372036854775808)", I64, (x, y, z) -> x.add(Expr.lit(Long.MIN_VALUE)));
        assertParsesAs("x + - 9223372036854775808", I64, (x, y, z) -> x.add(Expr.lit(Long.MIN_VALUE)));
        assertParsesAs("x * -9223372036854775808 + y", I64, (x, y, z) -> x.mul(Long.MIN_VALUE).add(y));
        assertParsesAs("x - 9223372036854775807", I64, (x, y, z) -> x.sub(Long.MAX_VALUE));
        assertParsesAs("x - -9223372036854775807", I64, (x, y, z) -> x.sub(-Long.MAX_VALUE));
        assertParsesAs("--9223372036854775808 + x", I64, (x, y, z) -> Expr.lit(Long.MIN_VALUE).neg().add(x));
        assertError("x + 9223372036854775808", List.of("x"), List.of(I64), 4, "integer literal 9223372036854775808 is too large");
        assertError("x + -(9223372036854775808)", List.of("x"), List.of(I64), 6, "is too large");
        assertError("x + -9223372036854775809", List.of("x"), List.of(I64), 5, "integer literal 9223372036854775809 is too large");
        assertError("x + 99999999999999999999", List.of("x"), List.of(I64), 4, "is too large");
        // with a power after it the literal is the operand of **, not of the minus: -(2^63 ** 2)
        assertError("-9223372036854775808 ** 2 + x", List.of("x"), List.of(I64), 1, "is too large");
        assertEquals(Long.MIN_VALUE, Kernel.parse("x + (-9223372036854775808)", List.of("x"), List.of(I64)).constants()[0]);
    }

    /** Weak literals (docs/SEMANTICS.md): an integer literal in the int range keeps an I32 partner I32, beyond it makes I64. */
    @Test
    void integerLiteralsAreI32WithinTheIntRangeAndI64Beyond() {
        List<String> x = List.of("x");
        List<DType> i32 = List.of(I32);
        record Case(String src, DType type, long value) {
        }
        for (Case c : List.of(new Case("x + -2147483648", I32, Integer.MIN_VALUE),
                new Case("x + 2147483647", I32, Integer.MAX_VALUE),
                new Case("x + 2147483648", I64, 1L << 31),
                new Case("x + -2147483649", I64, -(1L << 31) - 1),
                new Case("x + -9223372036854775808", I64, Long.MIN_VALUE),
                new Case("x + 9223372036854775807", I64, Long.MAX_VALUE))) {
            Kernel k = Kernel.parse(c.src(), x, i32);
            assertEquals(c.type(), k.resultType(), c.src());
            assertArrayEquals(new long[]{c.value()}, k.constants(), c.src());
        }
    }

    @Test
    void inputsAreInferredInOrderOfAppearance() {
        Kernel k = Kernel.parse("b * 2 + a", F32);
        assertEquals(List.of("b", "a"), k.inputNames());
        assertEquals(List.of(F32, F32), k.inputTypes());
        assertEquals(F32, k.resultType(), "the literal 2 takes the float type of its partner");
    }

    @Test
    void inputsOfMixedTypesPromote() {
        Kernel k = Kernel.parse("x * n + 1", List.of("x", "n"), List.of(F32, I64));
        assertEquals(F32, k.resultType(), "float * long is float, as in Java");
        assertEquals(I64, Kernel.parse("n + 1", List.of("n"), List.of(I64)).resultType());
        assertEquals(F64, Kernel.parse("n * 0.5", List.of("n"), List.of(I32)).resultType(), "int * 0.5 is double");
    }

    @Test
    void errorsPointAtTheProblem() {
        assertError("foo(x) + y", 0, "unknown function 'foo'");
        assertError("x + exp(y, z)", 4, "exp takes 1 argument, got 2");
        assertError("x + q", 4, "unknown input 'q'");
        assertError("(x + y", 6, "expected ')'");
        assertError("x + y)", 5, "unexpected ')'");
        assertError("exp(x", 5, "expected ')'");
        assertError("x + 1.2.3", 4, "malformed number");
        assertError("x * 12abc", 4, "malformed number");
        assertError("x < y < z", 6, "comparisons do not chain");
        assertError("x + exp", 4, "'exp' is a function");
        assertError("x * ", 4, "expected a value");
        assertError("x $ y", 2, "unexpected '$'");
        assertError("   ", 0, "empty expression");
    }

    @Test
    void typeErrorsPointAtTheOperator() {
        assertError("x + y & z", 6, "needs two integers or two masks");
        assertError("x << 2", 2, "needs integer operands");
        assertError("where(x, y, z)", 0, "select needs a mask");
        assertError("(x < y) + z", 8, "needs numbers, got a mask");
        assertError("~x", 0, "not needs an integer or a mask");
    }

    @Test
    void aMaskKernelIsForCountAnyAndAll() {
        Kernel k = parse("x < y", F64);
        assertEquals(DType.BOOL, k.resultType());
        assertEquals(DType.I64, k.reduce(Reduction.count()).resultType());
        assertThrows(IllegalArgumentException.class, () -> k.apply(new double[2], new double[2], new double[2]),
                "a mask has no array to store it in");
    }

    @Test
    void badInputNamesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Kernel.parse("x", List.of("exp"), List.of(F64)));
        assertThrows(IllegalArgumentException.class, () -> Kernel.parse("x", List.of("x", "x"), List.of(F64, F64)));
        assertThrows(IllegalArgumentException.class, () -> Kernel.parse("x", List.of("x"), List.of(F64, F64)));
        assertThrows(IllegalArgumentException.class, () -> Kernel.parse("2 + 3", F64));
        assertThrows(NullPointerException.class, () -> Kernel.parse(null, F64));
    }

    @Test
    void unusedDeclaredInputsKeepTheirPosition() {
        Kernel k = Kernel.parse("z * 2", XYZ, List.of(F64, F32, I32));
        assertEquals(3, k.arity());
        assertEquals(I32, k.resultType());
        assertTrue(Arrays.equals(new long[]{2}, k.constants()), Arrays.toString(k.constants()));
    }
}
