package dev.flynn.spark;

import dev.flynn.DType;
import dev.flynn.spi.Partial;
import dev.flynn.spi.StateLayout;

import java.io.Serializable;

/**
 * The unfinished state of one reduction over a range of rows, as it travels between Spark tasks:
 * core's {@link Partial} in the slots of its {@link StateLayout} (a compensated sum's compensation
 * included) plus what a range needs to be merged with its neighbours. The index of argmin and argmax
 * counts rows from the start of this range, nulls included.
 */
final class SparkPartial implements Serializable {
    private static final long serialVersionUID = 2L;

    /** The state's fields, slot by slot as {@link StateLayout#encode} writes them. */
    final long[] slots = new long[StateLayout.MAX_SLOTS];
    /** Rows in the range, nulls included: the offset of the next range's indices. */
    long rows;
    /** Values reduced (rows without nulls in the kernel's columns). */
    long count;

    /** A range of {@code rows} rows none of which had a value (or no rows at all). */
    static SparkPartial empty(long rows) {
        SparkPartial p = new SparkPartial();
        p.rows = rows;
        return p;
    }

    /** {@code state}, laid out by {@code layout}, over a range of {@code rows} rows, {@code count} of them with values. */
    static SparkPartial of(StateLayout layout, DType type, Partial state, long rows, long count) {
        SparkPartial p = new SparkPartial();
        layout.encode(state, type, p.slots);
        p.rows = rows;
        p.count = count;
        return p;
    }

    /** The state as {@code ReductionState.encode} writes it: the count, then the layout's slots. */
    long[] encoded(StateLayout layout) {
        long[] out = new long[1 + layout.fields().size()];
        out[0] = count;
        System.arraycopy(slots, 0, out, 1, layout.fields().size());
        return out;
    }

    Partial toPartial(StateLayout layout, DType type) {
        Partial p = new Partial();
        layout.decode(slots, type, p);
        return p;
    }
}
