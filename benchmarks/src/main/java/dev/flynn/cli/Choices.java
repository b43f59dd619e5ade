package dev.flynn.cli;

import dev.flynn.DType;
import dev.flynn.Reduction;
import dev.flynn.benchmarks.KernelCatalog;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Converters for the command's options: each rejects a bad value with one line that names it and lists
 * the valid ones.
 */
final class Choices {
    /** The reductions {@code flynn eval --reduce} knows, by name, in the order they are listed. */
    static final Map<String, Supplier<Reduction>> REDUCTIONS = reductions();

    private Choices() {
    }

    private static Map<String, Supplier<Reduction>> reductions() {
        Map<String, Supplier<Reduction>> m = new java.util.LinkedHashMap<>();
        m.put("sum", Reduction::sum);
        m.put("mean", Reduction::mean);
        m.put("var", Reduction::variance);
        m.put("std", Reduction::std);
        m.put("min", Reduction::min);
        m.put("max", Reduction::max);
        m.put("norm1", Reduction::norm1);
        m.put("norm2", Reduction::norm2);
        return java.util.Collections.unmodifiableMap(m);
    }

    static final class KernelName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String v = value.strip();
            if (!KernelCatalog.names().contains(v)) {
                throw new TypeConversionException("unknown kernel '" + value + "'"
                        + Suggest.didYouMean(v, KernelCatalog.names()) + "; valid: " + String.join(", ", KernelCatalog.names()));
            }
            return v;
        }
    }

    static final class BackendName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String v = value.strip().toLowerCase(java.util.Locale.ROOT);
            if (!Suite.backendNames().contains(v)) {
                throw new TypeConversionException("unknown backend '" + value + "'"
                        + Suggest.didYouMean(v, Suite.backendNames()) + "; valid: " + String.join(", ", Suite.backendNames()));
            }
            return v;
        }
    }

    static final class FloatType implements ITypeConverter<DType> {
        @Override
        public DType convert(String value) {
            return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "f32" -> DType.F32;
                case "f64" -> DType.F64;
                default -> throw new TypeConversionException("unknown dtype '" + value + "'"
                        + Suggest.didYouMean(value, List.of("f32", "f64")) + "; valid: f32, f64");
            };
        }
    }

    static final class Size implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return Sizes.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class Threads implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int cores = Runtime.getRuntime().availableProcessors();
            try {
                int t = Integer.parseInt(value.strip());
                if (t >= 1 && t <= 4096) {
                    return t;
                }
            } catch (NumberFormatException e) {
                // reported below with the valid range
            }
            throw new TypeConversionException("bad thread count '" + value + "'; valid: a whole number from 1 (this"
                    + " machine has " + cores + " cores)");
        }
    }

    static final class OutputFormat implements ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            try {
                return Format.of(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class ReductionName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String v = value.strip().toLowerCase(java.util.Locale.ROOT);
            if (!REDUCTIONS.containsKey(v)) {
                throw new TypeConversionException("unknown reduction '" + value + "'"
                        + Suggest.didYouMean(v, REDUCTIONS.keySet()) + "; valid: " + String.join(", ", REDUCTIONS.keySet()));
            }
            return v;
        }
    }

    /** The default thread counts: one, and every core. */
    static List<Integer> defaultThreads() {
        int cores = Runtime.getRuntime().availableProcessors();
        return cores == 1 ? List.of(1) : List.of(1, cores);
    }
}
