package dev.flynn.scalar;

import dev.flynn.DType;
import dev.flynn.ir.Node;
import dev.flynn.ir.Schedule;

import java.lang.classfile.CodeBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * How a body too large for one JVM method is cut into chunk methods. A method's code is limited to
 * 64 KiB, and HotSpot does not JIT-compile methods over 8000 bytes of bytecode
 * ({@code -XX:+DontCompileHugeMethods}); a kernel of a few hundred operations inlined into one loop
 * (twice, for the offset and no-offset loops) passes the second limit, thousands the first. Each
 * chunk holds {@link #CHUNK} operations, a few kilobytes of bytecode that C2 compiles as usual.
 * Values that cross chunks live in two scratch arrays allocated once per call: {@code double[]} for
 * F32 and F64 (a float widens exactly), {@code long[]} for I32, I64 and masks.
 */
final class ScalarChunks {
    /** Bodies with more operations than this are chunked. */
    static final int THRESHOLD = 200;
    /** Operations per chunk method: a few kilobytes of bytecode, well inside the 8000-byte JIT limit. */
    static final int CHUNK = 128;

    private final List<List<Node>> chunks;
    private final int[] scratch;
    private final int doubles;
    private final int longs;

    private ScalarChunks(List<List<Node>> chunks, int[] scratch, int doubles, int longs) {
        this.chunks = chunks;
        this.scratch = scratch;
        this.doubles = doubles;
        this.longs = longs;
    }

    /** The chunks of {@code root}'s body, or null when it fits one method. */
    static ScalarChunks plan(Schedule schedule, Node root) {
        List<Node> nodes = schedule.nodes();
        int[] chunkOf = new int[nodes.size()];
        List<List<Node>> chunks = new ArrayList<>();
        int operations = 0;
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n instanceof Node.Input || n instanceof Node.Const) {
                chunkOf[i] = -1;
                continue;
            }
            if (operations % CHUNK == 0) {
                chunks.add(new ArrayList<>());
            }
            chunkOf[i] = chunks.size() - 1;
            chunks.getLast().add(n);
            operations++;
        }
        if (operations <= THRESHOLD) {
            return null;
        }
        boolean[] crosses = schedule.crossings(root, chunkOf);
        int[] scratch = new int[nodes.size()];
        int doubles = 0;
        int longs = 0;
        for (int i = 0; i < nodes.size(); i++) {
            if (!crosses[i]) {
                scratch[i] = -1;
            } else if (nodes.get(i).type().isFloating()) {
                scratch[i] = doubles++;
            } else {
                scratch[i] = longs++;
            }
        }
        return new ScalarChunks(chunks, scratch, doubles, longs);
    }

    int count() {
        return chunks.size();
    }

    List<Node> nodes(int chunk) {
        return chunks.get(chunk);
    }

    /** Whether the node at schedule index {@code index} is kept in a scratch array. */
    boolean spilled(int index) {
        return scratch[index] >= 0;
    }

    /** Allocates the scratch arrays into locals {@code fs} and {@code ls}. */
    void allocate(CodeBuilder cob, int fs, int ls) {
        pushIndex(cob, Math.max(doubles, 1));
        cob.newarray(java.lang.classfile.TypeKind.DOUBLE).astore(fs);
        pushIndex(cob, Math.max(longs, 1));
        cob.newarray(java.lang.classfile.TypeKind.LONG).astore(ls);
    }

    /** Pushes the scratch value of the node at {@code index}, as a value of {@code t}. */
    void load(CodeBuilder cob, int index, DType t, int fs, int ls) {
        if (t.isFloating()) {
            cob.aload(fs);
            pushIndex(cob, scratch[index]);
            cob.daload();
            if (t == DType.F32) {
                cob.d2f();
            }
        } else {
            cob.aload(ls);
            pushIndex(cob, scratch[index]);
            cob.laload();
            if (t != DType.I64) {
                cob.l2i();
            }
        }
    }

    /** Stores the value {@code value} pushes (of type {@code t}) as the scratch value of the node at {@code index}. */
    void store(CodeBuilder cob, int index, DType t, int fs, int ls, Runnable value) {
        cob.aload(t.isFloating() ? fs : ls);
        pushIndex(cob, scratch[index]);
        value.run();
        switch (t) {
            case F32 -> cob.f2d().dastore();
            case F64 -> cob.dastore();
            case I64 -> cob.lastore();
            case I32, BOOL -> cob.i2l().lastore();
        }
    }

    /**
     * Pushes an int index without a constant-pool entry: {@code sipush} covers 16 bits, and a class has
     * at most 65535 constants, which a kernel of more slots than that would otherwise exhaust.
     */
    static void pushIndex(CodeBuilder cob, int i) {
        if (i <= Short.MAX_VALUE) {
            cob.loadConstant(i);
        } else {
            cob.sipush(i >>> 15).bipush(15).ishl().sipush(i & 0x7fff).ior();
        }
    }
}
