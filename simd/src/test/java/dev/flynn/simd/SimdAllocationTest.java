package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.Op;
import dev.flynn.ir.OpKind;
import dev.flynn.ir.UnaryOp;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A warmed-up call allocates nothing: no vector boxes, no per-call objects in the backend or core, and
 * none in the own-math kernels of {@link #ZERO_ALLOCATION} (in the fast-math execution the same kernels
 * on the SVML-backed operators). Runs only in the {@code jit-foreground} and {@code fast-math} surefire
 * executions (-Xbatch), where the verdict cannot depend on how far the JIT has come, its tests in a fixed
 * order: other shapes, plain maps, own math, then plain reductions compiled after the own-math kernels.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SimdAllocationTest {
    private static final int N = 4096 + 7;
    private static final int CALLS = 200;

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static long readingCost() {
        long cost = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long before = allocatedBytes();
            cost = Math.min(cost, allocatedBytes() - before);
        }
        return cost;
    }

    private static float[] data(int seed) {
        float[] a = new float[N];
        for (int i = 0; i < N; i++) {
            a[i] = 1 + ((i * 31 + seed) % 97) / 97f;
        }
        return a;
    }

    private static long bytesPerCall(Runnable call) {
        for (int i = 0; i < 2_000; i++) {
            call.run();
        }
        // this class runs with -Xbatch (the pom's jit-foreground execution): each compilation happens at
        // a fixed call count and finishes before the call goes on, so the same rounds see the same code on
        // every run; keep the best of enough rounds for C2 (after about 5000 calls) to reach every method
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 100 && best > 0; round++) {
            long before = allocatedBytes();
            for (int i = 0; i < CALLS; i++) {
                call.run();
            }
            long bytes = allocatedBytes() - before;
            // reading the counter allocates a little itself; a call allocating even one object would
            // show CALLS * 16 bytes or more
            best = Math.min(best, Math.max(0, bytes - readingCost()) / CALLS);
        }
        return best;
    }

    /**
     * Kernels of other shapes first (F32 lanes at half width beside F64, masks, conversions), as in a
     * process that has run other kernels: the Vector API methods they share then carry class-check trap
     * history into every later compilation, the condition under which loop-carried vectors used to be
     * boxed.
     */
    @org.junit.jupiter.api.BeforeAll
    static void runOtherShapesFirst() {
        Kernel mixed = Kernel.parse("x * 2 + y", java.util.List.of("x", "y"), java.util.List.of(DType.F32, DType.F64));
        Kernel masked = Kernel.parse("select(x > 1.5, x, -x)", DType.F32);
        Kernel mixedSum = Kernel.parse("x * y", java.util.List.of("x", "y"), java.util.List.of(DType.F32, DType.F64)).reduce(Reduction.sum());
        SimdBackend.warmUp(mixed);
        SimdBackend.warmUp(masked);
        SimdBackend.warmUp(mixedSum);
    }

    private static void assertNoAllocation(String what, Kernel k, Runnable call) {
        SimdBackend.warmUp(k);
        assertEquals(0, bytesPerCall(call), "bytes per " + what + " call");
    }

    @Test
    @Order(1)
    void mapsIntoCallersArrayAllocateNothing() {
        float[] x = data(1);
        float[] y = data(2);
        float[] out = new float[N];
        Kernel saxpy = Kernel.parse("2*x + y", DType.F32);
        Kernel poly = Kernel.parse("((0.5*x + 0.25)*x - 1.5)*x + 2", DType.F32);
        try (Flynn simd = Flynn.builder().backend(Backend.SIMD).threads(1).build()) {
            assertNoAllocation("2*x+y", saxpy, () -> simd.into(saxpy, out, x, y));
            assertNoAllocation("polynomial", poly, () -> simd.into(poly, out, x));
        }
    }

    /**
     * The own-math kernels held to 0 bytes per warm call, as "symbol type shape". The rest still allocate
     * in this fork, by amounts that depend on which kernels ran before (-Xbatch, 4103 elements):
     * <ul>
     * <li>Maps. Each map's tail runs through its main loop's code ({@code SimdLoops.mapOnce}); when the
     * tail held a second copy of the routine, F32 sinh's kernel was 6700 bytes of bytecode, C1 gave up on
     * it, and most maps here allocated 48 bytes to 900 KB per call. With every transcendental run in
     * op-table order after {@link #runOtherShapesFirst}, all F32 maps but pow and all F64 maps but cbrt,
     * log1p, log10, sinh, cosh and pow then allocated nothing; those seven allocated 200 KB to 800 KB.
     * In this test's order (with those maps in the set) F32 sinh, cosh, tanh and F64 log, tanh allocated
     * 49 KB to 270 KB too, so they are left out. C2 compiles these
     * kernels, and JFR's allocation samples put the allocations in its code, in the fallbacks of Vector
     * API intrinsics: {@code reinterpretAsInts} and {@code test} reach {@code convert0} with a species
     * C2 does not see as a constant ({@code -XX:+PrintIntrinsics}: "missing constant: vclass=DecodeN ...
     * vlen=LoadI"), so they and the integer operations after them run lane by lane on arrays. These are
     * the largest bodies, where C2 delays the Vector API's methods past its inlining node-count cutoff;
     * casting the receivers to their exact class did not help. Each warmed up alone allocates nothing.</li>
     * <li>Sums. A reduction's tail still holds a second copy of the body. In this test's order the other
     * F32 sums allocated 384-1440 bytes per call (log1p, log10, atan2 384, sin 720, cos 1008, tan 1440,
     * asin 816, acos 624, atan 1296); in op-table order after every map, F32 sinh, cosh, tanh, pow, hypot
     * and every F64 sum but exp 480 bytes to 900 KB.</li>
     * </ul>
     */
    static final java.util.Set<String> ZERO_ALLOCATION = java.util.Set.of(
            "cbrt f32 map", "exp f32 map", "expm1 f32 map", "log f32 map", "log1p f32 map", "log10 f32 map",
            "sin f32 map", "cos f32 map", "tan f32 map", "asin f32 map", "acos f32 map", "atan f32 map",
            "atan2 f32 map", "hypot f32 map",
            "exp f64 map", "expm1 f64 map", "sin f64 map", "cos f64 map", "tan f64 map", "asin f64 map",
            "acos f64 map", "atan f64 map", "atan2 f64 map", "hypot f64 map",
            "cbrt f32 sum", "exp f32 sum", "expm1 f32 sum", "log f32 sum",
            "exp f64 sum");

    /** Every transcendental of the op table, F32 and F64: in the default mode Flynn's own routines, copied into the kernel. */
    static List<Op> transcendentals() {
        List<Op> ops = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            if (op.kind() == OpKind.MATH && !op.accuracy().exact()) {
                ops.add(op);
            }
        }
        for (BinaryOp op : BinaryOp.values()) {
            if (op.kind() == OpKind.MATH && !op.accuracy().exact()) {
                ops.add(op);
            }
        }
        return ops;
    }

    private static Kernel mathKernel(Op op, DType t) {
        String call = op.symbol() + (op.arity() == 1 ? "(x)" : "(x, y)");
        return Kernel.parse(call, t);
    }

    /** Arguments in (0, 1): inside every op's domain (asin, acos, log), away from any slow path for huge arguments. */
    private static Object mathData(DType t, int seed) {
        if (t == DType.F32) {
            float[] a = new float[N];
            for (int i = 0; i < N; i++) {
                a[i] = (1 + (i * 31 + seed) % 97) / 99f;
            }
            return a;
        }
        double[] a = new double[N];
        for (int i = 0; i < N; i++) {
            a[i] = (1 + (i * 31 + seed) % 97) / 99.0;
        }
        return a;
    }

    @Test
    @Order(2)
    void ownMathMapsAllocateNothing() {
        java.util.Map<String, Long> allocating = new java.util.LinkedHashMap<>();
        try (Flynn simd = Flynn.builder().backend(Backend.SIMD).threads(1).build()) {
            for (DType t : List.of(DType.F32, DType.F64)) {
                Object x = mathData(t, 1);
                Object y = mathData(t, 2);
                Object out = mathData(t, 3);
                for (Op op : ownMath(t, "map")) {
                    Kernel k = mathKernel(op, t);
                    Runnable call = op.arity() == 1 ? () -> simd.into(k, out, x) : () -> simd.into(k, out, x, y);
                    measure(allocating, name(op, t, "map"), k, call);
                }
            }
        }
        assertEquals(java.util.Map.of(), allocating, "bytes per warm call of the kernels that allocate");
    }

    /** Records the kernel's bytes per warm call where it allocates: one run reports every kernel that does. */
    private static void measure(java.util.Map<String, Long> allocating, String what, Kernel k, Runnable call) {
        SimdBackend.warmUp(k);
        long bytes = bytesPerCall(call);
        if (bytes != 0) {
            allocating.put(what, bytes);
        }
    }

    @Test
    @Order(3)
    void ownMathReductionsAllocateNothing() {
        java.util.Map<String, Long> allocating = new java.util.LinkedHashMap<>();
        double[] sink = new double[1];
        try (Flynn simd = Flynn.builder().backend(Backend.SIMD).threads(1).build()) {
            for (DType t : List.of(DType.F32, DType.F64)) {
                Object x = mathData(t, 4);
                Object y = mathData(t, 5);
                for (Op op : ownMath(t, "sum")) {
                    Kernel k = mathKernel(op, t).reduce(Reduction.sum());
                    Runnable call = op.arity() == 1 ? () -> sink[0] += simd.reduceDouble(k, x)
                            : () -> sink[0] += simd.reduceDouble(k, x, y);
                    measure(allocating, name(op, t, "sum"), k, call);
                }
            }
        }
        assertEquals(java.util.Map.of(), allocating, "bytes per warm call of the kernels that allocate");
    }

    private static String name(Op op, DType t, String shape) {
        return op.symbol() + " " + t.label() + " " + shape;
    }

    /** The transcendentals of {@link #ZERO_ALLOCATION} for one type and shape, in op-table order. */
    private static List<Op> ownMath(DType t, String shape) {
        List<Op> ops = new ArrayList<>();
        for (Op op : transcendentals()) {
            if (ZERO_ALLOCATION.contains(name(op, t, shape))) {
                ops.add(op);
            }
        }
        return ops;
    }

    /** Compiled after the own-math kernels: their compilations must leave nothing that makes a later kernel allocate. */
    @Test
    @Order(4)
    void reductionsToPrimitiveAllocateNothing() {
        // shapes no other test class uses: each gets its own generated class, profiled only here
        Kernel sum = Kernel.parse("x + 0", DType.F32).reduce(Reduction.sum());
        Kernel argmax = Kernel.parse("x + 0", DType.F32).reduce(Reduction.argmax());
        Kernel mean = Kernel.parse("x + 0", DType.F32).reduce(Reduction.mean());
        Kernel variance = Kernel.parse("x + 0", DType.F32).reduce(Reduction.variance());
        float[] x = data(3);
        double[] sink = new double[1];
        try (Flynn simd = Flynn.builder().backend(Backend.SIMD).threads(1).build()) {
            assertNoAllocation("sum", sum, () -> sink[0] += simd.reduceDouble(sum, x));
            assertNoAllocation("argmax", argmax, () -> sink[0] += simd.reduceLong(argmax, x));
            assertNoAllocation("mean", mean, () -> sink[0] += simd.reduceDouble(mean, x));
            assertNoAllocation("variance", variance, () -> sink[0] += simd.reduceDouble(variance, x));
        }
    }

    /** Two inputs and four accumulators: the loop C2 boxed once other shapes had run. */
    @Test
    @Order(5)
    void dotAllocatesNothing() {
        Kernel dot = Kernel.parse("y * x", DType.F32).reduce(Reduction.sum());
        float[] x = data(3);
        float[] y = data(4);
        double[] sink = new double[1];
        try (Flynn simd = Flynn.builder().backend(Backend.SIMD).threads(1).build()) {
            assertNoAllocation("dot", dot, () -> sink[0] += simd.reduceDouble(dot, x, y));
        }
    }

    /** The typed handles' path: the same compiled loops behind a generated class and a per-thread invocation. */
    @Test
    @Order(6)
    void handlesAllocateNothing() {
        Kernel saxpy = Kernel.parse("2*x + y + 0", DType.F32);
        Kernel dot = Kernel.parse("y * x + 0", DType.F32).reduce(Reduction.sum());
        float[] x = data(5);
        float[] y = data(6);
        float[] out = new float[N];
        double[] sink = new double[1];
        try (Flynn simd = Flynn.builder().backend(Backend.SIMD).threads(1).build()) {
            dev.flynn.Handles.FloatMap2 map = simd.bind(saxpy, dev.flynn.Handles.FloatMap2.class);
            dev.flynn.Handles.FloatReduce2 red = simd.bind(dot, dev.flynn.Handles.FloatReduce2.class);
            assertNoAllocation("saxpy handle", saxpy, () -> map.apply(out, x, y));
            assertNoAllocation("dot handle", dot, () -> sink[0] += red.apply(x, y));
        }
    }
}
