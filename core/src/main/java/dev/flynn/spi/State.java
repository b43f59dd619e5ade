package dev.flynn.spi;

import dev.flynn.DType;

/**
 * The state of a reduction over a range of elements, typed: one record per {@link StateLayout} (a
 * plain value, a compensated value, a value with an index, moments), with the value's record split by
 * number kind so that every field has one meaning. States are immutable; {@link Partials#merge(dev.flynn.ir.ReduceSpec,
 * State, State, Combine)} is the Java reference for merging them and {@code Reduction}'s finish
 * methods read them. Backends still fill the mutable {@link Partial} per call (so that a warm call
 * allocates nothing); {@link StateLayout#read} and {@link StateLayout#write} are the one place that
 * converts between the two.
 */
public sealed interface State permits State.Plain, State.Compensated, State.Indexed, State.Moments {

    /**
     * The type of the reduced values (F64 for moments).
     *
     * @return F32, F64, I32 or I64
     */
    DType type();

    /**
     * The layout this state is stored in.
     *
     * @return its layout
     */
    StateLayout layout();

    /**
     * Merges CUSTOM states, whose combine is the user's expression and runs compiled.
     */
    @FunctionalInterface
    interface Combine {
        /**
         * {@code combine(a, b)} of two CUSTOM states.
         *
         * @param a the state of the lower indices
         * @param b the state of the higher indices
         * @return the combined state
         */
        Plain combine(Plain a, Plain b);
    }

    /** A plain value: sum, product, min, max, the norms, count, any, all and custom reductions. */
    sealed interface Plain extends State permits FloatValue, IntValue {
        @Override
        default StateLayout layout() {
            return new StateLayout.Plain(type());
        }
    }

    /** A value with the absolute index of the element it came from: argmin and argmax. */
    sealed interface Indexed extends State permits FloatIndexed, IntIndexed {
        /**
         * The index of the value, counted from the start of the range the state covers.
         *
         * @return the index
         */
        long index();

        @Override
        default StateLayout layout() {
            return new StateLayout.Indexed(type());
        }
    }

    /**
     * A floating value.
     *
     * @param type F32 or F64
     * @param value the value (an F32 value exactly, widened)
     */
    record FloatValue(DType type, double value) implements Plain {
        /** Checks the type and rounds an F32 value to its type. */
        public FloatValue {
            value = roundTo(type, value);
        }
    }

    /**
     * An integer value.
     *
     * @param type I32 or I64
     * @param value the value (an I32 value widened)
     */
    record IntValue(DType type, long value) implements Plain {
        /** Checks the type and wraps an I32 value to its type. */
        public IntValue {
            value = wrapTo(type, value);
        }
    }

    /**
     * A floating sum with its Neumaier compensation, both in the values' type.
     *
     * @param type F32 or F64
     * @param sum the running sum
     * @param compensation the rounding errors it has not taken in yet
     */
    record Compensated(DType type, double sum, double compensation) implements State {
        /** Checks the type and rounds F32 fields to their type. */
        public Compensated {
            sum = roundTo(type, sum);
            compensation = roundTo(type, compensation);
        }

        @Override
        public StateLayout layout() {
            return new StateLayout.Compensated(type);
        }
    }

    /**
     * A floating value with its index.
     *
     * @param type F32 or F64
     * @param value the value
     * @param index its index
     */
    record FloatIndexed(DType type, double value, long index) implements Indexed {
        /** Checks the type and rounds an F32 value to its type. */
        public FloatIndexed {
            value = roundTo(type, value);
        }
    }

    /**
     * An integer value with its index.
     *
     * @param type I32 or I64
     * @param value the value
     * @param index its index
     */
    record IntIndexed(DType type, long value, long index) implements Indexed {
        /** Checks the type and wraps an I32 value to its type. */
        public IntIndexed {
            value = wrapTo(type, value);
        }
    }

    /**
     * The count, mean and sum of squared deviations of F64 values (Chan's parallel form).
     *
     * @param count the number of values
     * @param mean their mean (0 for none)
     * @param m2 their sum of squared deviations from the mean
     */
    record Moments(long count, double mean, double m2) implements State {
        /** Checks the count. */
        public Moments {
            if (count < 0) {
                throw new IllegalArgumentException("moments of a negative count: " + count);
            }
        }

        @Override
        public DType type() {
            return DType.F64;
        }

        @Override
        public StateLayout layout() {
            return new StateLayout.Moments();
        }
    }

    private static double roundTo(DType type, double v) {
        return switch (type) {
            case F32 -> (float) v;
            case F64 -> v;
            case I32, I64, BOOL -> throw new IllegalArgumentException("a floating state of " + type + " values");
        };
    }

    private static long wrapTo(DType type, long v) {
        return switch (type) {
            case I32 -> (int) v;
            case I64 -> v;
            case F32, F64, BOOL -> throw new IllegalArgumentException("an integer state of " + type + " values");
        };
    }
}
