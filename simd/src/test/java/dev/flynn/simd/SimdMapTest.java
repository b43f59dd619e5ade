package dev.flynn.simd;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Slice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Maps on the SIMD backend against the Java expression each op is defined by, bit for bit. */
class SimdMapTest {
    static final int[] SIZES = {0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 1000, 4097};
    static final Flynn SIMD = Flynn.builder().backend(Backend.SIMD).threads(1).build();
    static final Flynn SIMD2 = Flynn.builder().backend(Backend.SIMD).threads(2).build();

    @AfterAll
    static void close() {
        SIMD.close();
        SIMD2.close();
    }

    static final float[] F_SPECIAL = {0f, -0f, 1f, -1f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 0.49999997f, 8388607.5f,
            -8388607.5f, 8388608f, 1e20f, -1e20f, 3e9f, -3e9f, Float.NaN, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE,
            2147483647f, -2147483648f, 9.2233720e18f, -9.2233720e18f, 0.7f, -0.7f, 100f, -100f};
    static final double[] D_SPECIAL = {0d, -0d, 1d, -1d, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994,
            4503599627370495.5, -4503599627370495.5, 4503599627370496d, 1e300, -1e300, 3e9, -3e9, 1e19, -1e19, Double.NaN,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL,
            Double.MAX_VALUE, 2147483647.5, -2147483648.5, 0.7, -0.7, 100d, -100d};
    static final long[] L_SPECIAL = {0, 1, -1, 2, -2, 3, 7, 31, 32, 33, 63, 64, 65, Integer.MAX_VALUE, Integer.MIN_VALUE,
            Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40, -(1L << 40), 123456789, -987654321};

