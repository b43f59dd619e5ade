package dev.flynn.gpu.emulator;

import dev.flynn.DType;
import dev.flynn.gpu.CudaException;
import dev.flynn.gpu.CudaFatalException;
import dev.flynn.gpu.CudaOutOfMemoryException;
import dev.flynn.gpu.cuda.CudaContext;
import dev.flynn.gpu.ptx.PtxGenerator;
import dev.flynn.gpu.ptx.PtxKernels;
import dev.flynn.gpu.ptx.PtxModule;
import dev.flynn.gpu.ptx.PtxOfflineCompiler;
import dev.flynn.gpu.ptx.PtxTarget;
import dev.flynn.gpu.ptx.PtxWriter;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.Node;
import dev.flynn.ir.UnaryOp;
import dev.flynn.spi.Binding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The PTX interpreter behind {@link EmulatorDevice} runs PTX the way the PTX ISA defines it, against
 * expectations computed independently in Java (exact {@link BigInteger}/{@link BigDecimal} arithmetic,
 * a Java model of the reduction tree, {@link StrictMath}): the golden saxpy and dot modules give the
 * results a GPU would, bit for bit; hand-written modules pin down the instructions whose PTX meaning
 * differs from Java's (saturating conversions, clamped shift amounts, NaN-ignoring min/max, copysign's
 * operand order, carries, high products, clamped shuffles); faults, races and divergent barriers and
 * shuffles trap with the driver's result codes; fresh memory is poisoned and the memory limit holds;
 * PTX outside the supported subset is refused when parsed; and a one-digit change to a polynomial
 * coefficient of the generated exp changes its results, so what runs is the PTX text itself. Every
 * hand-written module is also compiled by the real PTX compiler, so the tests use valid PTX only.
 */
class PtxInterpreterTest {
    private static final PtxTarget TARGET = PtxTarget.of(12060, 8, 0);
    /** PTX 8.0: the newest the PTX compiler JCuda links can read. */
    private static final String HEADER = ".version 8.0\n.target sm_80\n.address_size 64\n\n";
    private static final int POISON_WORD = 0xA5A5A5A5;

    private final EmulatorDevice device = new EmulatorDevice();
    private final List<Long> allocations = new ArrayList<>();

    @AfterEach
    void freeAndReset() {
        for (long a : allocations) {
            device.free(a);
        }
        allocations.clear();
        if (CudaContext.disabledReason() != null) {
            CudaContext.resetForTests(); // a trap went through EmulatorDevice.launch
        }
    }

    // ---- the golden modules -----------------------------------------------------------------------

    @Test
    void goldenSaxpyGivesJavasBitsWithAGridStrideLoop() throws IOException {
        String ptx = resource("/ptx/saxpy.ptx");
        Object module = device.load(new PtxModule(ptx, false, new boolean[] {true, true}, 3, false));
        float a = 2.5f;
        // {n, blocks}: fewer blocks than n / 256 (each thread loops), one element, more blocks than needed
        int[][] shapes = {{37 * 256 + 77, 5}, {1, 1}, {300, 7}};
        for (int[] shape : shapes) {
            int n = shape[0];
            int blocks = shape[1];
            float[] x = randomFloats(n, 11 + n);
            float[] y = randomFloats(n, 12 + n);
            if (n > 100) {
                x[3] = Float.NaN;
                x[4] = Float.POSITIVE_INFINITY;
                y[4] = Float.NEGATIVE_INFINITY; // inf - inf: NaN
                x[5] = Float.MIN_VALUE * 3; // subnormals are kept: no .ftz
                y[5] = -Float.MIN_VALUE;
                x[6] = Float.MAX_VALUE;
                y[6] = Float.MAX_VALUE; // overflows to +inf
            }
            int tail = 64; // floats after out[n - 1] that must stay untouched
            long in0 = upload(x);
            long in1 = upload(y);
            long out = alloc(4L * (n + tail));
            long err = alloc(4);
            device.memset32(err, 0, 1);
            long[] params = {n, out, in0, in1, err, Float.floatToRawIntBits(a) & 0xFFFFFFFFL, 0, 0};
            device.launch(module, PtxGenerator.MAP, blocks, PtxGenerator.BLOCK, params);

            int[] got = downloadInts(out, n + tail);
            for (int i = 0; i < n; i++) {
                float e = a * x[i] + y[i];
                int want = Float.isNaN(e) ? 0x7FFFFFFF : Float.floatToRawIntBits(e); // the canonical NaN
                if (got[i] != want) {
                    fail("n=" + n + ", blocks=" + blocks + ": out[" + i + "] = 0x" + Integer.toHexString(got[i])
                            + ", expected 0x" + Integer.toHexString(want) + " (2.5f * " + x[i] + " + " + y[i] + ")");
                }
            }
            for (int i = n; i < n + tail; i++) {
                assertEquals(POISON_WORD, got[i], "n=" + n + ": out[" + i + "] past n was written");
            }
            assertEquals(0, downloadInts(err, 1)[0], "saxpy never sets the error flag");
        }
    }

    @Test
    void goldenDotReducesInTheGpuPairingOrder() throws IOException {
        String ptx = resource("/ptx/dot.ptx");
        Object module = device.load(new PtxModule(ptx, true, new boolean[] {true, true}, 2, false));
        int n = 100_003;
        float[] x = randomFloats(n, 21);
        float[] y = randomFloats(n, 22);
        double[] products = new double[n];
        for (int i = 0; i < n; i++) {
            products[i] = x[i] * y[i]; // mul.rn.f32
        }
        MemorySegment rec = reduce(module, n, 2, upload(x), upload(y));
        float got = rec.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0);

