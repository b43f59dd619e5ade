package dev.flynn.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.AttributeSet$;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.IndexedSeq;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The physical operator of {@link SparkKernels#withColumn}. Columnar when its child is (Spark's
 * in-memory cache, vectorized file scans, another Flynn map): each {@code ColumnarBatch} is read in
 * bulk, mapped in one Flynn call and passed on with the result as one more column vector. A consumer
 * that takes rows (a sink, a row operator) gets them from the same batches, each batch laid out as
 * {@code UnsafeRow}s column by column ({@link SparkBatchRows}) instead of through a per-row
 * {@code ColumnarToRow} conversion above this operator. Without a columnar child it maps
 * {@code InternalRow}s a block at a time and writes them as {@code UnsafeRow}s.
 */
public final class SparkMapExec extends SparkPlan {
    private static final long serialVersionUID = 1L;

    /** The child, the kernel's columns, the result column and the kernel. */
    private final SparkMapFields<SparkPlan> fields;

    /**
     * Flynn's map over the rows or batches of {@code child}.
     *
     * @param child the plan whose rows are mapped
     * @param inputs the kernel's input columns, in order
     * @param dropped the column the result replaces (none, or one)
     * @param result the new column
     * @param kernel the map kernel, encoded
     * @param columns the kernel's columns: their Spark types and how they reach the kernel
     */
    public SparkMapExec(SparkPlan child, Seq<Attribute> inputs, Seq<Attribute> dropped, Attribute result,
                        byte[] kernel, SparkColumns columns) {
        this(new SparkMapFields<>(child, inputs, dropped, result, kernel, columns));
    }

    SparkMapExec(SparkMapFields<SparkPlan> fields) {
        this.fields = fields;
    }

    @Override
    public Seq<Attribute> output() {
        return SparkMapPlan.output(fields.child().output(), fields.dropped(), fields.result());
    }

    @Override
    public AttributeSet producedAttributes() {
        return AttributeSet$.MODULE$.apply(fields.result());
    }

    @Override
    public boolean supportsColumnar() {
        return columnarChild() != null;
    }

    // rows are always offered: over a columnar child they come from the mapped batches, so Spark inserts no
    // ColumnarToRow above this operator
    @Override
    public boolean supportsRowBased() {
        return true;
    }

    /**
     * The plan whose batches this operator maps: the child where it is columnar, or the columnar plan
     * below the row conversion Spark puts under a row operator whose child only produces batches (a
     * vectorized file scan); null when there is none.
     */
    private SparkPlan columnarChild() {
        SparkPlan p = fields.child();
        if (p.supportsColumnar()) {
            return p;
        }
        while (p instanceof WholeStageCodegenExec || p instanceof InputAdapter) {
            p = p.children().apply(0);
        }
        if (p instanceof ColumnarToRowExec c) {
            p = c.child();
            while (p instanceof InputAdapter a) {
                p = a.child();
            }
            return p.supportsColumnar() ? p : null;
        }
        return null;
    }

    // the kernel's columns at their positions in the child's rows or batches
    private SparkColumns bound() {
        Seq<Attribute> in = fields.child().output();
        int[] ords = new int[fields.inputs().size()];
        for (int i = 0; i < ords.length; i++) {
            ords[i] = indexOf(in, fields.inputs().apply(i));
        }
        return fields.columns().at(ords);
    }

    private static int indexOf(Seq<Attribute> attrs, Attribute a) {
        for (int j = 0; j < attrs.size(); j++) {
            if (attrs.apply(j).exprId().equals(a.exprId())) {
                return j;
            }
        }
        throw new IllegalStateException("column " + a + " is not among the input columns " + attrs);
    }

    @Override
    public RDD<InternalRow> doExecute() {
        SparkPlan columnar = columnarChild();
        if (columnar != null) {
            Seq<Attribute> out = output();
            DataType[] types = new DataType[out.size()];
            for (int j = 0; j < types.length; j++) {
                types[j] = out.apply(j).dataType();
            }
            return mapBatches(columnar).rdd().mapPartitions(new ToRows(types), true, ClassTag$.MODULE$.apply(InternalRow.class));
        }
        SparkColumns cols = bound();
        byte[] bytes = fields.kernel();
        List<Attribute> joined = new ArrayList<>(CollectionConverters.asJava(fields.child().output()));
        joined.add(fields.result());
        Seq<Attribute> schema = CollectionConverters.asScala(joined).toSeq();
        Seq<Attribute> out = output();
        return fields.child().execute().toJavaRDD().mapPartitions(rows -> {
            SparkInput.read(SparkInput.Path.ROWS);
            return new SparkMapRows(rows, bytes, cols, out, schema);
        }).rdd();
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        SparkPlan columnar = columnarChild();
        if (columnar == null) {
            throw new IllegalStateException("no columnar plan below " + fields.child().nodeName() + ": map its rows");
        }
        return mapBatches(columnar).rdd();
    }

    private JavaRDD<ColumnarBatch> mapBatches(SparkPlan columnar) {
        SparkColumns cols = bound();
        byte[] bytes = fields.kernel();
        // for each output column: the child's vector it is, or -1 for the result
        Seq<Attribute> in = fields.child().output();
        Seq<Attribute> out = output();
        int[] layout = new int[out.size()];
        for (int j = 0; j < layout.length; j++) {
            layout[j] = out.apply(j).exprId().equals(fields.result().exprId()) ? -1 : indexOf(in, out.apply(j));
        }
        return columnar.executeColumnar().toJavaRDD().mapPartitions(batches -> {
            SparkInput.read(SparkInput.Path.COLUMNAR);
            return new SparkMapBatches(batches, bytes, cols, layout);
        });
    }

    /** A partition's mapped batches as rows. */
    private static final class ToRows extends AbstractFunction1<scala.collection.Iterator<ColumnarBatch>, scala.collection.Iterator<InternalRow>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final DataType[] types;

        ToRows(DataType[] types) {
            this.types = types;
        }

        @Override
        public scala.collection.Iterator<InternalRow> apply(scala.collection.Iterator<ColumnarBatch> batches) {
            return new SparkBatchRows(CollectionConverters.asJava(batches), types);
        }
    }

    @Override
    public Seq<SparkPlan> children() {
        return CollectionConverters.asScala(List.of(fields.child())).toSeq();
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new SparkMapExec(fields.withChild(newChildren.apply(0)));
    }

    @Override
    public String nodeName() {
        return "FlynnMap";
    }

    @Override
    public scala.collection.Iterator<Object> stringArgs() {
        return fields.stringArgs();
    }

    @Override
    public int productArity() {
        return SparkMapFields.ARITY;
    }

    @Override
    public Object productElement(int n) {
        return fields.element(n);
    }

    @Override
    public boolean canEqual(Object that) {
        return that instanceof SparkMapExec;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparkMapExec p && fields.equals(p.fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }
}
