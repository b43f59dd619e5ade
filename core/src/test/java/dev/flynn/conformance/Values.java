package dev.flynn.conformance;

import dev.flynn.DType;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

/**
 * Test data, as bits of the element type (see {@link Columns#bits}): the special values of each type
 * and seeded random values, a mix of raw bit patterns (every exponent, subnormals, NaN payloads),
 * moderate magnitudes and an op's own domain.
 */
public final class Values {
    private Values() {
    }

    private static final double[] SPECIAL_F64 = {
            Double.NaN, Double.longBitsToDouble(0x7ff0_0000_0000_0001L), Double.longBitsToDouble(0xfff8_0000_0000_0042L),
            0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, -Double.MIN_NORMAL,
            Double.longBitsToDouble(0x000f_ffff_ffff_ffffL), -Double.longBitsToDouble(0x0008_0000_0000_0001L),
            Double.MAX_VALUE, -Double.MAX_VALUE, 1e-300, -1e300, 1e22, -1e22,
            1.0, -1.0, Math.nextUp(1.0), Math.nextDown(1.0), -Math.nextDown(1.0), 0.5, -0.5, 2.0, 3.0, -3.0, 10.0,
            0.49999999999999994, 1.5, 2.5, -2.5, 4.5, -0.1,
            // exp, sinh and cosh overflow and underflow edges
            709.782712893384, 709.7827128933841, 710.0, -708.3964185322641, -745.1332191019411, -745.1332191019412,
            710.4758600739439, -710.4758600739439,
            // multiples of pi/2, where sin, cos and tan are ill-conditioned
            Math.PI / 2, Math.PI, 3 * Math.PI / 2, 2 * Math.PI, -Math.PI / 2, -Math.PI, 1e6 * Math.PI, 1.5707963267948966e9,
            // integer boundaries of the casts
            0x1p31, -0x1p31, 0x1p31 - 1, -0x1p31 - 1, 0x1p63, -0x1p63, 0x1p52, 0x1p53, 0x1p53 + 2, 4294967296.5,
    };

    private static final float[] SPECIAL_F32 = {
            Float.NaN, Float.intBitsToFloat(0x7f80_0001), Float.intBitsToFloat(0xffc0_0042),
            0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL,
            Float.intBitsToFloat(0x007f_ffff), -Float.intBitsToFloat(0x0040_0001),
            Float.MAX_VALUE, -Float.MAX_VALUE, 1e-30f, -1e30f, 1e10f,
            1f, -1f, Math.nextUp(1f), Math.nextDown(1f), 0.5f, -0.5f, 2f, 3f, -3f, 10f,
            0.49999997f, 1.5f, 2.5f, -2.5f, 4.5f, -0.1f,
            // exp, sinh and cosh overflow and underflow edges in float
            88.72283f, 88.72284f, 89.41599f, 89.416f, -87.33655f, -103.27893f, -103.97208f, -104f,
            // multiples of pi/2
            (float) (Math.PI / 2), (float) Math.PI, (float) (3 * Math.PI / 2), (float) (2 * Math.PI),
            -(float) (Math.PI / 2), 1e6f * (float) Math.PI, 100_000f,
            // integer boundaries of the casts
            0x1p31f, -0x1p31f, 0x1p63f, -0x1p63f, 0x1p23f, 0x1p24f, 16777218f, 2147483520f,
    };

    private static final int[] SPECIAL_I32 = {
            0, 1, -1, 2, -2, 3, 7, 31, 32, 33, 63, 64, -31, -32, 100, -100, 0x55555555, 0xAAAAAAAA,
            1 << 24, (1 << 24) + 1, 1 << 30, Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE + 1,
            Integer.MAX_VALUE - 1,
    };

    private static final long[] SPECIAL_I64 = {
            0, 1, -1, 2, -2, 3, 7, 31, 32, 33, 63, 64, 65, -63, -64, 100, -100, 0x5555_5555_5555_5555L,
            0xAAAA_AAAA_AAAA_AAAAL, 1L << 53, (1L << 53) + 1, -(1L << 53) - 1, 1L << 62, Integer.MAX_VALUE,
            Integer.MIN_VALUE, Integer.MAX_VALUE + 1L, Integer.MIN_VALUE - 1L, Long.MIN_VALUE, Long.MAX_VALUE,
            Long.MIN_VALUE + 1, Long.MAX_VALUE - 1,
    };

    /** The special values of a type, as bits. */
    public static long[] specials(DType type) {
        return switch (type) {
            case F32 -> {
                long[] out = new long[SPECIAL_F32.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.floatToRawIntBits(SPECIAL_F32[i]);
                }
                yield out;
            }
            case F64 -> Arrays.stream(SPECIAL_F64).mapToLong(Double::doubleToRawLongBits).toArray();
            case I32 -> Arrays.stream(SPECIAL_I32).asLongStream().toArray();
            case I64 -> SPECIAL_I64.clone();
            case BOOL -> throw new IllegalArgumentException("masks are not stored");
        };
    }

    /** A range of interesting arguments for an op. */
    public record Domain(double lo, double hi) {
        public static final Domain MODERATE = new Domain(-100, 100);
    }

    /**
     * {@code n} seeded random values as bits: a third raw bit patterns, a third of moderate magnitude
     * (random exponent in 2^-20..2^20, random sign and mantissa), a third uniform in {@code domain}.
     */
    public static long[] random(DType type, SplittableRandom rng, int n, Domain domain) {
        return LongStream.range(0, n).map(i -> switch ((int) (i % 3)) {
            case 0 -> rawBits(type, rng);
            case 1 -> moderate(type, rng);
            default -> inDomain(type, rng, domain);
        }).toArray();
    }

    private static long rawBits(DType type, SplittableRandom rng) {
        return switch (type) {
            case F32, I32 -> rng.nextInt();
            case F64, I64 -> rng.nextLong();
            case BOOL -> throw new IllegalArgumentException("masks are not stored");
        };
    }

    private static long moderate(DType type, SplittableRandom rng) {
        double v = Math.scalb(1 + rng.nextDouble(), rng.nextInt(-20, 21)) * (rng.nextBoolean() ? 1 : -1);
        return switch (type) {
            case F32 -> Float.floatToRawIntBits((float) v);
            case F64 -> Double.doubleToRawLongBits(v);
            case I32 -> (int) v;
            case I64 -> (long) (v * 0x1p20);
            case BOOL -> throw new IllegalArgumentException("masks are not stored");
        };
    }

    private static long inDomain(DType type, SplittableRandom rng, Domain d) {
        double v = d.lo() + (d.hi() - d.lo()) * rng.nextDouble();
        return switch (type) {
            case F32 -> Float.floatToRawIntBits((float) v);
            case F64 -> Double.doubleToRawLongBits(v);
            case I32 -> (int) Math.rint(v);
            case I64 -> (long) Math.rint(v);
            case BOOL -> throw new IllegalArgumentException("masks are not stored");
        };
    }

    /** The values as an array of {@code type}. */
    public static Object column(DType type, long[] bits) {
        Object a = Columns.allocate(type, bits.length);
        for (int i = 0; i < bits.length; i++) {
            Columns.set(a, i, bits[i]);
        }
        return a;
    }

    /** Concatenation. */
    public static long[] concat(long[]... parts) {
        return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
    }
}
