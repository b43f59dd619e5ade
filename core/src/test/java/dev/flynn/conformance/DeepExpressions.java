package dev.flynn.conformance;

import dev.flynn.DType;
import dev.flynn.Expr;
import dev.flynn.Kernel;

import java.util.List;
import java.util.function.IntFunction;

/**
 * Every construct that nests: parentheses, prefix chains, nested calls, {@code where}, binary chains
 * of both associativities, the right-associative {@code **}, and traced chains; each at any depth,
 * with its value computed by a Java loop that applies the same operations in the same order.
 */
public final class DeepExpressions {
    private DeepExpressions() {
    }

    /** Java's value of the construct at depth {@code d} for input {@code x} (bits of the result type). */
    @FunctionalInterface
    public interface JavaValue {
        double at(int d, double x);
    }

    /**
     * One construct.
     *
     * @param text      the expression text at a depth, or null for a traced construct
     * @param traced    the traced kernel at a depth, or null for a parsed one
     * @param exact     whether every backend must give Java's bits (false: a transcendental chain,
     *                  compared within {@link #tolerance})
     * @param inputs    the input values, within the construct's domain
     */
    public record Construct(String name, DType type, IntFunction<String> text, IntFunction<Kernel> traced,
                            JavaValue java, boolean exact, double[] inputs) {
        public Kernel kernel(int depth) {
            return text != null ? Kernel.parse(text.apply(depth), type) : traced.apply(depth);
        }

        /** Allowed distance from Java's value at depth {@code d}: each level may round within its ulp bound. */
        public double tolerance(int d, double expected) {
            return exact ? 0 : 4.0 * (d + 1) * Math.ulp(Math.max(1, Math.abs(expected)));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static double[] range(double from, double step, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = from + step * i;
        }
        return v;
    }

    private static final double[] SIGNED = range(-1.8, 0.1, 37);
    private static final double[] POSITIVE = range(0.05, 0.1, 37);
    private static final double[] TOWER = range(0.5, 0.025, 37);
    private static final double[] INTS = {0, 1, -1, 2, -2, 7, -7, 1 << 20, Integer.MAX_VALUE, Integer.MIN_VALUE, 12345,
            -98765, 3, 5, 64, -64, 1_000_000_007, 42, 99, -100, 255, 256, -256, 1023, 1 << 30, -(1 << 30), 17, 31, 33,
            63, 65, 127, 129, -129, 8191, -8193, 6};

    public static final List<Construct> ALL = List.of(
            new Construct("parentheses", DType.F64, d -> "(".repeat(d) + "x * 2" + ")".repeat(d), null,
                    (d, x) -> x * 2, true, SIGNED),
            new Construct("minus chain", DType.F64, d -> "-".repeat(d) + "x", null,
                    (d, x) -> d % 2 == 0 ? x : -x, true, SIGNED),
            new Construct("not chain", DType.I32, d -> "!".repeat(d) + "x", null,
                    (d, x) -> d % 2 == 0 ? x : ~(int) x, true, INTS),
            new Construct("nested sqrt", DType.F64, d -> "sqrt(".repeat(d) + "x" + ")".repeat(d), null,
                    (d, x) -> {
                        double s = x;
                        for (int i = 0; i < d; i++) {
                            s = Math.sqrt(s);
                        }
                        return s;
                    }, true, POSITIVE),
            new Construct("nested where", DType.F64, d -> "where(x > 0, ".repeat(d) + "x" + ", -1)".repeat(d), null,
                    (d, x) -> x > 0 ? x : -1, true, SIGNED),
            new Construct("nested fma", DType.F64, d -> "fma(x, 0.5, ".repeat(d) + "x" + ")".repeat(d), null,
                    (d, x) -> {
                        double s = x;
                        for (int i = 0; i < d; i++) {
                            s = Math.fma(x, 0.5, s);
                        }
                        return s;
                    }, true, SIGNED),
            new Construct("left-associative sum", DType.F64, d -> "x" + " + x".repeat(d), null,
                    (d, x) -> {
                        double s = x;
                        for (int i = 0; i < d; i++) {
                            s = s + x;
                        }
                        return s;
                    }, true, SIGNED),
            new Construct("right-nested halving", DType.F64, d -> "0.5 * (x + ".repeat(d) + "1" + ")".repeat(d), null,
                    (d, x) -> {
                        double s = 1;
                        for (int i = 0; i < d; i++) {
                            s = 0.5 * (x + s);
                        }
                        return s;
                    }, true, SIGNED),
            new Construct("power tower", DType.F64, d -> "x" + " ** x".repeat(d), null,
                    (d, x) -> {
                        double s = x;
                        for (int i = 0; i < d; i++) {
                            s = Math.pow(x, s);
                        }
                        return s;
                    }, false, TOWER),
            new Construct("log of exp", DType.F64, d -> "log(exp(".repeat(d) + "x" + "))".repeat(d), null,
                    (d, x) -> {
                        double s = x;
                        for (int i = 0; i < d; i++) {
                            s = Math.log(Math.exp(s));
                        }
                        return s;
                    }, false, SIGNED),
            new Construct("traced sum", DType.F64, null, d -> Kernel.map(DType.F64, x -> {
                Expr s = x;
                for (int i = 0; i < d; i++) {
                    s = s.add(x);
                }
                return s;
            }), (d, x) -> {
                double s = x;
                for (int i = 0; i < d; i++) {
                    s = s + x;
                }
                return s;
            }, true, SIGNED),
            new Construct("traced right chain", DType.F64, null, d -> Kernel.map(DType.F64, x -> {
                Expr s = x;
                for (int i = 0; i < d; i++) {
                    s = x.sub(s.mul(0.5));
                }
                return s;
            }), (d, x) -> {
                double s = x;
                for (int i = 0; i < d; i++) {
                    s = x - s * 0.5;
                }
                return s;
            }, true, SIGNED));
}
