package dev.flynn.benchmarks;

import dev.flynn.DType;
import dev.flynn.Expr;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import dev.flynn.RowKernel;
import dev.flynn.Scan;
import dev.flynn.benchmarks.BenchKernel.Domain;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.flynn.Expr.abs;
import static dev.flynn.Expr.exp;
import static dev.flynn.Expr.log;
import static dev.flynn.Expr.select;
import static dev.flynn.Expr.sqrt;

/**
 * The kernels of {@code flynn bench} and of the JMH suite, each defined once. They cover the cases that
 * behave differently on hardware: streaming arithmetic (saxpy), arithmetic-bound polynomials,
 * transcendental functions, a select, reductions, reductions along the rows and columns of a matrix,
 * a scan, a k-nearest-neighbour search, row softmax and RMS norm, and a mix (Black-Scholes).
 */
public final class KernelCatalog {
    private static final Domain UNIT = new Domain(-1, 1);

    /** Black-Scholes market constants: riskless rate and volatility, broadcast to every option. */
    static final double RATE = 0.02;
    static final double VOLATILITY = 0.30;

    private static final List<BenchKernel> ALL = List.of(
            map("saxpy", "a*x + y", t -> Kernel.parse("2.5*x + y", t), UNIT, UNIT),
            map("poly", "degree-5 polynomial, Horner's rule",
                    t -> Kernel.parse("((((0.5*x + 0.25)*x - 1.5)*x + 0.75)*x - 2.0)*x + 1.25", t), UNIT),
            map("exp", "exp(x)", t -> Kernel.parse("exp(x)", t), new Domain(-20, 20)),
            map("log", "log(x)", t -> Kernel.parse("log(x)", t), new Domain(1e-3, 1e3)),
            map("sin", "sin(x)", t -> Kernel.parse("sin(x)", t), new Domain(-100, 100)),
            map("relu", "where(x > 0, x, 0): a select", t -> Kernel.parse("where(x > 0, x, 0)", t), UNIT),
            reduce("sum", "sum(x)", t -> Kernel.parse("x", t), Reduction.sum(), UNIT),
            reduce("dot", "sum(x*y)", t -> Kernel.parse("x*y", t), Reduction.sum(), UNIT, UNIT),
            new BenchKernel("cumsum", "cumulative sum of x: an inclusive scan", t -> Kernel.parse("x", t),
                    Optional.empty(), List.of(UNIT), Optional.of(Scan.sum())),
            reduce("var", "population variance of x", t -> Kernel.parse("x", t), Reduction.variance(),
                    new Domain(0, 10)),
            map("blackscholes", "European call price: exp, log, sqrt and a polynomial normal CDF",
                    KernelCatalog::blackScholes, new Domain(10, 100), new Domain(10, 100), new Domain(0.1, 2)),
            new BenchKernel("rowsum", "sum of each row of a square-ish row-major matrix: x.sum(axis=1)",
                    t -> Kernel.parse("x", t), Optional.of(Reduction.sum()), List.of(UNIT), Optional.empty(),
                    Optional.of(new BenchKernel.Matrix(0, 1))),
            new BenchKernel("colsum", "sum of each column of a square-ish row-major matrix: x.sum(axis=0)",
                    t -> Kernel.parse("x", t), Optional.of(Reduction.sum()), List.of(UNIT), Optional.empty(),
                    Optional.of(new BenchKernel.Matrix(0, 0))),
            new BenchKernel("knn", "brute-force k-NN: dot scores of 768-wide rows against a query, then the top 10",
                    Kernel::dot, Optional.empty(), List.of(UNIT), Optional.empty(),
                    Optional.of(new BenchKernel.Matrix(768, 1, new BenchKernel.Matrix.Knn(10)))),
            rows("softmax", "softmax of each row of a square-ish row-major matrix: exp(x - max(x)) / sum(exp(x - max(x)))",
                    RowKernel::softmax, new Domain(-10, 10)),
            rows("rmsnorm", "RMS norm of each row, x / sqrt(mean(x*x) + 1e-6) * g, g one vector for every row",
                    t -> RowKernel.rmsNorm(t, 1e-6), new Domain(-10, 10), new Domain(0.5, 1.5)));

    private static final Map<String, BenchKernel> BY_NAME =
            ALL.stream().collect(Collectors.toUnmodifiableMap(BenchKernel::name, k -> k));

    private KernelCatalog() {
    }

    /** Every kernel, in suite order. */
    public static List<BenchKernel> all() {
        return ALL;
    }

    /** The names of every kernel, in suite order. */
    public static List<String> names() {
        return ALL.stream().map(BenchKernel::name).toList();
    }

    /** The kernel called {@code name}; throws naming the valid ones when there is none. */
    public static BenchKernel named(String name) {
        BenchKernel k = BY_NAME.get(name);
        if (k == null) {
            throw new IllegalArgumentException("unknown kernel '" + name + "'; valid: " + String.join(", ", names()));
        }
        return k;
    }

    private static BenchKernel map(String name, String summary, Function<DType, Kernel> body, Domain... domains) {
        return new BenchKernel(name, summary, body, Optional.empty(), List.of(domains));
    }

    private static BenchKernel reduce(String name, String summary, Function<DType, Kernel> body, Reduction r,
                                      Domain... domains) {
        return new BenchKernel(name, summary, body, Optional.of(r), List.of(domains));
    }

    /**
     * A reduce-then-map kernel along the rows of a square-ish matrix; the body only names the element
     * type of the inputs and the output (the row kernel computes).
     */
    private static BenchKernel rows(String name, String summary, Function<DType, RowKernel> kernel, Domain... domains) {
        return new BenchKernel(name, summary, t -> Kernel.parse("x", t), Optional.empty(), List.of(domains),
                Optional.empty(), Optional.of(new BenchKernel.Matrix(0, 1, new BenchKernel.Matrix.Rows(kernel))));
    }

    /**
     * The call price {@code S N(d1) - K exp(-rT) N(d2)} for spot {@code s}, strike {@code k} and time
     * {@code t} in years.
     */
    private static Kernel blackScholes(DType type) {
        return Kernel.map(type, type, type, (s, k, t) -> {
            Expr volSqrtT = sqrt(t).mul(VOLATILITY);
            Expr d1 = log(s.div(k)).add(t.mul(RATE + 0.5 * VOLATILITY * VOLATILITY)).div(volSqrtT);
            Expr d2 = d1.sub(volSqrtT);
            return s.mul(normalCdf(d1)).sub(k.mul(exp(t.mul(-RATE))).mul(normalCdf(d2)));
        });
    }

    /**
     * The standard normal CDF by Abramowitz and Stegun 26.2.17 (absolute error below 7.5e-8): a
     * polynomial in {@code 1/(1 + p|x|)} times the density, mirrored for negative {@code x}.
     */
    private static Expr normalCdf(Expr x) {
        Expr ax = abs(x);
        Expr k = Expr.lit(1.0).div(ax.mul(0.2316419).add(1.0));
        Expr poly = k.mul(1.330274429).add(-1.821255978).mul(k).add(1.781477937).mul(k)
                .add(-0.356563782).mul(k).add(0.319381530).mul(k);
        Expr density = exp(ax.mul(ax).mul(-0.5)).mul(0.3989422804014327);
        Expr upper = Expr.lit(1.0).sub(density.mul(poly));
        return select(x.ge(0.0), upper, Expr.lit(1.0).sub(upper));
    }
}
