package dev.flynn.spi;

/**
 * The state of a reduction over a range of elements. Which fields mean what depends on the
 * reduction: floating values are held in {@link #d} (F32 exactly, widened), integer values in
 * {@link #l}.
 */
public final class Partial {
    /** SUM, PROD, MIN, MAX, ARGMIN, ARGMAX, CUSTOM of floating type: the value. */
    public double d;
    /** Compensated SUM: the running compensation (same type as {@link #d}). */
    public double c;
    /** SUM, PROD, MIN, MAX, ARGMIN, ARGMAX, CUSTOM of integer type: the value. */
    public long l;
    /** ARGMIN, ARGMAX: the absolute element index of the value. */
    public long index;
    /** MOMENTS: number of values. */
    public long n;
    /** MOMENTS: their mean. */
    public double mean;
    /** MOMENTS: the sum of squared deviations from {@link #mean}. */
    public double m2;

    /** Creates an empty state, every field zero. */
    public Partial() {
    }

    /** Sets every field to zero. */
    public void clear() {
        d = c = mean = m2 = 0;
        l = index = n = 0;
    }

    /**
     * Copies every field of another state into this one.
     *
     * @param o the state to copy
     */
    public void copyFrom(Partial o) {
        d = o.d;
        c = o.c;
        l = o.l;
        index = o.index;
        n = o.n;
        mean = o.mean;
        m2 = o.m2;
    }

    @Override
    public String toString() {
        return "Partial[d=" + d + ", c=" + c + ", l=" + l + ", index=" + index + ", n=" + n + ", mean=" + mean
                + ", m2=" + m2 + "]";
    }
}
