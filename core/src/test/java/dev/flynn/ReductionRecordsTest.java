package dev.flynn;

import dev.flynn.ir.ReduceOp;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.spi.Partial;
import dev.flynn.spi.Partials;
import dev.flynn.spi.State;
import dev.flynn.spi.StateLayout;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each reduction's own rules (empty input, finish) and the typed state, without a backend. */
class ReductionRecordsTest {
    private static final List<Reduction> ALL = List.of(Reduction.sum(), Reduction.sum(Reduction.Summation.COMPENSATED),
            Reduction.prod(), Reduction.min(), Reduction.max(), Reduction.argmin(), Reduction.argmax(), Reduction.mean(),
            Reduction.variance(1), Reduction.std(), Reduction.norm1(), Reduction.norm2(), Reduction.normInf(),
            Reduction.custom(2.0, (a, v) -> a.mul(v)));

    @Test
    void emptyStatesHaveTheLayoutTheBackendsFill() {
        for (DType t : new DType[] {DType.F32, DType.F64, DType.I32, DType.I64}) {
            for (Reduction r : ALL) {
                Kernel k = Kernel.map(t, x -> x).reduce(r);
                DType body = k.ir().body().type();
                StateLayout layout = StateLayout.of(k.ir().reduce().orElseThrow(), body);
                switch (r.kind()) {
                    case MIN, MAX, ARGMIN, ARGMAX -> assertTrue(assertThrows(IllegalArgumentException.class,
                            () -> r.empty(body)).getMessage().contains("no elements"));
                    default -> {
                        State s = r.empty(body);
                        assertEquals(layout, s.layout(), r + " of " + t);
                        Object expected = switch (r.kind()) {
                            case PROD -> one(k.resultType());
                            case CUSTOM -> k.resultType().isFloating() ? box(k.resultType(), 2) : box(k.resultType(), 2);
                            case MEAN, VARIANCE, STD -> Double.NaN;
                            default -> box(k.resultType(), 0);
                        };
                        assertEquals(expected, r.finish(s, 0), r + " of " + t);
                    }
                }
            }
        }
    }

    private static Object one(DType t) {
        return box(t, 1);
    }

    private static Object box(DType t, int v) {
        return switch (t) {
            case F32 -> (float) v;
            case F64 -> (double) v;
            case I32 -> v;
            case I64 -> (long) v;
            case BOOL -> throw new IllegalArgumentException();
        };
    }

    @Test
    void finishStepsFollowTheirDefinitions() {
        Reduction.Moments var1 = (Reduction.Moments) Reduction.variance(1);
        // values 1, 2, 4: mean 7/3, m2 = 14/3
        State.Moments m = new State.Moments(3, 7.0 / 3, 14.0 / 3);
        assertEquals(7.0 / 3, Reduction.mean().finish(m, 3));
        assertEquals(14.0 / 3 / 2, var1.finish(m, 3));
        assertEquals(Math.sqrt(14.0 / 3 / 3), Reduction.std().finish(m, 3));
        assertEquals(Double.NaN, Reduction.variance(3).finish(m, 3));
        assertEquals(3f, Reduction.norm2().finish(new State.FloatValue(DType.F32, 9), 1));
        assertEquals(7L, Reduction.argmax().finish(new State.FloatIndexed(DType.F64, 1, 7), 9));
        // the compensation joins the sum once, rounded to F32
        assertEquals(1f + 0x1p-23f, Reduction.sum(Reduction.Summation.COMPENSATED)
                .finish(new State.Compensated(DType.F32, 1, 0x1p-23), 3));
        // an infinite sum's compensation is NaN and is ignored
        assertEquals(Double.POSITIVE_INFINITY, Reduction.sum(Reduction.Summation.COMPENSATED)
                .finish(new State.Compensated(DType.F64, Double.POSITIVE_INFINITY, Double.NaN), 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Reduction.mean().finish(new State.FloatValue(DType.F64, 1), 1));
        assertTrue(e.getMessage().contains("another reduction"), e.getMessage());
    }

    @Test
    void typedStatesRoundTripThroughScratchAndSlots() {
        List<State> states = List.of(new State.FloatValue(DType.F32, -0.0), new State.IntValue(DType.I32, -5),
                new State.Compensated(DType.F64, 1e16, -1), new State.FloatIndexed(DType.F64, Double.NaN, 3),
                new State.IntIndexed(DType.I64, Long.MIN_VALUE, 1L << 40), new State.Moments(4, 2.5, 5));
        for (State s : states) {
            Partial p = new Partial();
            StateLayout.write(s, p);
            assertEquals(s, s.layout().read(p));
            assertEquals(s, s.layout().state(StateLayout.slots(s)));
        }
        // an I32 value wraps, an F32 value rounds, as the backends store them
        assertEquals(new State.IntValue(DType.I32, Integer.MIN_VALUE), new State.IntValue(DType.I32, 1L << 31));
        assertEquals(new State.FloatValue(DType.F32, 0.1f), new State.FloatValue(DType.F32, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new State.FloatValue(DType.I64, 1));
    }

    @Test
    void theTypedMergeRejectsStatesOfDifferentShapes() {
        ReduceSpec sum = ReduceSpec.of(ReduceOp.SUM);
        assertThrows(IllegalArgumentException.class, () -> Partials.merge(sum, new State.FloatValue(DType.F32, 1),
                new State.FloatValue(DType.F64, 1), null));
        assertThrows(IllegalArgumentException.class, () -> Partials.merge(sum, new State.FloatValue(DType.F64, 1),
                new State.Compensated(DType.F64, 1, 0), null));
        assertEquals(new State.IntValue(DType.I32, Integer.MIN_VALUE), Partials.merge(sum,
                new State.IntValue(DType.I32, Integer.MAX_VALUE), new State.IntValue(DType.I32, 1), null));
    }
}
