package dev.flynn.gpu.ptx;

import dev.flynn.DType;
import dev.flynn.gpu.ptx.PtxGenerator.Body;
import dev.flynn.ir.Node;
import dev.flynn.ir.ReduceOp;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.spi.Partials;
import dev.flynn.spi.ReduceLowering;
import dev.flynn.spi.StateLayout;

import static dev.flynn.gpu.ptx.PtxType.F64;
import static dev.flynn.gpu.ptx.PtxType.PRED;
import static dev.flynn.gpu.ptx.PtxType.U64;

/**
 * The registers of one reduction state and how states fold, merge, shuffle, load and store. What
 * differs between reductions (the identity and the merge) is one {@link Rule}, chosen by the one case
 * of core's {@link ReduceLowering} that {@link Cases} gives each reduction. The identities are core's
 * ({@link Partials#identity}) and a stored record has the slots of core's {@link StateLayout}; the
 * merge rules (argmin's NaN and tie rule, Neumaier's step, Chan's formula) are written in PTX below
 * and checked against core's reference rules on every pair of special values by
 * {@code EmulatedGpuReductionRulesTest}.
 */
final class PtxState {
    final DType type;
    final PtxType t;
    final StateLayout layout;
    private final Rule rule;
    /** value, or MOMENTS' count (as f64) */
    PtxReg v;
    /** compensation, or argmin/argmax's index (u64), or MOMENTS' mean */
    PtxReg x;
    /** MOMENTS' m2 */
    PtxReg m2;

    private PtxState(DType type, StateLayout layout, Rule rule) {
        this.type = type;
        this.t = PtxType.of(type);
        this.layout = layout;
        this.rule = rule;
    }

    private PtxState(ReduceSpec spec, DType type) {
        this(type, StateLayout.of(spec, type), ReduceLowering.lower(spec, type, new Cases()));
    }

    static PtxState identity(Body b, ReduceSpec spec, DType type) {
        PtxState s = new PtxState(spec, type);
        s.rule.identity(b, s);
        return s;
    }

    private PtxState fresh() {
        return new PtxState(type, layout, rule);
    }

    /** Folds the value {@code val} of element {@code i} into this state. */
    void fold(Body b, PtxReg val, PtxReg i) {
        rule.fold(b, this, val, i);
    }

    /** this = merge(this, o), in place. */
    void merge(Body b, PtxState o) {
        rule.merge(b, this, o);
    }

    /** The state of lane {@code lane + off} (shfl.sync.down over the full warp). */
    PtxState shuffle(Body b, int off) {
        PtxState s = fresh();
        s.v = shfl(b, v, off);
        s.x = x == null ? null : shfl(b, x, off);
        s.m2 = m2 == null ? null : shfl(b, m2, off);
        return s;
    }

    private static PtxReg shfl(Body b, PtxReg r, int off) {
        PtxWriter w = b.w;
        if (r.type() == PRED) {
            throw new IllegalStateException("masks are not reduced");
        }
        if (r.type().size() == 4) {
            return w.shuffleDown(r, off);
        }
        PtxReg[] halves = w.unpack(r);
        PtxReg lo = w.shuffleDown(halves[0], off);
        PtxReg hi = w.shuffleDown(halves[1], off);
        return w.pack(r.type(), lo, hi);
    }

    /** Stores the state as a partial record at {@code addr}, in {@link StateLayout}'s slots. */
    void store(Body b, PtxReg addr, boolean shared) {
        PtxOp st = shared ? PtxOp.ST_SHARED : PtxOp.ST_GLOBAL;
        PtxWriter w = b.w;
        for (StateLayout.Field f : layout.fields()) {
            PtxReg r = switch (f) {
                // the count as an integer, as Partial.n holds it
                case COUNT -> w.cvt(PtxOp.CVT_RZI, U64, F64, v);
                case VALUE -> v;
                case COMPENSATION, INDEX, MEAN -> x;
                case M2 -> m2;
            };
            w.store(st, fieldType(f), addr, layout.offset(f), r);
        }
    }

