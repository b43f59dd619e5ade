package dev.flynn.spark;

import dev.flynn.spi.Partial;

import java.io.Serializable;

/**
 * The unfinished state of one reduction over a range of rows, as it travels between Spark tasks:
 * core's {@link Partial} fields (a compensated sum's compensation {@code c} included) plus what a
 * range needs to be merged with its neighbours. {@code index} (argmin, argmax) counts rows from the
 * start of this range, nulls included.
 */
final class SparkPartial implements Serializable {
    private static final long serialVersionUID = 1L;

    double d;
    double c;
    long l;
    long index;
    long n;
    double mean;
    double m2;
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

    /** {@code state} over a range of {@code rows} rows, {@code count} of them with values. */
    static SparkPartial of(Partial state, long rows, long count) {
        SparkPartial p = new SparkPartial();
        p.set(state);
        p.rows = rows;
        p.count = count;
        return p;
    }

    Partial toPartial() {
        Partial p = new Partial();
        p.d = d;
        p.c = c;
        p.l = l;
        p.index = index;
        p.n = n;
        p.mean = mean;
        p.m2 = m2;
        return p;
    }

    private void set(Partial p) {
        d = p.d;
        c = p.c;
        l = p.l;
        index = p.index;
        n = p.n;
        mean = p.mean;
        m2 = p.m2;
    }
}
