package dev.flynn.cli;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Metric;
import dev.flynn.NdView;
import dev.flynn.Scoring;
import dev.flynn.TopK;
import dev.flynn.benchmarks.BenchKernel;
import dev.flynn.benchmarks.BenchKernel.Matrix.Body;
import dev.flynn.benchmarks.BenchKernel.Matrix.Knn;
import dev.flynn.benchmarks.BenchKernel.Matrix.Op;
import dev.flynn.benchmarks.BenchKernel.Matrix.Rows;

/**
 * How the suite calls a kernel whose inputs are a row-major matrix ({@link BenchKernel#matrix()}), as a
 * user writes it: a map into a matrix of the same shape, a reduction along an axis into a vector, a
 * reduce-then-map kernel over each row into a matrix, or the scores of every row and their top k.
 *
 * @param shape the matrix's {@code [rows, cols]}
 * @param axis the axis a reduction runs along
 * @param op what runs over the matrix
 */
record MatrixCall(long[] shape, int axis, Op op) {

    static MatrixCall of(BenchKernel.Matrix m, int n) {
        return new MatrixCall(m.shape(n), m.axis(), m.op());
    }

    /** The number of elements of each input. */
    int length() {
        return (int) (shape[0] * shape[1]);
    }

    /**
     * The inputs as matrix views; a row kernel's inputs after the first are the vector of one row's length
     * at the start of their array, which every row shares.
     */
    Object[] views(Object[] arrays) {
        Object[] v = new Object[arrays.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = i > 0 && op instanceof Rows ? NdView.strided(arrays[i], 0, new long[] {shape[1]}, new long[] {1})
                    : view(arrays[i], shape);
        }
        return v;
    }

    private static NdView view(Object array, long[] shape) {
        return NdView.strided(array, 0, shape, new long[] {shape[1], 1});
    }

    /**
     * A new output, as its plain array: the vector a reduction leaves, a score per row for a k-NN search,
     * or a matrix.
     */
    Object output(BenchKernel k, Kernel kernel) {
        int len = k.isReduction() ? (int) shape[1 - axis] : op instanceof Knn ? (int) shape[0] : length();
        return java.lang.reflect.Array.newInstance(kernel.resultType().javaType(), len);
    }

    /** The call the suite times, into {@code out} (from {@link #output}). */
    Runnable call(BenchKernel k, Kernel kernel, Flynn flynn, Object out, Object[] arrays) {
        Object[] in = views(arrays);
        return switch (op) {
            case Body b when k.isReduction() -> () -> flynn.reduceAxisInto(kernel, axis, out, in);
            case Body b -> {
                NdView o = view(out, shape);
                yield () -> flynn.into(kernel, o, in);
            }
            case Rows r -> {
                dev.flynn.RowKernel rows = r.kernel().apply(kernel.resultType());
                NdView o = view(out, shape);
                yield () -> rows.into(flynn, o, in);
            }
            case Knn s -> {
                Object query = java.lang.reflect.Array.newInstance(kernel.resultType().javaType(), (int) shape[1]);
                System.arraycopy(arrays[0], 0, query, 0, (int) shape[1]);
                NdView m = (NdView) in[0];
                yield () -> {
                    Scoring.scoresInto(flynn, Metric.DOT, m, query, out);
                    TopK.select(flynn, out, null, s.k(), TopK.Order.LARGEST);
                };
            }
        };
    }

    /** What {@code flynn} computes into a new output: the reference the timed outputs are compared with. */
    Object reference(BenchKernel k, Kernel kernel, Flynn flynn, Object[] arrays) {
        Object out = output(k, kernel);
        call(k, kernel, flynn, out, arrays).run();
        return out;
    }

    /**
     * The bytes one call reads and writes: each input matrix (a row kernel's shared vectors once) and the
     * output; a k-NN search reads its matrix and writes the scores.
     */
    long bytes(Kernel kernel, Object[] arrays, Object out) {
        long b = (long) java.lang.reflect.Array.getLength(out) * kernel.resultType().byteSize();
        if (op instanceof Body) {
            for (DType in : kernel.inputTypes()) {
                b += (long) length() * in.byteSize();
            }
            return b;
        }
        for (int i = 0; i < arrays.length; i++) {
            long elements = i > 0 && op instanceof Rows ? shape[1] : length();
            b += elements * DType.ofArray(arrays[i]).orElseThrow().byteSize();
        }
        return b;
    }

    /** The same call on the first rows only (at least one), for priming: the same code on less data. */
    Runnable primer(BenchKernel k, Kernel kernel, Flynn flynn, Object[] arrays) {
        long rows = Math.max(1, Math.min(shape[0], Timing.PRIME_LENGTH / shape[1]));
        MatrixCall small = new MatrixCall(new long[] {rows, shape[1]}, axis, op);
        Object[] prefix = new Object[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            prefix[i] = java.lang.reflect.Array.newInstance(arrays[i].getClass().getComponentType(), small.length());
            System.arraycopy(arrays[i], 0, prefix[i], 0, small.length());
        }
        return small.call(k, kernel, flynn, small.output(k, kernel), prefix);
    }
}
