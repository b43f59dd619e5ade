package dev.flynn.conformance;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Expr;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import dev.flynn.ir.Schedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kernels as deep, as shared and as large as users build them, compiled and run by one backend and
 * compared with Java: every nesting construct of {@link DeepExpressions}, DAGs whose tree is
 * exponentially larger than the graph ({@code s = s.mul(s)} 60 times), and random kernels of
 * thousands of operations in every element type, as maps and as reductions. Every kernel is built,
 * compiled and run on a thread with a 256 KiB stack: nothing may recurse once per level. Each backend
 * module runs it with a subclass, as it runs {@link ConformanceSuite}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class GraphConformanceSuite {
    /** Elements per call: a vector loop and a tail on any width, several GPU threads. */
    static final int N = 37;
    static final int SMALL_STACK = 256 * 1024;

    private Flynn flynn;

    /** The backend under test. */
    protected abstract Backend backend();

    /** The depths at which each construct of {@link DeepExpressions} is compiled and run. */
    protected int[] depths() {
        return new int[]{10, 1_000, 10_000};
    }

    /** The operation counts of the random kernels. */
    protected int[] kernelSizes() {
        return new int[]{2_000, 10_000, 50_000};
    }

    /** The element types of the random kernels of {@code size} operations: every type but at the largest size. */
    protected List<DType> kernelTypes(int size) {
        return size == kernelSizes()[kernelSizes().length - 1] && kernelSizes().length > 1
                ? List.of(DType.F64, DType.I64) : List.of(DType.F32, DType.F64, DType.I32, DType.I64);
    }

    @BeforeAll
    final void startRuntime() {
        flynn = Flynn.builder().backend(backend()).threads(2).build();
    }

    @AfterAll
    final void stopRuntime() {
        if (flynn != null) {
            flynn.close();
        }
    }

    /** Runs {@code body} on a thread with a small stack, rethrowing what it threw. */
    static void onSmallStack(Runnable body) {
        Throwable[] thrown = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                body.run();
            } catch (Throwable e) {
                thrown[0] = e;
            }
        }, "small-stack", SMALL_STACK);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (thrown[0] instanceof RuntimeException r) {
            throw r;
        }
        if (thrown[0] instanceof Error e) {
            throw e;
        }
    }

    // ==== deep expressions ============================================================================

    @TestFactory
    Stream<DynamicTest> deepExpressions() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DeepExpressions.Construct c : DeepExpressions.ALL) {
            for (int d : depths()) {
                tests.add(DynamicTest.dynamicTest(c + " depth " + d, () -> onSmallStack(() -> checkDeep(c, d))));
            }
        }
        return tests.stream();
    }

    private void checkDeep(DeepExpressions.Construct c, int d) {
        Kernel k = c.kernel(d);
        Object in = Columns.allocate(c.type(), N);
        for (int i = 0; i < N; i++) {
            Columns.set(in, i, bitsOf(c.type(), c.inputs()[i % c.inputs().length]));
        }
        Object out = flynn.apply(k, in);
        DType rt = k.resultType();
        for (int i = 0; i < N; i++) {
            double x = Columns.value(c.type(), Columns.bits(in, i));
            double want = c.java().at(d, x);
            double got = Columns.value(rt, Columns.bits(out, i));
            double tol = c.tolerance(d, want);
            if (tol == 0) {
                assertEquals(bitsOf(rt, want), Columns.bits(out, i),
                        () -> c + " at depth " + d + ", x = " + x + ": " + got + ", Java gives " + want);
            } else {
                assertTrue(Math.abs(got - want) <= tol,
                        () -> c + " at depth " + d + ", x = " + x + ": " + got + ", Java gives " + want);
            }
        }
    }

    /** The bits of {@code v} in {@code t}, as {@link Columns#bits} reads them (integers exactly, below 2^53). */
    private static long bitsOf(DType t, double v) {
        return t.isFloating() ? Columns.bitsOf(t, v) : t == DType.I32 ? (int) v : (long) v;
    }

    // ==== shared subexpressions =======================================================================

    @TestFactory
    Stream<DynamicTest> sharedSubexpressions() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int d : new int[]{20, 60}) {
            for (DType t : new DType[]{DType.F32, DType.F64, DType.I32, DType.I64}) {
                tests.add(DynamicTest.dynamicTest("s = s*s + x, " + d + " times, " + t.label(),
                        () -> onSmallStack(() -> checkSquares(t, d))));
            }
            tests.add(DynamicTest.dynamicTest("Fibonacci DAG, " + d + " steps",
                    () -> onSmallStack(() -> checkFibonacci(d))));
        }
        return tests.stream();
    }

    /**
     * {@code s = s*s} (floats, x in [0.99, 1.01], where the powers stay finite for 60 steps) or
     * {@code s = s*s + x} (integers, wrapping): 2^d leaves as a tree, d + 1 nodes as a graph.
     */
    private void checkSquares(DType t, int d) {
        Kernel k = Kernel.map(t, x -> {
            Expr s = x;
            for (int i = 0; i < d; i++) {
                s = t.isFloating() ? s.mul(s) : s.mul(s).add(x);
            }
            return s;
        });
        assertLinear(k, d);
        Object in = Columns.allocate(t, N);
        for (int i = 0; i < N; i++) {
            double v = t.isFloating() ? 0.99 + 0.02 * i / (N - 1) : i * 7919L - 100;
            Columns.set(in, i, bitsOf(t, v));
        }
        Object out = flynn.apply(k, in);
        for (int i = 0; i < N; i++) {
            long x = Columns.bits(in, i);
            long want = switch (t) {
                case F32 -> {
                    float s = Float.intBitsToFloat((int) x);
                    for (int j = 0; j < d; j++) {
                        s = s * s;
                    }
                    yield Float.floatToIntBits(s);
                }
                case F64 -> {
                    double s = Double.longBitsToDouble(x);
                    for (int j = 0; j < d; j++) {
                        s = s * s;
                    }
                    yield Double.doubleToLongBits(s);
                }
                case I32 -> {
                    int s = (int) x;
                    for (int j = 0; j < d; j++) {
                        s = s * s + (int) x;
                    }
                    yield s;
                }
                default -> {
                    long s = x;
                    for (int j = 0; j < d; j++) {
                        s = s * s + x;
                    }
                    yield s;
                }
            };
            assertEquals(want, Columns.bits(out, i), t + " element " + i);
        }
        if (t == DType.I64) {
            long sum = 0;
            for (int i = 0; i < N; i++) {
                sum += Columns.bits(out, i);
            }
            assertEquals(sum, flynn.reduceLong(k.reduce(Reduction.sum()), in), "the DAG summed");
        } else if (t == DType.F64) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < N; i++) {
                max = Math.max(max, Double.longBitsToDouble(Columns.bits(out, i)));
            }
            assertEquals(max, flynn.reduceDouble(k.reduce(Reduction.max()), in), "the DAG's maximum");
        }
    }

    /** {@code (a, b) = (b, a + b)}: two inputs, each value used by the next two. */
    private void checkFibonacci(int d) {
        Kernel k = Kernel.map(DType.F64, DType.F64, (x, y) -> {
            Expr a = x;
            Expr b = y;
            for (int i = 0; i < d; i++) {
                Expr next = a.add(b);
                a = b;
                b = next;
            }
            return b;
        });
        assertLinear(k, d);
        double[] xs = new double[N];
        double[] ys = new double[N];
        for (int i = 0; i < N; i++) {
            xs[i] = 1e-3 * (i - 18);
            ys[i] = 0.1 + i;
        }
        double[] out = flynn.doubles(k, xs, ys);
        for (int i = 0; i < N; i++) {
            double a = xs[i];
            double b = ys[i];
            for (int j = 0; j < d; j++) {
                double next = a + b;
                a = b;
                b = next;
            }
            assertEquals(Double.doubleToLongBits(b), Double.doubleToLongBits(out[i]), "element " + i);
        }
    }

    /** The printed kernel, its shape key and its schedule grow with the graph, not with its tree. */
    static void assertLinear(Kernel k, int d) {
        int nodes = Schedule.of(k.ir().body()).nodes().size();
        assertTrue(nodes <= 4 * d + 4, () -> nodes + " distinct nodes for " + d + " steps");
        int printed = k.toString().length();
        assertTrue(printed <= 40 * d + 40, () -> printed + " characters printed for " + d + " steps");
        int key = k.shapeKey().length();
        assertTrue(key <= 60 * d + 60, () -> key + " characters of shape key for " + d + " steps");
    }

    // ==== kernels larger than a JVM method ===========================================================

    @TestFactory
    Stream<DynamicTest> largeKernels() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int size : kernelSizes()) {
            for (DType t : kernelTypes(size)) {
                tests.add(DynamicTest.dynamicTest(size + " operations " + t.label(),
                        () -> onSmallStack(() -> checkLarge(t, size))));
            }
        }
        return tests.stream();
    }

    private void checkLarge(DType t, int size) {
        long seed = 0x1A46EL * size + t.ordinal();
        LargeKernels gen = LargeKernels.random(t, size, seed);
        Kernel k = gen.kernel();
        Object x = gen.inputs(N, seed + 1);
        Object y = gen.inputs(N, seed + 2);
        Object out = flynn.apply(k, x, y);
        long[] want = new long[N];
        for (int i = 0; i < N; i++) {
            want[i] = gen.java(Columns.bits(x, i), Columns.bits(y, i));
            assertEquals(want[i], Columns.bits(out, i), k.resultType() + " element " + i + " of " + size + " operations");
        }
        // the same body as a reduction: the reduce loops evaluate it through the same chunks
        if (t.isFloating()) {
            double max = Double.NEGATIVE_INFINITY;
            for (long w : want) {
                max = Math.max(max, Columns.value(t, w));
            }
            assertEquals(max, flynn.reduceDouble(k.reduce(Reduction.max()), x, y), "maximum");
        } else {
            long sum = 0;
            for (long w : want) {
                sum += w;
            }
            long got = flynn.reduceLong(k.reduce(Reduction.sum()), x, y);
            assertEquals(t == DType.I32 ? (int) sum : sum, got, "sum");
        }
    }
}
