package dev.flynn.spark;

import dev.flynn.Kernel;

import java.util.List;
import java.util.Objects;

/**
 * A reduction kernel and the columns it reads, one per kernel input, for
 * {@link SparkKernels#reduceAll}: {@code SparkReduction.of(Kernel.parse("x", F64).reduce(mean()), "price")}.
 */
public record SparkReduction(Kernel kernel, List<String> columns) {
    public SparkReduction {
        Objects.requireNonNull(kernel, "kernel");
        columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
        if (!kernel.isReduction()) {
            throw new IllegalArgumentException("kernel " + kernel + " is a map; reduce it first, e.g. .reduce(Reduction.sum())");
        }
    }

    public static SparkReduction of(Kernel kernel, String... columns) {
        return new SparkReduction(kernel, List.of(Objects.requireNonNull(columns, "columns")));
    }
}
