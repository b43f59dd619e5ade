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
import org.apache.spark.unsafe.Platform;

import java.util.Iterator;
import java.util.NoSuchElementException;
import scala.collection.AbstractIterator;

/**
 * The rows of {@code ColumnarBatch}es as {@code UnsafeRow}s, for a consumer that takes rows (a sink,
 * a row operator). When every column is fixed-width, a whole batch is laid out at once, column by
 * column, in one buffer in {@code UnsafeRow}'s format, and each row is that buffer at its offset: no
 * per-row writer, no per-field null check on a vector without nulls. Each row holds exactly the bytes
 * Spark's {@code UnsafeProjection} writes for it (a null's slot zeroed, a narrow value's upper bytes
 * zeroed), so hashing and comparing the rows as bytes sees no difference. Any other column type goes
 * through {@code UnsafeProjection} a row at a time.
 *
 * <p>The row returned, like its buffer, is reused: as with Spark's own operators, a consumer copies a
 * row it keeps past its next call.
 */
// a Scala iterator: the sink's loop calls it directly, not through a Java-to-Scala wrapper per row
final class SparkBatchRows extends AbstractIterator<InternalRow> {
    private final Iterator<ColumnarBatch> batches;
    private final DataType[] types;
    /** Null when a column is not fixed-width: rows are then projected one at a time. */
    private final UnsafeRow row;
    private final UnsafeProjection project;
    private final int rowSize;
    private final int bitsetBytes;
    private byte[] buffer = new byte[0];
    private int rows;
    private int next;
    private Iterator<InternalRow> slow;

    /** @param types the batches' column types, in order */
    SparkBatchRows(Iterator<ColumnarBatch> batches, DataType[] types) {
        this.batches = batches;
        this.types = types.clone();
        this.bitsetBytes = UnsafeRow.calculateBitSetWidthInBytes(types.length);
        this.rowSize = bitsetBytes + 8 * types.length;
        boolean fixed = true;
        for (DataType t : types) {
            fixed &= fixedWidth(t);
        }
        this.row = fixed ? new UnsafeRow(types.length) : null;
        this.project = fixed ? null : UnsafeProjection$.MODULE$.create(types);
    }

    /** Whether a column of type {@code t} is laid out in bulk. */
    static boolean fixedWidth(DataType t) {
        return t.equals(DataTypes.DoubleType) || t.equals(DataTypes.FloatType) || t.equals(DataTypes.LongType)
                || t.equals(DataTypes.IntegerType) || t.equals(DataTypes.ShortType) || t.equals(DataTypes.ByteType)
                || t.equals(DataTypes.BooleanType) || t.equals(DataTypes.DateType) || t.equals(DataTypes.TimestampType)
                || t.equals(DataTypes.TimestampNTZType);
    }

    @Override
    public boolean hasNext() {
        return next < rows || advance();
    }

    private boolean advance() {
        if (row == null) {
            while ((slow == null || !slow.hasNext()) && batches.hasNext()) {
                slow = batches.next().rowIterator();
            }
            return slow != null && slow.hasNext();
        }
        while (next >= rows && batches.hasNext()) {
            layOut(batches.next());
        }
        return next < rows;
    }

    @Override
    public InternalRow next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        if (row == null) {
            return project.apply(slow.next());
        }
        row.pointTo(buffer, Platform.BYTE_ARRAY_OFFSET + (long) next++ * rowSize, rowSize);
        return row;
    }

    // the batch's rows, written a column at a time: each loop reads one vector and writes one slot per row
    private void layOut(ColumnarBatch b) {
        rows = b.numRows();
        next = 0;
        long bytes = (long) rows * rowSize;
        if (bytes > buffer.length) {
            if (bytes > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("a batch of " + rows + " rows of " + rowSize
                        + " bytes does not fit one buffer; use smaller batches (spark.sql.inMemoryColumnarStorage.batchSize)");
            }
            buffer = new byte[(int) Math.max(bytes, Math.min(Integer.MAX_VALUE - 16, 2L * buffer.length))];
        }
        for (int w = 0; w < bitsetBytes; w += 8) {
            long at = Platform.BYTE_ARRAY_OFFSET + w;
            for (int r = 0; r < rows; r++, at += rowSize) {
                Platform.putLong(buffer, at, 0L);
            }
        }
        for (int c = 0; c < types.length; c++) {
            ColumnVector v = b.column(c);
            long slot = Platform.BYTE_ARRAY_OFFSET + bitsetBytes + 8L * c;
            if (v.hasNull()) {
                nulls(v, c, slot);
            } else {
                values(v, types[c], slot, 0, rows);
            }
        }
    }

    // runs of non-null values written in bulk; a null row gets its bit and a zeroed slot
    private void nulls(ColumnVector v, int c, long slot) {
        long word = Platform.BYTE_ARRAY_OFFSET + 8L * (c >> 6);
        long bit = 1L << (c & 63);
        int from = 0;
        for (int r = 0; r < rows; r++) {
            if (v.isNullAt(r)) {
                values(v, types[c], slot + (long) from * rowSize, from, r);
                long w = word + (long) r * rowSize;
                Platform.putLong(buffer, w, Platform.getLong(buffer, w) | bit);
                Platform.putLong(buffer, slot + (long) r * rowSize, 0L);
                from = r + 1;
            }
        }
        values(v, types[c], slot + (long) from * rowSize, from, rows);
    }

    // rows [from, to) of v into their slots, the first at byte offset at of the buffer
    private void values(ColumnVector v, DataType t, long at, int from, int to) {
        byte[] buf = buffer;
        int step = rowSize;
        // an on-heap vector (Spark's cache, its vectorized readers, Flynn's result) through its final class: the
        // getter inlines to an array load whatever other vector classes the JVM has seen
        if (t.equals(DataTypes.DoubleType) && v instanceof OnHeapColumnVector h) {
            for (int r = from; r < to; r++, at += step) {
                Platform.putDouble(buf, at, h.getDouble(r));
            }
        } else if (t.equals(DataTypes.DoubleType)) {
            for (int r = from; r < to; r++, at += step) {
                Platform.putDouble(buf, at, v.getDouble(r));
            }
        } else if (t.equals(DataTypes.LongType) || t.equals(DataTypes.TimestampType) || t.equals(DataTypes.TimestampNTZType)) {
            for (int r = from; r < to; r++, at += step) {
                Platform.putLong(buf, at, v.getLong(r));
            }
        } else if (t.equals(DataTypes.FloatType)) {
            for (int r = from; r < to; r++, at += step) {
                Platform.putLong(buf, at, 0L);
                Platform.putFloat(buf, at, v.getFloat(r));
            }
        } else if (t.equals(DataTypes.IntegerType) || t.equals(DataTypes.DateType)) {
            for (int r = from; r < to; r++, at += step) {
                Platform.putLong(buf, at, 0L);
                Platform.putInt(buf, at, v.getInt(r));
            }
        } else if (t.equals(DataTypes.ShortType)) {
            for (int r = from; r < to; r++, at += step) {
                Platform.putLong(buf, at, 0L);
                Platform.putShort(buf, at, v.getShort(r));
            }
        } else if (t.equals(DataTypes.ByteType)) {
            for (int r = from; r < to; r++, at += step) {
                Platform.putLong(buf, at, 0L);
                Platform.putByte(buf, at, v.getByte(r));
            }
        } else {
            for (int r = from; r < to; r++, at += step) {
                Platform.putLong(buf, at, 0L);
                Platform.putBoolean(buf, at, v.getBoolean(r));
            }
        }
    }
}
