package dev.flynn.spark;

import dev.flynn.DType;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection$;
import org.apache.spark.sql.types.DataType;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A map over {@code InternalRow}s: a block of rows gathered into primitive arrays, mapped in one Flynn
 * call, and each row written out as an {@code UnsafeRow} with the value beside its columns (null where
 * one of the kernel's columns is null).
 */
final class SparkMapRows implements Iterator<InternalRow> {
    private static final int BLOCK = SparkKernels.BATCH;

    private final Iterator<InternalRow> rows;
    private final SparkKernel kernel;
    private final SparkColumns in;
    private final DType type;
    private final InternalRow[] block = new InternalRow[BLOCK];
    private final Object[] inputs;
    private final Object values;
    private final SpecificInternalRow value;
    private final JoinedRow joined = new JoinedRow();
    private final UnsafeProjection write;
    private int size;
    private int next;
    private int valueAt;

    /**
     * @param out the output columns, as attributes of {@code schema}
     * @param schema the child's columns followed by the result's
     */
    @SuppressWarnings("unchecked")
    SparkMapRows(Iterator<InternalRow> rows, byte[] bytes, SparkColumns in, Seq<Attribute> out, Seq<Attribute> schema) {
        this.rows = rows;
        this.kernel = SparkKernelCache.get(bytes);
        this.in = in;
        this.type = kernel.kernel.resultType();
        this.inputs = in.arrays(BLOCK);
        this.values = java.lang.reflect.Array.newInstance(type.javaType(), BLOCK);
        this.value = new SpecificInternalRow(CollectionConverters.asScala(List.<DataType>of(SparkColumns.sparkType(type))).toSeq());
        this.write = UnsafeProjection$.MODULE$.create((Seq<Expression>) (Seq<?>) out, schema);
    }

    @Override
    public boolean hasNext() {
        if (next < size) {
            return true;
        }
        fill();
        return next < size;
    }

    @Override
    public InternalRow next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        InternalRow r = block[next];
        block[next++] = null;
        if (in.anyNull(r)) {
            value.setNullAt(0);
        } else {
            int at = valueAt++;
            switch (type) {
                case F64 -> value.setDouble(0, ((double[]) values)[at]);
                case F32 -> value.setFloat(0, ((float[]) values)[at]);
                case I32 -> value.setInt(0, ((int[]) values)[at]);
                case I64 -> value.setLong(0, ((long[]) values)[at]);
                case BOOL -> throw new IllegalStateException("a mask column");
            }
        }
        return write.apply(joined.apply(r, value));
    }

    private void fill() {
        size = 0;
        next = 0;
        valueAt = 0;
        int n = 0;
        while (size < BLOCK && rows.hasNext()) {
            // the child reuses its row object: the block keeps copies
            InternalRow r = rows.next().copy();
            block[size++] = r;
            if (!in.anyNull(r)) {
                in.read(r, inputs, n++);
            }
        }
        if (n > 0) {
            kernel.map(SparkKernelCache.flynn(), values, inputs, n);
        }
    }
}
