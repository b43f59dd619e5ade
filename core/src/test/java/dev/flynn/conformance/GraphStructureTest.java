package dev.flynn.conformance;

import dev.flynn.DType;
import dev.flynn.Expr;
import dev.flynn.Kernel;
import dev.flynn.ir.Node;
import dev.flynn.ir.Schedule;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.flynn.conformance.GraphConformanceSuite.onSmallStack;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What needs no backend, at every depth up to 100,000 and on a 256 KiB stack: parsing, tracing,
 * verifying, printing (and parsing the print back), shape keys, hashing and equality of graphs.
 * Sizes must grow linearly with the number of distinct nodes.
 */
class GraphStructureTest {
    static final int[] DEPTHS = {10, 100, 1_000, 10_000, 100_000};

    @TestFactory
    Stream<DynamicTest> everyConstructAtEveryDepth() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DeepExpressions.Construct c : DeepExpressions.ALL) {
            for (int d : DEPTHS) {
                tests.add(DynamicTest.dynamicTest(c + " depth " + d, () -> onSmallStack(() -> {
                    Kernel k = c.kernel(d);
                    int nodes = Schedule.of(k.ir().body()).nodes().size();
                    assertTrue(nodes <= 5 * d + 8, () -> nodes + " nodes at depth " + d);
                    String printed = k.toString();
                    assertTrue(printed.length() <= 24 * d + 24, () -> printed.length() + " characters at depth " + d);
                    assertTrue(k.shapeKey().length() <= 80 * d + 80, () -> k.shapeKey().length() + " key characters");
                    if (d < 100_000) {
                        // the printed kernel parses back: an independent build, structurally equal with an
                        // equal hash, compared without recursion (deepGraphsThatDifferAtTheBottomAreNotEqual
                        // compares at 50,000)
                        Kernel again = Kernel.parse(printed, k.inputNames(), k.inputTypes());
                        assertEquals(k.ir(), again.ir());
                        assertEquals(k.ir().hashCode(), again.ir().hashCode());
                        assertEquals(k.shapeKey(), again.shapeKey());
                        assertEquals(printed, again.toString());
                    }
                })));
            }
        }
        return tests.stream();
    }

    /**
     * Deep graphs built apart compare equal, and one step away at the bottom they do not: equality
     * walks to the bottom without recursion.
     */
    @Test
    void deepGraphsThatDifferAtTheBottomAreNotEqual() {
        onSmallStack(() -> {
            Kernel a = Kernel.parse("sqrt(".repeat(50_000) + "x + 1" + ")".repeat(50_000), DType.F64);
            Kernel same = Kernel.parse("sqrt(".repeat(50_000) + "x + 1" + ")".repeat(50_000), DType.F64);
            Kernel b = Kernel.parse("sqrt(".repeat(50_000) + "x - 1" + ")".repeat(50_000), DType.F64);
            assertEquals(a.ir().body(), same.ir().body());
            assertEquals(a.ir().body().hashCode(), same.ir().body().hashCode());
            assertNotEquals(a.ir().body(), b.ir().body());
            assertNotEquals(a.shapeKey(), b.shapeKey());
        });
    }

    @Test
    void sharedSubexpressionsStayLinear() {
        onSmallStack(() -> {
            for (int d = 20; d <= 60; d += 10) {
                int steps = d;
                Kernel k = Kernel.map(DType.F64, x -> {
                    Expr s = x;
                    for (int i = 0; i < steps; i++) {
                        s = s.mul(s).add(x);
                    }
                    return s;
                });
                GraphConformanceSuite.assertLinear(k, d);
                assertTrue(k.toString().startsWith("let t1 = "), k.toString());
                // equal graphs built apart compare equal (each pair of nodes once, not once per path)
                Node other = Kernel.map(DType.F64, x -> {
                    Expr s = x;
                    for (int i = 0; i < steps; i++) {
                        s = s.mul(s).add(x);
                    }
                    return s;
                }).ir().body();
                assertEquals(k.ir().body(), other);
                Kernel reparsed = Kernel.parse(k.toString(), DType.F64);
                assertEquals(k.shapeKey(), reparsed.shapeKey(), "let bindings parse back to the same graph");
            }
        });
    }

    @Test
    void malformedDeepExpressionsGiveParseErrors() {
        onSmallStack(() -> {
            for (int d : DEPTHS) {
                String open = "(".repeat(d) + "x";
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernel.parse(open, DType.F64));
                assertTrue(e.getMessage().startsWith("expected ')' to close the '(' at " + (d - 1)), e.getMessage());
                assertTrue(e.getMessage().contains("^"), "a caret under the position");
                String calls = "sqrt(".repeat(d) + "x" + ")".repeat(d - 1);
                e = assertThrows(IllegalArgumentException.class, () -> Kernel.parse(calls, DType.F64));
                assertTrue(e.getMessage().startsWith("expected ')' to close the call of sqrt"), e.getMessage());
                String dangling = "-".repeat(d);
                e = assertThrows(IllegalArgumentException.class, () -> Kernel.parse(dangling + "x +", DType.F64));
                assertTrue(e.getMessage().startsWith("expected a value"), e.getMessage());
                String typeError = "where(x > 0, ".repeat(d) + "x < 1" + ", -1)".repeat(d);
                e = assertThrows(IllegalArgumentException.class, () -> Kernel.parse(typeError, DType.F64));
                assertTrue(e.getMessage().contains("at position"), e.getMessage());
            }
        });
    }

    @Test
    void letBindingsAreCheckedLikeInputs() {
        Kernel shortShared = Kernel.parse("let t = x * x + y in t * t - t", DType.F64);
        assertEquals("(x * x + y) * (x * x + y) - (x * x + y)", shortShared.toString(), "short and literal-free: inlined");
        Kernel withLiteral = Kernel.parse("let t = x * 2.5 in t * t", DType.F64);
        assertEquals("let t1 = x * 2.5 in t1 * t1", withLiteral.toString(), "one literal stays one argument slot");
        assertEquals(1, withLiteral.constants().length);
        assertEquals(withLiteral.shapeKey(), Kernel.parse(withLiteral.toString(), DType.F64).shapeKey());
        assertThrows(IllegalArgumentException.class, () -> Kernel.parse("let x = 1 in x", List.of("x"), List.of(DType.F64)));
        assertThrows(IllegalArgumentException.class, () -> Kernel.parse("let a = x, a = x in a", DType.F64));
        assertThrows(IllegalArgumentException.class, () -> Kernel.parse("let a = x a", DType.F64));
        assertThrows(IllegalArgumentException.class, () -> Kernel.parse("let in = x in x", DType.F64));
        Kernel shared = Kernel.parse("let a = exp(x) + sqrt(y), b = a * a in b + a", DType.F64);
        assertEquals(List.of("x", "y"), shared.inputNames());
        assertEquals(Kernel.map(DType.F64, DType.F64, (x, y) -> {
            Expr a = Expr.exp(x).add(Expr.sqrt(y));
            Expr b = a.mul(a);
            return b.add(a);
        }).shapeKey(), shared.shapeKey());
    }
}
