package dev.flynn.spark;

import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.AttributeSet$;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The logical plan of {@link SparkKernels#withColumn}: the child's columns with a column computed by a
 * map kernel appended, or put in place of {@code dropped}. {@link SparkMapStrategy} plans it as a
 * {@link SparkMapExec}. The kernel's input columns are expressions of the node, so the optimizer keeps
 * them when it prunes the child's columns; the result attribute is produced here.
 */
public final class SparkMapPlan extends LogicalPlan {
    private static final long serialVersionUID = 1L;

    /** The plan whose rows are mapped. */
    private final LogicalPlan child;
    /** The kernel's input columns, in order. */
    private final Seq<Attribute> inputs;
    /** The column the result replaces: none, or one. */
    private final Seq<Attribute> dropped;
    /** The new column. */
    private final Attribute result;
    /** The map kernel, encoded ({@link SparkKernelCodec}). */
    private final byte[] kernel;
    /** The kernel's columns: their Spark types and how they reach the kernel. */
    private final SparkColumns columns;

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
        this.child = child;
        this.inputs = inputs;
        this.dropped = dropped;
        this.result = result;
        this.kernel = kernel;
        this.columns = columns;
    }

    LogicalPlan child() {
        return child;
    }

    /** What {@link SparkMapExec} runs over {@code physicalChild}. */
    SparkMapExec plan(org.apache.spark.sql.execution.SparkPlan physicalChild) {
        return new SparkMapExec(physicalChild, inputs, dropped, result, kernel, columns);
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
        return output(child.output(), dropped, result);
    }

    @Override
    public AttributeSet producedAttributes() {
        return AttributeSet$.MODULE$.apply(result);
    }

    @Override
    public Seq<LogicalPlan> children() {
        return CollectionConverters.asScala(List.of(child)).toSeq();
    }

    @Override
    public LogicalPlan withNewChildrenInternal(IndexedSeq<LogicalPlan> newChildren) {
        return new SparkMapPlan(newChildren.apply(0), inputs, dropped, result, kernel, columns);
    }

    @Override
    public String nodeName() {
        return "FlynnMap";
    }

    @Override
    public int productArity() {
        return 6;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> child;
            case 1 -> inputs;
            case 2 -> dropped;
            case 3 -> result;
            case 4 -> kernel;
            case 5 -> columns;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public boolean canEqual(Object that) {
        return that instanceof SparkMapPlan;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparkMapPlan p && child.equals(p.child) && inputs.equals(p.inputs)
                && dropped.equals(p.dropped) && result.equals(p.result) && Arrays.equals(kernel, p.kernel)
                && columns.equals(p.columns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(child, inputs, dropped, result, Arrays.hashCode(kernel), columns);
    }
}
