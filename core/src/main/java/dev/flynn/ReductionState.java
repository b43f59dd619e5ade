package dev.flynn;

import dev.flynn.spi.State;
import dev.flynn.spi.StateLayout;

import java.util.Arrays;
import java.util.Objects;

/**
 * The unfinished state of a reduction kernel over a range of elements: what
 * {@link Flynn#reducePartial} gives for one piece of a larger whole (a file, a partition, a range on
 * another machine), {@link Flynn#merge} combines for neighbouring pieces, and {@link Flynn#finish}
 * turns into the reduction's value. Merging the states of consecutive pieces in index order and
 * finishing gives what one reduction over the whole gives (see docs/SEMANTICS.md for where that is
 * bitwise and where it is within the reduction's error bound). An argmin's or argmax's index counts
 * from the start of the range the state covers: merging shifts the higher range's index by the
 * lower range's length.
 *
 * <p>A state is immutable and value-based: equal states (same kernel, length and fields) are
 * interchangeable, and identity-sensitive operations on them mean nothing. {@link #encode} and
 * {@link #decode} carry one between machines.
 */
public final class ReductionState {
    private final Kernel kernel;
    private final State state;
    private final long count;

    private ReductionState(Kernel kernel, State state, long count) {
        this.kernel = kernel;
        this.state = state;
        this.count = count;
    }

    static ReductionState of(Kernel kernel, State state, long count) {
        return new ReductionState(kernel, state, count);
    }

    /**
     * The state of {@code kernel} over no elements: merging it with another state gives that state.
     *
     * @param kernel a reduction kernel
     * @return the empty state
     * @throws IllegalArgumentException if {@code kernel} is a map
     */
    public static ReductionState empty(Kernel kernel) {
        requireReduction(kernel);
        return new ReductionState(kernel, null, 0);
    }

    /**
     * A state {@link #encode} wrote, of the same kernel (here, the same expression, literals and
     * reduction built again).
     *
     * @param kernel the reduction kernel the state is of
     * @param encoded what {@link #encode} returned
     * @return the state
     * @throws IllegalArgumentException if {@code encoded} is not a state of a kernel with {@code kernel}'s layout
     */
    public static ReductionState decode(Kernel kernel, long[] encoded) {
        requireReduction(kernel);
        Objects.requireNonNull(encoded, "encoded");
        StateLayout layout = ReductionFinish.layout(kernel);
        if (encoded.length != 1 + layout.fields().size() || encoded[0] < 0) {
            throw new IllegalArgumentException("not an encoded state of " + kernel + ": expected a count >= 0 and "
                    + layout.fields().size() + " fields " + layout.fields() + ", got " + Arrays.toString(encoded));
        }
        long count = encoded[0];
        if (count == 0) {
            return empty(kernel);
        }
        return new ReductionState(kernel, layout.state(Arrays.copyOfRange(encoded, 1, encoded.length)), count);
    }

    /**
     * The state as longs to store or send: the number of elements, then the fields of the
     * reduction's state slot by slot (a floating field as the bits of its value widened to double).
     *
     * @return a new array; {@link #decode} reads it back
     */
    public long[] encode() {
        StateLayout layout = ReductionFinish.layout(kernel);
        long[] out = new long[1 + layout.fields().size()];
        out[0] = count;
        if (state != null) {
            long[] slots = StateLayout.slots(state);
            System.arraycopy(slots, 0, out, 1, slots.length);
        }
        return out;
    }

    /**
     * The kernel this is a state of.
     *
     * @return the kernel
     */
    public Kernel kernel() {
        return kernel;
    }

    /**
     * The number of elements the state covers.
     *
     * @return the count
     */
    public long count() {
        return count;
    }

    /**
     * Whether the state covers no elements.
     *
     * @return whether {@link #count()} is 0
     */
    public boolean isEmpty() {
        return count == 0;
    }

    /**
     * {@link Flynn#finish(ReductionState)} as a double (exact for F32, F64 and I32 results).
     *
     * @return the value of the reduction over all pieces merged into this state
     * @throws IllegalArgumentException if the result is a boolean, or the reduction of no elements is undefined
     */
    public double finishDouble() {
        if (kernel.resultType() == DType.BOOL) {
            throw new IllegalArgumentException(kernel + " has a BOOL result; call finishBoolean");
        }
        return ((Number) Flynn.finish(this)).doubleValue();
    }

    /**
     * {@link Flynn#finish(ReductionState)} for integer results: argmin, argmax, count, sums of integers.
     *
     * @return the value of the reduction over all pieces merged into this state
     * @throws IllegalArgumentException if the result is not an integer, or the reduction of no elements is undefined
     */
    public long finishLong() {
        if (!kernel.resultType().isIntegral()) {
            throw new IllegalArgumentException(kernel + " has a " + kernel.resultType() + " result; call "
                    + (kernel.resultType() == DType.BOOL ? "finishBoolean" : "finishDouble"));
        }
        return ((Number) Flynn.finish(this)).longValue();
    }

    /**
     * {@link Flynn#finish(ReductionState)} for any/all reductions.
     *
     * @return the value of the reduction over all pieces merged into this state
     * @throws IllegalArgumentException if the result is not a boolean
     */
    public boolean finishBoolean() {
        if (kernel.resultType() != DType.BOOL) {
            throw new IllegalArgumentException(kernel + " has a " + kernel.resultType() + " result; call "
                    + (kernel.resultType().isIntegral() ? "finishLong" : "finishDouble"));
        }
        return (Boolean) Flynn.finish(this);
    }

    /** The typed state; null when empty. */
    State state() {
        return state;
    }

    /** Throws unless {@code other} is a state of the same kernel, or of one built the same way. */
    void requireCompatible(ReductionState other) {
        if (!compatible(kernel, other.kernel)) {
            throw new IllegalArgumentException("cannot merge a state of " + kernel + " (" + kernel.reduction().orElseThrow()
                    + " of " + kernel.ir().body().type() + ") with a state of " + other.kernel + " ("
                    + other.kernel.reduction().orElseThrow() + " of " + other.kernel.ir().body().type()
                    + "): merge only states that reductions of the same kernel gave");
        }
    }

    private static boolean compatible(Kernel a, Kernel b) {
        if (a == b) {
            return true;
        }
        Reduction ra = a.reduction().orElseThrow();
        Reduction rb = b.reduction().orElseThrow();
        // a custom reduction's combine is a lambda, compared through the expression in the shape key
        boolean sameReduction = ra instanceof Reduction.Custom ca && rb instanceof Reduction.Custom cb
                ? ca.identity().equals(cb.identity())
                : ra.equals(rb);
        return sameReduction && a.shapeKey().equals(b.shapeKey()) && a.inputTypes().equals(b.inputTypes())
                && Arrays.equals(a.constantsShared(), b.constantsShared());
    }

    private static void requireReduction(Kernel kernel) {
        Objects.requireNonNull(kernel, "kernel");
        if (!kernel.isReduction()) {
            throw new IllegalArgumentException("kernel " + kernel + " is a map; only reductions have a state");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReductionState s && count == s.count && compatible(kernel, s.kernel)
                && Objects.equals(state, s.state);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kernel.shapeKey(), count, state);
    }

    @Override
    public String toString() {
        return "ReductionState[" + kernel.reduction().orElseThrow() + " of " + count + " elements"
                + (state == null ? "" : ", " + state) + "]";
    }
}
