package dev.flynn.ir;

import dev.flynn.DType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.flynn.DType.BOOL;
import static dev.flynn.DType.F32;
import static dev.flynn.DType.F64;
import static dev.flynn.DType.I32;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IR built by hand, as a deserializer or a buggy rewrite could: the verifier must reject every ill-typed form. */
class VerifierTest {
    private static final List<String> NAMES = List.of("x", "y");
    private static final Node.Input X64 = new Node.Input(0, F64);
    private static final Node.Input Y64 = new Node.Input(1, F64);

    private static KernelIR map(List<DType> inputs, Node body, int constants) {
        return new KernelIR(inputs, body, Optional.empty(), constants);
    }

    private static void rejected(KernelIR ir, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Verifier.verify(ir, NAMES));
        assertTrue(e.getMessage().contains("ill-typed kernel") && e.getMessage().contains(why), e.getMessage());
        assertTrue(e.getMessage().contains("kernel: "), "the message shows the kernel: " + e.getMessage());
    }

    @Test
    void wellTypedIrPasses() {
        Node body = new Node.Binary(BinaryOp.ADD, X64, new Node.Const(0, F64, Double.doubleToRawLongBits(2)), F64);
        assertDoesNotThrow(() -> Verifier.verify(map(List.of(F64), body, 1), NAMES));
        Node sel = new Node.Select(new Node.Compare(CompareOp.LT, X64, Y64), X64, Y64, F64);
        assertDoesNotThrow(() -> Verifier.verify(map(List.of(F64, F64), sel, 0), NAMES));
    }

    @Test
    void operandsOfAnotherTypeNeedAnExplicitCast() {
        Node.Input x32 = new Node.Input(0, F32);
        rejected(map(List.of(F32, F64), new Node.Binary(BinaryOp.ADD, x32, Y64, F64), 0), "operand x is F32, expected F64");
        Node cast = new Node.Cast(x32, F64);
        assertDoesNotThrow(() -> Verifier.verify(map(List.of(F32, F64), new Node.Binary(BinaryOp.ADD, cast, Y64, F64), 0), NAMES));
    }

    @Test
    void wrongResultTypes() {
        rejected(map(List.of(F64, F64), new Node.Binary(BinaryOp.ADD, X64, Y64, F32), 0), "result type F32 should be F64");
        rejected(map(List.of(F64), new Node.Unary(UnaryOp.EXP, X64, F32), 0), "result type");
        Node.Input i = new Node.Input(0, I32);
        rejected(map(List.of(I32), new Node.Unary(UnaryOp.SQRT, i, I32), 0), "expected F64");
        rejected(map(List.of(F64, F64), new Node.Ternary(TernaryOp.FMA, X64, Y64, X64, F32), 0), "result type");
    }

    @Test
    void inputsMustExistWithTheirDeclaredType() {
        rejected(map(List.of(F64), new Node.Unary(UnaryOp.NEG, new Node.Input(2, F64), F64), 0), "input 2 does not exist");
        rejected(map(List.of(F64), new Node.Unary(UnaryOp.NEG, new Node.Input(0, F32), F32), 0), "input 0 is F64, used as F32");
    }

    @Test
    void constantsMustHaveASlot() {
        Node c = new Node.Const(3, F64, 0);
        rejected(map(List.of(F64), new Node.Binary(BinaryOp.MUL, X64, c, F64), 1), "constant slot 3");
        Node unhoisted = Node.Const.of(F64, 2);
        rejected(map(List.of(F64), new Node.Binary(BinaryOp.MUL, X64, unhoisted, F64), 1), "constant slot -1");
    }

    @Test
    void masksAndNumbersDoNotMix() {
        Node lt = new Node.Compare(CompareOp.LT, X64, Y64);
        rejected(map(List.of(F64, F64), new Node.Compare(CompareOp.LT, lt, lt), 0), "does not order masks");
        rejected(map(List.of(F64, F64), new Node.Select(X64, X64, Y64, F64), 0), "select needs a mask");
        rejected(map(List.of(F64, F64), new Node.Cast(X64, BOOL), 0), "no cast from F64 to a mask");
        rejected(map(List.of(F64, F64), new Node.Binary(BinaryOp.ADD, lt, lt, BOOL), 0), "needs numbers, got a mask");
    }

    @Test
    void bitwiseOpsNeedIntegers() {
        rejected(map(List.of(F64), new Node.Unary(UnaryOp.NOT, X64, F64), 0), "not needs an integer or a mask");
        rejected(map(List.of(F64, F64), new Node.Binary(BinaryOp.SHL, X64, Y64, F64), 0), "needs integer operands");
        rejected(map(List.of(F64, F64), new Node.Binary(BinaryOp.XOR, X64, Y64, F64), 0), "two integers or two masks");
    }

    @Test
    void reductionsCheckTheirBodyAndCombine() {
        Node.Input x32 = new Node.Input(0, F32);
        rejected(new KernelIR(List.of(F32), x32, Optional.of(ReduceSpec.of(ReduceOp.MOMENTS)), 0), "MOMENTS needs an F64 body");
        Node lt = new Node.Compare(CompareOp.LT, X64, X64);
        rejected(new KernelIR(List.of(F64), lt, Optional.of(ReduceSpec.of(ReduceOp.SUM)), 0), "needs numeric values");
        Node badCombine = new Node.Cast(new Node.Binary(BinaryOp.ADD, X64, Y64, F64), F32);
        ReduceSpec custom = new ReduceSpec(ReduceOp.CUSTOM, false, Optional.of(badCombine), Optional.of(new Node.Const(0, F64, 0)));
        rejected(new KernelIR(List.of(F64), X64, Optional.of(custom), 1), "combine must return the body's type F64");
        ReduceSpec badIdentity = new ReduceSpec(ReduceOp.CUSTOM, false,
                Optional.of(new Node.Binary(BinaryOp.ADD, X64, Y64, F64)), Optional.of(new Node.Const(0, F32, 0)));
        rejected(new KernelIR(List.of(F64), X64, Optional.of(badIdentity), 1), "identity must have the body's type");
    }

    @Test
    void reduceSpecsAreConsistent() {
        assertThrows(IllegalArgumentException.class, () -> new ReduceSpec(ReduceOp.PROD, true, Optional.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> ReduceSpec.of(ReduceOp.CUSTOM));
    }
}
