package dev.flynn.simd;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import dev.flynn.spi.Binding;
import dev.flynn.spi.Call;
import dev.flynn.spi.Partial;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs a fixed set of kernels on the SIMD backend and prints one line per (kernel, size):
 * {@code digest|name|size|digest of the first call|digest of the last call}. {@link SimdDeterminismTest}
 * runs it in JVMs of different JIT modes and vector widths and compares the lines.
 *
 * <p>The backend is driven through its SPI, not through {@link Flynn}: the backend's probe refuses an
 * {@code -Xint} JVM (too slow to be useful), and here the interpreter is the point. The path is the
 * one {@code Flynn} takes: prepare once, then core's blocks and tree in {@code CpuBackend.reduce},
 * then the reduction's finish step.
 *
 * <p>Arguments: the number of calls per (kernel, size), and optionally {@code svml-exp}, which runs
 * only a loop of {@code VectorOperators.EXP}, the operator whose bits depend on C2.
 */
public final class SimdDigests {
    /** Sizes: every tail length class at 128 to 512 bits, and two sizes with many whole blocks of partials. */
    static final int[] SIZES = {1, 3, 8, 17, 31, 33, 64, 65, 127, 1000, 2053};

    /** Element-wise ops built only from exactly rounded operations: identical bits everywhere today. */
    static final List<String> EXACT_MAPS = List.of("x + y", "x - y", "x * y", "x / y", "fma(x, y, 0.5)", "sqrt(x)",
            "abs(x)", "-x", "floor(x)", "ceil(x)", "rint(x)", "signum(x)", "min(x, y)", "max(x, y)", "x % y",
            "where(x > y, x, y * 2)", "x * 2 + y");

    /**
     * Transcendental maps whose bits are reproducible on the SIMD backend: all of them, since each is
     * Flynn's own routine built from exactly rounded operations. In fast mode ({@code VectorOperators.EXP}
     * and friends) their bits change when C2 compiles the loop.
     */
    static final List<String> REPRODUCIBLE_TRANSCENDENTAL_MAPS = List.of("exp(x)", "expm1(x)", "log(x)",
            "log1p(x)", "log10(x)", "sin(x)", "cos(x)", "tan(x)", "asin(x)", "acos(x)", "atan(x)", "sinh(x)",
            "cosh(x)", "tanh(x)", "cbrt(x)", "pow(x, y)", "atan2(x, y)", "hypot(x, y)");

    /** Every transcendental of the op table, for diagnosis: {@code -Dflynn.digests.maps=all}. */
    static final List<String> ALL_TRANSCENDENTAL_MAPS = List.of("exp(x)", "expm1(x)", "log(x)", "log1p(x)",
            "log10(x)", "sin(x)", "cos(x)", "tan(x)", "asin(x)", "acos(x)", "atan(x)", "sinh(x)", "cosh(x)",
            "tanh(x)", "cbrt(x)", "pow(x, y)", "atan2(x, y)", "hypot(x, y)");

    /** Reductions, each run over F32 and F64 values of {@code x} (and {@code y} for dot). */
    static final Map<String, Reduction> REDUCTIONS = reductions();

    private static Map<String, Reduction> reductions() {
        Map<String, Reduction> r = new LinkedHashMap<>();
        r.put("sum", Reduction.sum());
        r.put("compensated", Reduction.sum(Reduction.Summation.COMPENSATED));
        r.put("mean", Reduction.mean());
        r.put("variance", Reduction.variance());
        r.put("norm2", Reduction.norm2());
        r.put("min", Reduction.min());
        r.put("argmax", Reduction.argmax());
        return r;
    }

    private SimdDigests() {
    }

