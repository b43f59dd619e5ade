package dev.flynn;

import org.junit.jupiter.api.Test;

import static dev.flynn.DType.BOOL;
import static dev.flynn.DType.F32;
import static dev.flynn.DType.F64;
import static dev.flynn.DType.I32;
import static dev.flynn.DType.I64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Java's binary numeric promotion, Math's promotion of integers to double, and the weak-literal rule. */
class PromotionTest {

    @Test
    void binaryNumericPromotionAsInJava() {
        DType[] types = {F32, F64, I32, I64};
        // the type of a + b in Java, for a and b of types[i] and types[j]
        DType[][] java = {
                {F32, F64, F32, F32},
                {F64, F64, F64, F64},
                {F32, F64, I32, I64},
                {F32, F64, I64, I64},
        };
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(java[i][j], Kernel.map(types[i], types[j], Expr::add).resultType(), types[i] + " + " + types[j]);
                assertEquals(java[i][j], DType.promote(types[i], types[j]));
            }
        }
    }

    @Test
    void mathFunctionsTakeIntegersAsDouble() {
        assertEquals(F32, Kernel.map(F32, Expr::exp).resultType());
        assertEquals(F64, Kernel.map(F64, Expr::exp).resultType());
        assertEquals(F64, Kernel.map(I32, Expr::exp).resultType());
        assertEquals(F64, Kernel.map(I64, Expr::sqrt).resultType());
        assertEquals(F64, Kernel.map(I32, Expr::floor).resultType());
        assertEquals(F64, Kernel.map(I32, I32, Expr::atan2).resultType());
        assertEquals(F32, Kernel.map(F32, I32, (a, b) -> Expr.pow(a, b)).resultType(), "pow(float, int) is computed in float");
        assertEquals(F64, Kernel.map(I32, I32, I32, Expr::fma).resultType());
        assertEquals(F32, Kernel.map(F32, F32, F32, Expr::fma).resultType());
        assertEquals(F64, Kernel.map(F32, F32, F64, Expr::fma).resultType());
        assertEquals(I32, Kernel.map(I32, x -> x.abs()).resultType(), "abs stays integral");
    }

    @Test
    void shiftsKeepTheShiftedType() {
        assertEquals(I64, Kernel.map(I64, I32, Expr::shl).resultType());
        assertEquals(I32, Kernel.map(I32, I64, Expr::shr).resultType());
        assertEquals(I32, Kernel.map(I32, x -> x.ushr(3)).resultType());
    }

    @Test
    void aFloatingLiteralTakesItsFloatPartnersType() {
        Kernel k = Kernel.map(F32, x -> x.mul(0.1));
        assertEquals(F32, k.resultType(), "x * 0.1 with float x is float, as x * 0.1f in Java");
        assertArrayEquals(new long[]{Float.floatToRawIntBits(0.1f)}, k.constants());
        assertEquals(F32, Kernel.map(F32, x -> Expr.lit(0.5).sub(x)).resultType(), "on either side");
        assertEquals(F32, Kernel.map(F32, x -> x.add(1)).resultType(), "an integer literal too");
        assertEquals(F32, Kernel.map(F32, x -> x.mul(Expr.lit(0.1).add(0.2))).resultType(),
                "an expression of literals only is weak as well");
        assertEquals(F32, Kernel.map(F32, x -> Expr.select(x.gt(0), x, 0.5)).resultType());
    }

    @Test
    void literalsNextToIntegersFollowJava() {
        assertEquals(F64, Kernel.map(I32, x -> x.mul(0.5)).resultType(), "int * 0.5 is double");
        assertEquals(I32, Kernel.map(I32, x -> x.add(1)).resultType());
        assertEquals(I64, Kernel.map(I64, x -> x.add(1)).resultType());
        assertEquals(I64, Kernel.map(I32, x -> x.add(3_000_000_000L)).resultType(), "a literal beyond int is long");
        assertEquals(F64, Kernel.map(F64, x -> x.add(1)).resultType());
    }

    @Test
    void aTypedConstantIsNotWeak() {
        Kernel k = Kernel.map(F32, x -> x.mul(Expr.constant(F64, 0.1)));
        assertEquals(F64, k.resultType(), "constant(F64, ...) promotes like a double variable");
        assertEquals(I32, Kernel.map(I32, x -> x.add(Expr.constant(I32, 2))).resultType());
    }

    @Test
    void masks() {
        assertEquals(I32, Kernel.map(F64, x -> x.gt(0).toI32()).resultType());
        assertEquals(F32, Kernel.map(F64, x -> x.lt(1).and(x.gt(0)).to(F32)).resultType());
        assertEquals(BOOL, Kernel.map(F64, x -> x.gt(0)).resultType(), "a mask kernel, for count, any and all");
        assertThrows(IllegalArgumentException.class, () -> Kernel.map(F64, x -> x.gt(0).add(1)));
        assertThrows(IllegalArgumentException.class, () -> Kernel.map(F64, x -> x.to(BOOL)));
        assertThrows(IllegalArgumentException.class, () -> Kernel.map(F64, x -> x.gt(0).lt(x.gt(1)).toI32()),
                "masks are not ordered");
        assertThrows(IllegalArgumentException.class, () -> Kernel.map(BOOL, x -> x.toI32()), "inputs are numbers");
    }

    @Test
    void bitwiseOpsNeedIntegers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernel.map(F64, x -> x.and(1)));
        assertTrue(e.getMessage().contains("x"), "shows the expression: " + e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Kernel.map(F32, x -> x.shl(1)));
        assertThrows(IllegalArgumentException.class, () -> Kernel.map(F32, x -> x.not()));
        assertThrows(IllegalArgumentException.class, () -> Kernel.map(I32, F32, Expr::xor));
    }

    @Test
    void reductionsTypeTheirResult() {
        assertEquals(I64, Kernel.map(F32, x -> x).reduce(Reduction.argmax()).resultType());
        assertEquals(F64, Kernel.map(I32, x -> x).reduce(Reduction.mean()).resultType());
        assertEquals(I32, Kernel.map(I32, x -> x).reduce(Reduction.sum()).resultType(), "an int sum wraps as in Java");
        assertEquals(F32, Kernel.map(F32, x -> x).reduce(Reduction.norm2()).resultType());
        assertEquals(F64, Kernel.map(I32, x -> x).reduce(Reduction.norm1()).resultType());
        assertEquals(I64, Kernel.map(F32, x -> x.gt(0)).reduce(Reduction.count()).resultType());
        assertEquals(BOOL, Kernel.map(F32, x -> x.gt(0)).reduce(Reduction.any()).resultType());
        assertThrows(IllegalArgumentException.class, () -> Kernel.map(F32, x -> x).reduce(Reduction.count()));
        assertThrows(IllegalArgumentException.class, () -> Kernel.map(F32, x -> x.gt(0)).reduce(Reduction.sum()));
        assertThrows(IllegalArgumentException.class, () -> Kernel.map(F32, x -> x).reduce(Reduction.sum()).reduce(Reduction.sum()));
        assertThrows(IllegalArgumentException.class, () -> Reduction.variance(-1));
        assertThrows(IllegalArgumentException.class,
                () -> Kernel.map(F32, x -> x).reduce(Reduction.custom(0.0, (a, b) -> a.gt(b).toI32())));
    }
}
