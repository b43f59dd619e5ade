package dev.flynn.spi;

import dev.flynn.DType;
import dev.flynn.ir.Node;
import dev.flynn.ir.ReduceOp;
import dev.flynn.ir.ReduceSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ReduceLowering#lower} calls the one case of each reduction, with its type and, for CUSTOM,
 * its combine and identity; and docs/ARCHITECTURE.md's "Adding a reduction" names every case, so the
 * page stays true when a case is added.
 */
class ReduceLoweringTest {
    private static final Path ARCHITECTURE = Path.of("..", "docs", "ARCHITECTURE.md");

    /** Names the case it was called for, with its arguments. */
    private static final class Recorder implements ReduceLowering<String> {
        @Override
        public String sum(DType type) {
            return "sum " + type;
        }

        @Override
        public String compensatedSum(DType type) {
            return "compensatedSum " + type;
        }

        @Override
        public String prod(DType type) {
            return "prod " + type;
        }

        @Override
        public String min(DType type) {
            return "min " + type;
        }

        @Override
        public String max(DType type) {
            return "max " + type;
        }

        @Override
        public String argmin(DType type) {
            return "argmin " + type;
        }

        @Override
        public String argmax(DType type) {
            return "argmax " + type;
        }

        @Override
        public String moments(DType type) {
            return "moments " + type;
        }

        @Override
        public String custom(DType type, Node combine, Node.Const identity) {
            return "custom " + type + " " + combine + " " + identity;
        }
    }

    @Test
    void eachReductionReachesItsOwnCase() {
        Node.Const identity = Node.Const.of(DType.F64, 0.0).withSlot(0);
        Node combine = new Node.Binary(dev.flynn.ir.BinaryOp.ADD, new Node.Input(0, DType.F64),
                new Node.Input(1, DType.F64), DType.F64);
        for (DType t : List.of(DType.F32, DType.F64, DType.I32, DType.I64)) {
            for (ReduceOp op : ReduceOp.values()) {
                ReduceSpec spec = spec(op, false, combine, identity);
                String expected = switch (op) {
                    case SUM -> "sum " + t;
                    case PROD -> "prod " + t;
                    case MIN -> "min " + t;
                    case MAX -> "max " + t;
                    case ARGMIN -> "argmin " + t;
                    case ARGMAX -> "argmax " + t;
                    case MOMENTS -> "moments " + t;
                    case CUSTOM -> "custom " + t + " " + combine + " " + identity;
                };
                assertEquals(expected, ReduceLowering.lower(spec, t, new Recorder()), op + " of " + t);
            }
            ReduceSpec compensated = spec(ReduceOp.SUM, true, combine, identity);
            // an integer sum is exact: compensation has nothing to do there
            assertEquals((t.isFloating() ? "compensatedSum " : "sum ") + t,
                    ReduceLowering.lower(compensated, t, new Recorder()), "compensated sum of " + t);
        }
    }

    @Test
    void everyCaseIsReachedByOneReduction() {
        Set<String> reached = new HashSet<>();
        Node.Const identity = Node.Const.of(DType.F64, 0.0).withSlot(0);
        Node combine = new Node.Input(0, DType.F64);
        for (ReduceOp op : ReduceOp.values()) {
            for (boolean comp : new boolean[] {false, true}) {
                if (comp && op != ReduceOp.SUM) {
                    continue;
                }
                reached.add(ReduceLowering.lower(spec(op, comp, combine, identity), DType.F64, new Recorder()).split(" ")[0]);
            }
        }
        assertEquals(caseNames(), reached, "a case of ReduceLowering that no reduction reaches");
    }

    @Test
    void architectureNamesEveryCase() throws IOException {
        String doc = Files.readString(ARCHITECTURE);
        int at = doc.indexOf("### Adding a reduction");
        assertTrue(at >= 0, "docs/ARCHITECTURE.md has no '### Adding a reduction' section");
        String section = doc.substring(at);
        for (String name : caseNames()) {
            assertTrue(section.contains("`" + name + "`"),
                    "docs/ARCHITECTURE.md's 'Adding a reduction' does not list ReduceLowering's case `" + name + "`");
        }
    }

    private static ReduceSpec spec(ReduceOp op, boolean compensated, Node combine, Node.Const identity) {
        return op == ReduceOp.CUSTOM
                ? new ReduceSpec(op, false, Optional.of(combine), Optional.of(identity))
                : new ReduceSpec(op, compensated, Optional.empty(), Optional.empty());
    }

    private static Set<String> caseNames() {
        Set<String> names = new HashSet<>();
        for (Method m : ReduceLowering.class.getDeclaredMethods()) {
            if (!java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                names.add(m.getName());
            }
        }
        assertTrue(names.size() >= ReduceOp.values().length, "fewer cases than reductions: " + Arrays.toString(ReduceOp.values()));
        return names;
    }
}
