package dev.flynn.spark;

import dev.flynn.Kernel;

import java.util.List;
import java.util.Objects;

/**
 * A reduction kernel and the columns it reads, one per kernel input, for
 * {@link SparkKernels#reduceAll}: {@code SparkReduction.of(Kernel.parse("x", F64).reduce(mean()), "price")}.
 *
 * @param kernel a reduction kernel
 * @param columns the column names, one per kernel input, in order
 */
public record SparkReduction(Kernel kernel, List<String> columns) {
    /**
     * Checks that the kernel is a reduction and copies the column list.
     *
     * @throws IllegalArgumentException if the kernel is a map
     */
    public SparkReduction {
        Objects.requireNonNull(kernel, "kernel");
        columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
        if (!kernel.isReduction()) {
            throw new IllegalArgumentException("kernel " + kernel + " is a map; reduce it first, e.g. .reduce(Reduction.sum())");
        }
    }

    /**
     * A reduction over the given columns.
     *
     * @param kernel a reduction kernel
     * @param columns the column names, one per kernel input, in order
     * @return the reduction
     * @throws IllegalArgumentException if the kernel is a map
     */
    public static SparkReduction of(Kernel kernel, String... columns) {
        return new SparkReduction(kernel, List.of(Objects.requireNonNull(columns, "columns")));
    }
}