        DoubleBinaryOperator addF32 = (p, q) -> (float) p + (float) q;
        int blocks = (n + 255) / 256;
        float want = (float) modelReduction(products, blocks, addF32);
        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got),
                "dot: got " + got + ", the GPU's pairing order gives " + want);

        // and the model is a sum: within n float roundings of the exact one
        BigDecimal exact = BigDecimal.ZERO;
        double magnitude = 0;
        for (double p : products) {
            exact = exact.add(new BigDecimal(p));
            magnitude += Math.abs(p);
        }
        double bound = 2 * Math.log(n) / Math.log(2) * Math.ulp(1f) * magnitude;
        assertTrue(Math.abs(got - exact.doubleValue()) <= bound,
                got + " vs exact " + exact.round(MathContext.DECIMAL64));
    }

    @Test
    void generatedF64SumReductionMatchesTheModel() {
        PtxKernels.Case c = PtxKernels.reductions().stream().filter(k -> k.name().equals("reduce_sum_f64"))
                .findFirst().orElseThrow();
        PtxModule m = PtxGenerator.generate(c.ir(), c.bindings(), TARGET, false);
        Object module = device.load(m);
        // more blocks than one final-pass thread handles: the final pass loops too
        int n = 300 * 256 + 5;
        double[] x = new double[n];
        double[] y = new double[n];
        double[] products = new double[n];
        Random rnd = new Random(31);
        for (int i = 0; i < n; i++) {
            x[i] = (rnd.nextDouble() - 0.5) * Math.scalb(1.0, rnd.nextInt(40) - 20);
            y[i] = rnd.nextDouble() - 0.25;
            products[i] = x[i] * y[i];
        }
        long rec = reduce(module, n, m.argCount(), upload(x), upload(y)).get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        double want = modelReduction(products, (n + 255) / 256, Double::sum);
        assertEquals(Double.doubleToRawLongBits(want), rec, "got " + Double.longBitsToDouble(rec) + ", want " + want);
    }

    /** The two passes as {@link CudaContext#launchReduce} runs them; returns the 32-byte record. */
    private MemorySegment reduce(Object module, int n, int argCount, long in0, long in1) {
        int blocks = Math.min((n + PtxGenerator.BLOCK - 1) / PtxGenerator.BLOCK, CudaContext.MAX_REDUCE_BLOCKS);
        long partials = alloc((long) blocks * PtxModule.PARTIAL_BYTES);
        long result = alloc(PtxModule.PARTIAL_BYTES);
        long err = alloc(4);
        long[] first = new long[5 + argCount];
        first[0] = n;
        first[1] = partials;
        first[2] = in0;
        first[3] = in1;
        first[4] = err;
        device.launch(module, PtxGenerator.REDUCE_BLOCKS, blocks, PtxGenerator.BLOCK, first);
        long[] fin = new long[4 + argCount];
        fin[0] = blocks;
        fin[1] = partials;
        fin[2] = result;
        fin[3] = err;
        device.launch(module, PtxGenerator.REDUCE_FINAL, 1, PtxGenerator.BLOCK, fin);
        MemorySegment rec = MemorySegment.ofArray(new byte[PtxModule.PARTIAL_BYTES]);
        device.download(result, rec);
        return rec;
    }

    /**
     * The reduction as the generated kernels pair it: each thread folds its grid-stride share, each warp
     * folds its 32 values by shuffles down 16, 8, 4, 2, 1 (a lane whose source is past lane 31 adds its
     * own value), warp 0 folds the 8 warp sums by shuffles down 4, 2, 1, and a one-block second pass
     * does the same over the block partials.
     */
    private static double modelReduction(double[] values, int blocks, DoubleBinaryOperator add) {
        double[] partials = new double[blocks];
        for (int b = 0; b < blocks; b++) {
            partials[b] = modelBlock(values, b, blocks, add);
        }
        return modelBlock(partials, 0, 1, add);
    }

    private static double modelBlock(double[] values, int block, int blocks, DoubleBinaryOperator add) {
        int threads = PtxGenerator.BLOCK;
        double[] acc = new double[threads];
        for (int t = 0; t < threads; t++) {
            double s = 0;
            for (long i = (long) block * threads + t; i < values.length; i += (long) blocks * threads) {
                s = add.applyAsDouble(s, values[(int) i]);
            }
            acc[t] = s;
        }
        double[] warpSums = new double[threads / 32];
        for (int w = 0; w < threads / 32; w++) {
            double[] lanes = Arrays.copyOfRange(acc, w * 32, w * 32 + 32);
            warpSums[w] = warpFold(lanes, 16, add)[0];
        }
        double[] lanes = new double[32];
        for (int l = 0; l < 32; l++) {
            lanes[l] = warpSums[l & 7];
        }
        return warpFold(lanes, 4, add)[0];
    }

    private static double[] warpFold(double[] lanes, int firstDelta, DoubleBinaryOperator add) {
        double[] v = lanes.clone();
        for (int d = firstDelta; d >= 1; d /= 2) {
            double[] shifted = new double[32];
            for (int l = 0; l < 32; l++) {
                shifted[l] = l + d <= 31 ? v[l + d] : v[l];
            }
            for (int l = 0; l < 32; l++) {
                v[l] = add.applyAsDouble(v[l], shifted[l]);
            }
        }
        return v;
    }

    // ---- instruction semantics --------------------------------------------------------------------

    @Test
    void floatToIntegerConversionsSaturateAndSendNanToZero() {
        double[] specials = {Double.NaN, Double.longBitsToDouble(0xFFF8000000000001L), Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, 3.0e9, -3.0e9, 2147483647.0, 2147483647.99, 2147483648.0, -2147483648.0,
                -2147483648.9, -2147483649.0, 2.9, -2.9, -0.0, 0.49, -0.99, Double.MIN_VALUE, 1e300, -1e300,
                0x1p63, 0x1.8p63, 0x1p64, -1.0, 0x1.fffffffffffffp62, -0x1p63, -0x1.0000000000001p63,
                0x1.fffffffffffffp63, 4294967295.5};
        Random rnd = new Random(41);
        long[][] cases = new long[specials.length + 99][];
        for (int i = 0; i < cases.length; i++) {
            double v = i < specials.length ? specials[i] : (rnd.nextDouble() - 0.5) * Math.scalb(1.0, rnd.nextInt(70));
            cases[i] = new long[] {Double.doubleToRawLongBits(v)};
        }
        String body = """
                	mov.b64 	%fd1, %a0;
                	cvt.rzi.s32.f64 	%r1, %fd1;
                	cvt.u64.u32 	%o0, %r1;
                	cvt.rzi.s64.f64 	%o1, %fd1;
                	cvt.rzi.u64.f64 	%o2, %fd1;
                """;
        long[][] got = probe(body, 3, cases);
        BigInteger s32Min = BigInteger.valueOf(Integer.MIN_VALUE);
        BigInteger s32Max = BigInteger.valueOf(Integer.MAX_VALUE);
        BigInteger s64Min = BigInteger.valueOf(Long.MIN_VALUE);
        BigInteger s64Max = BigInteger.valueOf(Long.MAX_VALUE);
        BigInteger u64Max = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        for (int i = 0; i < cases.length; i++) {
            double v = Double.longBitsToDouble(cases[i][0]);
            long s32 = saturate(v, s32Min, s32Max).intValue() & 0xFFFFFFFFL;
            long s64 = saturate(v, s64Min, s64Max).longValue();
            long u64 = saturate(v, BigInteger.ZERO, u64Max).longValue();
            assertArrayEquals(new long[] {s32, s64, u64}, got[i], "cvt.rzi.{s32,s64,u64}.f64 of " + v);
        }
        // the cases that make saturation visible
        assertEquals(0, got[0][0], "NaN to s32");
        assertEquals(0x7FFFFFFFL, got[2][0], "+inf to s32");
        assertEquals(0x80000000L, got[3][0], "-inf to s32");
        assertEquals(0xFFFFFFFFFFFFF800L, got[specials.length - 2][2], "the largest double below 2^64 to u64 is exact");
        assertEquals(0xC000000000000000L, got[21][2], "1.5 * 2^63 to u64");
    }

    /** Truncates toward zero and clamps to [lo, hi]; NaN gives 0. */
    private static BigInteger saturate(double v, BigInteger lo, BigInteger hi) {
        if (Double.isNaN(v)) {
            return BigInteger.ZERO;
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? hi : lo;
        }
        BigInteger t = new BigDecimal(v).toBigInteger();
        return t.max(lo).min(hi);
    }

    @Test
    void unsignedSixtyFourBitToFloatRoundsToNearestEven() {
        long two63 = Long.MIN_VALUE;
        long[] specials = {two63, two63 + 1, two63 + 1023, two63 + 1024, two63 + 1025, two63 + 2048 + 1024,
                two63 + 2048 + 1023, -1L, -1024L, -1025L, -2048L, 0x8000008000000000L, 0x8000008000000001L,
                0x8000018000000000L, 0xFFFFFF8000000000L, 0xFFFFFF7FFFFFFFFFL, 0, 1, 0x7FFFFFFFFFFFFFFFL,
                0x0020000000000001L};
        Random rnd = new Random(51);
        long[][] cases = new long[specials.length + 200][];
        for (int i = 0; i < cases.length; i++) {
            long v = i < specials.length ? specials[i] : rnd.nextLong() | (i % 2 == 0 ? Long.MIN_VALUE : 0);
            cases[i] = new long[] {v};
        }
        String body = """
                	cvt.rn.f64.u64 	%fd1, %a0;
                	mov.b64 	%o0, %fd1;
                	cvt.rn.f32.u64 	%f1, %a0;
                	mov.b32 	%r1, %f1;
                	cvt.u64.u32 	%o1, %r1;
                """;
        long[][] got = probe(body, 2, cases);
        for (int i = 0; i < cases.length; i++) {
            BigInteger exact = new BigInteger(Long.toUnsignedString(cases[i][0]));
            double d = exact.doubleValue(); // correctly rounded, ties to even
            float f = exact.floatValue();
            assertEquals(Double.doubleToRawLongBits(d), got[i][0], "cvt.rn.f64.u64 of " + exact + ": got "
                    + Double.longBitsToDouble(got[i][0]) + ", want " + d);
            assertEquals(Float.floatToRawIntBits(f) & 0xFFFFFFFFL, got[i][1], "cvt.rn.f32.u64 of " + exact);
        }
        // a tie rounds to the even neighbour: 2^63 + 1024 down to 2^63, 2^63 + 3072 up to 2^63 + 4096
        assertEquals(Double.doubleToRawLongBits(0x1p63), got[3][0]);
        assertEquals(Double.doubleToRawLongBits(0x1p63 + 4096), got[5][0]);
        assertEquals(Double.doubleToRawLongBits(0x1p64), got[7][0], "2^64 - 1 rounds up to 2^64");
    }

    @Test
    void shiftAmountsAtOrPastTheWidthClampInsteadOfWrapping() {
        long[] values = {0x80000001L, 0x7FFFFFFFL, 0xFFFFFFFFL, 1, 0x12345678L, 0x8000000000000001L,
                0xFEDCBA9876543210L};
        long[] amounts = {0, 1, 16, 31, 32, 33, 63, 64, 65, 255, 0x7FFFFFFFL, 0xFFFFFFFFL};
        long[][] cases = new long[values.length * amounts.length][];
        for (int i = 0; i < values.length; i++) {
            for (int j = 0; j < amounts.length; j++) {
                cases[i * amounts.length + j] = new long[] {values[i], amounts[j]};
            }
        }
        String body = """
                	cvt.u32.u64 	%r1, %a0;
                	cvt.u32.u64 	%r2, %a1;
                	shl.b32 	%r3, %r1, %r2;
                	shr.u32 	%r4, %r1, %r2;
                	shr.s32 	%r5, %r1, %r2;
                	cvt.u64.u32 	%o0, %r3;
                	cvt.u64.u32 	%o1, %r4;
                	cvt.u64.u32 	%o2, %r5;
                	shl.b64 	%o3, %a0, %r2;
                	shr.u64 	%o4, %a0, %r2;
                	shr.s64 	%o5, %a0, %r2;
                """;
        long[][] got = probe(body, 6, cases);
        BigInteger mask32 = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);
        BigInteger mask64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        for (int c = 0; c < cases.length; c++) {
            long a = cases[c][0];
            long k = cases[c][1];
            int k32 = (int) Math.min(k, 32); // PTX: amounts past the width are clamped to it
            int k64 = (int) Math.min(k, 64);
            BigInteger u32 = BigInteger.valueOf(a & 0xFFFFFFFFL);
            BigInteger s32 = BigInteger.valueOf((int) a);
            BigInteger u64 = new BigInteger(Long.toUnsignedString(a));
            BigInteger s64 = BigInteger.valueOf(a);
            long[] want = {
                u32.shiftLeft(k32).and(mask32).longValue(),
                u32.shiftRight(k32).longValue(),
                s32.shiftRight(k32).and(mask32).longValue(),
                u64.shiftLeft(k64).and(mask64).longValue(),
                u64.shiftRight(k64).longValue(),
                s64.shiftRight(k64).longValue(),
            };
            assertArrayEquals(want, got[c], "shifts of 0x" + Long.toHexString(a) + " by " + k);
        }
        // Java's shifts mask the amount: 0x80000001 << 33 is 2 in Java, 0 in PTX
        int javaShift = 0x80000001 << 33;
        assertNotEquals(javaShift & 0xFFFFFFFFL, got[5][0]);
        assertEquals(0, got[5][0]);
        assertEquals(0xFFFFFFFFL, got[4][2], "shr.s32 of a negative value by 32 fills with the sign");
    }

    @Test
    void floatMinAndMaxIgnoreOneNanAndGiveTheCanonicalNanForTwo() {
        int nan = 0x7FC00000;
        int payloadNan = 0xFFC01234;
        int[][] cases = {
            // a, b, min, max
            {nan, bits(3f), bits(3f), bits(3f)},
            {bits(-1f), nan, bits(-1f), bits(-1f)},
            {payloadNan, bits(Float.NEGATIVE_INFINITY), bits(Float.NEGATIVE_INFINITY), bits(Float.NEGATIVE_INFINITY)},
            {bits(Float.MIN_VALUE), payloadNan, bits(Float.MIN_VALUE), bits(Float.MIN_VALUE)},
            {nan, payloadNan, 0x7FFFFFFF, 0x7FFFFFFF},
            {bits(1f), bits(2f), bits(1f), bits(2f)},
            {bits(-5f), bits(-4f), bits(-5f), bits(-4f)},
        };
        long[][] in = new long[cases.length][];
        for (int i = 0; i < cases.length; i++) {
            in[i] = new long[] {cases[i][0] & 0xFFFFFFFFL, cases[i][1] & 0xFFFFFFFFL};
        }
        String body = """
                	cvt.u32.u64 	%r1, %a0;
                	cvt.u32.u64 	%r2, %a1;
                	mov.b32 	%f1, %r1;
                	mov.b32 	%f2, %r2;
                	min.f32 	%f3, %f1, %f2;
                	max.f32 	%f4, %f1, %f2;
                	mov.b32 	%r3, %f3;
                	mov.b32 	%r4, %f4;
                	cvt.u64.u32 	%o0, %r3;
                	cvt.u64.u32 	%o1, %r4;
                """;
        long[][] got = probe(body, 2, in);
        for (int i = 0; i < cases.length; i++) {
            assertArrayEquals(new long[] {cases[i][2] & 0xFFFFFFFFL, cases[i][3] & 0xFFFFFFFFL}, got[i],
                    "min/max.f32 of 0x" + Integer.toHexString(cases[i][0]) + ", 0x" + Integer.toHexString(cases[i][1]));
        }
        // Java's Math.min propagates the NaN; PTX's does not
        assertTrue(Float.isNaN(Math.min(Float.NaN, 3f)));
    }

    @Test
    void copysignTakesTheSignOfTheFirstOperandAndTheMagnitudeOfTheSecond() {
        double[][] pairs = {{-0.0, 3.5}, {2.0, -7.25}, {Double.NEGATIVE_INFINITY, 1e-310},
            {1.0, Double.NEGATIVE_INFINITY}, {-1.0, -0.0}, {5.0, 0.0}, {-3.0, 1e300},
            {Double.MIN_VALUE, -Double.MAX_VALUE}};
        long[][] cases = new long[pairs.length + 1][];
        for (int i = 0; i < pairs.length; i++) {
            cases[i] = new long[] {Double.doubleToRawLongBits(pairs[i][0]), Double.doubleToRawLongBits(pairs[i][1])};
        }
        // a NaN magnitude keeps its payload: copysign moves bits, it does no arithmetic
        cases[pairs.length] = new long[] {Double.doubleToRawLongBits(1.0), 0xFFF8000000000123L};
        String body = """
                	mov.b64 	%fd1, %a0;
                	mov.b64 	%fd2, %a1;
                	copysign.f64 	%fd3, %fd1, %fd2;
                	mov.b64 	%o0, %fd3;
                """;
        long[][] got = probe(body, 1, cases);
        for (int i = 0; i < pairs.length; i++) {
            double want = Math.copySign(pairs[i][1], pairs[i][0]);
            assertEquals(Double.doubleToRawLongBits(want), got[i][0], "copysign.f64 of " + pairs[i][0] + ", "
                    + pairs[i][1] + " gave " + Double.longBitsToDouble(got[i][0]));
        }
        assertEquals(0x7FF8000000000123L, got[pairs.length][0]);
    }

    @Test
    void addWithCarryChainsAHundredTwentyEightBitSum() {
        long max = -1L;
        long[][] specials = {{max, 0, 1, 0}, {max, max, 1, 0}, {Long.MIN_VALUE, 5, Long.MIN_VALUE, 7}, {1, 2, 3, 4},
            {max, max, max, max}, {0, 0, 0, 0}, {max - 1, 0, 1, 0}};
        Random rnd = new Random(61);
        long[][] cases = new long[specials.length + 57][];
        for (int i = 0; i < cases.length; i++) {
            cases[i] = i < specials.length ? specials[i]
                    : new long[] {rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong()};
        }
        String body = """
                	add.cc.u64 	%o0, %a0, %a2;
                	addc.u64 	%o1, %a1, %a3;
                """;
        long[][] got = probe(body, 2, cases);
        BigInteger mod = BigInteger.ONE.shiftLeft(128);
        for (int i = 0; i < cases.length; i++) {
            BigInteger a = u128(cases[i][0], cases[i][1]);
            BigInteger b = u128(cases[i][2], cases[i][3]);
            BigInteger sum = a.add(b).mod(mod);
            long[] want = {sum.longValue(), sum.shiftRight(64).longValue()};
            assertArrayEquals(want, got[i], a + " + " + b);
        }
        assertArrayEquals(new long[] {0, 1}, got[0], "the carry out of the low word reaches the high word");
        assertArrayEquals(new long[] {0, 0}, got[1]);
    }

    private static BigInteger u128(long lo, long hi) {
        return new BigInteger(Long.toUnsignedString(hi)).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(lo)));
    }

    @Test
    void highHalvesOfSixtyFourBitProducts() {
        long[][] specials = {{-1L, -1L}, {Long.MAX_VALUE, Long.MAX_VALUE}, {Long.MIN_VALUE, Long.MIN_VALUE},
            {Long.MIN_VALUE, -1L}, {1L << 32, 1L << 32}, {3, 5}, {-3, 5}, {0, -1L}};
        Random rnd = new Random(71);
        long[][] cases = new long[specials.length + 56][];
        for (int i = 0; i < cases.length; i++) {
            cases[i] = i < specials.length ? specials[i] : new long[] {rnd.nextLong(), rnd.nextLong()};
        }
        String body = """
                	mul.hi.u64 	%o0, %a0, %a1;
                	mul.hi.s64 	%o1, %a0, %a1;
                	mul.lo.u64 	%o2, %a0, %a1;
                """;
        long[][] got = probe(body, 3, cases);
        for (int i = 0; i < cases.length; i++) {
            BigInteger ua = new BigInteger(Long.toUnsignedString(cases[i][0]));
            BigInteger ub = new BigInteger(Long.toUnsignedString(cases[i][1]));
            BigInteger sp = BigInteger.valueOf(cases[i][0]).multiply(BigInteger.valueOf(cases[i][1]));
            long[] want = {ua.multiply(ub).shiftRight(64).longValue(), sp.shiftRight(64).longValue(), sp.longValue()};
            assertArrayEquals(want, got[i], "products of 0x" + Long.toHexString(cases[i][0]) + " and 0x"
                    + Long.toHexString(cases[i][1]));
        }
        assertEquals(-2L, got[0][0], "(2^64 - 1)^2 = 2^128 - 2^65 + 1: high word 2^64 - 2");
        assertEquals(0L, got[0][1], "(-1) * (-1) = 1: high word 0");
    }

    @Test
    void shuffleDownKeepsTheOwnValueWhereTheSourceLaneIsPastTheClamp() {
        // two warps; lane values differ across warps, so a shuffle crossing warps would show
        String ptx = HEADER + """
                .visible .entry shuffles(
                	.param .u64 out
                )
                {
                	.reg .b32 	%r<16>;
                	.reg .b64 	%rd<4>;
                	ld.param.u64 	%rd1, [out];
                	mov.u32 	%r1, %tid.x;
                	mul.lo.u32 	%r2, %r1, 40503;
                	xor.b32 	%r2, %r2, -559038737;
                	shfl.sync.down.b32 	%r3, %r2, 1, 31, -1;
                	shfl.sync.down.b32 	%r4, %r2, 5, 31, -1;
                	shfl.sync.down.b32 	%r5, %r2, 16, 31, -1;
                	shfl.sync.down.b32 	%r6, %r2, 31, 31, -1;
                	mov.u32 	%r7, 33;
                	shfl.sync.down.b32 	%r8, %r2, %r7, 31, -1;
                	shfl.sync.down.b32 	%r9, %r2, 3, 6175, -1;
                	mul.wide.u32 	%rd2, %r1, 24;
                	add.u64 	%rd3, %rd1, %rd2;
                	st.global.u32 	[%rd3], %r3;
                	st.global.u32 	[%rd3+4], %r4;
                	st.global.u32 	[%rd3+8], %r5;
                	st.global.u32 	[%rd3+12], %r6;
                	st.global.u32 	[%rd3+16], %r8;
                	st.global.u32 	[%rd3+20], %r9;
                	ret;
                }
                """;
        PtxInterpreter.Program p = parse(ptx);
        int threads = 64;
        long out = alloc(24L * threads);
        PtxInterpreter.launch(p, "shuffles", 1, threads, new long[] {out}, device);
        int[] got = downloadInts(out, 6 * threads);
        int[] value = new int[threads];
        for (int t = 0; t < threads; t++) {
            value[t] = (t * 40503) ^ 0xDEADBEEF;
        }
        for (int t = 0; t < threads; t++) {
            int lane = t % 32;
            int warp = t - lane;
            // c = 31: the source lane lane + b (b taken mod 32) is used if it is at most 31, else the own value
            int[] deltas = {1, 5, 16, 31, 33 & 31};
            for (int k = 0; k < deltas.length; k++) {
                int src = lane + deltas[k];
                int want = src <= 31 ? value[warp + src] : value[t];
                assertEquals(want, got[6 * t + k], "thread " + t + ", shfl.down by " + deltas[k] + " with c = 31");
            }
            // c = 0x181F: segments of 8 lanes (mask 0x18), clamp 31: no source outside the own segment
            int seg = lane & ~7;
            int src = lane + 3;
            int want = src <= seg + 7 ? value[warp + src] : value[t];
            assertEquals(want, got[6 * t + 5], "thread " + t + ", shfl.down by 3 with c = 0x181f");
        }
        assertEquals(value[31], got[6 * 31], "lane 31 shuffled down by 1 keeps its own value");
        assertEquals(value[31], got[3], "lane 0 shuffled down by 31 gets lane 31's value");
        assertEquals(value[63], got[6 * 32 + 3], "in warp 1 too");
        assertEquals(value[31], got[6 * 31 + 1], "lane 31 never reads lane 4 of the next warp");
    }

    // ---- traps ------------------------------------------------------------------------------------

    private static final String POKE = HEADER + """
            .visible .entry poke32(
            	.param .u64 addr,
            	.param .u64 out
            )
            {
            	.reg .b32 	%r<2>;
            	.reg .b64 	%rd<3>;
            	ld.param.u64 	%rd1, [addr];
            	ld.param.u64 	%rd2, [out];
            	ld.global.u32 	%r1, [%rd1];
            	st.global.u32 	[%rd2], %r1;
            	ret;
            }

            .visible .entry poke64(
            	.param .u64 addr,
            	.param .u64 out
            )
            {
            	.reg .b64 	%rd<4>;
            	ld.param.u64 	%rd1, [addr];
            	ld.param.u64 	%rd2, [out];
            	ld.global.u64 	%rd3, [%rd1];
            	st.global.u64 	[%rd2], %rd3;
            	ret;
            }
            """;

    @Test
    void globalAccessesOutsideAnAllocationOrMisalignedTrap() {
        PtxInterpreter.Program p = parse(POKE);
        long buf = upload(new int[] {10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25}); // 64 bytes
        long out = alloc(8);
        // the last word is readable, and the kernel really reads it
        PtxInterpreter.launch(p, "poke32", 1, 32, new long[] {buf + 60, out}, device);
        assertEquals(25, downloadInts(out, 1)[0]);

        assertTrap(PtxInterpreter.ILLEGAL_ADDRESS, () -> launchPoke(p, "poke32", buf + 64, out), "one past the end");
        assertTrap(PtxInterpreter.ILLEGAL_ADDRESS, () -> launchPoke(p, "poke32", buf - 4, out), "before the start");
        assertTrap(PtxInterpreter.MISALIGNED_ADDRESS, () -> launchPoke(p, "poke32", buf + 2, out), "2 bytes in");
        assertTrap(PtxInterpreter.MISALIGNED_ADDRESS, () -> launchPoke(p, "poke64", buf + 4, out), "8-byte load at 4");
        long odd = alloc(60);
        assertDoesNotThrow(() -> launchPoke(p, "poke64", odd + 48, out));
        assertTrap(PtxInterpreter.ILLEGAL_ADDRESS, () -> launchPoke(p, "poke64", odd + 56, out),
                "an 8-byte load straddling the end of a 60-byte allocation");
        long freed = device.allocate(16);
        device.free(freed);
        assertTrap(PtxInterpreter.ILLEGAL_ADDRESS, () -> launchPoke(p, "poke32", freed, out), "use after free");
    }

    private void launchPoke(PtxInterpreter.Program p, String entry, long addr, long out) {
        PtxInterpreter.launch(p, entry, 2, 64, new long[] {addr, out}, device);
    }

    /** Thread t writes word t of shared memory, optionally synchronises, then reads word (t + 1) mod threads. */
    private static String exchange(boolean sync) {
        return HEADER + """
                .shared .align 4 .b8 exchange_smem[1024];

                .visible .entry exchange(
                	.param .u64 out
                )
                {
                	.reg .b32 	%r<6>;
                	.reg .b64 	%rd<8>;
                	ld.param.u64 	%rd1, [out];
                	mov.u32 	%r1, %tid.x;
                	mov.u32 	%r2, %ntid.x;
                	mov.u64 	%rd2, exchange_smem;
                	mul.wide.u32 	%rd3, %r1, 4;
                	add.u64 	%rd4, %rd2, %rd3;
                	mul.lo.u32 	%r3, %r1, 7;
                	st.shared.u32 	[%rd4], %r3;
                """ + (sync ? "\tbar.sync \t0;\n" : "") + """
                	add.u32 	%r4, %r1, 1;
                	rem.u32 	%r4, %r4, %r2;
                	mul.wide.u32 	%rd5, %r4, 4;
                	add.u64 	%rd6, %rd2, %rd5;
                	ld.shared.u32 	%r5, [%rd6];
                	add.u64 	%rd7, %rd1, %rd3;
                	st.global.u32 	[%rd7], %r5;
                	ret;
                }
                """;
    }

    @Test
    void sharedMemoryExchangeNeedsABarrier() {
        int threads = 256;
        long out = alloc(4L * threads);
        PtxInterpreter.launch(parse(exchange(true)), "exchange", 3, threads, new long[] {out}, device);
        int[] got = downloadInts(out, threads);
        for (int t = 0; t < threads; t++) {
            assertEquals(7 * ((t + 1) % threads), got[t], "thread " + t + " reads its neighbour's word after bar.sync");
        }
        PtxInterpreter.Trap trap = assertTrap(PtxInterpreter.LAUNCH_FAILED,
                () -> PtxInterpreter.launch(parse(exchange(false)), "exchange", 3, threads, new long[] {out}, device),
                "a read of another thread's word with no bar.sync between");
        assertTrue(trap.getMessage().contains("race"), trap.getMessage());
    }

    @Test
    void twoThreadsWritingOneSharedWordIsARace() {
        String ptx = HEADER + """
                .shared .align 4 .b8 word_smem[4];

                .visible .entry same_word(
                	.param .u64 writers
                )
                {
                	.reg .pred 	%p<2>;
                	.reg .b32 	%r<3>;
                	.reg .b64 	%rd<3>;
                	ld.param.u64 	%rd1, [writers];
                	cvt.u32.u64 	%r2, %rd1;
                	mov.u32 	%r1, %tid.x;
                	setp.ge.u32 	%p1, %r1, %r2;
                	@%p1 bra 	$L_done;
                	mov.u64 	%rd2, word_smem;
                	st.shared.u32 	[%rd2], %r1;
                $L_done:
                	ret;
                }
                """;
        PtxInterpreter.Program p = parse(ptx);
        assertDoesNotThrow(() -> PtxInterpreter.launch(p, "same_word", 2, 64, new long[] {1}, device),
                "one writer is no race");
        PtxInterpreter.Trap trap = assertTrap(PtxInterpreter.LAUNCH_FAILED,
                () -> PtxInterpreter.launch(p, "same_word", 2, 64, new long[] {2}, device),
                "threads 0 and 1 both write");
        assertTrue(trap.getMessage().contains("race on shared memory word 0"), trap.getMessage());
    }

    @Test
    void aWriteAfterOtherThreadsReadTheWordIsARace() {
        // every thread reads word 0; then, with or without a barrier between, the last thread writes it
        String ptx = HEADER + """
                .shared .align 4 .b8 war_smem[4];

                .visible .entry write_after_reads(
                	.param .u64 out
                )
                {
                	.reg .pred 	%p<2>;
                	.reg .b32 	%r<5>;
                	.reg .b64 	%rd<5>;
                	ld.param.u64 	%rd1, [out];
                	mov.u32 	%r1, %tid.x;
                	mov.u32 	%r2, %ntid.x;
                	mov.u64 	%rd2, war_smem;
                	ld.shared.u32 	%r3, [%rd2];
                	mul.wide.u32 	%rd3, %r1, 4;
                	add.u64 	%rd4, %rd1, %rd3;
                	st.global.u32 	[%rd4], %r3;
                	sub.u32 	%r4, %r2, 1;
                	setp.ne.u32 	%p1, %r1, %r4;
                BARRIER\
                	@%p1 bra 	$L_done;
                	st.shared.u32 	[%rd2], %r1;
                $L_done:
                	ret;
                }
                """;
        long out = alloc(4 * 64);
        PtxInterpreter.Program synced = parse(ptx.replace("BARRIER", "\tbar.sync \t0;\n"));
        assertDoesNotThrow(() -> PtxInterpreter.launch(synced, "write_after_reads", 1, 64, new long[] {out}, device));
        PtxInterpreter.Program racy = parse(ptx.replace("BARRIER", ""));
        assertTrap(PtxInterpreter.LAUNCH_FAILED,
                () -> PtxInterpreter.launch(racy, "write_after_reads", 1, 64, new long[] {out}, device),
                "thread 63 writes the word threads 0..62 read, with no bar.sync between");
    }

    @Test
    void aBarrierSomeThreadsExitBeforeTraps() {
        String ptx = HEADER + """
                .visible .entry partial_barrier(
                	.param .u64 limit
                )
                {
                	.reg .pred 	%p<2>;
                	.reg .b32 	%r<3>;
                	.reg .b64 	%rd<2>;
                	ld.param.u64 	%rd1, [limit];
                	cvt.u32.u64 	%r2, %rd1;
                	mov.u32 	%r1, %tid.x;
                	setp.ge.u32 	%p1, %r1, %r2;
                	@%p1 bra 	$L_out;
                	bar.sync 	0;
                $L_out:
                	ret;
                }
                """;
        PtxInterpreter.Program p = parse(ptx);
        assertDoesNotThrow(() -> PtxInterpreter.launch(p, "partial_barrier", 2, 128, new long[] {128}, device));
        for (long limit : new long[] {16, 64, 127}) {
            PtxInterpreter.Trap trap = assertTrap(PtxInterpreter.LAUNCH_FAILED,
                    () -> PtxInterpreter.launch(p, "partial_barrier", 2, 128, new long[] {limit}, device),
                    "threads from " + limit + " on exit before bar.sync");
            assertTrue(trap.getMessage().contains("bar.sync reached by " + limit + " of 128"), trap.getMessage());
        }
    }

    @Test
    void aShuffleSomeLanesSkipTraps() {
        String ptx = HEADER + """
                .visible .entry partial_shuffle(
                	.param .u64 limit,
                	.param .u64 out
                )
                {
                	.reg .pred 	%p<2>;
                	.reg .b32 	%r<4>;
                	.reg .b64 	%rd<5>;
                	ld.param.u64 	%rd1, [limit];
                	ld.param.u64 	%rd2, [out];
                	cvt.u32.u64 	%r2, %rd1;
                	mov.u32 	%r1, %tid.x;
                	mov.u32 	%r3, %r1;
                	setp.ge.u32 	%p1, %r1, %r2;
                	@%p1 bra 	$L_out;
                	shfl.sync.down.b32 	%r3, %r1, 1, 31, -1;
                $L_out:
                	mul.wide.u32 	%rd3, %r1, 4;
                	add.u64 	%rd4, %rd2, %rd3;
                	st.global.u32 	[%rd4], %r3;
                	ret;
                }
                """;
        PtxInterpreter.Program p = parse(ptx);
        long out = alloc(4 * 64);
        PtxInterpreter.launch(p, "partial_shuffle", 1, 64, new long[] {64, out}, device);
        int[] got = downloadInts(out, 64);
        for (int t = 0; t < 64; t++) {
            assertEquals(t % 32 == 31 ? t : t + 1, got[t], "thread " + t);
        }
        // lanes 16..31 of warp 0 branch around it; then the whole of warp 1 but one lane
        for (long limit : new long[] {16, 63}) {
            PtxInterpreter.Trap trap = assertTrap(PtxInterpreter.LAUNCH_FAILED,
                    () -> PtxInterpreter.launch(p, "partial_shuffle", 1, 64, new long[] {limit, out}, device),
                    "lanes from " + limit + " on skip shfl.sync");
            assertTrue(trap.getMessage().contains("shfl.sync"), trap.getMessage());
        }
    }

    @Test
    void aTrapThroughTheDeviceIsStickyUntilReset() {
        Object module = device.load(new PtxModule(POKE, false, new boolean[0], 0, false));
        long buf = alloc(16);
        long out = alloc(8);
        try {
            CudaFatalException e = assertThrows(CudaFatalException.class,
                    () -> device.launch(module, "poke32", 1, 32, new long[] {buf + 16, out}));
            assertEquals(PtxInterpreter.ILLEGAL_ADDRESS, e.result());
            assertTrue(e.getMessage().contains("CUDA_ERROR_ILLEGAL_ADDRESS"), e.getMessage());
            assertNotNull(CudaContext.disabledReason(), "a sticky error disables the backend");
            assertThrows(IllegalStateException.class, CudaContext::get);
        } finally {
            CudaContext.resetForTests();
        }
        assertNull(CudaContext.disabledReason());
    }

    @Test
    void badLaunchesAreRefused() {
        PtxInterpreter.Program p = parse(POKE);
        long out = alloc(8);
        assertTrap(PtxInterpreter.LAUNCH_FAILED,
                () -> PtxInterpreter.launch(p, "poke32", 1, 32, new long[] {out}, device), "one parameter of two");
        assertTrap(PtxInterpreter.LAUNCH_FAILED, () -> PtxInterpreter.launch(p, "poke32", 1, 48, new long[] {out, out},
                device), "48 threads: not whole warps");
        assertTrap(PtxInterpreter.LAUNCH_FAILED, () -> PtxInterpreter.launch(p, "poke16", 1, 32, new long[] {out, out},
                device), "no such entry");
    }

    private static PtxInterpreter.Trap assertTrap(int result, Runnable launch, String what) {
        PtxInterpreter.Trap trap = assertThrows(PtxInterpreter.Trap.class, launch::run, what);
        assertEquals(result, trap.result, what + ": " + trap.getMessage());
        return trap;
    }

    // ---- device memory ----------------------------------------------------------------------------

    @Test
    void freshMemoryIsPoisonedEvenWhereOldDataWas() {
        long a = device.allocate(4096);
        byte[] fresh = new byte[4096];
        device.download(a, MemorySegment.ofArray(fresh));
        for (byte b : fresh) {
            assertEquals((byte) 0xA5, b);
        }
        byte[] data = new byte[4096];
        Arrays.fill(data, (byte) 0x11);
        device.upload(MemorySegment.ofArray(data), a);
        device.free(a);
        long b = alloc(4096);
        device.download(b, MemorySegment.ofArray(fresh));
        for (byte x : fresh) {
            assertEquals((byte) 0xA5, x, "a new allocation does not show the old one's bytes");
        }
        // copies must stay inside one allocation
        assertThrows(CudaException.class, () -> device.download(b + 4000, MemorySegment.ofArray(new byte[200])));
        assertThrows(CudaException.class, () -> device.upload(MemorySegment.ofArray(new byte[8]), b - 8));
    }

    @Test
    void memoryIsLimitedToTheConfiguredCapacity() {
        String property = "flynn.gpu.emulator.memory";
        String old = System.getProperty(property);
        EmulatorDevice small;
        System.setProperty(property, Long.toString(1 << 20));
        try {
            small = new EmulatorDevice();
        } finally {
            if (old == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, old);
            }
        }
        long first = small.allocate(600_000);
        CudaOutOfMemoryException oom = assertThrows(CudaOutOfMemoryException.class, () -> small.allocate(600_000));
        assertEquals(600_000, oom.requested());
        assertEquals((1 << 20) - 600_000, oom.free());
        assertEquals(2, oom.result(), "CUDA_ERROR_OUT_OF_MEMORY");
        long second = small.allocate((1 << 20) - 600_000); // exactly what is left
        assertThrows(CudaOutOfMemoryException.class, () -> small.allocate(1));
        small.free(first);
        long third = small.allocate(600_000); // freeing made room again
        assertNotEquals(second, third);
        small.free(second);
        small.free(third);

        CudaException bad = assertThrows(CudaException.class, () -> small.free(third));
        assertEquals(1, bad.result(), "CUDA_ERROR_INVALID_VALUE for a double free");
        assertThrows(CudaException.class, () -> small.free(0x1234));
        assertThrows(CudaException.class, () -> small.allocate(0));
        assertDoesNotThrow(() -> alloc(1 << 21), "the default capacity is larger");
    }

    // ---- the supported subset ---------------------------------------------------------------------

    @Test
    void unsupportedPtxIsRejectedWhenParsedWithTheStatementQuoted() {
        String[] statements = {
            "atom.global.add.f32 \t%f1, [%rd1], %f2",
            "shfl.sync.up.b32 \t%r1, %r2, 1, 0, -1",
            "add.f32 \t%f1, %f2, %f2", // no rounding: ptxas may contract it into an fma
            "ld.local.u32 \t%r1, [%rd1]",
        };
        for (String s : statements) {
            String ptx = HEADER + """
                    .visible .entry k(
                    	.param .u64 p
                    )
                    {
                    	.reg .b32 	%r<3>;
                    	.reg .b64 	%rd<2>;
                    	.reg .f32 	%f<3>;
                    	ld.param.u64 	%rd1, [p];
                    	mov.f32 	%f2, 0f3F800000;
                    	mov.u32 	%r2, 5;
                    	STATEMENT;
                    	ret;
                    }
                    """.replace("STATEMENT", s);
            PtxOfflineCompiler.compile(ptx, TARGET.gpuName()); // valid PTX, just outside the subset
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PtxInterpreter.parse(ptx), s);
            assertTrue(e.getMessage().contains(s), "the message quotes the statement: " + e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PtxInterpreter.parse(HEADER + ".global .align 4 .u32 counter;\n"));
        assertTrue(e.getMessage().contains(".global .align 4 .u32 counter"), e.getMessage());
    }

    // ---- the PTX text is what runs ----------------------------------------------------------------

    @Test
    void aOneDigitChangeToAnExpCoefficientChangesTheResults() {
        KernelIR ir = new KernelIR(List.of(DType.F64),
                new Node.Unary(UnaryOp.EXP, new Node.Input(0, DType.F64), DType.F64), Optional.empty(), 0);
        PtxModule m = PtxGenerator.generate(ir, List.of(Binding.ARRAY), TARGET, false);
        String ptx = m.ptx();
        int from = ptx.indexOf("flynn_exp(");
        int to = ptx.indexOf("\n}\n", from);
        assertTrue(from >= 0 && to > from, "the module defines flynn_exp");
        // the coefficient 1/2! of the exp polynomial
        String coefficient = PtxWriter.f64(0.5);
        int at = ptx.indexOf(coefficient, from);
        int again = ptx.indexOf(coefficient, at + 1);
        assertTrue(at > from && at < to && (again < 0 || again > to), "one 0.5 in flynn_exp");
        String line = ptx.substring(ptx.lastIndexOf('\n', at) + 1, ptx.indexOf('\n', at));
        assertTrue(line.trim().startsWith("fma.rn.f64"), line);
        int lastDigit = at + coefficient.length() - 1;
        String mutated = ptx.substring(0, lastDigit) + "F" + ptx.substring(lastDigit + 1); // 0.5 + 15 ulp

        int n = 2000;
        double[] x = new double[n];
        Random rnd = new Random(81);
        for (int i = 0; i < n; i++) {
            x[i] = -700 + 1400.0 * (i + rnd.nextDouble()) / n;
        }
        double[] original = runMap(m, ptx, x);
        double[] changed = runMap(m, mutated, x);
        int differ = 0;
        long worstOriginal = 0;
        long worstChanged = 0;
        for (int i = 0; i < n; i++) {
            long want = Double.doubleToRawLongBits(StrictMath.exp(x[i]));
            long ulps = Math.abs(Double.doubleToRawLongBits(original[i]) - want);
            assertTrue(ulps <= 1, "exp(" + x[i] + ") = " + original[i] + ", StrictMath.exp gives "
                    + StrictMath.exp(x[i]) + ": " + ulps + " ulp apart");
            worstOriginal = Math.max(worstOriginal, ulps);
            worstChanged = Math.max(worstChanged, Math.abs(Double.doubleToRawLongBits(changed[i]) - want));
            differ += original[i] != changed[i] ? 1 : 0;
        }
        assertTrue(differ > 0, "the mutated coefficient changed no result: the PTX text is not what runs");
        assertTrue(worstChanged > 1, "the 1-ulp check catches the mutation (worst " + worstChanged + " ulp; "
                + differ + " of " + n + " results differ; the original's worst is " + worstOriginal + " ulp)");
    }

    private double[] runMap(PtxModule m, String ptx, double[] x) {
        Object module = device.load(new PtxModule(ptx, false, m.memoryInputs(), m.argCount(), m.checksErrors()));
        long in = upload(x);
        long out = alloc(8L * x.length);
        long err = alloc(4);
        long[] params = new long[4 + m.argCount()];
        params[0] = x.length;
        params[1] = out;
        params[2] = in;
        params[3] = err;
        device.launch(module, PtxGenerator.MAP, (x.length + 255) / 256, PtxGenerator.BLOCK, params);
        double[] got = new double[x.length];
        device.download(out, MemorySegment.ofArray(got));
        return got;
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /**
     * Runs {@code body} once per case, one thread each: the thread's input words are in {@code %a0..},
     * and it leaves {@code outWords} results in {@code %o0..}. The module is checked by the PTX compiler.
     */
    private long[][] probe(String body, int outWords, long[][] cases) {
        int inWords = cases[0].length;
        StringBuilder loads = new StringBuilder();
        for (int i = 0; i < inWords; i++) {
            loads.append("\tld.global.u64 \t%a").append(i).append(", [%h5").append(i == 0 ? "" : "+" + 8 * i)
                    .append("];\n");
        }
        StringBuilder stores = new StringBuilder();
        for (int i = 0; i < outWords; i++) {
            stores.append("\tst.global.u64 \t[%h7").append(i == 0 ? "" : "+" + 8 * i).append("], %o").append(i)
                    .append(";\n");
        }
        String ptx = HEADER + """
                .visible .entry probe(
                	.param .u64 out,
                	.param .u64 in,
                	.param .u64 n
                )
                {
                	.reg .pred 	%p<8>;
                	.reg .b32 	%r<16>;
                	.reg .b64 	%rd<16>;
                	.reg .f32 	%f<16>;
                	.reg .f64 	%fd<16>;
                	.reg .b64 	%a<8>;
                	.reg .b64 	%o<8>;
                	.reg .b64 	%h<8>;
                	.reg .b32 	%ht;
                	.reg .pred 	%hp;
                	ld.param.u64 	%h0, [out];
                	ld.param.u64 	%h1, [in];
                	ld.param.u64 	%h2, [n];
                	mov.u32 	%ht, %tid.x;
                	cvt.u64.u32 	%h3, %ht;
                	setp.ge.u64 	%hp, %h3, %h2;
                	@%hp bra 	$L_end;
                	mul.lo.u64 	%h4, %h3, IN_BYTES;
                	add.u64 	%h5, %h1, %h4;
                LOADS\
                BODY\
                	mul.lo.u64 	%h6, %h3, OUT_BYTES;
                	add.u64 	%h7, %h0, %h6;
                STORES\
                $L_end:
                	ret;
                }
                """.replace("IN_BYTES", Integer.toString(8 * inWords))
                .replace("OUT_BYTES", Integer.toString(8 * outWords))
                .replace("LOADS", loads).replace("BODY", body).replace("STORES", stores);
        PtxInterpreter.Program p = parse(ptx);
        int n = cases.length;
        long[] flat = new long[n * inWords];
        for (int i = 0; i < n; i++) {
            System.arraycopy(cases[i], 0, flat, i * inWords, inWords);
        }
        long in = upload(flat);
        long out = alloc(8L * n * outWords);
        int threads = Math.min(1024, (n + 31) / 32 * 32);
        int blocks = (n + threads - 1) / threads; // every thread past n - 1 does nothing
        PtxInterpreter.launch(p, "probe", blocks, threads, new long[] {out, in, n}, device);
        long[] got = new long[n * outWords];
        device.download(out, MemorySegment.ofArray(got));
        long[][] result = new long[n][];
        for (int i = 0; i < n; i++) {
            result[i] = Arrays.copyOfRange(got, i * outWords, (i + 1) * outWords);
        }
        return result;
    }

    /** Parses a hand-written module after checking that the PTX compiler accepts it. */
    private static PtxInterpreter.Program parse(String ptx) {
        PtxOfflineCompiler.compile(ptx, TARGET.gpuName());
        return PtxInterpreter.parse(ptx);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = PtxInterpreterTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private long alloc(long bytes) {
        long a = device.allocate(bytes);
        allocations.add(a);
        return a;
    }

    private long upload(Object array) {
        MemorySegment host = switch (array) {
            case float[] a -> MemorySegment.ofArray(a);
            case double[] a -> MemorySegment.ofArray(a);
            case int[] a -> MemorySegment.ofArray(a);
            case long[] a -> MemorySegment.ofArray(a);
            default -> throw new IllegalArgumentException(array.getClass().getName());
        };
        long a = alloc(host.byteSize());
        device.upload(host, a);
        return a;
    }

    private int[] downloadInts(long address, int count) {
        int[] a = new int[count];
        device.download(address, MemorySegment.ofArray(a));
        return a;
    }

    private static float[] randomFloats(int n, long seed) {
        Random rnd = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (rnd.nextFloat() - 0.5f) * (float) Math.scalb(1.0, rnd.nextInt(20) - 10);
        }
        return a;
    }

    private static int bits(float f) {
        return Float.floatToRawIntBits(f);
    }
}