    public static void main(String[] args) throws Exception {
        int calls = Integer.parseInt(args[0]);
        PrintStream out = System.out;
        if (args.length > 1 && args[1].equals("svml-exp")) {
            svmlExp(calls, out);
            return;
        }
        List<String> maps = new ArrayList<>(EXACT_MAPS);
        maps.addAll("all".equals(System.getProperty("flynn.digests.maps")) ? ALL_TRANSCENDENTAL_MAPS
                : REPRODUCIBLE_TRANSCENDENTAL_MAPS);
        SimdBackend simd = new SimdBackend();
        List<Job> jobs = new ArrayList<>();
        for (DType t : List.of(DType.F32, DType.F64)) {
            for (String e : maps) {
                jobs.add(new Job(e + " " + t, Kernel.parse(e, t), Data.SPECIAL));
            }
            for (Map.Entry<String, Reduction> r : REDUCTIONS.entrySet()) {
                jobs.add(new Job(r.getKey() + " " + t, Kernel.parse("x", t).reduce(r.getValue()), Data.SCALED));
            }
            jobs.add(new Job("dot " + t, Kernel.dot(t), Data.SCALED));
        }
        // F32 values in an F64 body: vectors of half the preferred lane count
        jobs.add(new Job("sum f64(x)*y F32,F64", Kernel.parse("f64(x) * y", List.of("x", "y"),
                List.of(DType.F32, DType.F64)).reduce(Reduction.sum()), Data.SCALED));
        jobs.add(new Job("integer ops I32", Kernel.parse("(x * 7 + (y >> 3)) / 5 - x % 11", DType.I32), Data.SCALED));
        jobs.add(new Job("sum I64", Kernel.parse("x * 3", DType.I64).reduce(Reduction.sum()), Data.SCALED));

        Map<String, String> first = new LinkedHashMap<>();
        Map<String, String> last = new LinkedHashMap<>();
        // every kernel and size once per round, so that a kernel's code is compiled (or not) by the
        // same rules as in a program that calls it repeatedly
        for (int call = 0; call < calls; call++) {
            for (Job job : jobs) {
                for (int n : SIZES) {
                    String key = job.name + "|" + n;
                    String d = job.run(simd, n);
                    first.putIfAbsent(key, d);
                    last.put(key, d);
                }
            }
        }
        // the test checks that this many kernel classes were compiled where C2 is forced
        out.println("kernels|" + jobs.stream().map(j -> j.kernel.shapeKey()).distinct().count());
        for (String key : first.keySet()) {
            out.println("digest|" + key + "|" + first.get(key) + "|" + last.get(key));
        }
    }

    /** Input data: each input of a job gets its own seed. */
    enum Data {
        /** Special values (NaN, zeros, infinities, subnormals, extremes) between random values of every magnitude. */
        SPECIAL,
        /** Finite values of both signs over 40 binades: every reordering of a sum shows in its bits. */
        SCALED;

        Object values(DType t, int n, long seed) {
            SplittableRandom r = new SplittableRandom(seed * 1_000_003 + n);
            double[] v = new double[n];
            double[] specials = {Double.NaN, 0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                    Double.MIN_VALUE, -Double.MIN_VALUE, Float.MIN_VALUE, Float.MIN_NORMAL, Double.MIN_NORMAL,
                    Float.MAX_VALUE, -Float.MAX_VALUE, Double.MAX_VALUE, 1, -1, 0.5, Math.PI, 88.72, 709.78, -745.1,
                    1e-300, 1e300, 710, -104, 1 + 0x1p-23, 1 - 0x1p-53};
            for (int i = 0; i < n; i++) {
                v[i] = switch (this) {
                    case SPECIAL -> r.nextInt(4) == 0 ? specials[r.nextInt(specials.length)]
                            : (r.nextBoolean() ? 1 : -1) * r.nextDouble() * Math.scalb(1.0, r.nextInt(-30, 31));
                    case SCALED -> (r.nextBoolean() ? 1 : -1) * (1 + r.nextDouble()) * Math.scalb(1.0, r.nextInt(-20, 21));
                };
            }
            return switch (t) {
                case F32 -> {
                    float[] a = new float[n];
                    for (int i = 0; i < n; i++) {
                        a[i] = (float) v[i];
                    }
                    yield a;
                }
                case F64 -> v;
                case I32 -> {
                    int[] a = new int[n];
                    for (int i = 0; i < n; i++) {
                        a[i] = (int) (v[i] * 1e3);
                    }
                    yield a;
                }
                case I64 -> {
                    long[] a = new long[n];
                    for (int i = 0; i < n; i++) {
                        a[i] = (long) (v[i] * 1e9);
                    }
                    yield a;
                }
                case BOOL -> throw new IllegalArgumentException("no mask inputs");
            };
        }
    }

