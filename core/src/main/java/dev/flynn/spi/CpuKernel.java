package dev.flynn.spi;

/**
 * A kernel compiled for a CPU backend, run over index ranges by {@link CpuBackend}.
 * {@code data[i]} is input i's array or {@code MemorySegment} ({@code null} for a scalar input, whose
 * value is in {@code args}), {@code offsets[i]} the element offset of its first element.
 */
public interface CpuKernel {

    /**
     * {@code out[outOffset + i] = body(inputs at i)} for {@code i} in {@code [start, end)}.
     *
     * @param data each input's array or segment
     * @param offsets each input's element offset
     * @param out the output array or segment
     * @param outOffset the element offset of the output's first element
     * @param start the first index, inclusive
     * @param end the last index, exclusive
     * @param args constants, then scalar inputs, as raw bits
     */
    void map(Object[] data, long[] offsets, Object out, long outOffset, long start, long end, long[] args);

    /**
     * Reduces {@code body(inputs at i)} for {@code i} in {@code [start, end)}, a non-empty range, into
     * {@code result} (overwritten). Indices stored for ARGMIN/ARGMAX are absolute ({@code i}).
     *
     * @param data each input's array or segment
     * @param offsets each input's element offset
     * @param start the first index, inclusive
     * @param end the last index, exclusive
     * @param args constants, then scalar inputs, as raw bits
     * @param result receives the state of this range
     */
    void reduce(Object[] data, long[] offsets, long start, long end, long[] args, Partial result);

    /**
     * For CUSTOM reductions: {@code into = combine(into, other)}.
     *
     * @param into the state of the lower indices; receives the result
     * @param other the state of the higher indices
     * @param args constants, then scalar inputs, as raw bits
     */
    void combine(Partial into, Partial other, long[] args);
}
