package dev.flynn.spi;

import dev.flynn.DType;
import dev.flynn.Reduction;
import dev.flynn.ir.ReduceSpec;

import java.util.List;

/**
 * Which fields a reduction's state holds, in which order: the one description from which every
 * encoding of a state is derived. Field {@code k} is slot {@code k}: element {@code k} of the C
 * kernel's {@code int64_t result[]}, the 8 bytes at offset {@code 8k} of a PTX partial record, and
 * element {@code k} of the longs a Spark task ships. In a {@code long} slot a floating field is the
 * raw bits of its value widened to double; in a PTX record it is stored in its own type.
 */
public sealed interface StateLayout {
    /** Bytes per slot: every field fits 8 bytes, and 8-byte slots keep a record of them aligned. */
    int SLOT_BYTES = 8;
    /** The most slots a state has (moments). */
    int MAX_SLOTS = 3;

    /**
     * The fields, slot by slot.
     *
     * @return the fields in slot order
     */
    List<Field> fields();

    /**
     * The slot of a field.
     *
     * @param f a field of this layout
     * @return its slot
     * @throws IllegalArgumentException if this layout has no such field
     */
    default int slot(Field f) {
        int k = fields().indexOf(f);
        if (k < 0) {
            throw new IllegalArgumentException(this + " has no " + f + " field");
        }
        return k;
    }

    /**
     * The byte offset of a field in a record of {@link #SLOT_BYTES}-byte slots.
     *
     * @param f a field of this layout
     * @return its offset
     */
    default int offset(Field f) {
        return slot(f) * SLOT_BYTES;
    }

    /**
     * A plain value: sum, product, min, max and custom reductions.
     *
     * @param type the type of the reduced values
     */
    record Plain(DType type) implements StateLayout {
        @Override
        public List<Field> fields() {
            return List.of(Field.VALUE);
        }
    }

    /**
     * A floating sum with its Neumaier compensation.
     *
     * @param type F32 or F64
     */
    record Compensated(DType type) implements StateLayout {
        @Override
        public List<Field> fields() {
            return List.of(Field.VALUE, Field.COMPENSATION);
        }
    }

    /**
     * A value with the index of the element it came from: argmin and argmax.
     *
     * @param type the type of the reduced values
     */
    record Indexed(DType type) implements StateLayout {
        @Override
        public List<Field> fields() {
            return List.of(Field.VALUE, Field.INDEX);
        }
    }

    /** Count, mean and sum of squared deviations, all of F64 values. */
    record Moments() implements StateLayout {
        @Override
        public List<Field> fields() {
            return List.of(Field.COUNT, Field.MEAN, Field.M2);
        }
    }

    /**
     * The layout of a reduction's state.
     *
     * @param spec the reduction
     * @param type the type of the reduced values
     * @return its layout
     */
    static StateLayout of(ReduceSpec spec, DType type) {
        int t = type.ordinal();
        return switch (spec.op()) {
            case SUM -> spec.compensated() ? Layouts.COMPENSATED[t] : Layouts.PLAIN[t];
            case PROD, MIN, MAX, CUSTOM -> Layouts.PLAIN[t];
            case ARGMIN, ARGMAX -> Layouts.INDEXED[t];
            case MOMENTS -> Layouts.MOMENTS;
        };
    }

    /**
     * The type a field holds in a state of values of {@code type}.
     *
     * @param f a field
     * @param type the type of the reduced values
     * @return F32, F64, I32 or I64
     */
    static DType typeOf(Field f, DType type) {
        return switch (f) {
            case VALUE, COMPENSATION -> type;
            case INDEX, COUNT -> DType.I64;
            case MEAN, M2 -> DType.F64;
        };
    }

    /**
     * Writes the state's fields into {@code slots[0..fields().size())}, floating fields as the bits of
     * their value widened to double.
     *
     * @param p the state
     * @param type the type of the reduced values
     * @param slots receives the fields
     */
    default void encode(Partial p, DType type, long[] slots) {
        List<Field> fs = fields();
        for (int k = 0; k < fs.size(); k++) {
            slots[k] = fs.get(k).bits(p, type);
        }
    }

    /**
     * Sets {@code p} to the state in {@code slots}, as {@link #encode} wrote it; fields outside this
     * layout become zero.
     *
     * @param slots the fields
     * @param type the type of the reduced values
     * @param p receives the state
     */
    default void decode(long[] slots, DType type, Partial p) {
        p.clear();
        List<Field> fs = fields();
        for (int k = 0; k < fs.size(); k++) {
            fs.get(k).setBits(p, type, slots[k]);
        }
    }

    /**
     * The typed state a backend's {@link Partial} holds in this layout: with {@link #write}, the one
     * place that converts between the two.
     *
     * @param p a state a backend filled
     * @return the same state, typed and immutable
     */
    default State read(Partial p) {
        return switch (this) {
            case Plain(DType t) -> t.isFloating() ? new State.FloatValue(t, p.d) : new State.IntValue(t, p.l);
            case Compensated(DType t) -> new State.Compensated(t, p.d, p.c);
            case Indexed(DType t) -> t.isFloating()
                    ? new State.FloatIndexed(t, p.d, p.index)
                    : new State.IntIndexed(t, p.l, p.index);
            case Moments() -> new State.Moments(p.n, p.mean, p.m2);
        };
    }

