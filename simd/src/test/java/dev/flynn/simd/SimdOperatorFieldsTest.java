package dev.flynn.simd;

import dev.flynn.DType;
import dev.flynn.ir.UnaryOp;
import jdk.incubator.vector.VectorOperators;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generated code loads an operator with {@code getstatic VectorOperators.<name> : <type>}, the name
 * and type taken from the operator object the lowering picked ({@link SimdEmitter#op}): a wrong
 * name or type would link-fail only when a kernel using that operator first runs. Here every field
 * of {@code VectorOperators} is checked against what the emitter would write for its operator.
 */
class SimdOperatorFieldsTest {
    @Test
    void everyOperatorFieldIsNamedAndTypedAsTheEmitterWritesIt() throws IllegalAccessException {
        int operators = 0;
        for (Field f : VectorOperators.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || !(f.get(null) instanceof VectorOperators.Operator op)) {
                continue;
            }
            operators++;
            assertEquals(f.getName(), op.name(), "the name of VectorOperators." + f.getName());
            assertEquals(f.getType(), SimdEmitter.fieldType(op), "the declared type of VectorOperators." + f.getName());
        }
        assertTrue(operators > 50, "found only " + operators + " operators");
    }

    @Test
    void theLoweringsOperatorsAreTheVectorApisOwn() {
        assertSame(VectorOperators.EXP, SimdLowering.operator(UnaryOp.EXP));
        assertSame(VectorOperators.NOT, SimdLowering.operator(UnaryOp.NOT));
        assertSame(VectorOperators.F2I, SimdLowering.conversion(DType.F32, DType.I32));
        assertSame(VectorOperators.L2D, SimdLowering.conversion(DType.I64, DType.F64));
        for (UnaryOp op : UnaryOp.values()) {
            if (SimdRoutines.unary(op, true).isEmpty()) {
                // fast mode hands every op without a routine to its operator: it must be the op's own
                assertEquals(op.name(), SimdLowering.operator(op).name(), op + "'s operator");
            }
        }
    }
}
