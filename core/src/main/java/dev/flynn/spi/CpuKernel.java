package dev.flynn.spi;

/**
 * A kernel compiled for a CPU backend, run over index ranges by {@link CpuBackend}.
 * {@code data[i]} is input i's array or {@code MemorySegment} ({@code null} for a scalar input, whose
 * value is in {@code args}), {@code offsets[i]} the element offset of its first element.
 */
public interface CpuKernel {

    /** {@code out[outOffset + i] = body(inputs at i)} for {@code i} in {@code [start, end)}. */
    void map(Object[] data, long[] offsets, Object out, long outOffset, long start, long end, long[] args);

    /**
     * Reduces {@code body(inputs at i)} for {@code i} in {@code [start, end)}, a non-empty range, into
     * {@code result} (overwritten). Indices stored for ARGMIN/ARGMAX are absolute ({@code i}).
     */
    void reduce(Object[] data, long[] offsets, long start, long end, long[] args, Partial result);

    /** For CUSTOM reductions: {@code into = combine(into, other)}. */
    void combine(Partial into, Partial other, long[] args);
}
