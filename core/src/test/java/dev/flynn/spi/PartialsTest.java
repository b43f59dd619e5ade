package dev.flynn.spi;

import dev.flynn.DType;
import dev.flynn.ir.ReduceOp;
import dev.flynn.ir.ReduceSpec;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Core's reference reduction rules against their definitions, on every triple of special values. */
class PartialsTest {
    private static final double[] SPECIALS = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.MAX_VALUE, -Double.MAX_VALUE, 1, -1, Double.MIN_VALUE, -Double.MIN_VALUE, 0.0, -0.0};

    @Test
    void argminAndArgmaxMergeAsTheirDefinitionInEitherGrouping() {
        for (ReduceOp op : new ReduceOp[] {ReduceOp.ARGMIN, ReduceOp.ARGMAX}) {
            ReduceSpec spec = ReduceSpec.of(op);
            for (double a : SPECIALS) {
                for (double b : SPECIALS) {
                    for (double c : SPECIALS) {
                        double[] x = {a, b, c};
                        long want = argDefinition(x, op == ReduceOp.ARGMIN);
                        Partial left = state(spec, a, 0);
                        Partials.merge(spec, DType.F64, left, state(spec, b, 1), null, null);
                        Partials.merge(spec, DType.F64, left, state(spec, c, 2), null, null);
                        Partial right = state(spec, b, 1);
                        Partials.merge(spec, DType.F64, right, state(spec, c, 2), null, null);
                        Partial all = state(spec, a, 0);
                        Partials.merge(spec, DType.F64, all, right, null, null);
                        String what = op + " of " + a + ", " + b + ", " + c;
                        assertEquals(want, left.index, what + " merged left to right");
                        assertEquals(want, all.index, what + " merged right first");
                        assertEquals(Double.doubleToLongBits(x[(int) want]), Double.doubleToLongBits(all.d), what);
                    }
                }
            }
        }
    }

    @Test
    void unorderedArgRulesAreTheOrderedRuleWithTheLowerIndexFirst() {
        for (double a : SPECIALS) {
            for (double b : SPECIALS) {
                assertEquals(Partials.argminTakes(a, b), Partials.argminReplaces(a, 3, b, 8), a + " then " + b);
                assertEquals(!Partials.argminTakes(a, b), Partials.argminReplaces(b, 8, a, 3), b + " after " + a);
                assertEquals(Partials.argmaxTakes(a, b), Partials.argmaxReplaces(a, 3, b, 8), a + " then " + b);
                assertEquals(!Partials.argmaxTakes(a, b), Partials.argmaxReplaces(b, 8, a, 3), b + " after " + a);
            }
        }
        assertEquals(true, Partials.argminReplaces(5L, 9, 5L, 2), "an integer tie goes to the lower index");
        assertEquals(false, Partials.argmaxReplaces(5L, 2, 5L, 9), "an integer tie goes to the lower index");
    }

    @Test
    void integerArgTiesKeepTheLowerIndex() {
        long[] x = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE};
        for (long a : x) {
            for (long b : x) {
                assertEquals(b < a, Partials.argminTakes(a, b), "argmin " + a + " then " + b);
                assertEquals(b > a, Partials.argmaxTakes(a, b), "argmax " + a + " then " + b);
            }
        }
    }

    @Test
    void identitiesLeaveEveryValueUnchanged() {
        for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.PROD, ReduceOp.MIN, ReduceOp.MAX}) {
            ReduceSpec spec = ReduceSpec.of(op);
            for (DType t : new DType[] {DType.F32, DType.F64}) {
                for (double v : SPECIALS) {
                    double x = t == DType.F32 ? (float) v : v;
                    if (op == ReduceOp.SUM && x == 0 && 1 / x < 0) {
                        // 0.0 + -0.0 is 0.0: a sum starts from 0.0 as a Java loop does, so a sum of -0.0 is 0.0
                        continue;
                    }
                    Partial p = new Partial();
                    p.d = Partials.identity(op, t).doubleValue();
                    Partials.merge(spec, t, p, state(spec, x, 0), null, null);
                    assertEquals(Double.doubleToLongBits(x), Double.doubleToLongBits(p.d), op + " " + t + " of " + x);
                }
            }
            for (DType t : new DType[] {DType.I32, DType.I64}) {
                long[] xs = t == DType.I32 ? new long[] {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE}
                        : new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE};
                for (long x : xs) {
                    Partial p = new Partial();
                    p.l = Partials.identity(op, t).longValue();
                    Partial one = new Partial();
                    Partials.single(spec, t, x, 0, one);
                    Partials.merge(spec, t, p, one, null, null);
                    assertEquals(x, p.l, op + " " + t + " of " + x);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Partials.identity(ReduceOp.ARGMIN, DType.F64));
        assertEquals(Float.class, Partials.identity(ReduceOp.MIN, DType.F32).getClass());
        assertEquals(Integer.MIN_VALUE, Partials.identity(ReduceOp.MAX, DType.I32));
    }

    @Test
    void neumaierKeepsTheExactSumOfTwoAsSumPlusCompensation() {
        double[] xs = {1e16, 1, -1e16, 3.5, 1e-300, 0.1, -0.3, 2e15 + 1};
        for (double a : xs) {
            for (double b : xs) {
                double t = a + b;
                double c = Partials.neumaier(0.0, a, b, t);
                // two-sum: t + c is a + b exactly when no overflow
                assertEquals(0, new BigDecimal(a).add(new BigDecimal(b)).compareTo(new BigDecimal(t).add(new BigDecimal(c))),
                        a + " + " + b);
                float fa = (float) a;
                float fb = (float) b;
                float ft = fa + fb;
                float fc = Partials.neumaier(0f, fa, fb, ft);
                if (Float.isFinite(ft)) {
                    assertEquals(0, new BigDecimal(fa).add(new BigDecimal(fb))
                            .compareTo(new BigDecimal(ft).add(new BigDecimal(fc))), fa + " + " + fb + " in F32");
                }
            }
        }
    }

    @Test
    void layoutsPlaceFieldsInSlotsAndRoundTrip() {
        ReduceSpec comp = new ReduceSpec(ReduceOp.SUM, true, java.util.Optional.empty(), java.util.Optional.empty());
        assertEquals(new StateLayout.Compensated(DType.F32), StateLayout.of(comp, DType.F32));
        assertEquals(new StateLayout.Plain(DType.I64), StateLayout.of(comp, DType.I64));
        StateLayout arg = StateLayout.of(ReduceSpec.of(ReduceOp.ARGMAX), DType.F32);
        assertEquals(8, arg.offset(StateLayout.Field.INDEX));
        StateLayout moments = StateLayout.of(ReduceSpec.of(ReduceOp.MOMENTS), DType.F64);
        assertEquals(16, moments.offset(StateLayout.Field.M2));
        assertThrows(IllegalArgumentException.class, () -> moments.slot(StateLayout.Field.VALUE));
        Partial p = new Partial();
        p.n = 7;
        p.mean = -0.0;
        p.m2 = Double.NaN;
        p.d = 5;
        long[] slots = new long[StateLayout.MAX_SLOTS];
        moments.encode(p, DType.F64, slots);
        Partial q = new Partial();
        moments.decode(slots, DType.F64, q);
        assertEquals(7, q.n);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(q.mean));
        assertEquals(Double.NaN, q.m2);
        assertEquals(0.0, q.d, "a field outside the layout does not travel");
    }

    private static Partial state(ReduceSpec spec, double v, long index) {
        Partial p = new Partial();
        Partials.single(spec, DType.F64, v, index, p);
        return p;
    }

    /** The first NaN if there is one, else the lowest index of a value no other is below (above). */
    private static long argDefinition(double[] x, boolean min) {
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(x[i])) {
                return i;
            }
        }
        for (int i = 0; i < x.length; i++) {
            boolean best = true;
            for (double y : x) {
                best &= min ? !(y < x[i]) : !(y > x[i]);
            }
            if (best) {
                return i;
            }
        }
        throw new AssertionError("no extreme");
    }
}
