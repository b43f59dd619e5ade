package dev.flynn.simd;

import dev.flynn.DType;

/**
 * The canonical accumulator layout of SIMD reductions, the same at every vector width.
 *
 * <p>A reduction of a range keeps {@code P} partials: partial {@code j} folds, in index order, the
 * elements whose offset from the range's start is {@code j} modulo {@code P}. The partials are then
 * folded in a fixed tree: {@code p[j] = p[j] (+) p[j + h]} for {@code h = P/2, P/4, ..., 1}, and
 * {@code p[0]} is the range's result. A loop with vectors of {@code L} lanes holds the partials in
 * {@code P / L} accumulators, accumulator {@code a} lane {@code l} being partial {@code a * L + l}; the
 * first tree levels combine whole accumulators ({@code a} with {@code a + K/2}), the last ones lanes.
 * So a 128-, 256- or 512-bit loop performs the same operations on the same values in the same order,
 * and the bits of a sum do not depend on the CPU's vector width.
 *
 * <p>{@code P} depends only on the kernel: the result type and the size of the body. A small body
 * gets 128 bytes of partials (32 F32, 16 F64): four independent 256-bit accumulators to hide the add
 * latency, two of 512 bits, eight of 128. A bigger body has enough independent work of its own and gets
 * 64 bytes, as does a compensated sum, whose partials each hold two vectors. More partials would cost
 * narrow vectors more accumulators than there are registers, and C2 seconds to compile each kernel.
 */
final class SimdLayout {
    /** Partials of a small body. */
    private static final int SMALL_BODY_BYTES = 128;
    /** Partials of a bigger body or a compensated sum; also the widest vector a reduction loop uses. */
    static final int BIG_BODY_BYTES = 64;

    private SimdLayout() {
    }

    /** How many partials a reduction over values of {@code t} keeps, for a body of {@code bodyNodes} IR nodes. */
    static int partials(DType t, int bodyNodes) {
        return (bodyNodes > 24 ? BIG_BODY_BYTES : SMALL_BODY_BYTES) / t.byteSize();
    }

    /** Partials of a compensated (Neumaier) sum: each holds a sum and a compensation. */
    static int compensatedPartials(DType t) {
        return BIG_BODY_BYTES / t.byteSize();
    }

    /**
     * How many copies of the body one loop iteration evaluates, at most: K accumulators beyond this
     * (narrow vectors) rotate through that many copies instead (code size, registers, C2's time). A
     * body holding a copy of an own math routine gets one: with the tail's copy the reduction method
     * then holds two, as a map's does, where more copies of a routine's thousand-odd bytes would pass
     * HotSpot's 8000-byte limit and leave the kernel interpreted; the routine alone has independent
     * work enough to fill the pipeline.
     */
    static int unroll(int bodyNodes, boolean copiesRoutines) {
        return copiesRoutines ? 1 : bodyNodes > 64 ? 2 : bodyNodes > 24 ? 4 : 8;
    }

    /** The same for compensated sums: four (sum, compensation) pairs fill eight registers. */
    static int compensatedUnroll(int bodyNodes, boolean copiesRoutines) {
        return Math.min(4, unroll(bodyNodes, copiesRoutines));
    }

    /** The most lanes a reduction loop over values of {@code t} may use: every layout above is a multiple. */
    static int maxLanes(DType t) {
        return BIG_BODY_BYTES / t.byteSize();
    }
}