    static float[] floats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(4);
            a[i] = k == 0 ? F_SPECIAL[r.nextInt(F_SPECIAL.length)]
                    : k == 1 ? Float.intBitsToFloat(r.nextInt()) : (float) (r.nextDouble() * 200 - 100);
        }
        return a;
    }

    static double[] doubles(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(4);
            a[i] = k == 0 ? D_SPECIAL[r.nextInt(D_SPECIAL.length)]
                    : k == 1 ? Double.longBitsToDouble(r.nextLong()) : r.nextDouble() * 200 - 100;
        }
        return a;
    }

    static long[] longs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(3);
            a[i] = k == 0 ? L_SPECIAL[r.nextInt(L_SPECIAL.length)] : k == 1 ? r.nextLong() : r.nextInt(201) - 100;
        }
        return a;
    }

    static int[] ints(int n, long seed) {
        long[] l = longs(n, seed);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = (int) l[i];
        }
        return a;
    }

    static Object data(DType t, int n, long seed) {
        return switch (t) {
            case F32 -> floats(n, seed);
            case F64 -> doubles(n, seed);
            case I32 -> ints(n, seed);
            case I64 -> longs(n, seed);
            case BOOL -> throw new IllegalArgumentException();
        };
    }

    static double get(Object a, int i) {
        return switch (a) {
            case float[] f -> f[i];
            case double[] d -> d[i];
            case int[] x -> x[i];
            case long[] x -> x[i];
            default -> throw new IllegalArgumentException();
        };
    }

    static long getLong(Object a, int i) {
        return switch (a) {
            case int[] x -> x[i];
            case long[] x -> x[i];
            default -> throw new IllegalArgumentException();
        };
    }

    // ---- floating unary and binary ops, exact ones -------------------------------------------------

    static final List<String> EXACT_UNARY = List.of("-x", "abs(x)", "sqrt(x)", "floor(x)", "ceil(x)", "rint(x)", "signum(x)");

    static double unaryRef(String e, double x) {
        return switch (e) {
            case "-x" -> -x;
            case "abs(x)" -> Math.abs(x);
            case "sqrt(x)" -> Math.sqrt(x);
            case "floor(x)" -> Math.floor(x);
            case "ceil(x)" -> Math.ceil(x);
            case "rint(x)" -> Math.rint(x);
            case "signum(x)" -> Math.signum(x);
            default -> throw new IllegalArgumentException(e);
        };
    }

    @Test
    void exactUnaryF32() {
        for (String e : EXACT_UNARY) {
            Kernel k = Kernel.parse(e, DType.F32);
            for (int n : SIZES) {
                float[] x = floats(n, n);
                float[] out = new float[n];
                SIMD.into(k, out, x);
                for (int i = 0; i < n; i++) {
                    float want = e.equals("abs(x)") ? Math.abs(x[i]) : e.equals("-x") ? -x[i]
                            : e.equals("signum(x)") ? Math.signum(x[i]) : (float) unaryRef(e, x[i]);
                    assertBits(want, out[i], e, x[i]);
                }
            }
        }
    }

    @Test
    void exactUnaryF64() {
        for (String e : EXACT_UNARY) {
            Kernel k = Kernel.parse(e, DType.F64);
            for (int n : SIZES) {
                double[] x = doubles(n, n);
                double[] out = new double[n];
                SIMD.into(k, out, x);
                for (int i = 0; i < n; i++) {
                    assertBits(unaryRef(e, x[i]), out[i], e, x[i]);
                }
            }
        }
    }

    static final List<String> FLOAT_BINARY = List.of("x + y", "x - y", "x * y", "x / y", "x % y", "min(x, y)", "max(x, y)");

    static double binaryRef(String e, double x, double y) {
        return switch (e) {
            case "x + y" -> x + y;
            case "x - y" -> x - y;
            case "x * y" -> x * y;
            case "x / y" -> x / y;
            case "x % y" -> x % y;
            case "min(x, y)" -> Math.min(x, y);
            case "max(x, y)" -> Math.max(x, y);
            default -> throw new IllegalArgumentException(e);
        };
    }

    static float binaryRefF(String e, float x, float y) {
        return switch (e) {
            case "x + y" -> x + y;
            case "x - y" -> x - y;
            case "x * y" -> x * y;
            case "x / y" -> x / y;
            case "x % y" -> x % y;
            case "min(x, y)" -> Math.min(x, y);
            case "max(x, y)" -> Math.max(x, y);
            default -> throw new IllegalArgumentException(e);
        };
    }

    @Test
    void floatBinary() {
        for (String e : FLOAT_BINARY) {
            Kernel kf = Kernel.parse(e, DType.F32);
            Kernel kd = Kernel.parse(e, DType.F64);
            for (int n : SIZES) {
                float[] x = floats(n, n);
                float[] y = floats(n, n + 1000);
                float[] out = new float[n];
                SIMD.into(kf, out, x, y);
                for (int i = 0; i < n; i++) {
                    assertBits(binaryRefF(e, x[i], y[i]), out[i], e, x[i]);
                }
                double[] dx = doubles(n, n);
                double[] dy = doubles(n, n + 1000);
                double[] dout = new double[n];
                SIMD.into(kd, dout, dx, dy);
                for (int i = 0; i < n; i++) {
                    assertBits(binaryRef(e, dx[i], dy[i]), dout[i], e, dx[i]);
                }
            }
        }
    }

    @Test
    void fma() {
        Kernel kf = Kernel.parse("fma(x, y, z)", DType.F32);
        Kernel kd = Kernel.parse("fma(x, y, z)", DType.F64);
        for (int n : SIZES) {
            float[] x = floats(n, 1), y = floats(n, 2), z = floats(n, 3);
            float[] out = SIMD.floats(kf, x, y, z);
            for (int i = 0; i < n; i++) {
                assertBits(Math.fma(x[i], y[i], z[i]), out[i], "fma", x[i]);
            }
            double[] a = doubles(n, 1), b = doubles(n, 2), c = doubles(n, 3);
            double[] dout = SIMD.doubles(kd, a, b, c);
            for (int i = 0; i < n; i++) {
                assertBits(Math.fma(a[i], b[i], c[i]), dout[i], "fma", a[i]);
            }
        }
    }

    // ---- integer ops --------------------------------------------------------------------------

    static final List<String> INT_BINARY = List.of("x + y", "x - y", "x * y", "min(x, y)", "max(x, y)", "x & y", "x | y",
            "x ^ y", "x << y", "x >> y", "x >>> y", "-x", "abs(x) + 0*y", "~x + 0*y");

    static long intRef(String e, long x, long y, boolean wide) {
        if (!wide) {
            int a = (int) x, b = (int) y;
            return switch (e) {
                case "x + y" -> a + b;
                case "x - y" -> a - b;
                case "x * y" -> a * b;
                case "x / y" -> a / b;
                case "x % y" -> a % b;
                case "min(x, y)" -> Math.min(a, b);
                case "max(x, y)" -> Math.max(a, b);
                case "x & y" -> a & b;
                case "x | y" -> a | b;
                case "x ^ y" -> a ^ b;
                case "x << y" -> a << b;
                case "x >> y" -> a >> b;
                case "x >>> y" -> a >>> b;
                case "-x" -> -a;
                case "abs(x) + 0*y" -> Math.abs(a);
                case "~x + 0*y" -> ~a;
                default -> throw new IllegalArgumentException(e);
            };
        }
        return switch (e) {
            case "x + y" -> x + y;
            case "x - y" -> x - y;
            case "x * y" -> x * y;
            case "x / y" -> x / y;
            case "x % y" -> x % y;
            case "min(x, y)" -> Math.min(x, y);
            case "max(x, y)" -> Math.max(x, y);
            case "x & y" -> x & y;
            case "x | y" -> x | y;
            case "x ^ y" -> x ^ y;
            case "x << y" -> x << y;
            case "x >> y" -> x >> y;
            case "x >>> y" -> x >>> y;
            case "-x" -> -x;
            case "abs(x) + 0*y" -> Math.abs(x);
            case "~x + 0*y" -> ~x;
            default -> throw new IllegalArgumentException(e);
        };
    }

    @Test
    void integerOps() {
        for (DType t : List.of(DType.I32, DType.I64)) {
            for (String e : INT_BINARY) {
                Kernel k = e.equals("-x") ? Kernel.parse("-x + 0*y", t) : Kernel.parse(e, t);
                String ref = e.equals("-x") ? "-x" : e;
                for (int n : SIZES) {
                    Object x = data(t, n, n);
                    Object y = data(t, n, n + 7);
                    Object out = SIMD.apply(k, x, y);
                    for (int i = 0; i < n; i++) {
                        assertEquals(intRef(ref, getLong(x, i), getLong(y, i), t == DType.I64), getLong(out, i),
                                t + " " + e + " at " + i + " x=" + getLong(x, i) + " y=" + getLong(y, i));
                    }
                }
            }
        }
    }

    @Test
    void integerDivisionAndRemainder() {
        for (DType t : List.of(DType.I32, DType.I64)) {
            for (String e : List.of("x / y", "x % y")) {
                Kernel k = Kernel.parse(e, t);
                for (int n : SIZES) {
                    Object x = data(t, n, n);
                    Object y = data(t, n, n + 7);
                    for (int i = 0; i < n; i++) {
                        if (getLong(y, i) == 0) {
                            java.lang.reflect.Array.set(y, i, t == DType.I32 ? (Object) (-1) : (Object) (-1L));
                        }
                    }
                    Object out = SIMD.apply(k, x, y);
                    for (int i = 0; i < n; i++) {
                        assertEquals(intRef(e, getLong(x, i), getLong(y, i), t == DType.I64), getLong(out, i), t + " " + e);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 16, 17, 100, 4097})
    void divisionByZeroThrowsAndWritesNothing(int n) {
        Kernel k = Kernel.parse("x / y", DType.I32);
        int[] x = new int[n];
        int[] y = new int[n];
        java.util.Arrays.fill(y, 3);
        y[n - 1] = 0;
        int[] out = new int[n];
        java.util.Arrays.fill(out, 42);
        assertThrows(ArithmeticException.class, () -> SIMD.into(k, out, x, y));
        for (int v : out) {
            assertEquals(42, v);
        }
        Kernel kl = Kernel.parse("x % y", DType.I64);
        long[] lx = new long[n];
        long[] ly = new long[n];
        assertThrows(ArithmeticException.class, () -> SIMD.apply(kl, lx, ly));
    }

    // ---- compares, select, masks, casts ---------------------------------------------------------

    @Test
    void compareAndSelect() {
        String[] ops = {"<", "<=", ">", ">=", "==", "!="};
        for (DType t : List.of(DType.F32, DType.F64, DType.I32, DType.I64)) {
            for (String op : ops) {
                Kernel k = Kernel.parse("where(x " + op + " y, x, y)", t);
                Kernel count = Kernel.parse("i32(x " + op + " y)", t);
                for (int n : SIZES) {
                    Object x = data(t, n, n);
                    Object y = data(t, n, n + 3);
                    if (n > 2) {
                        System.arraycopy(x, 0, y, 0, 2); // some equal pairs
                    }
                    Object out = SIMD.apply(k, x, y);
                    int[] c = SIMD.ints(count, x, y);
                    for (int i = 0; i < n; i++) {
                        boolean want = t.isFloating() ? cmp(op, get(x, i), get(y, i)) : cmp(op, getLong(x, i), getLong(y, i));
                        assertEquals(want ? 1 : 0, c[i], t + " " + op);
                        if (t.isFloating()) {
                            assertBits(want ? get(x, i) : get(y, i), get(out, i), op, get(x, i));
                        } else {
                            assertEquals(want ? getLong(x, i) : getLong(y, i), getLong(out, i));
                        }
                    }
                }
            }
        }
    }

    static boolean cmp(String op, double a, double b) {
        return switch (op) {
            case "<" -> a < b;
            case "<=" -> a <= b;
            case ">" -> a > b;
            case ">=" -> a >= b;
            case "==" -> a == b;
            default -> a != b;
        };
    }

    static boolean cmp(String op, long a, long b) {
        return switch (op) {
            case "<" -> a < b;
            case "<=" -> a <= b;
            case ">" -> a > b;
            case ">=" -> a >= b;
            case "==" -> a == b;
            default -> a != b;
        };
    }

    @Test
    void maskLogicAcrossTypes() {
        // masks from an F64 compare and an F32 compare combined, then selecting F32 values
        Kernel k = Kernel.parse("where((f64(x) > y) & !(x < 0.5) | (x == y), x, -x)", List.of("x", "y"),
                List.of(DType.F32, DType.F64));
        Kernel eq = Kernel.parse("where((x > 0) == (y > 0), 1, 2) + where((x > 0) != (y > 0), 10, 20)", List.of("x", "y"),
                List.of(DType.F32, DType.F64));
        for (int n : SIZES) {
            float[] x = floats(n, n);
            double[] y = doubles(n, n + 5);
            float[] out = SIMD.floats(k, x, y);
            Object out2 = SIMD.apply(eq, x, y);
            for (int i = 0; i < n; i++) {
                boolean m = ((double) x[i] > y[i]) && !(x[i] < 0.5f) || ((double) x[i] == y[i]);
                assertBits(m ? x[i] : -x[i], out[i], "mask", x[i]);
                boolean a = x[i] > 0, b = y[i] > 0;
                assertEquals((a == b ? 1 : 2) + (a != b ? 10 : 20), getLong(out2, i));
            }
        }
    }

    @Test
    void casts() {
        List<DType> types = List.of(DType.F32, DType.F64, DType.I32, DType.I64);
        for (DType from : types) {
            for (DType to : types) {
                Kernel k = Kernel.parse(to.label() + "(x)", from);
                for (int n : SIZES) {
                    Object x = data(from, n, n * 31L + from.ordinal());
                    Object out = SIMD.apply(k, x);
                    for (int i = 0; i < n; i++) {
                        Object want = javaCast(x, i, to);
                        Object got = java.lang.reflect.Array.get(out, i);
                        assertEquals(want, got, from + "->" + to + " of " + java.lang.reflect.Array.get(x, i));
                    }
                }
            }
        }
    }

    static Object javaCast(Object a, int i, DType to) {
        return switch (a) {
            case float[] f -> switch (to) {
                case F32 -> f[i];
                case F64 -> (double) f[i];
                case I32 -> (int) f[i];
                default -> (long) f[i];
            };
            case double[] d -> switch (to) {
                case F32 -> (float) d[i];
                case F64 -> d[i];
                case I32 -> (int) d[i];
                default -> (long) d[i];
            };
            case int[] x -> switch (to) {
                case F32 -> (float) x[i];
                case F64 -> (double) x[i];
                case I32 -> x[i];
                default -> (long) x[i];
            };
            case long[] x -> switch (to) {
                case F32 -> (float) x[i];
                case F64 -> (double) x[i];
                case I32 -> (int) x[i];
                default -> x[i];
            };
            default -> throw new IllegalArgumentException();
        };
    }

    /**
     * A body that copies in own math routines runs its tail through the main loop's code, reading its
     * operands from per-operand scratch copies. Every element of a tail, of a slice at an offset, with a
     * scalar operand and in place must carry the bits the main loop gives it (one routine per kernel: a
     * body of more is cut into chunk methods, which keep the two-copy tail): the expectation is each
     * input padded to a multiple of every lane count (no tail at all), computed by the main loop alone.
     */
    @Test
    void routineTailsMatchTheMainLoop() {
        Kernel f32 = Kernel.parse("atan2(y, x) * x", DType.F32);
        Kernel f64 = Kernel.parse("exp(x) - y", DType.F64);
        for (int n : SIZES) {
            int padded = Math.max(16, Math.ceilDiv(n, 16) * 16);
            float[] x = java.util.Arrays.copyOf(floats(n, 21), padded);
            float[] y = java.util.Arrays.copyOf(floats(n, 22), padded);
            float[] want = SIMD.floats(f32, x, y);
            float[] xs = java.util.Arrays.copyOf(x, n);
            float[] ys = java.util.Arrays.copyOf(y, n);
            assertArrayEquals(java.util.Arrays.copyOf(want, n), SIMD.floats(f32, xs, ys), "tail, n = " + n);
            float[] big = new float[n + 5];
            System.arraycopy(xs, 0, big, 3, n);
            float[] outBig = new float[n + 9];
            SIMD.into(f32, Slice.of(outBig, 7, n), Slice.of(big, 3, n), ys);
            assertArrayEquals(java.util.Arrays.copyOf(want, n), java.util.Arrays.copyOfRange(outBig, 7, 7 + n),
                    "slices, n = " + n);
            float[] inPlace = xs.clone();
            SIMD.into(f32, inPlace, inPlace, ys);
            assertArrayEquals(java.util.Arrays.copyOf(want, n), inPlace, "in place, n = " + n);
            float[] wantScalar = SIMD.floats(f32, x, 0.75f);
            assertArrayEquals(java.util.Arrays.copyOf(wantScalar, n), SIMD.floats(f32, xs, 0.75f), "scalar y, n = " + n);

            double[] u = java.util.Arrays.copyOf(doubles(n, 23), padded);
            double[] v = java.util.Arrays.copyOf(doubles(n, 24), padded);
            double[] wantD = SIMD.doubles(f64, u, v);
            double[] vs = java.util.Arrays.copyOf(v, n);
            double[] inPlaceD = vs.clone();
            SIMD.into(f64, inPlaceD, java.util.Arrays.copyOf(u, n), inPlaceD);
            assertArrayEquals(java.util.Arrays.copyOf(wantD, n), inPlaceD, "f64 in place of y, n = " + n);
        }
    }

    // ---- bindings ---------------------------------------------------------------------------------

    @Test
    void scalarsSlicesSegmentsAndInPlace() {
        Kernel k = Kernel.parse("2*x + y", DType.F32);
        for (int n : SIZES) {
            float[] x = floats(n, 11);
            float[] y = floats(n, 12);
            float[] want = new float[n];
            for (int i = 0; i < n; i++) {
                want[i] = 2 * x[i] + y[i];
            }
            assertArrayEquals(want, SIMD.floats(k, x, y));
            assertArrayEquals(want, SIMD2.floats(k, x, y));
            // scalar y
            float[] ws = SIMD.floats(k, x, 1.25f);
            for (int i = 0; i < n; i++) {
                assertBits(2 * x[i] + 1.25f, ws[i], "scalar", x[i]);
            }
            // slices
            float[] big = new float[n + 10];
            System.arraycopy(x, 0, big, 3, n);
            float[] outBig = new float[n + 20];
            SIMD.into(k, Slice.of(outBig, 7, n), Slice.of(big, 3, n), y);
            for (int i = 0; i < n; i++) {
                assertBits(want[i], outBig[7 + i], "slice", x[i]);
            }
            // segments
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment sx = arena.allocate((long) n * 4 + 4, 4).asSlice(4);
                MemorySegment so = arena.allocate((long) n * 4, 4);
                MemorySegment.copy(x, 0, sx, ValueLayout.JAVA_FLOAT, 0, n);
                SIMD.into(k, so, sx, y);
                for (int i = 0; i < n; i++) {
                    assertBits(want[i], so.getAtIndex(ValueLayout.JAVA_FLOAT, i), "segment", x[i]);
                }
            }
            // in place
            float[] inPlace = x.clone();
            SIMD.into(k, inPlace, inPlace, y);
            assertArrayEquals(want, inPlace);
        }
    }

    @Test
    void literalsAreArguments() {
        SimdBackend b = (SimdBackend) Flynn.provider("simd").orElseThrow();
        Kernel k2 = Kernel.parse("x*2 + 1", DType.F64);
        Kernel k3 = Kernel.parse("x*3 + 5", DType.F64);
        double[] x = doubles(100, 1);
        double[] r2 = SIMD.doubles(k2, x);
        int cached = b.cachedKernels();
        double[] r3 = SIMD.doubles(k3, x);
        assertEquals(cached, b.cachedKernels());
        for (int i = 0; i < x.length; i++) {
            assertBits(x[i] * 2 + 1, r2[i], "k2", x[i]);
            assertBits(x[i] * 3 + 5, r3[i], "k3", x[i]);
        }
    }

    @Test
    void mixedTypesPromote() {
        Kernel k = Kernel.parse("x * y + z", List.of("x", "y", "z"), List.of(DType.I32, DType.F32, DType.I64));
        int n = 1000;
        int[] x = ints(n, 1);
        float[] y = floats(n, 2);
        long[] z = longs(n, 3);
        float[] out = SIMD.floats(k, x, y, z);
        for (int i = 0; i < n; i++) {
            assertBits((float) x[i] * y[i] + (float) z[i], out[i], "mixed", y[i]);
        }
    }

    static void assertBits(double want, double got, String what, double x) {
        if (Double.doubleToLongBits(want) != Double.doubleToLongBits(got)) {
            throw new AssertionError(what + " of " + x + ": want " + want + ", got " + got);
        }
    }

    static void assertBits(float want, float got, String what, float x) {
        if (Float.floatToIntBits(want) != Float.floatToIntBits(got)) {
            throw new AssertionError(what + " of " + x + ": want " + want + ", got " + got);
        }
    }
}
