package dev.flynn.gpu.ptx;

import dev.flynn.DType;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.Node;
import dev.flynn.ir.ReduceOp;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.spi.Binding;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The PTX of a few kernels, kept readable and stable in src/test/resources/ptx. After an intended
 * change, regenerate with {@code mvn -pl gpu test -Dtest=PtxGoldenTest -Dflynn.golden.update=true}
 * and review the diff.
 */
class PtxGoldenTest {
    private static final PtxTarget TARGET = PtxTarget.of(12060, 8, 0);

    static KernelIR kernel(String name) {
        Node x = new Node.Input(0, DType.F32);
        Node y = new Node.Input(1, DType.F32);
        return switch (name) {
            // a*x + y with a hoisted constant
            case "saxpy" -> new KernelIR(List.of(DType.F32, DType.F32), new Node.Binary(BinaryOp.ADD,
                    new Node.Binary(BinaryOp.MUL, new Node.Const(0, DType.F32, Float.floatToRawIntBits(2f)), x, DType.F32),
                    y, DType.F32), Optional.empty(), 1);
            case "idiv" -> new KernelIR(List.of(DType.I32, DType.I32), new Node.Binary(BinaryOp.DIV,
                    new Node.Input(0, DType.I32), new Node.Input(1, DType.I32), DType.I32), Optional.empty(), 0);
            case "min" -> new KernelIR(List.of(DType.F32, DType.F32), new Node.Binary(BinaryOp.MIN, x, y, DType.F32),
                    Optional.empty(), 0);
            case "dot" -> new KernelIR(List.of(DType.F32, DType.F32), new Node.Binary(BinaryOp.MUL, x, y, DType.F32),
                    Optional.of(ReduceSpec.of(ReduceOp.SUM)), 0);
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"saxpy", "idiv", "min", "dot"})
    void ptxMatchesGolden(String name) throws IOException {
        String ptx = PtxGenerator.generate(kernel(name), List.of(Binding.ARRAY, Binding.ARRAY), TARGET, false).ptx();
        Path golden = Path.of("src", "test", "resources", "ptx", name + ".ptx");
        if (Boolean.getBoolean("flynn.golden.update")) {
            Files.writeString(golden, ptx);
        }
        assertFalse(ptx.contains("0f40000000"), "the literal 2.0 must be a parameter, not in the text");
        assertEquals(Files.readString(golden), ptx, "PTX of " + name + " changed; see the class comment to update");
    }
}