    /**
     * A floating result from a backend's scratch: {@code r}'s finish step for this layout, reading
     * {@code p} in place so that a warm call allocates nothing (the same step {@link #read} and
     * {@code Reduction.finish} take).
     *
     * @param r the reduction
     * @param p its merged state
     * @return the result
     */
    default double finishDouble(Reduction r, Partial p) {
        return switch (this) {
            case Plain(DType t) -> t.isFloating() ? r.finishValue(t, p.d) : r.finishValue(t, p.l);
            case Compensated(DType t) -> r.finishCompensated(t, p.d, p.c);
            case Indexed(DType t) -> r.finishIndexed(p.index);
            case Moments() -> r.finishMoments(p.n, p.mean, p.m2);
        };
    }

    /**
     * An integer result from a backend's scratch; see {@link #finishDouble}.
     *
     * @param r the reduction
     * @param p its merged state
     * @return the result
     * @throws IllegalArgumentException if the state is floating
     */
    default long finishLong(Reduction r, Partial p) {
        return switch (this) {
            case Plain(DType t) when !t.isFloating() -> r.finishValue(t, p.l);
            case Indexed(DType t) -> r.finishIndexed(p.index);
            case Plain p2 -> throw new IllegalArgumentException(r + " of " + p2.type() + " values has a floating result");
            case Compensated c -> throw new IllegalArgumentException(r + " of " + c.type() + " values has a floating result");
            case Moments m -> throw new IllegalArgumentException(r + " has a floating result");
        };
    }

    /**
     * A boolean result from a backend's scratch; see {@link #finishDouble}.
     *
     * @param r the reduction (any or all)
     * @param p its merged state: the number of true elements
     * @param n the number of elements
     * @return the result
     */
    default boolean finishBoolean(Reduction r, Partial p, long n) {
        return r.finishBoolean(p.l, n);
    }

    /**
     * Sets {@code p} to a typed state; fields outside its layout become zero.
     *
     * @param s the state
     * @param p receives it
     */
    static void write(State s, Partial p) {
        p.clear();
        switch (s) {
            case State.FloatValue v -> p.d = v.value();
            case State.IntValue v -> p.l = v.value();
            case State.Compensated v -> {
                p.d = v.sum();
                p.c = v.compensation();
            }
            case State.FloatIndexed v -> {
                p.d = v.value();
                p.index = v.index();
            }
            case State.IntIndexed v -> {
                p.l = v.value();
                p.index = v.index();
            }
            case State.Moments v -> {
                p.n = v.count();
                p.mean = v.mean();
                p.m2 = v.m2();
            }
        }
    }

    /**
     * The slots of a typed state, as {@link #encode} writes them.
     *
     * @param s the state
     * @return its fields, slot by slot
     */
    static long[] slots(State s) {
        Partial p = new Partial();
        write(s, p);
        StateLayout layout = s.layout();
        long[] slots = new long[layout.fields().size()];
        layout.encode(p, s.type(), slots);
        return slots;
    }

    /**
     * The typed state in {@code slots}, as {@link #slots} wrote them.
     *
     * @param slots the fields, slot by slot; at least {@code fields().size()} of them
     * @return the state
     * @throws IllegalArgumentException if there are too few slots
     */
    default State state(long[] slots) {
        if (slots.length < fields().size()) {
            throw new IllegalArgumentException(this + " needs " + fields().size() + " slots, got " + slots.length);
        }
        Partial p = new Partial();
        DType type = switch (this) {
            case Plain(DType t) -> t;
            case Compensated(DType t) -> t;
            case Indexed(DType t) -> t;
            case Moments() -> DType.F64;
        };
        decode(slots, type, p);
        return read(p);
    }

    /** A field of a state, and where {@link Partial} holds it. */
    enum Field {
        /** The value: {@link Partial#d} for floating values, {@link Partial#l} for integers. */
        VALUE,
        /** A compensated sum's running compensation: {@link Partial#c}. */
        COMPENSATION,
        /** The absolute index of argmin's or argmax's value: {@link Partial#index}. */
        INDEX,
        /** The number of values: {@link Partial#n}. */
        COUNT,
        /** Their mean: {@link Partial#mean}. */
        MEAN,
        /** Their sum of squared deviations from the mean: {@link Partial#m2}. */
        M2;

        /**
         * The field's value in {@code p} as a slot: a floating field as the bits of its double value.
         *
         * @param p the state
         * @param type the type of the reduced values
         * @return the slot
         */
        public long bits(Partial p, DType type) {
            return switch (this) {
                case VALUE -> type.isFloating() ? Double.doubleToRawLongBits(p.d) : p.l;
                case COMPENSATION -> Double.doubleToRawLongBits(p.c);
                case INDEX -> p.index;
                case COUNT -> p.n;
                case MEAN -> Double.doubleToRawLongBits(p.mean);
                case M2 -> Double.doubleToRawLongBits(p.m2);
            };
        }

        /**
         * Sets the field in {@code p} from a slot written by {@link #bits}.
         *
         * @param p the state
         * @param type the type of the reduced values
         * @param bits the slot
         */
        public void setBits(Partial p, DType type, long bits) {
            switch (this) {
                case VALUE -> {
                    if (type.isFloating()) {
                        p.d = Double.longBitsToDouble(bits);
                    } else {
                        p.l = bits;
                    }
                }
                case COMPENSATION -> p.c = Double.longBitsToDouble(bits);
                case INDEX -> p.index = bits;
                case COUNT -> p.n = bits;
                case MEAN -> p.mean = Double.longBitsToDouble(bits);
                case M2 -> p.m2 = Double.longBitsToDouble(bits);
            }
        }
    }
}
