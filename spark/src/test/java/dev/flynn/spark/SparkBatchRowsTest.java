package dev.flynn.spark;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection$;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rows laid out from batches a column at a time hold exactly the bytes Spark's own
 * {@code UnsafeProjection} writes for the same row: every fixed-width type, nulls at the ends, in runs
 * and everywhere, values whose upper bytes a careless writer would leave dirty (negative narrow values,
 * NaNs with payloads, -0.0), more than 64 columns (a second word of null bits), empty batches between
 * full ones, and a column that is not fixed-width (projected row by row).
 */
class SparkBatchRowsTest {
    private static final DataType[] FIXED = {DataTypes.DoubleType, DataTypes.FloatType, DataTypes.LongType,
            DataTypes.IntegerType, DataTypes.ShortType, DataTypes.ByteType, DataTypes.BooleanType, DataTypes.DateType,
            DataTypes.TimestampType, DataTypes.TimestampNTZType};

    /** How a column's nulls lie in a batch. */
    private enum Nulls {
        NONE, FIRST_AND_LAST, RUNS, ALL, RANDOM
    }

    private static boolean isNull(Nulls n, int r, int rows, SplittableRandom rnd) {
        return switch (n) {
            case NONE -> false;
            case FIRST_AND_LAST -> r == 0 || r == rows - 1;
            case RUNS -> (r / 7) % 3 == 1;
            case ALL -> true;
            case RANDOM -> rnd.nextInt(4) == 0;
        };
    }

    // special values first, then random bits: every bit pattern a vector can hold for the type
    private static void put(OnHeapColumnVector v, DataType t, int r, SplittableRandom rnd) {
        long bits = rnd.nextLong();
        double[] doubles = {Double.longBitsToDouble(0x7ff8_dead_beef_0001L), -0.0, Double.NEGATIVE_INFINITY,
                Double.MIN_VALUE, Double.longBitsToDouble(0xfff0_0000_0000_0001L)};
        float[] floats = {Float.intBitsToFloat(0x7fc0_1234), -0.0f, Float.POSITIVE_INFINITY, Float.intBitsToFloat(0xff80_0001)};
        if (t.equals(DataTypes.DoubleType)) {
            v.putDouble(r, r < doubles.length ? doubles[r] : Double.longBitsToDouble(bits));
        } else if (t.equals(DataTypes.FloatType)) {
            v.putFloat(r, r < floats.length ? floats[r] : Float.intBitsToFloat((int) bits));
        } else if (t.equals(DataTypes.LongType) || t.equals(DataTypes.TimestampType) || t.equals(DataTypes.TimestampNTZType)) {
            v.putLong(r, r == 0 ? Long.MIN_VALUE : r == 1 ? -1L : bits);
        } else if (t.equals(DataTypes.IntegerType) || t.equals(DataTypes.DateType)) {
            v.putInt(r, r == 0 ? Integer.MIN_VALUE : r == 1 ? -1 : (int) bits);
        } else if (t.equals(DataTypes.ShortType)) {
            v.putShort(r, r == 0 ? Short.MIN_VALUE : r == 1 ? (short) -1 : (short) bits);
        } else if (t.equals(DataTypes.ByteType)) {
            v.putByte(r, r == 0 ? Byte.MIN_VALUE : r == 1 ? (byte) -1 : (byte) bits);
        } else if (t.equals(DataTypes.BooleanType)) {
            v.putBoolean(r, (bits & 1) == 1);
        } else {
            v.putByteArray(r, ("s" + bits).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static ColumnarBatch batch(DataType[] types, int rows, Nulls nulls, SplittableRandom rnd) {
        ColumnVector[] vs = new ColumnVector[types.length];
        for (int c = 0; c < types.length; c++) {
            OnHeapColumnVector v = new OnHeapColumnVector(Math.max(rows, 1), types[c]);
            // nulls in every other column only: vectors with and without nulls side by side
            Nulls n = c % 2 == 0 ? nulls : Nulls.NONE;
            for (int r = 0; r < rows; r++) {
                if (isNull(n, r, rows, rnd)) {
                    v.putNull(r);
                } else {
                    put(v, types[c], r, rnd);
                }
            }
            vs[c] = v;
        }
        return new ColumnarBatch(vs, rows);
    }

    // what Spark writes for each row of the batches, copied
    private static List<byte[]> expected(DataType[] types, List<ColumnarBatch> batches) {
        UnsafeProjection p = UnsafeProjection$.MODULE$.create(types);
        List<byte[]> out = new ArrayList<>();
        for (ColumnarBatch b : batches) {
            for (int r = 0; r < b.numRows(); r++) {
                out.add(p.apply(b.getRow(r)).copy().getBytes());
            }
        }
        return out;
    }

    private static List<byte[]> laidOut(DataType[] types, List<ColumnarBatch> batches) {
        SparkBatchRows rows = new SparkBatchRows(batches.iterator(), types);
        List<byte[]> out = new ArrayList<>();
        while (rows.hasNext()) {
            InternalRow r = rows.next();
            assertTrue(r instanceof UnsafeRow);
            out.add(((UnsafeRow) r).copy().getBytes());
        }
        return out;
    }

    private static void check(DataType[] types, long seed) {
        // sizes of a few rows and of a cache batch, an empty batch among them
        check(types, seed, new int[] {1, 0, 5, 130, 4_099});
    }

    private static void check(DataType[] types, long seed, int[] sizes) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<ColumnarBatch> batches = new ArrayList<>();
        for (Nulls n : Nulls.values()) {
            for (int s : sizes) {
                batches.add(batch(types, s, n, rnd));
            }
        }
        List<byte[]> want = expected(types, batches);
        List<byte[]> got = laidOut(types, batches);
        assertEquals(want.size(), got.size());
        for (int r = 0; r < want.size(); r++) {
            assertArrayEquals(want.get(r), got.get(r), "row " + r + " of " + Arrays.toString(types));
        }
    }

    @Test
    void eachFixedWidthTypeAloneAndAllTogetherGiveSparksBytes() {
        for (DataType t : FIXED) {
            assertTrue(SparkBatchRows.fixedWidth(t), t.toString());
            check(new DataType[] {t}, t.hashCode());
        }
        check(FIXED, 1);
    }

    @Test
    void moreThan64ColumnsUseASecondWordOfNullBits() {
        DataType[] types = new DataType[70];
        for (int c = 0; c < types.length; c++) {
            types[c] = FIXED[c % FIXED.length];
        }
        check(types, 2, new int[] {1, 0, 5, 130, 700});
    }

    @Test
    void aColumnThatIsNotFixedWidthIsProjectedRowByRow() {
        assertFalse(SparkBatchRows.fixedWidth(DataTypes.StringType));
        check(new DataType[] {DataTypes.DoubleType, DataTypes.StringType, DataTypes.IntegerType}, 3);
    }

    @Test
    void noBatchesNoRows() {
        SparkBatchRows rows = new SparkBatchRows(List.<ColumnarBatch>of().iterator(), FIXED);
        assertFalse(rows.hasNext());
        assertThrows(java.util.NoSuchElementException.class, rows::next);
    }
}
