package dev.flynn.spark;

import dev.flynn.DType;
import dev.flynn.Kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The values of several reductions run in one pass ({@link SparkKernels#reduceAllTyped}), read in
 * their own types: {@link #getDouble} for floating and integer results, {@link #getLong} for integer
 * ones (argmin, argmax, count, integer sums), {@link #getBoolean} for any and all. Immutable.
 */
public final class SparkResults {
    private final List<SparkReduction> reductions;
    private final List<Object> values;

    SparkResults(List<SparkReduction> reductions, List<Object> values) {
        if (reductions.size() != values.size()) {
            throw new IllegalStateException(values.size() + " values for " + reductions.size() + " reductions");
        }
        this.reductions = List.copyOf(reductions);
        this.values = Collections.unmodifiableList(new ArrayList<>(values));
    }

    /**
     * How many reductions ran.
     *
     * @return the number of values
     */
    public int size() {
        return values.size();
    }

    /**
     * A value as a double.
     *
     * @param i the reduction's position in the list given
     * @return its value as a double (exact for float, double and int results)
     * @throws IllegalArgumentException if the reduction is an any/all, whose value is a boolean
     */
    public double getDouble(int i) {
        Kernel k = kernel(i);
        if (k.resultType() == DType.BOOL) {
            throw new IllegalArgumentException("reduction " + i + " (" + k + ") has a BOOL result; call getBoolean");
        }
        return ((Number) values.get(i)).doubleValue();
    }

    /**
     * An integer value.
     *
     * @param i the reduction's position in the list given
     * @return its value, for integer results
     * @throws IllegalArgumentException if the reduction's result is not an integer type
     */
    public long getLong(int i) {
        Kernel k = kernel(i);
        if (!k.resultType().isIntegral()) {
            throw new IllegalArgumentException("reduction " + i + " (" + k + ") has a " + k.resultType()
                    + " result; call " + (k.resultType() == DType.BOOL ? "getBoolean" : "getDouble"));
        }
        return ((Number) values.get(i)).longValue();
    }

    /**
     * A boolean value.
     *
     * @param i the reduction's position in the list given
     * @return its value, for any/all reductions
     * @throws IllegalArgumentException if the reduction's result is not a boolean
     */
    public boolean getBoolean(int i) {
        Kernel k = kernel(i);
        if (k.resultType() != DType.BOOL) {
            throw new IllegalArgumentException("reduction " + i + " (" + k + ") has a " + k.resultType()
                    + " result; call " + (k.resultType().isIntegral() ? "getLong" : "getDouble"));
        }
        return (Boolean) values.get(i);
    }

    /**
     * The reduction behind a value.
     *
     * @param i the reduction's position in the list given
     * @return the reduction that produced value {@code i}
     */
    public SparkReduction reduction(int i) {
        return reductions.get(Objects.checkIndex(i, reductions.size()));
    }

    /**
     * The values boxed in their own types (Float, Double, Integer, Long or Boolean), in order.
     *
     * @return the values, unmodifiable
     */
    public List<Object> values() {
        return values;
    }

    private Kernel kernel(int i) {
        return reduction(i).kernel();
    }

    @Override
    public String toString() {
        return "SparkResults" + values;
    }
}
