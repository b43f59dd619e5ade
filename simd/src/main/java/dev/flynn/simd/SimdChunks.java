package dev.flynn.simd;

import dev.flynn.DType;
import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.Node;
import dev.flynn.ir.Schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a body too large for one JVM method is cut into chunk methods. A method's code is limited to
 * 64 KiB and 65535 locals, and HotSpot does not JIT-compile methods over 8000 bytes of bytecode
 * ({@code -XX:+DontCompileHugeMethods}): a Vector API body of a hundred-odd operations, emitted for
 * the main loop and again for the tail, passes the second limit, thousands the first. Each chunk
 * holds {@link #CHUNK} operations, which C2 compiles with its vectors in registers; vectors that
 * cross chunks go through scratch arrays ({@code intoArray}/{@code fromArray}), one per element type
 * plus one for masks, allocated once per call.
 *
 * <p>Scratch layout, an {@code Object[]}: F32, F64, I32, I64 arrays, the mask array, then the live
 * lanes of the current step per species (all true in the main loop, the tail mask in the tail), which
 * integer division needs so that a dead lane's zero divisor does not throw.
 */
final class SimdChunks {
    /** Bodies with more operations than this are chunked. */
    static final int THRESHOLD = 120;
    /** Operations per chunk method. */
    static final int CHUNK = 64;
    /** Own math routines a kernel copies in at most; past this it calls them. */
    static final int MAX_INLINED = 256;
    /** Chunk methods per kernel class before chunks grow past {@link #CHUNK}. */
    static final int MAX_CHUNKS = 4000;
    /** The most weight one chunk method holds: its code stays below the JVM's 64 KiB per method. */
    static final int MAX_CAPACITY = 1600;
    static final int MASKS = 4;
    static final int LIVE = 5;

    final Schedule schedule;
    private final List<List<Node>> chunks;
    private final int[] scratch;
    private final int[] counts = new int[5];
    /** The species a spilled mask was computed in, recorded when its chunk is generated. */
    final DType[] homes;
    /** Whether some chunk divides integers, and so needs the live lanes. */
    final boolean divides;

    private SimdChunks(Schedule schedule, List<List<Node>> chunks, int[] scratch, boolean divides) {
        this.schedule = schedule;
        this.chunks = chunks;
        this.scratch = scratch;
        this.homes = new DType[scratch.length];
        this.divides = divides;
    }

    /**
     * The chunks of {@code root}'s body, or null when it fits one method. Operations are weighed by the
     * bytecode they emit: one of Flynn's own math routines, copied into the kernel by
     * {@link SimdInliner}, weighs as much as thirty to a hundred-odd plain operations (F32 {@code pow},
     * computed in F64 halves, about twice an F64 one), so a body holding several is cut and each routine gets a
     * chunk method of its own, which stays under HotSpot's 8000-byte compile limit.
     */
    static SimdChunks plan(Node root, boolean fastMath, boolean inlined) {
        Schedule schedule = Schedule.of(root);
        List<Node> nodes = schedule.nodes();
        int[] chunkOf = new int[nodes.size()];
        List<List<Node>> chunks = new ArrayList<>();
        int total = 0;
        for (Node n : nodes) {
            total += n instanceof Node.Input || n instanceof Node.Const ? 0 : weight(n, fastMath, inlined);
        }
        // each chunk method costs the class a few constant-pool entries, of which there are 65535: a body
        // of thousands of routines packs several into a method (still under the 64 KiB code limit), which
        // then runs interpreted rather than not at all
        int capacity = Math.min(MAX_CAPACITY, Math.max(CHUNK, Math.ceilDiv(total, MAX_CHUNKS)));
        int operations = 0;
        int filled = 0;
        boolean divides = false;
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n instanceof Node.Input || n instanceof Node.Const) {
                chunkOf[i] = -1;
                continue;
            }
            int weight = weight(n, fastMath, inlined);
            if (chunks.isEmpty() || (filled > 0 && filled + weight > capacity)) {
                chunks.add(new ArrayList<>());
                filled = 0;
            }
            chunkOf[i] = chunks.size() - 1;
            chunks.getLast().add(n);
            filled += weight;
            operations += weight;
            divides |= n instanceof Node.Binary b && (b.op() == BinaryOp.DIV || b.op() == BinaryOp.REM)
                    && b.type().isIntegral();
        }
        if (operations <= THRESHOLD) {
            return null;
        }
        boolean[] crosses = schedule.crossings(root, chunkOf);
        SimdChunks plan = new SimdChunks(schedule, chunks, new int[nodes.size()], divides);
        for (int i = 0; i < nodes.size(); i++) {
            if (!crosses[i]) {
                plan.scratch[i] = -1;
            } else {
                plan.scratch[i] = plan.counts[array(nodes.get(i).type())]++;
            }
        }
        return plan;
    }

    /** How many of the body's operations are own math routines that a kernel may copy in. */
    static int routines(Node root, boolean fastMath) {
        int count = 0;
        for (Node n : Schedule.of(root).nodes()) {
            count += routine(n, fastMath) ? 1 : 0;
        }
        return count;
    }

    private static boolean routine(Node n, boolean fastMath) {
        Optional<SimdRoutines.Routine> r = switch (n) {
            case Node.Unary u -> SimdRoutines.unary(u.op(), fastMath);
            case Node.Binary b when b.type().isFloating() -> SimdRoutines.binary(b.op(), fastMath);
            default -> Optional.empty();
        };
        return r.isPresent() && r.get().inlined();
    }

    /**
     * Plain operations weigh 1; a routine copied in its code's size in plain operations (a kernel of
     * {@link #THRESHOLD} plain operations is about 8000 bytes), from the kernels' sizes measured with
     * javap: each F64 routine, and the F32 ops computed by it on widened lanes, emit under 6000 bytes
     * and fit one kernel method alone. The F32 routines computed in float lanes are far smaller, so a
     * few of them share a method rather than pay for chunk calls: one copy of {@code cbrt} is about
     * 510 bytes, {@code exp} 550, {@code log1p} 950, {@code expm1} 1070, {@code tanh} 2230, {@code sinh} and {@code cosh}
     * 2900 (both branches of their shared code).
     */
    private static int weight(Node n, boolean fastMath, boolean inlined) {
        if (!inlined || !routine(n, fastMath)) {
            return 1;
        }
        if (n.type() == DType.F32 && n instanceof Node.Unary u) {
            switch (u.op()) {
                case EXP, EXPM1, LOG, LOG10, LOG1P, CBRT -> {
                    return 30;
                }
                case TANH -> {
                    return 70;
                }
                default -> {
                }
            }
        }
        return 90;
    }

    /** The index in the scratch {@code Object[]} of the array holding values of {@code t}. */
    static int array(DType t) {
        return switch (t) {
            case F32 -> 0;
            case F64 -> 1;
            case I32 -> 2;
            case I64 -> 3;
            case BOOL -> MASKS;
        };
    }

    /** Values of this array kind, each {@code lanes} wide. */
    int count(int array) {
        return counts[array];
    }

    int size() {
        return chunks.size();
    }

    List<Node> nodes(int chunk) {
        return chunks.get(chunk);
    }

    /** The position of the node's first lane in its scratch array, or -1 when it stays in its chunk. */
    int offset(Node n, int lanes) {
        int s = scratch[schedule.indexOf(n)];
        return s < 0 ? -1 : s * lanes;
    }
}
