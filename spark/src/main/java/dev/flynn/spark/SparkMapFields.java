package dev.flynn.spark;

import org.apache.spark.sql.catalyst.expressions.Attribute;
import scala.collection.immutable.Seq;

import scala.jdk.javaapi.CollectionConverters;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The six fields of a Flynn map node, logical ({@link SparkMapPlan}) or physical ({@link SparkMapExec}).
 * Catalyst reads a node as a product of its constructor's arguments (to copy it, rewrite its expressions,
 * compare and print it), so both nodes expose these fields in this order; the order, the equality (the
 * kernel's bytes compared by content) and the hash live here once.
 *
 * @param <P> the kind of plan the child is
 * @param child the plan whose rows are mapped
 * @param inputs the kernel's input columns, in order
 * @param dropped the column the result replaces: none, or one
 * @param result the new column
 * @param kernel the map kernel, encoded ({@link SparkKernelCodec})
 * @param columns the kernel's columns: their Spark types and how they reach the kernel
 */
record SparkMapFields<P>(P child, Seq<Attribute> inputs, Seq<Attribute> dropped, Attribute result, byte[] kernel,
                         SparkColumns columns) implements Serializable {
    /** The number of fields, a node's {@code productArity}. */
    static final int ARITY = 6;

    /** The same fields over another child: a node's copy with new children, or the physical node of a logical one. */
    <Q> SparkMapFields<Q> withChild(Q newChild) {
        return new SparkMapFields<>(newChild, inputs, dropped, result, kernel, columns);
    }

    /** Field {@code n}, in the order of the nodes' constructors: a node's {@code productElement}. */
    Object element(int n) {
        return switch (n) {
            case 0 -> child;
            case 1 -> inputs;
            case 2 -> dropped;
            case 3 -> result;
            case 4 -> kernel;
            case 5 -> columns;
            default -> throw new IndexOutOfBoundsException("a Flynn map node has " + ARITY + " fields, not field " + n);
        };
    }

    /**
     * What a node's {@code explain()} prints: the columns and the kernel as its expression, where
     * Catalyst's default (every product element) would print the kernel's encoded bytes.
     */
    scala.collection.Iterator<Object> stringArgs() {
        List<Object> shown = List.of(inputs, dropped, result, "kernel " + SparkKernelCodec.decode(kernel));
        return CollectionConverters.asScala(shown.iterator());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparkMapFields<?> f && child.equals(f.child) && inputs.equals(f.inputs)
                && dropped.equals(f.dropped) && result.equals(f.result) && Arrays.equals(kernel, f.kernel)
                && columns.equals(f.columns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(child, inputs, dropped, result, Arrays.hashCode(kernel), columns);
    }

    @Override
    public String toString() {
        return "FlynnMap" + inputs + ", " + result + " (kernel of " + kernel.length + " bytes)";
    }
}
