package dev.flynn.cli;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.NdView;
import dev.flynn.benchmarks.BenchKernel;

/**
 * How the suite calls a kernel whose inputs are a row-major matrix ({@link BenchKernel#matrix()}): a
 * map into a matrix of the same shape, or a reduction along an axis into a vector, as a user writes it.
 *
 * @param shape the matrix's {@code [rows, cols]}
 * @param axis the axis a reduction runs along
 */
record MatrixCall(long[] shape, int axis) {

    static MatrixCall of(BenchKernel.Matrix m, int n) {
        return new MatrixCall(m.shape(n), m.axis());
    }

    /** The number of elements of each input. */
    int length() {
        return (int) (shape[0] * shape[1]);
    }

    /** The inputs as matrix views. */
    Object[] views(Object[] arrays) {
        Object[] v = new Object[arrays.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = view(arrays[i], shape);
        }
        return v;
    }

    private static NdView view(Object array, long[] shape) {
        return NdView.strided(array, 0, shape, new long[] {shape[1], 1});
    }

    /** A new output: the vector a reduction leaves, or a matrix for a map, as its plain array. */
    Object output(BenchKernel k, Kernel kernel) {
        int len = k.isReduction() ? (int) shape[1 - axis] : length();
        return java.lang.reflect.Array.newInstance(kernel.resultType().javaType(), len);
    }

    /** The call the suite times, into {@code out} (from {@link #output}). */
    Runnable call(BenchKernel k, Kernel kernel, Flynn flynn, Object out, Object[] arrays) {
        Object[] in = views(arrays);
        if (k.isReduction()) {
            return () -> flynn.reduceAxisInto(kernel, axis, out, in);
        }
        NdView o = view(out, shape);
        return () -> flynn.into(kernel, o, in);
    }

    /** What {@code flynn} computes into a new output: the reference the timed outputs are compared with. */
    Object reference(BenchKernel k, Kernel kernel, Flynn flynn, Object[] arrays) {
        Object out = output(k, kernel);
        call(k, kernel, flynn, out, arrays).run();
        return out;
    }

    /** The bytes one call reads and writes. */
    long bytes(Kernel kernel, Object out) {
        long b = 0;
        for (DType in : kernel.inputTypes()) {
            b += (long) length() * in.byteSize();
        }
        return b + (long) java.lang.reflect.Array.getLength(out) * kernel.resultType().byteSize();
    }

    /** The same call on the first rows only (at least one), for priming: the same code on less data. */
    Runnable primer(BenchKernel k, Kernel kernel, Flynn flynn, Object[] arrays) {
        long rows = Math.max(1, Math.min(shape[0], Timing.PRIME_LENGTH / shape[1]));
        MatrixCall small = new MatrixCall(new long[] {rows, shape[1]}, axis);
        Object[] prefix = new Object[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            prefix[i] = java.lang.reflect.Array.newInstance(arrays[i].getClass().getComponentType(), small.length());
            System.arraycopy(arrays[i], 0, prefix[i], 0, small.length());
        }
        return small.call(k, kernel, flynn, small.output(k, kernel), prefix);
    }
}
