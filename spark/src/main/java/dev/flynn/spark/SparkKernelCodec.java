package dev.flynn.spark;

import dev.flynn.DType;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.CompareOp;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.Node;
import dev.flynn.ir.ReduceOp;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.ir.Schedule;
import dev.flynn.ir.TernaryOp;
import dev.flynn.ir.UnaryOp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A kernel as bytes, so that it can travel to Spark executors: its IR, input names, reduction and
 * constants. Core's classes are not {@link java.io.Serializable}, and Java serialization would tie
 * the wire format to their private fields; this format is versioned and written field by field.
 *
 * <p>Layout (version 1, {@link DataOutputStream} encoding): magic {@code "FLYK"}, version byte,
 * arity, then per input its name and type; the reduction (kind, summation, ddof) if any; the
 * constants; the body as a node table in evaluation order, operands referring to earlier entries
 * (so a DAG stays a DAG); the reduce spec with its combine table and identity for custom reductions.
 * Enum constants are written by name, so reordering an enum in core does not change their meaning.
 * Reading rebuilds the kernel through {@link Kernel#fromIR}, which verifies the IR.
 */
public final class SparkKernelCodec {
    private static final int MAGIC = 0x464C594B; // "FLYK"
    static final int VERSION = 1;
    // bounds that no real kernel reaches; they stop corrupt input from allocating without limit
    private static final int MAX_ARITY = 1 << 10;
    private static final int MAX_NODES = 1 << 20;

    private static final byte INPUT = 0, CONST = 1, UNARY = 2, BINARY = 3, TERNARY = 4, COMPARE = 5, SELECT = 6,
            CAST = 7;

    private SparkKernelCodec() {
    }

    /**
     * The kernel as bytes; equal kernels give equal bytes.
     *
     * @param kernel the kernel
     * @return the bytes
     */
    public static byte[] encode(Kernel kernel) {
        Objects.requireNonNull(kernel, "kernel");
        KernelIR ir = kernel.ir();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeByte(VERSION);
            out.writeInt(ir.arity());
            for (int i = 0; i < ir.arity(); i++) {
                out.writeUTF(kernel.inputNames().get(i));
                out.writeUTF(ir.inputs().get(i).name());
            }
            Optional<Reduction> r = kernel.reduction();
            out.writeBoolean(r.isPresent());
            if (r.isPresent()) {
                out.writeUTF(r.get().kind().name());
                out.writeUTF(r.get().summation().name());
                out.writeInt(r.get().ddof());
            }
            long[] constants = kernel.constants();
            out.writeInt(constants.length);
            for (long c : constants) {
                out.writeLong(c);
            }
            writeGraph(out, ir.body());
            out.writeBoolean(ir.reduce().isPresent());
            if (ir.reduce().isPresent()) {
                ReduceSpec spec = ir.reduce().get();
                out.writeUTF(spec.op().name());
                out.writeBoolean(spec.compensated());
                out.writeBoolean(spec.combine().isPresent());
                if (spec.combine().isPresent()) {
                    writeGraph(out, spec.combine().get());
                    Node.Const id = spec.identity().orElseThrow();
                    out.writeInt(id.slot());
                    out.writeUTF(id.type().name());
                    out.writeLong(id.bits());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a kernel written by {@link #encode}, verifying its IR.
     *
     *
     * @param bytes bytes from {@link #encode}
     * @return the kernel
     * @throws IllegalArgumentException if the bytes are not a kernel of a version this code reads, or
     *                                  describe an ill-typed one
     */
    public static Kernel decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (bytes.length < 5 || in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a serialized Flynn kernel (no FLYK header)");
            }
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("serialized kernel has format version " + version + ", this flynn-spark"
                        + " reads version " + VERSION + ": use the same Flynn version on the driver and the executors");
            }
            int arity = bounded(in.readInt(), MAX_ARITY, "arity");
            List<String> names = new ArrayList<>(arity);
            List<DType> types = new ArrayList<>(arity);
            for (int i = 0; i < arity; i++) {
                names.add(in.readUTF());
                types.add(enumOf(DType.class, in.readUTF()));
            }
            Optional<Reduction> reduction = Optional.empty();
            if (in.readBoolean()) {
                Reduction.Kind kind = enumOf(Reduction.Kind.class, in.readUTF());
                Reduction.Summation summation = enumOf(Reduction.Summation.class, in.readUTF());
                int ddof = in.readInt();
                reduction = Optional.of(reduction(kind, summation, ddof));
            }
            int constCount = bounded(in.readInt(), MAX_NODES, "constant count");
            long[] constants = new long[constCount];
            for (int i = 0; i < constCount; i++) {
                constants[i] = in.readLong();
            }
            Node body = readGraph(in);
            Optional<ReduceSpec> spec = Optional.empty();
            if (in.readBoolean()) {
                ReduceOp op = enumOf(ReduceOp.class, in.readUTF());
                boolean compensated = in.readBoolean();
                Optional<Node> combine = Optional.empty();
                Optional<Node.Const> identity = Optional.empty();
                if (in.readBoolean()) {
                    combine = Optional.of(readGraph(in));
                    identity = Optional.of(new Node.Const(in.readInt(), enumOf(DType.class, in.readUTF()), in.readLong()));
                }
                spec = Optional.of(new ReduceSpec(op, compensated, combine, identity));
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException("serialized kernel has trailing bytes");
            }
            checkReduction(reduction, spec);
            return Kernel.fromIR(new KernelIR(types, body, spec, constCount), names, reduction, constants);
        } catch (EOFException e) {
            throw new IllegalArgumentException("serialized kernel is truncated (" + bytes.length + " bytes)", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeGraph(DataOutputStream out, Node root) throws IOException {
        Schedule s = Schedule.of(root);
        List<Node> nodes = s.nodes();
        out.writeInt(nodes.size());
        for (Node n : nodes) {
            switch (n) {
                case Node.Input in -> {
                    out.writeByte(INPUT);
                    out.writeInt(in.index());
                    out.writeUTF(in.type().name());
                }
                case Node.Const c -> {
                    out.writeByte(CONST);
                    out.writeInt(c.slot());
                    out.writeUTF(c.type().name());
                    out.writeLong(c.bits());
                }
                case Node.Unary u -> {
                    out.writeByte(UNARY);
                    out.writeUTF(u.op().name());
                    out.writeInt(s.indexOf(u.x()));
                    out.writeUTF(u.type().name());
                }
                case Node.Binary b -> {
                    out.writeByte(BINARY);
                    out.writeUTF(b.op().name());
                    out.writeInt(s.indexOf(b.a()));
                    out.writeInt(s.indexOf(b.b()));
                    out.writeUTF(b.type().name());
                }
                case Node.Ternary t -> {
                    out.writeByte(TERNARY);
                    out.writeUTF(t.op().name());
                    out.writeInt(s.indexOf(t.a()));
                    out.writeInt(s.indexOf(t.b()));
                    out.writeInt(s.indexOf(t.c()));
                    out.writeUTF(t.type().name());
                }
                case Node.Compare c -> {
                    out.writeByte(COMPARE);
                    out.writeUTF(c.op().name());
                    out.writeInt(s.indexOf(c.a()));
                    out.writeInt(s.indexOf(c.b()));
                }
                case Node.Select sel -> {
                    out.writeByte(SELECT);
                    out.writeInt(s.indexOf(sel.mask()));
                    out.writeInt(s.indexOf(sel.a()));
                    out.writeInt(s.indexOf(sel.b()));
                    out.writeUTF(sel.type().name());
                }
                case Node.Cast c -> {
                    out.writeByte(CAST);
                    out.writeInt(s.indexOf(c.x()));
                    out.writeUTF(c.type().name());
                }
            }
        }
    }

    private static Node readGraph(DataInputStream in) throws IOException {
        int count = bounded(in.readInt(), MAX_NODES, "node count");
        if (count == 0) {
            throw new IllegalArgumentException("serialized kernel has an empty expression");
        }
        Node[] nodes = new Node[count];
        for (int i = 0; i < count; i++) {
            int tag = in.readUnsignedByte();
            nodes[i] = switch (tag) {
                case INPUT -> new Node.Input(in.readInt(), enumOf(DType.class, in.readUTF()));
                case CONST -> new Node.Const(in.readInt(), enumOf(DType.class, in.readUTF()), in.readLong());
                case UNARY -> {
                    UnaryOp op = enumOf(UnaryOp.class, in.readUTF());
                    yield new Node.Unary(op, ref(nodes, in.readInt(), i), enumOf(DType.class, in.readUTF()));
                }
                case BINARY -> {
                    BinaryOp op = enumOf(BinaryOp.class, in.readUTF());
                    Node a = ref(nodes, in.readInt(), i);
                    yield new Node.Binary(op, a, ref(nodes, in.readInt(), i), enumOf(DType.class, in.readUTF()));
                }
                case TERNARY -> {
                    TernaryOp op = enumOf(TernaryOp.class, in.readUTF());
                    Node a = ref(nodes, in.readInt(), i);
                    Node b = ref(nodes, in.readInt(), i);
                    yield new Node.Ternary(op, a, b, ref(nodes, in.readInt(), i), enumOf(DType.class, in.readUTF()));
                }
                case COMPARE -> {
                    CompareOp op = enumOf(CompareOp.class, in.readUTF());
                    Node a = ref(nodes, in.readInt(), i);
                    yield new Node.Compare(op, a, ref(nodes, in.readInt(), i));
                }
                case SELECT -> {
                    Node m = ref(nodes, in.readInt(), i);
                    Node a = ref(nodes, in.readInt(), i);
                    yield new Node.Select(m, a, ref(nodes, in.readInt(), i), enumOf(DType.class, in.readUTF()));
                }
                case CAST -> {
                    Node x = ref(nodes, in.readInt(), i);
                    yield new Node.Cast(x, enumOf(DType.class, in.readUTF()));
                }
                default -> throw new IllegalArgumentException("serialized kernel has unknown node tag " + tag);
            };
        }
        return nodes[count - 1];
    }

    private static Node ref(Node[] nodes, int ref, int at) {
        if (ref < 0 || ref >= at) {
            throw new IllegalArgumentException("serialized kernel: node " + at + " refers to node " + ref
                    + ", which is not an earlier node");
        }
        return nodes[ref];
    }

    private static int bounded(int value, int max, String what) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException("serialized kernel: " + what + " " + value + " is outside 0.." + max);
        }
        return value;
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String name) {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("serialized kernel: unknown " + type.getSimpleName() + " '" + name
                    + "'; use the same Flynn version on the driver and the executors", e);
        }
    }

    private static Reduction reduction(Reduction.Kind kind, Reduction.Summation summation, int ddof) {
        return switch (kind) {
            case SUM -> Reduction.sum(summation);
            case PROD -> Reduction.prod();
            case MIN -> Reduction.min();
            case MAX -> Reduction.max();
            case ARGMIN -> Reduction.argmin();
            case ARGMAX -> Reduction.argmax();
            case MEAN -> Reduction.mean();
            case VARIANCE -> Reduction.variance(ddof);
            case STD -> Reduction.std(ddof);
            case NORM1 -> Reduction.norm1();
            case NORM2 -> Reduction.norm2();
            case NORM_INF -> Reduction.normInf();
            case COUNT -> Reduction.count();
            case ANY -> Reduction.any();
            case ALL -> Reduction.all();
            // the combine expression and identity travel in the IR's ReduceSpec, which is what runs;
            // the Reduction only names the kind, so its lambda is never called
            case CUSTOM -> Reduction.custom(0.0, (acc, value) -> {
                throw new UnsupportedOperationException("a kernel read from bytes carries its combine in its IR");
            });
        };
    }

    // Kernel.fromIR trusts the Reduction to describe the spec; bytes from elsewhere must agree with it
    private static void checkReduction(Optional<Reduction> reduction, Optional<ReduceSpec> spec) {
        if (reduction.isPresent() != spec.isPresent()) {
            throw new IllegalArgumentException("serialized kernel: reduction " + reduction.map(Object::toString).orElse("none")
                    + " does not match reduce spec " + spec.map(s -> s.op().name()).orElse("none"));
        }
        if (reduction.isPresent()) {
            Reduction r = reduction.get();
            ReduceSpec s = spec.get();
            boolean compensated = r.summation() == Reduction.Summation.COMPENSATED;
            if (r.op() != s.op() || compensated != s.compensated()) {
                throw new IllegalArgumentException("serialized kernel: reduction " + r + " does not match reduce spec "
                        + s.op() + (s.compensated() ? " (compensated)" : ""));
            }
        }
    }
}