    /** Loads a partial record into a new state. */
    static PtxState load(Body b, ReduceSpec spec, DType type, PtxReg addr, boolean shared) {
        PtxOp ld = shared ? PtxOp.LD_SHARED : PtxOp.LD_GLOBAL;
        PtxWriter w = b.w;
        PtxState s = new PtxState(spec, type);
        for (StateLayout.Field f : s.layout.fields()) {
            PtxReg r = w.load(ld, s.fieldType(f), addr, s.layout.offset(f));
            switch (f) {
                case COUNT -> s.v = w.cvt(PtxOp.CVT_RN, F64, U64, r);
                case VALUE -> s.v = r;
                case COMPENSATION, INDEX, MEAN -> s.x = r;
                case M2 -> s.m2 = r;
            }
        }
        return s;
    }

    /** The PTX type a field has in a record: an index and a count are unsigned. */
    private PtxType fieldType(StateLayout.Field f) {
        return switch (f) {
            case INDEX, COUNT -> U64;
            default -> PtxType.of(StateLayout.typeOf(f, type));
        };
    }

    /** Core's identity of {@code op} as a PTX immediate of {@code type}. */
    private static String immediate(ReduceOp op, DType type) {
        Number id = Partials.identity(op, type);
        return type.isFloating() ? PtxWriter.fimm(PtxType.of(type), id.doubleValue()) : String.valueOf(id.longValue());
    }

    /** What one reduction's state does in PTX. */
    private interface Rule {
        /** Sets {@code s}'s registers to the identity. */
        void identity(Body b, PtxState s);

        /** {@code s = merge(s, o)}, in place. */
        void merge(Body b, PtxState s, PtxState o);

        /** The second register of element {@code i}'s one-element state, or null where there is none. */
        default PtxReg element(Body b, PtxState s, PtxReg i) {
            return null;
        }

        /** Folds the value {@code val} of element {@code i} into {@code s}: merges its one-element state. */
        default void fold(Body b, PtxState s, PtxReg val, PtxReg i) {
            PtxState e = s.fresh();
            e.v = val;
            e.x = element(b, s, i);
            merge(b, s, e);
        }
    }

    /** One case per reduction of core's {@link ReduceLowering}: its {@link Rule} in PTX. */
    private static final class Cases implements ReduceLowering<Rule> {
        @Override
        public Rule sum(DType type) {
            return plain(type, ReduceOp.SUM, PtxOp.ADD_RN, PtxOp.ADD);
        }

        @Override
        public Rule prod(DType type) {
            return plain(type, ReduceOp.PROD, PtxOp.MUL_RN, PtxOp.MUL_LO);
        }

        /** A state of one value, merged by one instruction: {@code floating} or {@code integral} by type. */
        private static Rule plain(DType type, ReduceOp op, PtxOp floating, PtxOp integral) {
            return new Rule() {
                @Override
                public void identity(Body b, PtxState s) {
                    s.v = b.w.mov(s.t, immediate(op, type));
                }

                @Override
                public void merge(Body b, PtxState s, PtxState o) {
                    b.w.opInto(s.v, type.isFloating() ? floating : integral, s.t, s.v, o.v);
                }
            };
        }

