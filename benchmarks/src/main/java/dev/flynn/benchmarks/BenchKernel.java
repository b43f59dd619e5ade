package dev.flynn.benchmarks;

import dev.flynn.DType;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import dev.flynn.RowKernel;
import dev.flynn.Scan;
import dev.flynn.ScanKernel;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One kernel of the benchmark suite: an element-wise body, optionally folded by a reduction, and the
 * range each input is drawn from (so that {@code log} sees positive numbers and Black-Scholes sensible
 * prices).
 *
 * @param name      the name used on the command line and in reports
 * @param summary   what it computes, in words
 * @param body      the element-wise part, built for a given element type
 * @param reduction how the body's values are folded, if they are
 * @param domains   one value range per input
 * @param scan      how the body's values are scanned, if they are (then there is no reduction)
 * @param matrix    where the inputs are a matrix: its width, the axis reduced and what runs over it; empty for
 *                  1-D kernels
 */
public record BenchKernel(String name, String summary, Function<DType, Kernel> body, Optional<Reduction> reduction,
                          List<Domain> domains, Optional<Scan> scan, Optional<Matrix> matrix) {

    /**
     * Inputs of {@code n} elements seen as a row-major matrix, and what runs over it.
     *
     * @param cols the row length; 0 for the largest power of two at most {@code sqrt(n)} (4096 at 16M)
     * @param axis the axis a reduction runs along: 1 for row sums, 0 for column sums; 1 for the other ops
     * @param op   what the kernel does with the matrix
     */
    public record Matrix(int cols, int axis, Op op) {
        public Matrix {
            if (cols < 0 || axis < 0 || axis > 1) {
                throw new IllegalArgumentException("a matrix needs cols >= 0 and axis 0 or 1, got " + cols + ", " + axis);
            }
            java.util.Objects.requireNonNull(op, "op");
        }

        /** The body mapped over the matrix, or reduced along {@code axis}. */
        public Matrix(int cols, int axis) {
            this(cols, axis, new Body());
        }

        /** What a matrix kernel computes: one of the calls a user makes on a matrix. */
        public sealed interface Op permits Body, Rows, Knn {
        }

        /** The kernel's body as a map into a matrix, or reduced along the axis into a vector. */
        public record Body() implements Op {
        }

        /**
         * A reduce-then-map kernel over each row into a matrix of the same shape; its first input is the
         * matrix, each further one a vector of the row's length that every row shares (RMS norm's gain).
         *
         * @param kernel the row kernel for an element type
         */
        public record Rows(Function<DType, RowKernel> kernel) implements Op {
        }

        /**
         * A brute-force k-nearest-neighbour search: every row scored by dot product against a query (a
         * copy of row 0, so the search has a known best row) into a vector of scores, then the {@code k}
         * largest selected: the two calls a user makes.
         *
         * @param k how many neighbours
         */
        public record Knn(int k) implements Op {
            public Knn {
                if (k < 1) {
                    throw new IllegalArgumentException("a k-NN search needs k >= 1, got " + k);
                }
            }
        }

        /** The shape {@code [rows, cols]} for {@code n} elements; rows * cols may be below n. */
        public long[] shape(int n) {
            int c = cols;
            if (c == 0) {
                c = Integer.highestOneBit(Math.max(1, (int) Math.sqrt(n)));
            }
            c = Math.min(c, Math.max(1, n));
            return new long[] {Math.max(1, n / c), c};
        }
    }

    /** A 1-D map, reduction or scan kernel. */
    public BenchKernel(String name, String summary, Function<DType, Kernel> body, Optional<Reduction> reduction,
                       List<Domain> domains, Optional<Scan> scan) {
        this(name, summary, body, reduction, domains, scan, Optional.empty());
    }

    /** Uniformly random inputs in {@code [lo, hi)}. */
    public record Domain(double lo, double hi) {
        public Domain {
            if (!(lo < hi)) {
                throw new IllegalArgumentException("empty range [" + lo + ", " + hi + ")");
            }
        }
    }

    public BenchKernel {
        domains = List.copyOf(domains);
        if (reduction.isPresent() && scan.isPresent()) {
            throw new IllegalArgumentException(name + ": a kernel is reduced or scanned, not both");
        }
    }

    /** A map or reduction kernel. */
    public BenchKernel(String name, String summary, Function<DType, Kernel> body, Optional<Reduction> reduction,
                       List<Domain> domains) {
        this(name, summary, body, reduction, domains, Optional.empty());
    }

    /** The scan to run, for a scan kernel. */
    public ScanKernel scanKernel(DType type) {
        return body.apply(type).scan(scan.orElseThrow(() -> new IllegalStateException(name + " is not a scan")));
    }

    public boolean isScan() {
        return scan.isPresent();
    }

    /** The kernel to run: the body, reduced when this is a reduction (a scan's body is its map). */
    public Kernel kernel(DType type) {
        Kernel map = body.apply(type);
        return reduction.map(map::reduce).orElse(map);
    }

    public boolean isReduction() {
        return reduction.isPresent();
    }

    public int arity() {
        return domains.size();
    }
}