    private static final class Job {
        final String name;
        final Kernel kernel;
        final Data data;
        final Map<Integer, Object[]> inputs = new LinkedHashMap<>();
        Object compiled;
        final Call call = new Call();

        Job(String name, Kernel kernel, Data data) {
            this.name = name;
            this.kernel = kernel;
            this.data = data;
        }

        String run(SimdBackend simd, int n) {
            Object[] in = inputs.computeIfAbsent(n, size -> {
                Object[] a = new Object[kernel.arity()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = data.values(kernel.inputTypes().get(i), size, i + 1);
                }
                return a;
            });
            if (compiled == null) {
                List<Binding> arrays = java.util.Collections.nCopies(kernel.arity(), Binding.ARRAY);
                compiled = simd.prepare(kernel.ir(), kernel.shapeKey(), arrays,
                        kernel.isReduction() ? Binding.NONE : Binding.ARRAY);
            }
            Object out = kernel.isReduction() ? null : data.values(kernel.resultType(), n, 99);
            call.set(kernel.ir(), compiled, out, 0, n, kernel.constants(), 1, null);
            for (int i = 0; i < in.length; i++) {
                call.input(i, in[i], 0);
            }
            if (kernel.isReduction()) {
                Partial p = new Partial();
                simd.reduce(call, p);
                return digest(kernel.reduction().orElseThrow().finish(
                        dev.flynn.spi.StateLayout.of(kernel.ir().reduce().orElseThrow(), kernel.ir().body().type()).read(p), n));
            }
            simd.map(call);
            return digest(out);
        }
    }

    /** A loop of {@code VectorOperators.EXP} alone: the lowering the SIMD backend used for exp before its own math. */
    private static void svmlExp(int calls, PrintStream out) {
        float[] x = (float[]) Data.SCALED.values(DType.F32, 4096, 7);
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] / 0x1p15f;
        }
        float[] y = new float[x.length];
        String first = null;
        String last = null;
        for (int call = 0; call < calls; call++) {
            expLoop(x, y);
            last = digest(y);
            if (first == null) {
                first = last;
            }
        }
        out.println("digest|VectorOperators.EXP F32|" + x.length + "|" + first + "|" + last);
    }

    /** The loop C2 compiles on its own (the test lowers its compile threshold). */
    static void expLoop(float[] x, float[] y) {
        // a static final species: C2 intrinsifies Vector API calls only on constant species
        VectorSpecies<Float> s = FloatVector.SPECIES_PREFERRED;
        for (int i = 0; i < x.length; i += s.length()) {
            FloatVector.fromArray(s, x, i).lanewise(VectorOperators.EXP).intoArray(y, i);
        }
    }

    /** SHA-256 of the value's bits (raw: NaN payloads and the sign of zero count), 16 hex digits. */
    static String digest(Object value) {
        ByteBuffer b;
        switch (value) {
            case float[] a -> {
                b = ByteBuffer.allocate(a.length * 4);
                for (float f : a) {
                    b.putInt(Float.floatToRawIntBits(f));
                }
            }
            case double[] a -> {
                b = ByteBuffer.allocate(a.length * 8);
                for (double d : a) {
                    b.putLong(Double.doubleToRawLongBits(d));
                }
            }
            case int[] a -> {
                b = ByteBuffer.allocate(a.length * 4);
                for (int i : a) {
                    b.putInt(i);
                }
            }
            case long[] a -> {
                b = ByteBuffer.allocate(a.length * 8);
                for (long l : a) {
                    b.putLong(l);
                }
            }
            case Float f -> b = ByteBuffer.allocate(4).putInt(Float.floatToRawIntBits(f));
            case Double d -> b = ByteBuffer.allocate(8).putLong(Double.doubleToRawLongBits(d));
            case Integer i -> b = ByteBuffer.allocate(4).putInt(i);
            case Long l -> b = ByteBuffer.allocate(8).putLong(l);
            default -> throw new IllegalArgumentException("no digest of " + value.getClass());
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(b.array());
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
