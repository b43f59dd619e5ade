package dev.flynn.spark;

import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.AttributeSet$;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.List;

/**
 * The logical plan of {@link SparkKernels#withColumn}: the child's columns with a column computed by a
 * map kernel appended, or put in place of {@code dropped}. {@link SparkMapStrategy} plans it as a
 * {@link SparkMapExec}. The kernel's input columns are expressions of the node, so the optimizer keeps
 * them when it prunes the child's columns; the result attribute is produced here.
 */
public final class SparkMapPlan extends LogicalPlan {
    private static final long serialVersionUID = 1L;

    /** The child, the kernel's columns, the result column and the kernel. */
    private final SparkMapFields<LogicalPlan> fields;

    /**
     * Flynn's map over the rows of {@code child}.
     *
     * @param child the plan whose rows are mapped
     * @param inputs the kernel's input columns, in order
     * @param dropped the column the result replaces (none, or one)
     * @param result the new column
     * @param kernel the map kernel, encoded
     * @param columns the kernel's columns: their Spark types and how they reach the kernel
     */
    public SparkMapPlan(LogicalPlan child, Seq<Attribute> inputs, Seq<Attribute> dropped, Attribute result,
                        byte[] kernel, SparkColumns columns) {
        this(new SparkMapFields<>(child, inputs, dropped, result, kernel, columns));
    }

    SparkMapPlan(SparkMapFields<LogicalPlan> fields) {
        this.fields = fields;
    }

    LogicalPlan child() {
        return fields.child();
    }

    /** What {@link SparkMapExec} runs over {@code physicalChild}. */
    SparkMapExec plan(org.apache.spark.sql.execution.SparkPlan physicalChild) {
        return new SparkMapExec(fields.withChild(physicalChild));
    }

    /** The child's columns with {@code result} in place of {@code dropped}, or appended. */
    static Seq<Attribute> output(Seq<Attribute> childOutput, Seq<Attribute> dropped, Attribute result) {
        List<Attribute> out = new ArrayList<>(childOutput.size() + 1);
        boolean placed = false;
        for (int i = 0; i < childOutput.size(); i++) {
            Attribute a = childOutput.apply(i);
            if (!dropped.isEmpty() && a.exprId().equals(dropped.head().exprId())) {
                out.add(result);
                placed = true;
            } else {
                out.add(a);
            }
        }
        if (!placed) {
            out.add(result);
        }
        return CollectionConverters.asScala(out).toSeq();
    }

    @Override
    public Seq<Attribute> output() {
        return output(fields.child().output(), fields.dropped(), fields.result());
    }

    @Override
    public AttributeSet producedAttributes() {
        return AttributeSet$.MODULE$.apply(fields.result());
    }

    @Override
    public Seq<LogicalPlan> children() {
        return CollectionConverters.asScala(List.of(fields.child())).toSeq();
    }

    @Override
    public LogicalPlan withNewChildrenInternal(IndexedSeq<LogicalPlan> newChildren) {
        return new SparkMapPlan(fields.withChild(newChildren.apply(0)));
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
        return that instanceof SparkMapPlan;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparkMapPlan p && fields.equals(p.fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }
}