        @Override
        public Rule compensatedSum(DType type) {
            return new Rule() {
                @Override
                public void identity(Body b, PtxState s) {
                    s.v = b.w.mov(s.t, immediate(ReduceOp.SUM, type));
                    s.x = b.w.mov(s.t, immediate(ReduceOp.SUM, type));
                }

                @Override
                public PtxReg element(Body b, PtxState s, PtxReg i) {
                    return b.w.mov(s.t, PtxWriter.fimm(s.t, 0.0));
                }

                @Override
                public void merge(Body b, PtxState s, PtxState o) {
                    // Neumaier, as Partials.merge: t = s + x; c += |s| >= |x| ? (s - t) + x : (x - t) + s; c += x.c
                    PtxWriter w = b.w;
                    PtxType t = s.t;
                    PtxReg sum = w.op(PtxOp.ADD_RN, t, s.v, o.v);
                    PtxReg big = w.setp(PtxCmp.GE, t, w.op(PtxOp.ABS, t, s.v), w.op(PtxOp.ABS, t, o.v));
                    PtxReg e1 = w.op(PtxOp.ADD_RN, t, w.op(PtxOp.SUB_RN, t, s.v, sum), o.v);
                    PtxReg e2 = w.op(PtxOp.ADD_RN, t, w.op(PtxOp.SUB_RN, t, o.v, sum), s.v);
                    w.opInto(s.x, PtxOp.ADD_RN, t, s.x, w.selp(t, e1, e2, big));
                    w.opInto(s.x, PtxOp.ADD_RN, t, s.x, o.x);
                    w.move(s.v, sum);
                }
            };
        }

        @Override
        public Rule min(DType type) {
            return extreme(type, true);
        }

        @Override
        public Rule max(DType type) {
            return extreme(type, false);
        }

        private static Rule extreme(DType type, boolean min) {
            return new Rule() {
                @Override
                public void identity(Body b, PtxState s) {
                    s.v = b.w.mov(s.t, immediate(min ? ReduceOp.MIN : ReduceOp.MAX, type));
                }

                @Override
                public void merge(Body b, PtxState s, PtxState o) {
                    if (type.isFloating()) {
                        b.w.move(s.v, b.ops.floatMinMax(s.t, s.v, o.v, min));
                    } else {
                        b.w.opInto(s.v, min ? PtxOp.MIN : PtxOp.MAX, s.t, s.v, o.v);
                    }
                }
            };
        }

        @Override
        public Rule argmin(DType type) {
            return arg(type, true);
        }

        @Override
        public Rule argmax(DType type) {
            return arg(type, false);
        }

        private static Rule arg(DType type, boolean min) {
            PtxCmp better = min ? PtxCmp.LT : PtxCmp.GT;
            return new Rule() {
                @Override
                public void identity(Body b, PtxState s) {
                    // argmin starts from MIN's identity, which loses every tie to a real element
                    s.v = b.w.mov(s.t, immediate(min ? ReduceOp.MIN : ReduceOp.MAX, type));
                    // an empty state loses every tie: its index is the largest
                    s.x = b.w.mov(U64, "-1");
                }

                @Override
                public PtxReg element(Body b, PtxState s, PtxReg i) {
                    return i;
                }

                @Override
                public void merge(Body b, PtxState s, PtxState o) {
                    PtxWriter w = b.w;
                    PtxType t = s.t;
                    PtxReg lower = w.setp(PtxCmp.LT, U64, o.x, s.x);
                    PtxReg take;
                    if (type.isFloating()) {
                        // the NaN with the lowest index wins; else the better value, ties to the lower index
                        PtxReg aNaN = w.setp(PtxCmp.NAN, t, s.v, s.v);
                        PtxReg bNaN = w.setp(PtxCmp.NAN, t, o.v, o.v);
                        PtxReg wins = w.op(PtxOp.OR, PRED, w.setp(better, t, o.v, s.v),
                                w.op(PtxOp.AND, PRED, w.setp(PtxCmp.EQ, t, o.v, s.v), lower));
                        PtxReg ifA = w.op(PtxOp.AND, PRED, bNaN, lower);
                        PtxReg ifNotA = w.op(PtxOp.OR, PRED, bNaN, wins);
                        take = w.op(PtxOp.OR, PRED, w.op(PtxOp.AND, PRED, aNaN, ifA),
                                w.op(PtxOp.AND, PRED, w.op(PtxOp.NOT, PRED, aNaN), ifNotA));
                    } else {
                        take = w.op(PtxOp.OR, PRED, w.setp(better, t, o.v, s.v),
                                w.op(PtxOp.AND, PRED, w.setp(PtxCmp.EQ, t, o.v, s.v), lower));
                    }
                    w.move(s.v, w.selp(t, o.v, s.v, take));
                    w.move(s.x, w.selp(U64, o.x, s.x, take));
                }
            };
        }

