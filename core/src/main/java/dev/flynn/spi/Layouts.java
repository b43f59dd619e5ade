package dev.flynn.spi;

import dev.flynn.DType;

/** One instance of each {@link StateLayout} per type, so that looking a layout up on a call allocates nothing. */
final class Layouts {
    static final StateLayout[] PLAIN = new StateLayout[DType.values().length];
    static final StateLayout[] COMPENSATED = new StateLayout[DType.values().length];
    static final StateLayout[] INDEXED = new StateLayout[DType.values().length];
    static final StateLayout MOMENTS = new StateLayout.Moments();

    static {
        for (DType t : DType.values()) {
            PLAIN[t.ordinal()] = new StateLayout.Plain(t);
            INDEXED[t.ordinal()] = new StateLayout.Indexed(t);
            COMPENSATED[t.ordinal()] = t.isFloating() ? new StateLayout.Compensated(t) : PLAIN[t.ordinal()];
        }
    }

    private Layouts() {
    }
}
