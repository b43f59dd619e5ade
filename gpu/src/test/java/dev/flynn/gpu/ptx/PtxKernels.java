package dev.flynn.gpu.ptx;

import dev.flynn.DType;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.CompareOp;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.Node;
import dev.flynn.ir.ReduceOp;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.ir.TernaryOp;
import dev.flynn.ir.Types;
import dev.flynn.ir.UnaryOp;
import dev.flynn.spi.Binding;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Every kernel shape the generator must handle: each op and element type as a map, and each reduction. */
public final class PtxKernels {
    private static final DType[] NUMERIC = {DType.F32, DType.F64, DType.I32, DType.I64};

    /** A named kernel with its bindings. */
    public record Case(String name, KernelIR ir, List<Binding> bindings) {
        @Override
        public String toString() {
            return name;
        }
    }

    private PtxKernels() {
    }

    public static List<Case> all() {
        List<Case> out = new ArrayList<>();
        out.addAll(maps());
        out.addAll(reductions());
        return out;
    }

    public static List<Case> maps() {
        List<Case> out = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            for (DType t : NUMERIC) {
                DType operand;
                try {
                    operand = Types.unaryOperand(op, t);
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (operand != t) {
                    continue;
                }
                Node x = new Node.Input(0, t);
                out.add(map(op.symbol() + "_" + t.label(), List.of(t), new Node.Unary(op, x, t)));
            }
        }
        for (BinaryOp op : BinaryOp.values()) {
            for (DType t : NUMERIC) {
                DType operand;
                try {
                    operand = Types.binaryOperand(op, t, t);
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (operand != t) {
                    continue;
                }
                Node a = new Node.Input(0, t);
                Node b = new Node.Input(1, t);
                out.add(map(op.symbol() + "_" + t.label(), List.of(t, t), new Node.Binary(op, a, b, t)));
            }
        }
        for (DType t : new DType[] {DType.F32, DType.F64}) {
            Node a = new Node.Input(0, t);
            out.add(map("fma_" + t.label(), List.of(t, t, t),
                    new Node.Ternary(TernaryOp.FMA, a, new Node.Input(1, t), new Node.Input(2, t), t)));
        }
        for (CompareOp op : CompareOp.values()) {
            for (DType t : NUMERIC) {
                Node c = new Node.Compare(op, new Node.Input(0, t), new Node.Input(1, t));
                out.add(map(op.symbol() + "_" + t.label(), List.of(t, t), new Node.Cast(c, DType.I32)));
            }
            if (op == CompareOp.EQ || op == CompareOp.NE) {
                // masks compared with masks, combined with and/or/xor/not, selected
                Node m1 = new Node.Compare(CompareOp.LT, new Node.Input(0, DType.F32), new Node.Input(1, DType.F32));
                Node m2 = new Node.Compare(CompareOp.GT, new Node.Input(0, DType.F32), new Node.Input(1, DType.F32));
                Node m = new Node.Compare(op, m1, m2);
                Node logic = new Node.Binary(BinaryOp.XOR, new Node.Binary(BinaryOp.AND, m, m1, DType.BOOL),
                        new Node.Unary(UnaryOp.NOT, new Node.Binary(BinaryOp.OR, m, m2, DType.BOOL), DType.BOOL), DType.BOOL);
                Node sel = new Node.Select(logic, m1, m2, DType.BOOL);
                out.add(map("mask_" + op.symbol(), List.of(DType.F32, DType.F32), new Node.Cast(sel, DType.I64)));
            }
        }
        for (DType t : NUMERIC) {
            Node m = new Node.Compare(CompareOp.LT, new Node.Input(0, t), new Node.Input(1, t));
            out.add(map("select_" + t.label(), List.of(t, t), new Node.Select(m, new Node.Input(0, t), new Node.Input(1, t), t)));
            for (DType to : NUMERIC) {
                if (to != t) {
                    out.add(map("cast_" + t.label() + "_" + to.label(), List.of(t), new Node.Cast(new Node.Input(0, t), to)));
                }
            }
            out.add(map("cast_bool_" + t.label(), List.of(DType.F64, DType.F64), new Node.Cast(
                    new Node.Compare(CompareOp.NE, new Node.Input(0, DType.F64), new Node.Input(1, DType.F64)), t)));
        }
        // constants and a scalar input: 2 * x + y with y a scalar
        for (DType t : NUMERIC) {
            Node body = new Node.Binary(BinaryOp.ADD, new Node.Binary(BinaryOp.MUL, new Node.Const(0, t, 2), new Node.Input(0, t), t),
                    new Node.Input(1, t), t);
            out.add(new Case("axpy_scalar_" + t.label(), new KernelIR(List.of(t, t), body, Optional.empty(), 1),
                    List.of(Binding.ARRAY, Binding.SCALAR)));
        }
        return out;
    }

    public static List<Case> reductions() {
        List<Case> out = new ArrayList<>();
        for (ReduceOp op : ReduceOp.values()) {
            for (DType t : NUMERIC) {
                if (op == ReduceOp.MOMENTS && t != DType.F64) {
                    continue;
                }
                Node x = new Node.Input(0, t);
                Node body = new Node.Binary(BinaryOp.MUL, x, new Node.Input(1, t), t);
                ReduceSpec spec;
                int consts = 0;
                if (op == ReduceOp.CUSTOM) {
                    Node acc = new Node.Input(0, t);
                    Node v = new Node.Input(1, t);
                    Node combine = new Node.Binary(BinaryOp.MAX, acc, new Node.Binary(BinaryOp.ADD, v,
                            new Node.Const(0, t, 0), t), t);
                    spec = new ReduceSpec(op, false, Optional.of(combine), Optional.of(new Node.Const(1, t, t.isFloating()
                            ? (t == DType.F32 ? Float.floatToRawIntBits(Float.NEGATIVE_INFINITY)
                            : Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY)) : Long.MIN_VALUE)));
                    consts = 2;
                } else {
                    spec = ReduceSpec.of(op);
                }
                out.add(new Case("reduce_" + op.name().toLowerCase() + "_" + t.label(),
                        new KernelIR(List.of(t, t), body, Optional.of(spec), consts), List.of(Binding.ARRAY, Binding.ARRAY)));
                if (op == ReduceOp.SUM && t.isFloating()) {
                    out.add(new Case("reduce_sum_compensated_" + t.label(), new KernelIR(List.of(t, t), body,
                            Optional.of(new ReduceSpec(op, true, Optional.empty(), Optional.empty())), 0),
                            List.of(Binding.ARRAY, Binding.ARRAY)));
                }
            }
        }
        return out;
    }

    private static Case map(String name, List<DType> inputs, Node body) {
        List<Binding> b = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            b.add(Binding.ARRAY);
        }
        return new Case(name, new KernelIR(inputs, body, Optional.empty(), 0), b);
    }
}