        @Override
        public Rule moments(DType type) {
            return new Rule() {
                @Override
                public void identity(Body b, PtxState s) {
                    s.v = b.w.mov(F64, PtxWriter.f64(0.0));
                    s.x = b.w.mov(F64, PtxWriter.f64(0.0));
                    s.m2 = b.w.mov(F64, PtxWriter.f64(0.0));
                }

                @Override
                public void fold(Body b, PtxState s, PtxReg val, PtxReg i) {
                    // Welford: n += 1; d = x - mean; mean += d/n; m2 += d (x - mean)
                    PtxWriter w = b.w;
                    w.opInto(s.v, PtxOp.ADD_RN, F64, s.v, PtxWriter.f64(1.0));
                    PtxReg d = w.op(PtxOp.SUB_RN, F64, val, s.x);
                    w.opInto(s.x, PtxOp.ADD_RN, F64, s.x, w.op(PtxOp.DIV_RN, F64, d, s.v));
                    w.opInto(s.m2, PtxOp.FMA_RN, F64, d, w.op(PtxOp.SUB_RN, F64, val, s.x), s.m2);
                }

                @Override
                public void merge(Body b, PtxState s, PtxState o) {
                    // Chan: n = na + nb; d = mb - ma; mean = ma + d nb/n; m2 = m2a + m2b + d^2 na nb / n
                    PtxWriter w = b.w;
                    PtxReg n = w.op(PtxOp.ADD_RN, F64, s.v, o.v);
                    PtxReg d = w.op(PtxOp.SUB_RN, F64, o.x, s.x);
                    PtxReg safeN = w.selp(F64, PtxWriter.f64(1.0), n, w.setp(PtxCmp.EQ, F64, n, PtxWriter.f64(0.0)));
                    PtxReg mean = w.op(PtxOp.ADD_RN, F64, s.x,
                            w.op(PtxOp.MUL_RN, F64, d, w.op(PtxOp.DIV_RN, F64, o.v, safeN)));
                    PtxReg prod = w.op(PtxOp.DIV_RN, F64, w.op(PtxOp.MUL_RN, F64, s.v, o.v), safeN);
                    PtxReg m = w.op(PtxOp.ADD_RN, F64, w.op(PtxOp.ADD_RN, F64, s.m2, o.m2),
                            w.op(PtxOp.MUL_RN, F64, w.op(PtxOp.MUL_RN, F64, d, d), prod));
                    // an empty side leaves the other unchanged (no 0 * inf or NaN from it)
                    PtxReg bEmpty = w.setp(PtxCmp.EQ, F64, o.v, PtxWriter.f64(0.0));
                    PtxReg aEmpty = w.setp(PtxCmp.EQ, F64, s.v, PtxWriter.f64(0.0));
                    PtxReg mean2 = w.selp(F64, o.x, w.selp(F64, s.x, mean, bEmpty), aEmpty);
                    PtxReg m22 = w.selp(F64, o.m2, w.selp(F64, s.m2, m, bEmpty), aEmpty);
                    w.move(s.v, n);
                    w.move(s.x, mean2);
                    w.move(s.m2, m22);
                }
            };
        }

        @Override
        public Rule custom(DType type, Node combine, Node.Const identity) {
            return new Rule() {
                @Override
                public void identity(Body b, PtxState s) {
                    s.v = b.w.mov(s.t, b.value(identity));
                }

                @Override
                public void merge(Body b, PtxState s, PtxState o) {
                    b.w.move(s.v, b.evaluateWith(combine, s.v, o.v));
                }
            };
        }
    }
}
