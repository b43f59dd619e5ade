package dev.flynn.conformance;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Expr;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import dev.flynn.Slice;
import dev.flynn.ir.Accuracy;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.CompareOp;
import dev.flynn.ir.Op;
import dev.flynn.ir.TernaryOp;
import dev.flynn.ir.Types;
import dev.flynn.ir.UnaryOp;
import dev.flynn.spi.KernelCache;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The conformance suite every backend runs: each op and reduction, each element type, odd sizes,
 * special values and seeded random bit patterns, every way of passing data, and the bad-input table
 * of DESIGN.md. Java is the spec: exact ops must give the hand-written Java loop's bits,
 * transcendental ops must lie within {@link #ulpBound} of the correctly rounded result, and
 * floating-point reductions within {@link ErrorBounds} of the exact sum. A backend module runs it
 * with
 * <pre>{@code
 * class ScalarConformanceTest extends ConformanceSuite {
 *     protected Backend backend() { return Backend.SCALAR; }
 * }
 * }</pre>
 * and finds the largest ulp errors it measured in {@code target/conformance-ulp-<backend>.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ConformanceSuite {
    /** The sizes of DESIGN.md: around vector widths, unroll factors, the parallel threshold and reduction blocks. */
    static final int[] SIZES = {0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 1000, 4097, 65537, (1 << 20) + 3};
    /** The sizes for the ops outside the representative set, to keep the suite fast. */
    static final int[] FEW_SIZES = {0, 1, 3, 8, 17, 33, 64, 1000, 4097};
    /** Cases run at every size: one op of each kind and element type. */
    static final Set<String> REPRESENTATIVE = Set.of("add f32", "add f64", "add i32", "add i64", "exp f32", "exp f64",
            "sin f64", "pow f64", "div i32", "fma f64", "fma f32", "cast f64->i32", "cast i64->f32", "lt f32",
            "select f64", "mask and f32");
    static final DType[] TYPES = {DType.F32, DType.F64, DType.I32, DType.I64};
    private static final long SEED = 0x5EED_F1_7770L;
    private static final int RANDOM_VALUES = 512;

    private final Flynn[] runtimes = new Flynn[3];
    private final Map<String, double[]> measuredUlp = new ConcurrentSkipListMap<>();

    /** The backend under test. */
    protected abstract Backend backend();

    /**
     * Which bounds of the op table ({@link Op#accuracy()}) hold on this backend; by default the
     * backend's own. A backend with a second math mode names the one it runs in.
     */
    protected Accuracy.Target accuracyTarget() {
        return switch (backend()) {
            case SCALAR -> Accuracy.Target.SCALAR;
            case SIMD -> Accuracy.Target.SIMD;
            case C -> Accuracy.Target.C;
            case GPU -> Accuracy.Target.GPU;
            case AUTO -> throw new IllegalStateException("the suite runs on one named backend, not AUTO");
        };
    }

    /**
     * The largest error, in ulps of the correctly rounded result, allowed for {@code op} computed in
     * {@code type}: the op table's bound for this backend, 0 for an exact op, which must match Java
     * bit for bit.
     */
    final double ulpBound(Op op, DType type) {
        return op.accuracy().ulps(accuracyTarget(), type);
    }

    @BeforeAll
    final void startRuntimes() {
        for (int t = 1; t <= runtimes.length; t++) {
            runtimes[t - 1] = Flynn.builder().backend(backend()).threads(t).build();
        }
    }

    @AfterAll
    final void stopRuntimesAndRecordUlps() throws IOException {
        for (Flynn f : runtimes) {
            if (f != null) {
                f.close();
            }
        }
        StringBuilder sb = new StringBuilder("# largest measured error per op and type, in ulps of the correctly rounded"
                + " result, for backend " + reportName() + "\n# op type measured bound\n");
        measuredUlp.forEach((k, v) -> sb.append(k).append(' ').append(v[0]).append(' ').append(v[1]).append('\n'));
        Path file = Path.of("target", "conformance-ulp-" + reportName() + ".txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, sb);
    }

    /** Names the measured-ulp report, {@code target/conformance-ulp-<name>.txt}; the backend's id by default. */
    protected String reportName() {
        return backend().id();
    }

    /** A runtime with 1, 2 or 3 threads. */
    protected final Flynn runtime(int threads) {
        return runtimes[threads - 1];
    }

    /** The runtime for the {@code i}-th size: sizes rotate through 1, 2 and 3 threads. */
    private Flynn runtimeForSize(int i) {
        return runtimes[i % runtimes.length];
    }

    private static SplittableRandom rng(String name) {
        return new SplittableRandom(SEED ^ name.hashCode());
    }

    // ==== maps: every op × every element type ==========================================================

    @TestFactory
    Stream<DynamicTest> unaryOps() {
        List<DynamicTest> tests = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            for (DType t : TYPES) {
                String name = op.symbol() + " " + t.label();
                if (!accepts(() -> Types.unaryOperand(op, t))) {
                    tests.add(rejected(name, () -> Kernel.map(t, x -> Ops.unary(op, x))));
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    Kernel k = Kernel.map(t, x -> Ops.unary(op, x));
                    DType ct = k.resultType();
                    long[][] pool = {Values.concat(Values.specials(t),
                            Values.random(t, rng(name), RANDOM_VALUES, Ops.domain(op, t)))};
                    MapCase c;
                    if (op.transcendental()) {
                        double bound = ulpBound(op, ct);
                        c = MapCase.approx(name, k, pool,
                                in -> ExactMath.unary(op, Columns.value(t, in[0]), ct), bound);
                    } else {
                        c = MapCase.exact(name, k, pool, in -> switch (ct) {
                            case I32 -> JavaOps.i32(op, (int) in[0]);
                            case I64 -> JavaOps.i64(op, in[0]);
                            default -> Columns.bitsOf(ct, JavaOps.floating(op, Columns.value(t, in[0]), ct));
                        });
                    }
                    runSizes(c, op.transcendental() ? op.symbol() + " " + ct.label() : null, ulpBound(op, ct));
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> binaryOps() {
        List<DynamicTest> tests = new ArrayList<>();
        for (BinaryOp op : BinaryOp.values()) {
            for (DType t : TYPES) {
                String name = op.symbol() + " " + t.label();
                if (!accepts(() -> Types.binaryOperand(op, t, t))) {
                    tests.add(rejected(name, () -> Kernel.map(t, t, (a, b) -> Ops.binary(op, a, b))));
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    Kernel k = Kernel.map(t, t, (a, b) -> Ops.binary(op, a, b));
                    DType ct = k.resultType();
                    long[][] pool = pairs(t, rng(name), Ops.domain(op, t, 0), Ops.domain(op, t, 1));
                    if (t.isIntegral() && (op == BinaryOp.DIV || op == BinaryOp.REM)) {
                        // division by zero throws for the whole call; the bad-input tests cover it
                        pool[1] = Arrays.stream(pool[1]).map(b -> b == 0 ? 1 : b).toArray();
                    }
                    MapCase c;
                    if (op.transcendental()) {
                        c = MapCase.approx(name, k, pool, in -> ExactMath.binary(op, Columns.value(t, in[0]),
                                Columns.value(t, in[1]), ct), ulpBound(op, ct));
                    } else {
                        c = MapCase.exact(name, k, pool, in -> switch (ct) {
                            case I32 -> JavaOps.i32(op, (int) in[0], (int) in[1]);
                            case I64 -> JavaOps.i64(op, in[0], in[1]);
                            default -> Columns.bitsOf(ct, JavaOps.floating(op, Columns.value(t, in[0]),
                                    Columns.value(t, in[1]), ct));
                        });
                    }
                    runSizes(c, op.transcendental() ? op.symbol() + " " + ct.label() : null, ulpBound(op, ct));
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> comparisons() {
        List<DynamicTest> tests = new ArrayList<>();
        for (CompareOp op : CompareOp.values()) {
            for (DType t : TYPES) {
                String name = op.symbol() + " " + t.label();
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    Kernel k = Kernel.map(t, t, (a, b) -> Ops.compare(op, a, b).toI32());
                    long[][] pool = pairs(t, rng(name), Values.Domain.MODERATE, Values.Domain.MODERATE);
                    runSizes(MapCase.exact(name, k, pool, in -> JavaOps.compare(op, t, in[0], in[1]) ? 1 : 0), null, 0);
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> ternaryOps() {
        return Arrays.stream(TernaryOp.values()).flatMap(op -> Arrays.stream(TYPES).map(t -> switch (op) {
            case FMA -> fma(t);
        }));
    }

    private DynamicTest fma(DType t) {
        return DynamicTest.dynamicTest("fma " + t.label(), () -> {
            String name = "fma " + t.label();
            Kernel k = Kernel.map(t, t, t, Expr::fma);
            DType ct = k.resultType();
            SplittableRandom rng = rng(name);
            long[] specials = Values.specials(t);
            int n = specials.length * 8 + RANDOM_VALUES;
            long[][] pool = new long[3][n];
            long[][] random = {Values.random(t, rng, n, Values.Domain.MODERATE), Values.random(t, rng, n, Values.Domain.MODERATE),
                    Values.random(t, rng, n, Values.Domain.MODERATE)};
            for (int i = 0; i < n; i++) {
                pool[0][i] = i < specials.length * 8 ? specials[i / 8] : random[0][i];
                pool[1][i] = i % 3 == 0 ? specials[rng.nextInt(specials.length)] : random[1][i];
                pool[2][i] = i % 4 == 0 ? specials[rng.nextInt(specials.length)] : random[2][i];
                if (i % 5 == 0 && t.isFloating()) {
                    // c = -(a*b) rounded: the fused result is the rounding error of the product, which a*b+c loses
                    double a = Columns.value(t, pool[0][i]);
                    double b = Columns.value(t, pool[1][i]);
                    pool[2][i] = t == DType.F32 ? Float.floatToRawIntBits(-((float) a * (float) b))
                            : Double.doubleToRawLongBits(-(a * b));
                }
            }
            runSizes(MapCase.exact(name, k, pool, in -> {
                double a = Columns.value(t, in[0]);
                double b = Columns.value(t, in[1]);
                double c = Columns.value(t, in[2]);
                return ct == DType.F32 ? Float.floatToIntBits(Math.fma((float) a, (float) b, (float) c))
                        : Double.doubleToLongBits(Math.fma(a, b, c));
            }), null, 0);
        });
    }

    @TestFactory
    Stream<DynamicTest> casts() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DType from : TYPES) {
            for (DType to : TYPES) {
                String name = "cast " + from.label() + "->" + to.label();
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    Kernel k = Kernel.map(from, x -> x.to(to));
                    assertEquals(to, k.resultType());
                    long[][] pool = {Values.concat(Values.specials(from),
                            Values.random(from, rng(name), RANDOM_VALUES, Values.Domain.MODERATE))};
                    runSizes(MapCase.exact(name, k, pool, in -> JavaOps.cast(from, to, in[0])), null, 0);
                }));
            }
            for (DType to : TYPES) {
                String name = "cast mask(" + from.label() + ")->" + to.label();
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    Kernel k = Kernel.map(from, x -> x.gt(0).to(to));
                    long[][] pool = {Values.concat(Values.specials(from),
                            Values.random(from, rng(name), RANDOM_VALUES, Values.Domain.MODERATE))};
                    runSizes(MapCase.exact(name, k, pool, in -> {
                        // bits 0 are +0.0 and integer 0 alike
                        boolean m = JavaOps.compare(CompareOp.GT, from, in[0], 0);
                        return JavaOps.cast(DType.I64, to, m ? 1 : 0);
                    }), null, 0);
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> selectAndMaskLogic() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DType t : TYPES) {
            tests.add(maskCase("select " + t.label(), t,
                    (x, y) -> Expr.select(x.gt(y), x.sub(y), y),
                    (a, b) -> JavaOps.compare(CompareOp.GT, t, a, b) ? sub(t, a, b) : b));
            tests.add(maskCase("mask and " + t.label(), t, (x, y) -> x.gt(y).and(y.ge(x.neg())).toI32(),
                    (a, b) -> bool(cmp(CompareOp.GT, t, a, b) && cmp(CompareOp.GE, t, b, neg(t, a)))));
            tests.add(maskCase("mask or " + t.label(), t, (x, y) -> x.lt(y).or(x.eq(y)).toI32(),
                    (a, b) -> bool(cmp(CompareOp.LT, t, a, b) || cmp(CompareOp.EQ, t, a, b))));
            tests.add(maskCase("mask xor " + t.label(), t, (x, y) -> x.le(y).xor(y.ne(x)).toI32(),
                    (a, b) -> bool(cmp(CompareOp.LE, t, a, b) ^ cmp(CompareOp.NE, t, b, a))));
            tests.add(maskCase("mask not " + t.label(), t, (x, y) -> x.lt(y).not().toI32(),
                    (a, b) -> bool(!cmp(CompareOp.LT, t, a, b))));
            tests.add(maskCase("mask eq " + t.label(), t, (x, y) -> x.gt(y).eq(y.gt(x)).toI32(),
                    (a, b) -> bool(cmp(CompareOp.GT, t, a, b) == cmp(CompareOp.GT, t, b, a))));
            tests.add(maskCase("mask select " + t.label(), t,
                    (x, y) -> Expr.select(x.ge(y), x.eq(y), y.ne(x)).toI64(),
                    (a, b) -> bool(cmp(CompareOp.GE, t, a, b) ? cmp(CompareOp.EQ, t, a, b)
                            : cmp(CompareOp.NE, t, b, a))));
        }
        return tests.stream();
    }

    /** The expected bits of a two-input case. */
    @FunctionalInterface
    private interface PairExpectation {
        long of(long a, long b);
    }

    private DynamicTest maskCase(String name, DType t, java.util.function.BinaryOperator<Expr> body, PairExpectation expect) {
        return DynamicTest.dynamicTest(name, () -> {
            Kernel k = Kernel.map(t, t, body::apply);
            long[][] pool = pairs(t, rng(name), Values.Domain.MODERATE, Values.Domain.MODERATE);
            runSizes(MapCase.exact(name, k, pool, in -> expect.of(in[0], in[1])), null, 0);
        });
    }

    private static boolean cmp(CompareOp op, DType t, long a, long b) {
        return JavaOps.compare(op, t, a, b);
    }

    private static long bool(boolean b) {
        return b ? 1 : 0;
    }

    private static long sub(DType t, long a, long b) {
        return switch (t) {
            case F32 -> Float.floatToIntBits(Float.intBitsToFloat((int) a) - Float.intBitsToFloat((int) b));
            case F64 -> Double.doubleToLongBits(Double.longBitsToDouble(a) - Double.longBitsToDouble(b));
            case I32 -> (int) a - (int) b;
            case I64 -> a - b;
            case BOOL -> throw new IllegalArgumentException();
        };
    }

    private static long neg(DType t, long a) {
        return switch (t) {
            case F32 -> Float.floatToIntBits(-Float.intBitsToFloat((int) a));
            case F64 -> Double.doubleToLongBits(-Double.longBitsToDouble(a));
            case I32 -> -(int) a;
            case I64 -> -a;
            case BOOL -> throw new IllegalArgumentException();
        };
    }

    /** Two columns: every pair of special values, then seeded random pairs. */
    private static long[][] pairs(DType t, SplittableRandom rng, Values.Domain left, Values.Domain right) {
        long[] s = Values.specials(t);
        long[] a = Values.random(t, rng, RANDOM_VALUES, left);
        long[] b = Values.random(t, rng, RANDOM_VALUES, right);
        int n = s.length * s.length + RANDOM_VALUES;
        long[][] pool = new long[2][n];
        for (int i = 0; i < s.length * s.length; i++) {
            pool[0][i] = s[i / s.length];
            pool[1][i] = s[i % s.length];
        }
        System.arraycopy(a, 0, pool[0], s.length * s.length, RANDOM_VALUES);
        System.arraycopy(b, 0, pool[1], s.length * s.length, RANDOM_VALUES);
        return pool;
    }

    private static boolean accepts(Supplier<DType> rule) {
        try {
            rule.get();
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static DynamicTest rejected(String name, Supplier<Kernel> build) {
        return DynamicTest.dynamicTest(name + " is rejected", () -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get);
            assertTrue(e.getMessage().contains("x"), "the message shows the expression: " + e.getMessage());
        });
    }

    /** Runs a case at every size (representative cases) or a few, and records its largest ulp error. */
    private void runSizes(MapCase c, String ulpKey, double bound) {
        int[] sizes = REPRESENTATIVE.contains(c.name) ? SIZES : FEW_SIZES;
        double worst = 0;
        for (int i = 0; i < sizes.length; i++) {
            worst = Math.max(worst, c.run(runtimeForSize(i), backend().id(), sizes[i], sizes[i] * 7 + i));
        }
        // every pool element once more, so each is measured whatever the sampled sizes hit
        worst = Math.max(worst, c.run(runtime(1), backend().id(), c.poolSize(), 0));
        if (ulpKey != null) {
            double w = worst;
            measuredUlp.merge(ulpKey, new double[]{w, bound}, (a, b) -> new double[]{Math.max(a[0], b[0]), a[1]});
        }
    }

    // ==== data: arrays, slices, segments, scalars, in place, overlap ==================================

    /** How one operand is passed. */
    private enum Bind { ARRAY, SLICE, SEGMENT, SCALAR }

    @TestFactory
    Stream<DynamicTest> everyWayOfPassingData() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DType t : TYPES) {
            tests.add(DynamicTest.dynamicTest("x*y+z " + t.label(), () -> {
                Kernel k = Kernel.map(t, t, t, (x, y, z) -> x.mul(y).add(z));
                for (int n : new int[]{0, 1, 7, 33, 1000}) {
                    for (Bind bx : Bind.values()) {
                        for (Bind by : Bind.values()) {
                            for (Bind bz : Bind.values()) {
                                for (Bind out : new Bind[]{Bind.ARRAY, Bind.SLICE, Bind.SEGMENT}) {
                                    try (Arena confined = Arena.ofConfined()) {
                                        checkBindings(k, t, n, new Bind[]{bx, by, bz}, out, runtime(1), confined);
                                    }
                                }
                            }
                        }
                    }
                }
                // above the parallel threshold, with every kind of operand in some position
                Bind[][] mixes = {{Bind.ARRAY, Bind.SLICE, Bind.SEGMENT}, {Bind.SLICE, Bind.SEGMENT, Bind.SCALAR},
                        {Bind.SEGMENT, Bind.SCALAR, Bind.ARRAY}, {Bind.SCALAR, Bind.ARRAY, Bind.SLICE}};
                for (int i = 0; i < mixes.length; i++) {
                    for (Bind out : new Bind[]{Bind.ARRAY, Bind.SLICE, Bind.SEGMENT}) {
                        // shared memory: worker threads may touch it (confined memory has its own test)
                        try (Arena shared = Arena.ofShared()) {
                            checkBindings(k, t, 65537, mixes[i], out, runtime(1 + (i + out.ordinal()) % 3), shared);
                        }
                    }
                }
            }));
        }
        return tests.stream();
    }

    private void checkBindings(Kernel k, DType t, int n, Bind[] binds, Bind outBind, Flynn rt, Arena arena) {
        SplittableRandom rng = rng("bind" + t + n);
        long[][] values = new long[3][];
        Object[] inputs = new Object[3];
        for (int i = 0; i < 3; i++) {
            values[i] = binds[i] == Bind.SCALAR ? new long[]{Values.random(t, rng, 2, Values.Domain.MODERATE)[1]}
                    : Values.random(t, rng, n, Values.Domain.MODERATE);
            inputs[i] = pass(arena, t, values[i], binds[i]);
        }
        long sentinel = Columns.sentinel(t);
        Object outArray = Columns.filled(t, n + 8, sentinel);
        MemorySegment outSegment = null;
        Object out = switch (outBind) {
            case ARRAY -> Columns.filled(t, n, sentinel);
            case SLICE -> new Slice(outArray, 5, n);
            case SEGMENT -> {
                outSegment = Columns.toSegment(arena, outArray);
                yield outSegment.asSlice(5L * t.byteSize(), (long) n * t.byteSize());
            }
            case SCALAR -> throw new IllegalStateException();
        };
        rt.into(k, out, inputs);
        Object result = switch (outBind) {
            case ARRAY -> out;
            case SLICE -> copyRange(outArray, 5, n);
            default -> copyRange(Columns.fromSegment(outSegment, t), 5, n);
        };
        Object around = outBind == Bind.SEGMENT ? Columns.fromSegment(outSegment, t) : outArray;
        if (outBind != Bind.ARRAY) {
            for (int i : new int[]{0, 1, 2, 3, 4, n + 5, n + 6, n + 7}) {
                assertEquals(sentinel, Columns.rawBits(around, i), "element " + i + " outside the output "
                        + outBind + " was written (n=" + n + ")");
            }
        }
        for (int i = 0; i < n; i++) {
            long x = values[0][binds[0] == Bind.SCALAR ? 0 : i];
            long y = values[1][binds[1] == Bind.SCALAR ? 0 : i];
            long z = values[2][binds[2] == Bind.SCALAR ? 0 : i];
            long want = mulAdd(t, x, y, z);
            long got = Columns.bits(result, i);
            if (want != got) {
                fail(k + " with inputs " + Arrays.toString(binds) + " and output " + outBind + ", n=" + n
                        + ", threads=" + rt.threads() + ": element " + i + " expected " + Columns.text(t, want)
                        + ", got " + Columns.text(t, got));
            }
        }
    }

    private static long mulAdd(DType t, long x, long y, long z) {
        return switch (t) {
            case F32 -> Float.floatToIntBits(Float.intBitsToFloat((int) x) * Float.intBitsToFloat((int) y)
                    + Float.intBitsToFloat((int) z));
            case F64 -> Double.doubleToLongBits(Double.longBitsToDouble(x) * Double.longBitsToDouble(y)
                    + Double.longBitsToDouble(z));
            case I32 -> (int) x * (int) y + (int) z;
            case I64 -> x * y + z;
            case BOOL -> throw new IllegalArgumentException();
        };
    }

    /** The values passed one way: an array, a slice at offset 3 of a larger array, a segment at an offset, a scalar. */
    private static Object pass(Arena arena, DType t, long[] values, Bind bind) {
        int n = values.length;
        return switch (bind) {
            case ARRAY -> Values.column(t, values);
            case SLICE -> {
                Object big = Columns.filled(t, n + 5, Columns.sentinel(t));
                System.arraycopy(Values.column(t, values), 0, big, 3, n);
                yield new Slice(big, 3, n);
            }
            case SEGMENT -> {
                Object big = Columns.filled(t, n + 5, Columns.sentinel(t));
                System.arraycopy(Values.column(t, values), 0, big, 3, n);
                yield Columns.toSegment(arena, big).asSlice(3L * t.byteSize(), (long) n * t.byteSize());
            }
            case SCALAR -> switch (t) {
                case F32 -> Float.intBitsToFloat((int) values[0]);
                case F64 -> Double.longBitsToDouble(values[0]);
                case I32 -> (int) values[0];
                case I64 -> values[0];
                case BOOL -> throw new IllegalArgumentException();
            };
        };
    }

    private static Object copyRange(Object array, int from, int n) {
        Object out = Columns.allocate(Columns.type(array), n);
        System.arraycopy(array, from, out, 0, n);
        return out;
    }

    @Test
    void inPlace() {
        for (DType t : TYPES) {
            for (int n : new int[]{1, 17, 1000, 65537}) {
                Kernel k = Kernel.map(t, t, (x, y) -> x.mul(y).sub(y));
                long[] xs = Values.random(t, rng("inplace" + t), n, Values.Domain.MODERATE);
                long[] ys = Values.random(t, rng("inplace y" + t), n, Values.Domain.MODERATE);
                Object x = Values.column(t, xs);
                Object y = Values.column(t, ys);
                runtime(3).into(k, x, x, y);
                for (int i = 0; i < n; i++) {
                    long want = sub(t, mulAdd(t, xs[i], ys[i], zero(t)), ys[i]);
                    assertEquals(Columns.text(t, want), Columns.text(t, Columns.bits(x, i)),
                            "in place " + k + " " + t + " n=" + n + " element " + i);
                }
            }
        }
    }

    private static long zero(DType t) {
        return t == DType.F32 ? Float.floatToIntBits(-0f) : t == DType.F64 ? Double.doubleToLongBits(-0.0) : 0;
    }

    @Test
    void partlyOverlappingOutputGivesTheResultOfTheOriginalInputs() {
        for (DType t : TYPES) {
            for (int n : new int[]{1, 17, 1000, 65537}) {
                for (int shift : new int[]{-3, -1, 1, 2, 7}) {
                    Kernel k = Kernel.map(t, x -> x.neg());
                    long[] xs = Values.random(t, rng("overlap" + t), n + 16, Values.Domain.MODERATE);
                    Object arr = Values.column(t, xs);
                    int inOff = 8;
                    int outOff = inOff + shift;
                    runtime(1 + (n + shift + 3) % 3).into(k, new Slice(arr, outOff, n), new Slice(arr, inOff, n));
                    for (int i = 0; i < n; i++) {
                        assertEquals(Columns.text(t, neg(t, xs[inOff + i])), Columns.text(t, Columns.bits(arr, outOff + i)),
                                "neg into a slice shifted by " + shift + ", " + t + " n=" + n + " element " + i);
                    }
                }
                // the same with off-heap memory that worker threads may use
                try (Arena arena = Arena.ofShared()) {
                    Kernel k = Kernel.map(t, x -> x.neg());
                    long[] xs = Values.random(t, rng("overlap seg" + t), n + 8, Values.Domain.MODERATE);
                    MemorySegment seg = Columns.toSegment(arena, Values.column(t, xs));
                    long size = t.byteSize();
                    runtime(1 + n % 3).into(k, seg.asSlice(5 * size, n * size), seg.asSlice(4 * size, n * size));
                    Object back = Columns.fromSegment(seg, t);
                    for (int i = 0; i < n; i++) {
                        assertEquals(Columns.text(t, neg(t, xs[4 + i])), Columns.text(t, Columns.bits(back, 5 + i)),
                                "neg into an overlapping segment, " + t + " n=" + n + " element " + i);
                    }
                }
            }
        }
    }

    /** Where an overlapping call's memory lives. */
    private enum Backing { NATIVE, HEAP_SEGMENT, ARRAY_OUTPUT, READ_ONLY_INPUT }

    /**
     * An output that shares bytes with an input of another element size, or at another start, gives the
     * result of the original input, whatever the pair of element types, the distance between the starts
     * (whole elements, part of one, just apart) and the memory (native or heap segments, a Java array
     * output with a segment view of it as input, a read-only input view); nothing outside the output is
     * written. The expectation is Java's cast of the input bytes as they were before the call.
     */
    @TestFactory
    Stream<DynamicTest> overlappingOutputOfAnotherElementSizeGivesTheResultOfTheOriginalInput() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DType in : TYPES) {
            for (DType out : TYPES) {
                tests.add(DynamicTest.dynamicTest(in.label() + " -> " + out.label(), () -> {
                    Kernel k = Kernel.map(in, x -> x.neg().to(out));
                    for (int n : new int[]{1, 3, 17, 1000}) {
                        List<Long> deltas = new ArrayList<>(List.of(-16L, -8L, -4L, -2L, -1L, 0L, 1L, 2L, 4L, 8L, 16L));
                        // just apart: the output ends where the input starts, or starts where it ends
                        deltas.add((long) -n * out.byteSize());
                        deltas.add((long) n * in.byteSize());
                        for (long delta : deltas) {
                            for (Backing b : Backing.values()) {
                                checkOverlap(k, in, out, n, delta, b, runtime(1 + (int) Math.floorMod(n + delta, 3)));
                            }
                        }
                    }
                    // past the parallel threshold, so that threads share the work
                    for (long delta : new long[]{0, -4}) {
                        checkOverlap(k, in, out, 70_001, delta, Backing.NATIVE, runtime(3));
                    }
                }));
            }
        }
        return tests.stream();
    }

    private void checkOverlap(Kernel k, DType in, DType out, int n, long delta, Backing backing, Flynn rt) {
        long inAt = 24 + Math.max(0, -delta);
        long outAt = inAt + delta;
        long size = Math.max(inAt + (long) n * in.byteSize(), outAt + (long) n * out.byteSize()) + 24;
        if (backing == Backing.ARRAY_OUTPUT && outAt % out.byteSize() != 0) {
            return;
        }
        try (Arena arena = Arena.ofShared()) {
            Object array = null;
            MemorySegment mem;
            switch (backing) {
                case NATIVE, READ_ONLY_INPUT -> mem = arena.allocate(size, 8);
                case HEAP_SEGMENT -> mem = MemorySegment.ofArray(new long[(int) (size + 7) / 8]);
                case ARRAY_OUTPUT -> {
                    array = Columns.allocate(out, (int) ((size + out.byteSize() - 1) / out.byteSize()));
                    mem = bytesOf(array);
                }
                default -> throw new IllegalStateException();
            }
            byte[] before = new byte[(int) mem.byteSize()];
            rng("overlap " + k + n + delta + backing).nextBytes(before);
            MemorySegment.copy(MemorySegment.ofArray(before), 0, mem, 0, before.length);
            MemorySegment inView = mem.asSlice(inAt, (long) n * in.byteSize());
            if (backing == Backing.READ_ONLY_INPUT || (backing == Backing.ARRAY_OUTPUT && n % 2 == 1)) {
                inView = inView.asReadOnly();
            }
            Object outView = backing == Backing.ARRAY_OUTPUT ? new Slice(array, (int) (outAt / out.byteSize()), n)
                    : mem.asSlice(outAt, (long) n * out.byteSize());
            rt.into(k, outView, inView);
            MemorySegment old = MemorySegment.ofArray(before);
            byte[] after = mem.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            String what = k + " with " + backing + " memory, n=" + n + ", output " + delta + " bytes from the input";
            long outEnd = outAt + (long) n * out.byteSize();
            assertEquals(-1, Arrays.mismatch(before, 0, (int) outAt, after, 0, (int) outAt),
                    what + ": a byte before the output was written");
            assertEquals(-1, Arrays.mismatch(before, (int) outEnd, before.length, after, (int) outEnd, after.length),
                    what + ": a byte after the output was written");
            MemorySegment now = MemorySegment.ofArray(after);
            for (int j = 0; j < n; j++) {
                long want = JavaOps.cast(in, out, neg(in, rawBits(old, in, inAt + (long) j * in.byteSize())));
                long got = Columns.canonical(out, rawBits(now, out, outAt + (long) j * out.byteSize()));
                if (got != want) {
                    assertEquals(Columns.text(out, want), Columns.text(out, got), what + ", element " + j);
                }
            }
        }
    }

    private static MemorySegment bytesOf(Object array) {
        return switch (array) {
            case float[] a -> MemorySegment.ofArray(a);
            case double[] a -> MemorySegment.ofArray(a);
            case int[] a -> MemorySegment.ofArray(a);
            case long[] a -> MemorySegment.ofArray(a);
            default -> throw new IllegalArgumentException("not a numeric array: " + array);
        };
    }

    /** The bits of the element of {@code type} at byte {@code at}, however aligned. */
    private static long rawBits(MemorySegment m, DType type, long at) {
        return type.byteSize() == 4 ? m.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, at)
                : m.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, at);
    }

    @Test
    void segmentsOfAConfinedArenaWithSeveralThreads() {
        int n = 65537 * 2;
        for (DType t : TYPES) {
            Kernel map = Kernel.map(t, x -> x.add(1));
            Kernel sum = Kernel.map(t, x -> x.to(DType.F64)).reduce(Reduction.sum());
            try (Arena arena = Arena.ofConfined()) {
                Object ones = Columns.filled(t, n, t.isFloating() ? Columns.bitsOf(t, 1.0) : 1);
                MemorySegment in = Columns.toSegment(arena, ones);
                MemorySegment out = arena.allocate((long) n * t.byteSize(), t.byteSize());
                runtime(3).into(map, out, in);
                Object result = Columns.fromSegment(out, t);
                for (int i = 0; i < n; i++) {
                    assertEquals(2.0, Columns.value(t, Columns.bits(result, i)), t + " element " + i);
                }
                assertEquals((double) n, runtime(3).reduceDouble(sum, in), "sum of " + t + " ones in a confined segment");
            }
        }
    }

    // ==== reductions =====================================================================================

    @TestFactory
    Stream<DynamicTest> sums() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DType t : TYPES) {
            for (Reduction.Summation mode : Reduction.Summation.values()) {
                if (t.isIntegral() && mode == Reduction.Summation.COMPENSATED) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest("sum " + mode.name().toLowerCase() + " " + t.label(), () -> {
                    Kernel k = Kernel.map(t, x -> x).reduce(Reduction.sum(mode));
                    for (int i = 0; i < SIZES.length; i++) {
                        int n = SIZES[i];
                        Object data = data(t, rng("sum" + t + n), n);
                        checkSum(k, t, mode, data, runtimeForSize(i));
                    }
                }));
            }
        }
        tests.add(DynamicTest.dynamicTest("compensated sum is exact where plain summation loses everything", () -> {
            for (int n : new int[]{4, 4 * 65537}) {
                double[] x = new double[n];
                for (int i = 0; i < n; i += 4) {
                    x[i] = 1;
                    x[i + 1] = 1e100;
                    x[i + 2] = 1;
                    x[i + 3] = -1e100;
                }
                Kernel k = Kernel.map(DType.F64, v -> v).reduce(Reduction.sum(Reduction.Summation.COMPENSATED));
                for (int threads = 1; threads <= 3; threads++) {
                    assertEquals(n / 2.0, runtime(threads).reduceDouble(k, (Object) x), "n=" + n);
                }
            }
        }));
        return tests.stream();
    }

    /** Reductions at the ends of the exponent range: infinities, NaN, overflowing and underflowing intermediates. */
    @TestFactory
    Stream<DynamicTest> reductionsAtRangeEnds() {
        return new RangeEdgeCases(this::runtime).tests().stream();
    }

    private void checkSum(Kernel k, DType t, Reduction.Summation mode, Object data, Flynn rt) {
        int n = Columns.length(data);
        if (t.isIntegral()) {
            long want = 0;
            for (int i = 0; i < n; i++) {
                want = t == DType.I32 ? (int) (want + Columns.bits(data, i)) : want + Columns.bits(data, i);
            }
            assertEquals(want, rt.reduceLong(k, data), "sum of " + n + " " + t + " wraps as Java's does");
            return;
        }
        double[] xs = doubles(data);
        double got = rt.reduceDouble(k, data);
        assertRepresentable(t, got);
        BigDecimal exact = ErrorBounds.exactSum(xs);
        double bound = mode == Reduction.Summation.COMPENSATED
                ? ErrorBounds.compensatedSum(t, n, exact.abs().doubleValue(), ErrorBounds.sumAbs(xs))
                : ErrorBounds.sum(t, n, ErrorBounds.sumAbs(xs));
        assertWithin(exact, got, bound, k + " " + mode + " of " + n + " " + t + ", threads=" + rt.threads());
    }

    private static void assertRepresentable(DType t, double v) {
        if (t == DType.F32 && !Double.isNaN(v)) {
            assertEquals(v, (double) (float) v, "an F32 reduction returned a value that is not a float: " + v);
        }
    }

    private static void assertWithin(BigDecimal exact, double got, double bound, String what) {
        if (!Double.isFinite(got)) {
            fail(what + ": got " + got + ", exact " + exact.round(MathContext.DECIMAL64));
        }
        double err = new BigDecimal(got).subtract(exact).abs().doubleValue();
        if (err > bound) {
            fail(what + ": got " + got + ", exact " + exact.round(MathContext.DECIMAL64) + ", error " + err
                    + " exceeds the bound " + bound);
        }
    }

    /** Random data of mixed signs and magnitudes (2^-10..2^10); integers of all sizes. */
    private static Object data(DType t, SplittableRandom rng, int n) {
        Object a = Columns.allocate(t, n);
        for (int i = 0; i < n; i++) {
            double v = Math.scalb(1 + rng.nextDouble(), rng.nextInt(-10, 11)) * (rng.nextInt(3) == 0 ? -1 : 1);
            switch (a) {
                case float[] f -> f[i] = (float) v;
                case double[] d -> d[i] = v;
                case int[] ints -> ints[i] = rng.nextInt();
                case long[] longs -> longs[i] = rng.nextLong();
                default -> throw new IllegalStateException();
            }
        }
        return a;
    }

    private static double[] doubles(Object data) {
        DType t = Columns.type(data);
        double[] out = new double[Columns.length(data)];
        for (int i = 0; i < out.length; i++) {
            out[i] = Columns.value(t, Columns.bits(data, i));
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> products() {
        return Arrays.stream(TYPES).map(t -> DynamicTest.dynamicTest("prod " + t.label(), () -> {
            Kernel k = Kernel.map(t, x -> x).reduce(Reduction.prod());
            for (int i = 0; i < SIZES.length - 1; i++) {
                int n = SIZES[i];
                SplittableRandom rng = rng("prod" + t + n);
                Object data = Columns.allocate(t, n);
                for (int j = 0; j < n; j++) {
                    switch (data) {
                        case float[] f -> f[j] = 1 + (float) ((rng.nextDouble() - 0.5) * 0.02);
                        case double[] d -> d[j] = 1 + (rng.nextDouble() - 0.5) * 0.002;
                        case int[] ints -> ints[j] = rng.nextInt() | 1;
                        case long[] longs -> longs[j] = rng.nextLong() | 1;
                        default -> throw new IllegalStateException();
                    }
                }
                Flynn rt = runtimeForSize(i);
                if (t.isIntegral()) {
                    long want = 1;
                    for (int j = 0; j < n; j++) {
                        want = t == DType.I32 ? (int) want * (int) Columns.bits(data, j) : want * Columns.bits(data, j);
                    }
                    assertEquals(want, rt.reduceLong(k, data), "prod of " + n + " " + t);
                } else {
                    double got = rt.reduceDouble(k, data);
                    assertRepresentable(t, got);
                    BigDecimal exact = ErrorBounds.exactProduct(doubles(data));
                    assertWithin(exact, got, ErrorBounds.product(t, n, exact.doubleValue()), "prod of " + n + " " + t);
                }
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> minMaxArgminArgmax() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DType t : TYPES) {
            for (String layout : new String[]{"random", "ties", "signed zeros", "nan"}) {
                if (t.isIntegral() && (layout.equals("nan") || layout.equals("signed zeros"))) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest("min max argmin argmax " + t.label() + " " + layout, () -> {
                    Kernel min = Kernel.map(t, x -> x).reduce(Reduction.min());
                    Kernel max = Kernel.map(t, x -> x).reduce(Reduction.max());
                    Kernel argmin = Kernel.map(t, x -> x).reduce(Reduction.argmin());
                    Kernel argmax = Kernel.map(t, x -> x).reduce(Reduction.argmax());
                    for (int i = 1; i < SIZES.length; i++) {
                        int n = SIZES[i];
                        Object data = extremes(t, layout, rng("minmax" + t + layout + n), n);
                        Flynn rt = runtimeForSize(i);
                        String what = t + " " + layout + " n=" + n + " threads=" + rt.threads();
                        if (t.isFloating()) {
                            assertEquals(Columns.text(t, foldMinMax(t, data, true)),
                                    Columns.text(t, Columns.bitsOf(t, rt.reduceDouble(min, data))), "min " + what);
                            assertEquals(Columns.text(t, foldMinMax(t, data, false)),
                                    Columns.text(t, Columns.bitsOf(t, rt.reduceDouble(max, data))), "max " + what);
                        } else {
                            assertEquals(foldMinMax(t, data, true), rt.reduceLong(min, data), "min " + what);
                            assertEquals(foldMinMax(t, data, false), rt.reduceLong(max, data), "max " + what);
                        }
                        assertEquals(argExpected(t, data, true), rt.reduceLong(argmin, data), "argmin " + what);
                        assertEquals(argExpected(t, data, false), rt.reduceLong(argmax, data), "argmax " + what);
                    }
                }));
            }
        }
        return tests.stream();
    }

    /**
     * Data for min/max: random; with the extreme values repeated (ties) across blocks; all signed
     * zeros; or random with NaNs in later blocks.
     */
    private static Object extremes(DType t, String layout, SplittableRandom rng, int n) {
        Object a = data(t, rng, n);
        switch (layout) {
            case "ties" -> {
                int[] at = {n / 3, n - 1, n / 2, 0};
                for (int i = 0; i < at.length; i++) {
                    Columns.set(a, at[i], i % 2 == 0 ? max(t) : min(t));
                }
            }
            case "signed zeros" -> {
                for (int i = 0; i < n; i++) {
                    Columns.set(a, i, Columns.bitsOf(t, rng.nextBoolean() ? 0.0 : -0.0));
                }
            }
            case "nan" -> {
                if (n > 2) {
                    Columns.set(a, n - 2, Columns.bitsOf(t, Double.NaN));
                    Columns.set(a, n * 2 / 3, Columns.bitsOf(t, Double.NaN));
                }
            }
            default -> {
            }
        }
        return a;
    }

    private static long max(DType t) {
        return switch (t) {
            case F32 -> Float.floatToIntBits(5000f);
            case F64 -> Double.doubleToLongBits(5000.0);
            case I32 -> Integer.MAX_VALUE;
            default -> Long.MAX_VALUE;
        };
    }

    private static long min(DType t) {
        return switch (t) {
            case F32 -> Float.floatToIntBits(-5000f);
            case F64 -> Double.doubleToLongBits(-5000.0);
            case I32 -> Integer.MIN_VALUE;
            default -> Long.MIN_VALUE;
        };
    }

    /** The Java loop {@code m = Math.min(m, x[i])} (or max), in the element type. */
    private static long foldMinMax(DType t, Object data, boolean min) {
        int n = Columns.length(data);
        return switch (data) {
            case float[] f -> {
                float m = f[0];
                for (int i = 1; i < n; i++) {
                    m = min ? Math.min(m, f[i]) : Math.max(m, f[i]);
                }
                yield Float.floatToIntBits(m);
            }
            case double[] d -> {
                double m = d[0];
                for (int i = 1; i < n; i++) {
                    m = min ? Math.min(m, d[i]) : Math.max(m, d[i]);
                }
                yield Double.doubleToLongBits(m);
            }
            default -> {
                long m = Columns.bits(data, 0);
                for (int i = 1; i < n; i++) {
                    m = min ? Math.min(m, Columns.bits(data, i)) : Math.max(m, Columns.bits(data, i));
                }
                yield m;
            }
        };
    }

    /** The index of the first NaN if there is one; else the lowest index of the extreme value by {@code <} or {@code >}. */
    private static long argExpected(DType t, Object data, boolean min) {
        int n = Columns.length(data);
        if (t.isFloating()) {
            for (int i = 0; i < n; i++) {
                if (Double.isNaN(Columns.value(t, Columns.bits(data, i)))) {
                    return i;
                }
            }
        }
        int best = 0;
        for (int i = 1; i < n; i++) {
            boolean better;
            if (t.isFloating()) {
                double v = Columns.value(t, Columns.bits(data, i));
                double b = Columns.value(t, Columns.bits(data, best));
                better = min ? v < b : v > b;
            } else {
                long v = Columns.bits(data, i);
                long b = Columns.bits(data, best);
                better = min ? v < b : v > b;
            }
            if (better) {
                best = i;
            }
        }
        return best;
    }

    @TestFactory
    Stream<DynamicTest> meanVarianceStd() {
        return Arrays.stream(TYPES).map(t -> DynamicTest.dynamicTest("mean variance std " + t.label(), () -> {
            Kernel mean = Kernel.map(t, x -> x).reduce(Reduction.mean());
            Kernel var = Kernel.map(t, x -> x).reduce(Reduction.variance());
            Kernel var1 = Kernel.map(t, x -> x).reduce(Reduction.variance(1));
            Kernel std = Kernel.map(t, x -> x).reduce(Reduction.std());
            Kernel std1 = Kernel.map(t, x -> x).reduce(Reduction.std(1));
            for (int i = 1; i < SIZES.length - 1; i++) {
                int n = SIZES[i];
                SplittableRandom rng = rng("moments" + t + n);
                Object data = Columns.allocate(t, n);
                for (int j = 0; j < n; j++) {
                    double v = 1000 + 300 * rng.nextGaussian();
                    switch (data) {
                        case float[] f -> f[j] = (float) v;
                        case double[] d -> d[j] = v;
                        case int[] ints -> ints[j] = (int) v;
                        case long[] longs -> longs[j] = (long) v;
                        default -> throw new IllegalStateException();
                    }
                }
                Flynn rt = runtimeForSize(i);
                double[] xs = doubles(data);
                MathContext mc = new MathContext(60);
                BigDecimal sum = ErrorBounds.exactSum(xs);
                BigDecimal sumSq = BigDecimal.ZERO;
                double maxAbs = 0;
                for (double x : xs) {
                    sumSq = sumSq.add(new BigDecimal(x).multiply(new BigDecimal(x)));
                    maxAbs = Math.max(maxAbs, Math.abs(x));
                }
                BigDecimal bn = BigDecimal.valueOf(n);
                BigDecimal m = sum.divide(bn, mc);
                // n*V = sum x^2 - (sum x)^2 / n, exactly
                BigDecimal ssd = sumSq.subtract(sum.multiply(sum).divide(bn, mc));
                String what = t + " n=" + n + " threads=" + rt.threads();
                assertWithin(m, rt.reduceDouble(mean, data), ErrorBounds.mean(n, maxAbs), "mean " + what);
                BigDecimal v0 = ssd.divide(bn, mc);
                double vb = ErrorBounds.variance(n, v0.doubleValue(), m.doubleValue());
                assertWithin(v0, rt.reduceDouble(var, data), vb, "variance " + what);
                if (v0.signum() > 0) {
                    BigDecimal s0 = v0.sqrt(mc);
                    assertWithin(s0, rt.reduceDouble(std, data), ErrorBounds.std(n, v0.doubleValue(), m.doubleValue()),
                            "std " + what);
                }
                if (n > 1) {
                    BigDecimal v1 = ssd.divide(BigDecimal.valueOf(n - 1), mc);
                    assertWithin(v1, rt.reduceDouble(var1, data), vb * n / (n - 1), "variance(ddof=1) " + what);
                    if (v1.signum() > 0) {
                        assertWithin(v1.sqrt(mc), rt.reduceDouble(std1, data),
                                ErrorBounds.std(n, v1.doubleValue(), m.doubleValue()) * 2, "std(ddof=1) " + what);
                    }
                } else {
                    assertTrue(Double.isNaN(rt.reduceDouble(var1, data)), "variance(ddof=1) of one value is NaN");
                }
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> dotAndNorms() {
        return Arrays.stream(TYPES).map(t -> DynamicTest.dynamicTest("dot norm1 norm2 normInf " + t.label(), () -> {
            Kernel dot = Kernel.dot(t);
            Kernel norm1 = Kernel.map(t, x -> x).reduce(Reduction.norm1());
            Kernel norm2 = Kernel.map(t, x -> x).reduce(Reduction.norm2());
            Kernel normInf = Kernel.map(t, x -> x).reduce(Reduction.normInf());
            DType ft = t.isFloating() ? t : DType.F64;
            for (int i = 1; i < SIZES.length; i++) {
                int n = SIZES[i];
                Object x = data(t, rng("dot x" + t + n), n);
                Object y = data(t, rng("dot y" + t + n), n);
                if (t.isIntegral()) {
                    // small integers keep sum|x| exact in F64, so norm1 can be checked exactly
                    for (int j = 0; j < n; j++) {
                        Columns.set(x, j, Columns.bits(x, j) % 1000);
                    }
                }
                Flynn rt = runtimeForSize(i);
                String what = t + " n=" + n + " threads=" + rt.threads();
                double[] xs = doubles(x);
                double[] ys = doubles(y);
                if (t.isIntegral()) {
                    long want = 0;
                    for (int j = 0; j < n; j++) {
                        long p = t == DType.I32 ? (int) Columns.bits(x, j) * (int) Columns.bits(y, j)
                                : Columns.bits(x, j) * Columns.bits(y, j);
                        want = t == DType.I32 ? (int) (want + p) : want + p;
                    }
                    assertEquals(want, rt.reduceLong(dot, x, y), "dot " + what);
                } else {
                    double[] products = new double[n];
                    for (int j = 0; j < n; j++) {
                        products[j] = t == DType.F32 ? (float) xs[j] * (float) ys[j] : xs[j] * ys[j];
                    }
                    double got = rt.reduceDouble(dot, x, y);
                    assertRepresentable(t, got);
                    assertWithin(ErrorBounds.exactSum(products), got, ErrorBounds.sum(t, n, ErrorBounds.sumAbs(products)),
                            "dot " + what);
                }
                double[] abs = Arrays.stream(xs).map(Math::abs).toArray();
                assertWithin(ErrorBounds.exactSum(abs), rt.reduceDouble(norm1, x),
                        ErrorBounds.sum(ft, n, ErrorBounds.sumAbs(abs)), "norm1 " + what);
                BigDecimal sumSq = BigDecimal.ZERO;
                for (double v : xs) {
                    sumSq = sumSq.add(new BigDecimal(v).multiply(new BigDecimal(v)));
                }
                BigDecimal r = sumSq.sqrt(new MathContext(40));
                double got2 = rt.reduceDouble(norm2, x);
                assertRepresentable(ft, got2);
                assertWithin(r, got2, ErrorBounds.norm2(ft, n, r.doubleValue()), "norm2 " + what);
                double inf = Arrays.stream(abs).max().orElseThrow();
                assertEquals(inf, rt.reduceDouble(normInf, x), "normInf " + what);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> countAnyAll() {
        return Arrays.stream(TYPES).map(t -> DynamicTest.dynamicTest("count any all " + t.label(), () -> {
            Kernel count = Kernel.map(t, x -> x.gt(0)).reduce(Reduction.count());
            Kernel any = Kernel.map(t, x -> x.gt(0)).reduce(Reduction.any());
            Kernel all = Kernel.map(t, x -> x.gt(0)).reduce(Reduction.all());
            for (int i = 0; i < SIZES.length; i++) {
                int n = SIZES[i];
                Flynn rt = runtimeForSize(i);
                for (String layout : new String[]{"random", "none", "every", "last only"}) {
                    Object data = data(t, rng("count" + t + n), n);
                    for (int j = 0; j < n; j++) {
                        boolean positive = switch (layout) {
                            case "none" -> false;
                            case "every" -> true;
                            case "last only" -> j == n - 1;
                            default -> Columns.value(t, Columns.bits(data, j)) > 0;
                        };
                        if (!layout.equals("random")) {
                            Columns.set(data, j, positive ? (t.isFloating() ? Columns.bitsOf(t, 2.5) : 3)
                                    : (t.isFloating() ? Columns.bitsOf(t, j % 2 == 0 ? Double.NaN : -0.0) : 0));
                        }
                    }
                    long want = 0;
                    for (int j = 0; j < n; j++) {
                        want += Columns.value(t, Columns.bits(data, j)) > 0 ? 1 : 0;
                    }
                    String what = t + " " + layout + " n=" + n + " threads=" + rt.threads();
                    assertEquals(want, rt.reduceLong(count, data), "count " + what);
                    assertEquals(want > 0, rt.reduceBoolean(any, data), "any " + what);
                    assertEquals(want == n, rt.reduceBoolean(all, data), "all " + what);
                }
            }
        }));
    }

    @Test
    void customReductions() {
        record Custom(String name, DType type, Reduction reduction, ToLongFunction<Object> expected) {
        }
        List<Custom> cases = List.of(
                new Custom("max f64", DType.F64, Reduction.custom(Double.NEGATIVE_INFINITY, (a, b) -> a.max(b)),
                        d -> foldMinMax(DType.F64, d, false)),
                new Custom("min f32", DType.F32, Reduction.custom(Double.POSITIVE_INFINITY, (a, b) -> a.min(b)),
                        d -> foldMinMax(DType.F32, d, true)),
                new Custom("wrapping add i64", DType.I64, Reduction.custom(0L, Expr::add), d -> {
                    long s = 0;
                    for (long v : (long[]) d) {
                        s += v;
                    }
                    return s;
                }),
                new Custom("xor i32", DType.I32, Reduction.custom(0L, Expr::xor), d -> {
                    int s = 0;
                    for (int v : (int[]) d) {
                        s ^= v;
                    }
                    return s;
                }),
                new Custom("add mod 2^16 i32", DType.I32, Reduction.custom(0L, (a, b) -> a.add(b).and(0xFFFF)), d -> {
                    int s = 0;
                    for (int v : (int[]) d) {
                        s = (s + v) & 0xFFFF;
                    }
                    return s;
                }));
        for (Custom c : cases) {
            Kernel k = Kernel.map(c.type(), x -> x).reduce(c.reduction());
            for (int i = 1; i < SIZES.length; i++) {
                int n = SIZES[i];
                Object data = data(c.type(), rng("custom" + c.name() + n), n);
                Flynn rt = runtimeForSize(i);
                long got = c.type().isFloating() ? Columns.bitsOf(c.type(), rt.reduceDouble(k, data)) : rt.reduceLong(k, data);
                assertEquals(Columns.text(c.type(), c.expected().applyAsLong(data)), Columns.text(c.type(), got),
                        "custom " + c.name() + " n=" + n + " threads=" + rt.threads());
            }
        }
    }

    @Test
    void fusedMapAndReduce() {
        for (int i = 1; i < SIZES.length; i++) {
            int n = SIZES[i];
            Flynn rt = runtimeForSize(i);
            double[] x = (double[]) data(DType.F64, rng("fused x" + n), n);
            double[] squares = Arrays.stream(x).map(v -> v * v).toArray();
            Kernel sumsq = Kernel.map(DType.F64, v -> v.mul(v)).reduce(Reduction.sum());
            assertWithin(ErrorBounds.exactSum(squares), rt.reduceDouble(sumsq, (Object) x),
                    ErrorBounds.sum(DType.F64, n, ErrorBounds.sumAbs(squares)), "sum of squares n=" + n);

            float[] a = (float[]) data(DType.F32, rng("fused a" + n), n);
            float[] b = (float[]) data(DType.F32, rng("fused b" + n), n);
            float want = Math.abs(a[0] - b[0]);
            for (int j = 1; j < n; j++) {
                want = Math.max(want, Math.abs(a[j] - b[j]));
            }
            Kernel maxDiff = Kernel.map(DType.F32, DType.F32, (p, q) -> p.sub(q).abs()).reduce(Reduction.max());
            assertEquals(want, (float) rt.reduceDouble(maxDiff, a, b), "max |a-b| n=" + n);

            int[] ints = (int[]) data(DType.I32, rng("fused ints" + n), n);
            long wide = 0;
            for (int v : ints) {
                wide += (long) (v * v);
            }
            Kernel wideSum = Kernel.map(DType.I32, v -> v.mul(v).toI64()).reduce(Reduction.sum());
            assertEquals(wide, rt.reduceLong(wideSum, (Object) ints), "sum of i64(x*x) n=" + n);
        }
    }

    @Test
    void reductionsAreBitwiseIdenticalForAnyThreadCount() {
        List<Kernel> kernels = List.of(
                Kernel.map(DType.F32, x -> x).reduce(Reduction.sum()),
                Kernel.map(DType.F64, x -> x).reduce(Reduction.sum()),
                Kernel.map(DType.F64, x -> x).reduce(Reduction.sum(Reduction.Summation.COMPENSATED)),
                Kernel.map(DType.F32, x -> x).reduce(Reduction.sum(Reduction.Summation.COMPENSATED)),
                Kernel.map(DType.F32, x -> x.mul(x)).reduce(Reduction.sum()),
                Kernel.map(DType.F64, x -> x).reduce(Reduction.prod()),
                Kernel.map(DType.F64, x -> x).reduce(Reduction.mean()),
                Kernel.map(DType.F32, x -> x).reduce(Reduction.variance()),
                Kernel.map(DType.F64, x -> x).reduce(Reduction.std(1)),
                Kernel.map(DType.F32, x -> x).reduce(Reduction.norm2()),
                Kernel.map(DType.F64, x -> x).reduce(Reduction.argmax()),
                Kernel.map(DType.F64, x -> x).reduce(Reduction.custom(0.0, Expr::add)));
        for (int n : new int[]{65537, (1 << 20) + 3}) {
            for (Kernel k : kernels) {
                DType t = k.inputTypes().get(0);
                Object data = data(t, rng("determinism" + n), n);
                long first = Double.doubleToRawLongBits(runtime(1).reduceDouble(k, data));
                for (int threads = 1; threads <= 3; threads++) {
                    for (int repeat = 0; repeat < 2; repeat++) {
                        long again = Double.doubleToRawLongBits(runtime(threads).reduceDouble(k, data));
                        assertEquals(first, again, k + " n=" + n + ": threads=" + threads + " gives "
                                + Double.longBitsToDouble(again) + ", one thread " + Double.longBitsToDouble(first));
                    }
                }
            }
        }
    }

    @Test
    void reductionsOverSlicesSegmentsAndScalars() {
        int n = 40000;
        double[] x = (double[]) data(DType.F64, rng("bind reduce"), n + 10);
        double[] part = Arrays.copyOfRange(x, 7, 7 + n);
        Kernel sum = Kernel.map(DType.F64, v -> v).reduce(Reduction.sum());
        Kernel dot = Kernel.dot(DType.F64);
        double want = runtime(1).reduceDouble(sum, (Object) part);
        assertWithin(ErrorBounds.exactSum(part), want, ErrorBounds.sum(DType.F64, n, ErrorBounds.sumAbs(part)), "sum");
        for (int threads = 1; threads <= 3; threads++) {
            Flynn rt = runtime(threads);
            assertEquals(want, rt.reduceDouble(sum, new Slice(x, 7, n)), "sum over a slice, threads=" + threads);
            try (Arena arena = threads == 1 ? Arena.ofConfined() : Arena.ofShared()) {
                MemorySegment seg = Columns.toSegment(arena, x).asSlice(7L * 8, (long) n * 8);
                assertEquals(want, rt.reduceDouble(sum, seg), "sum over a segment, threads=" + threads);
            }
            double twice = rt.reduceDouble(dot, part, 2.0);
            assertEquals(want * 2, twice, "dot with a broadcast 2.0 is twice the sum, threads=" + threads);
        }
    }

    @Test
    void emptyInputs() {
        Flynn rt = runtime(2);
        double[] none = {};
        int[] noInts = {};
        assertEquals(0.0, rt.reduceDouble(Kernel.map(DType.F64, x -> x).reduce(Reduction.sum()), (Object) none));
        assertEquals(0, rt.reduceLong(Kernel.map(DType.I32, x -> x).reduce(Reduction.sum()), (Object) noInts));
        assertEquals(1.0, rt.reduceDouble(Kernel.map(DType.F64, x -> x).reduce(Reduction.prod()), (Object) none));
        assertEquals(1, rt.reduceLong(Kernel.map(DType.I32, x -> x).reduce(Reduction.prod()), (Object) noInts));
        assertTrue(Double.isNaN(rt.reduceDouble(Kernel.map(DType.F64, x -> x).reduce(Reduction.mean()), (Object) none)));
        assertTrue(Double.isNaN(rt.reduceDouble(Kernel.map(DType.F64, x -> x).reduce(Reduction.variance()), (Object) none)));
        assertTrue(Double.isNaN(rt.reduceDouble(Kernel.map(DType.F64, x -> x).reduce(Reduction.std()), (Object) none)));
        assertEquals(0.0, rt.reduceDouble(Kernel.dot(DType.F64), none, none));
        assertEquals(0.0, rt.reduceDouble(Kernel.map(DType.F64, x -> x).reduce(Reduction.norm1()), (Object) none));
        assertEquals(0.0, rt.reduceDouble(Kernel.map(DType.F64, x -> x).reduce(Reduction.norm2()), (Object) none));
        assertEquals(0.0, rt.reduceDouble(Kernel.map(DType.F64, x -> x).reduce(Reduction.normInf()), (Object) none));
        assertEquals(0, rt.reduceLong(Kernel.map(DType.F64, x -> x.gt(0)).reduce(Reduction.count()), (Object) none));
        assertFalse(rt.reduceBoolean(Kernel.map(DType.F64, x -> x.gt(0)).reduce(Reduction.any()), (Object) none));
        assertTrue(rt.reduceBoolean(Kernel.map(DType.F64, x -> x.gt(0)).reduce(Reduction.all()), (Object) none));
        assertEquals(Double.NEGATIVE_INFINITY, rt.reduceDouble(
                Kernel.map(DType.F64, x -> x).reduce(Reduction.custom(Double.NEGATIVE_INFINITY, (a, b) -> a.max(b))), (Object) none));
        for (Reduction r : List.of(Reduction.min(), Reduction.max(), Reduction.argmin(), Reduction.argmax())) {
            Kernel k = Kernel.map(DType.F64, x -> x).reduce(r);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rt.reduce(k, (Object) none));
            assertTrue(e.getMessage().contains("no elements"), e.getMessage());
        }
        double[] out = {};
        rt.into(Kernel.map(DType.F64, x -> Expr.exp(x)), out, none);
    }

    // ==== bad input: the table of DESIGN.md, each row checking that nothing was written ==================

    private static double[] sentinelOutput(int n) {
        return (double[]) Columns.filled(DType.F64, n, Columns.sentinel(DType.F64));
    }

    private static void assertUntouched(Object out) {
        DType t = Columns.type(out);
        assertEquals(-1, Columns.firstChanged(out, Columns.sentinel(t)), "the output was written");
    }

    @Test
    void nullArrayOrKernelIsNamed() {
        Flynn rt = runtime(1);
        Kernel add = Kernel.map(DType.F64, DType.F64, Expr::add);
        double[] x = new double[10];
        double[] out = sentinelOutput(10);
        NullPointerException e = assertThrows(NullPointerException.class, () -> rt.into(add, out, x, null));
        assertTrue(e.getMessage().contains("input 1 (y)"), e.getMessage());
        assertUntouched(out);
        e = assertThrows(NullPointerException.class, () -> rt.into(add, out, null, x));
        assertTrue(e.getMessage().contains("input 0 (x)"), e.getMessage());
        assertUntouched(out);
        e = assertThrows(NullPointerException.class, () -> rt.into(null, out, x, x));
        assertTrue(e.getMessage().contains("kernel"), e.getMessage());
        assertUntouched(out);
        e = assertThrows(NullPointerException.class, () -> rt.into(add, null, x, x));
        assertTrue(e.getMessage().contains("out"), e.getMessage());
        Kernel sum = Kernel.map(DType.F64, v -> v).reduce(Reduction.sum());
        e = assertThrows(NullPointerException.class, () -> rt.reduceDouble(sum, (Object) null));
        assertTrue(e.getMessage().contains("input 0 (x)"), e.getMessage());
        e = assertThrows(NullPointerException.class, () -> rt.reduceDouble(null, x));
        assertTrue(e.getMessage().contains("kernel"), e.getMessage());
    }

    @Test
    void lengthsThatDifferAreBothNamed() {
        Flynn rt = runtime(2);
        Kernel add = Kernel.map(DType.F64, DType.F64, Expr::add);
        double[] out = sentinelOutput(1000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rt.into(add, out, new double[1000], new double[1001]));
        assertTrue(e.getMessage().contains("1000") && e.getMessage().contains("1001"), e.getMessage());
        assertUntouched(out);
        double[] longer = sentinelOutput(1003);
        e = assertThrows(IllegalArgumentException.class, () -> rt.into(add, longer, new double[1000], new double[1000]));
        assertTrue(e.getMessage().contains("1000") && e.getMessage().contains("1003"), e.getMessage());
        assertUntouched(longer);
        Kernel dot = Kernel.dot(DType.F64);
        e = assertThrows(IllegalArgumentException.class, () -> rt.reduceDouble(dot, new double[5], new double[7]));
        assertTrue(e.getMessage().contains("5") && e.getMessage().contains("7"), e.getMessage());
    }

    @Test
    void sliceOutsideItsArray() {
        double[] a = new double[10];
        assertThrows(IndexOutOfBoundsException.class, () -> Slice.of(a, 8, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> Slice.of(a, -1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> Slice.of(a, 2, -1));
        // offset + length overflows int: a naive check would pass it
        assertThrows(IndexOutOfBoundsException.class, () -> Slice.of(a, Integer.MAX_VALUE, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> Slice.of(a, 2, Integer.MAX_VALUE));
        assertThrows(IndexOutOfBoundsException.class, () -> Slice.of(new float[0], 1, 0));
        double[] out = sentinelOutput(10);
        Kernel neg = Kernel.map(DType.F64, x -> x.neg());
        assertThrows(IndexOutOfBoundsException.class, () -> runtime(1).into(neg, out, Slice.of(a, 1, 10)));
        assertUntouched(out);
    }

    @Test
    void wrongElementTypeNamesExpectedAndActual() {
        Flynn rt = runtime(1);
        Kernel f32 = Kernel.map(DType.F32, x -> x.mul(2));
        float[] out = (float[]) Columns.filled(DType.F32, 8, Columns.sentinel(DType.F32));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rt.into(f32, out, new double[8]));
        assertTrue(e.getMessage().contains("F32") && e.getMessage().contains("F64"), e.getMessage());
        assertUntouched(out);
        e = assertThrows(IllegalArgumentException.class, () -> rt.into(f32, out, Slice.of(new int[8], 0, 8)));
        assertTrue(e.getMessage().contains("F32") && e.getMessage().contains("I32"), e.getMessage());
        assertUntouched(out);
        long[] wrongOut = (long[]) Columns.filled(DType.I64, 8, Columns.sentinel(DType.I64));
        e = assertThrows(IllegalArgumentException.class, () -> rt.into(f32, wrongOut, new float[8]));
        assertTrue(e.getMessage().contains("F32") && e.getMessage().contains("I64"), e.getMessage());
        assertUntouched(wrongOut);
        Kernel sum = Kernel.map(DType.I64, x -> x).reduce(Reduction.sum());
        e = assertThrows(IllegalArgumentException.class, () -> rt.reduceLong(sum, new int[8]));
        assertTrue(e.getMessage().contains("I64") && e.getMessage().contains("I32"), e.getMessage());
    }

    @TestFactory
    Stream<DynamicTest> integerDivisionByZeroThrowsAndWritesNothing() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DType t : new DType[]{DType.I32, DType.I64}) {
            for (BinaryOp op : new BinaryOp[]{BinaryOp.DIV, BinaryOp.REM}) {
                tests.add(DynamicTest.dynamicTest(op.symbol() + " " + t.label(), () -> {
                    Kernel k = Kernel.map(t, t, (a, b) -> Ops.binary(op, a, b));
                    for (int i = 0; i < SIZES.length; i++) {
                        int n = SIZES[i];
                        if (n == 0) {
                            continue;
                        }
                        Flynn rt = runtimeForSize(i);
                        for (int zeroAt : new int[]{n - 1, n / 2, 0}) {
                            Object x = data(t, rng("div0" + n), n);
                            Object y = Columns.filled(t, n, 3);
                            Columns.set(y, zeroAt, 0);
                            Object out = Columns.filled(t, n, Columns.sentinel(t));
                            assertThrows(ArithmeticException.class, () -> rt.into(k, out, x, y),
                                    "a zero divisor at " + zeroAt + " of " + n);
                            assertUntouched(out);
                            // in place: the input that is also the output keeps its values
                            Object copy = Columns.cyclic(x, n, 0);
                            assertThrows(ArithmeticException.class, () -> rt.into(k, x, x, y));
                            for (int j = 0; j < n; j++) {
                                assertEquals(Columns.bits(copy, j), Columns.bits(x, j), "in place, element " + j + " written");
                            }
                        }
                    }
                    Kernel sum = Kernel.map(t, t, (a, b) -> Ops.binary(op, a, b)).reduce(Reduction.sum());
                    Object y = Columns.filled(t, 70000, 1);
                    Columns.set(y, 69999, 0);
                    assertThrows(ArithmeticException.class, () -> runtime(3).reduceLong(sum, Columns.filled(t, 70000, 5), y));
                }));
            }
        }
        return tests.stream();
    }

    /**
     * How many zero divisors the forked check of {@link #divisionByZeroKeepsItsMessageOnceCompiled}
     * feeds each kernel: enough for HotSpot to compile a Java backend's loop and to give up on an
     * exception thrown often (it does after a few hundred). A backend that raises the exception
     * outside generated Java code may lower it.
     */
    protected int hotThrows() {
        return 20_000;
    }

    /**
     * Every backend throws Java's {@code ArithmeticException("/ by zero")} with a stack trace, also once
     * its code is compiled and has thrown thousands of times. Runs in a JVM of its own with
     * {@code -Xbatch -XX:-BackgroundCompilation}, so that compilation happens at the same counts on
     * every run, whatever the machine's load.
     */
    @Test
    void divisionByZeroKeepsItsMessageOnceCompiled() throws Exception {
        ForkedJvm.Result r = ForkedJvm.run(List.of("-Xbatch", "-XX:-BackgroundCompilation", "-XX:+OmitStackTraceInFastThrow"),
                RepeatedDivisionByZero.class, backend().id(), String.valueOf(hotThrows()));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains((8L * hotThrows()) + " ArithmeticExceptions"), r.output());
    }

    /**
     * How many kernels of distinct shapes the forked check of
     * {@link #compiledCodeOfDroppedKernelsIsReleased} builds; a backend whose compiler is slow may
     * lower it.
     */
    protected int kernelsToDrop() {
        return 2_000;
    }

    /**
     * Compiled code lives as long as a kernel refers to it, plus a few recent ones: kernels of thousands
     * of shapes, dropped, leave behind no hidden classes, libraries or modules beyond that. Runs in a
     * JVM of its own, where nothing else holds kernels, with {@value KernelCache#RECENT_PROPERTY} = 8.
     */
    @Test
    void compiledCodeOfDroppedKernelsIsReleased() throws Exception {
        ForkedJvm.Result r = ForkedJvm.run(List.of("-D" + KernelCache.RECENT_PROPERTY + "=8"),
                CompiledKernelsUnload.class, backend().id(), String.valueOf(kernelsToDrop()));
        assertEquals(0, r.exitCode(), r.output());
    }

    @Test
    void selectEvaluatesBothOperandsSoAnUnselectedDivisionByZeroStillThrows() {
        Kernel k = Kernel.map(DType.I32, DType.I32, (x, y) -> Expr.select(y.ne(0), x.div(y), Expr.lit(0)));
        int[] out = (int[]) Columns.filled(DType.I32, 4, Columns.sentinel(DType.I32));
        assertThrows(ArithmeticException.class, () -> runtime(1).into(k, out, new int[]{1, 2, 3, 4}, new int[]{1, 0, 1, 1}));
        assertUntouched(out);
    }

    @Test
    void integerEdgeCasesWrapAsInJava() {
        Kernel div = Kernel.map(DType.I32, DType.I32, Expr::div);
        Kernel rem = Kernel.map(DType.I32, DType.I32, Expr::rem);
        assertArrayEquals(new int[]{Integer.MIN_VALUE, -7}, runtime(1).ints(div, new int[]{Integer.MIN_VALUE, 7},
                new int[]{-1, -1}));
        assertArrayEquals(new int[]{0, -1}, runtime(1).ints(rem, new int[]{Integer.MIN_VALUE, -7}, new int[]{-1, 2}));
        Kernel ldiv = Kernel.map(DType.I64, DType.I64, Expr::div);
        assertArrayEquals(new long[]{Long.MIN_VALUE}, runtime(1).longs(ldiv, new long[]{Long.MIN_VALUE}, new long[]{-1}));
        Kernel fdiv = Kernel.map(DType.F64, DType.F64, Expr::div);
        double[] r = runtime(1).doubles(fdiv, new double[]{1, -1, 0, 1}, new double[]{0, 0, 0, -0.0});
        assertArrayEquals(new double[]{Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
                Double.NEGATIVE_INFINITY}, r);
        Kernel abs = Kernel.map(DType.I32, x -> x.abs());
        assertArrayEquals(new int[]{Integer.MIN_VALUE}, runtime(1).ints(abs, (Object) new int[]{Integer.MIN_VALUE}));
    }

}
