package dev.flynn;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A map kernel whose values are scanned: {@code Kernel.map(F32, x -> x).scan(Scan.sum())} is a
 * cumulative sum, {@code Kernel.map(F64, F64, (x, y) -> x.mul(y)).scan(Scan.sum())} the running dot
 * product, fused (no temporary array). Runs on every backend with the bits {@link dev.flynn.ir.ScanOp}
 * defines; the output may be an input (in place). Along an axis of {@link NdView}s ({@link #along}),
 * each line is scanned as the 1-D scan of its values.
 * <pre>{@code
 * ScanKernel cumsum = Kernel.map(DType.F32, x -> x).scan(Scan.sum());
 * float[] running = cumsum.floats(values);
 * cumsum.into(values, values);                 // in place
 * NdView rowSums = (NdView) cumsum.along(1).apply(NdView.of(matrix, rows, cols));
 * }</pre>
 *
 * @param map the map kernel whose values are scanned
 * @param scan the scan
 * @param axis the axis of n-D views to scan along; empty for 1-D storage
 */
public record ScanKernel(Kernel map, Scan scan, OptionalInt axis) {
    /**
     * Checks that {@code map} is a map kernel of numbers and the axis, if any, is not negative.
     *
     * @throws IllegalArgumentException if it is a reduction or computes a mask, or the axis is negative
     */
    public ScanKernel {
        Objects.requireNonNull(map, "kernel");
        Objects.requireNonNull(scan, "scan");
        Objects.requireNonNull(axis, "axis");
        if (axis.isPresent() && axis.getAsInt() < 0) {
            throw new IllegalArgumentException("axis " + axis.getAsInt() + " is negative; axes count from 0");
        }
        if (map.isReduction()) {
            throw new IllegalArgumentException("kernel " + map + " is a reduction; scan the map in front of it"
                    + " instead (Kernel.map(...).scan(...))");
        }
        if (map.resultType() == DType.BOOL) {
            throw new IllegalArgumentException("kernel " + map + " computes a mask, which is not scanned: turn it"
                    + " into numbers first (select(mask, 1, 0) or .toI32())");
        }
    }

    /**
     * A scan over 1-D storage.
     *
     * @param map the map kernel whose values are scanned
     * @param scan the scan
     */
    public ScanKernel(Kernel map, Scan scan) {
        this(map, scan, OptionalInt.empty());
    }

    /**
     * This scan along {@code axis} of {@link NdView}s: each line along the axis is scanned on its own
     * (1-D storage counts as a view of shape {@code [n]}), inputs broadcast to the output's shape.
     *
     * @param axis the axis, from 0; checked against the views' rank at the call
     * @return the scan along the axis
     * @throws IllegalArgumentException if {@code axis} is negative
     */
    public ScanKernel along(int axis) {
        return new ScanKernel(map, scan, OptionalInt.of(axis));
    }

    /**
     * The type of the results (the map's result type).
     *
     * @return the result type
     */
    public DType resultType() {
        return map.resultType();
    }

    /**
     * Scans into {@code out} on the global runtime.
     *
     * @param out an array, {@link Slice}, {@code MemorySegment} or {@link DeviceArray} of the result type;
     *            may be an input (in place)
     * @param inputs the map's inputs: arrays, {@link Slice}s, {@code MemorySegment}s, {@link DeviceArray}s
     *               or numbers, which broadcast
     * @throws IllegalArgumentException if the lengths or element types do not match the kernel
     */
    public void into(Object out, Object... inputs) {
        Flynn.global().into(this, out, inputs);
    }

    /**
     * Scans into a new array of the result type on the global runtime.
     *
     * @param inputs the map's inputs
     * @return a new {@code float[]}, {@code double[]}, {@code int[]} or {@code long[]}; along an axis, a
     *         new row-major {@link NdView} of the inputs' broadcast shape
     */
    public Object apply(Object... inputs) {
        return Flynn.global().apply(this, inputs);
    }

    /**
     * Scans an F32 kernel into a new {@code float[]}.
     *
     * @param inputs the map's inputs
     * @return the results
     * @throws IllegalArgumentException if the result type is not F32
     */
    public float[] floats(Object... inputs) {
        return (float[]) typed(DType.F32, inputs);
    }

    /**
     * Scans an F64 kernel into a new {@code double[]}.
     *
     * @param inputs the map's inputs
     * @return the results
     * @throws IllegalArgumentException if the result type is not F64
     */
    public double[] doubles(Object... inputs) {
        return (double[]) typed(DType.F64, inputs);
    }

    /**
     * Scans an I32 kernel into a new {@code int[]}.
     *
     * @param inputs the map's inputs
     * @return the results
     * @throws IllegalArgumentException if the result type is not I32
     */
    public int[] ints(Object... inputs) {
        return (int[]) typed(DType.I32, inputs);
    }

    /**
     * Scans an I64 kernel into a new {@code long[]}.
     *
     * @param inputs the map's inputs
     * @return the results
     * @throws IllegalArgumentException if the result type is not I64
     */
    public long[] longs(Object... inputs) {
        return (long[]) typed(DType.I64, inputs);
    }

    private Object typed(DType want, Object[] inputs) {
        if (resultType() != want) {
            throw new IllegalArgumentException("scan " + this + " produces " + resultType() + ", not " + want);
        }
        if (axis.isPresent()) {
            throw new IllegalArgumentException("scan " + this + " gives an NdView: call apply(...) or into(...)");
        }
        return apply(inputs);
    }

    @Override
    public String toString() {
        return scan + " of " + map + (axis.isPresent() ? " along axis " + axis.getAsInt() : "");
    }
}
