package dev.flynn.gpu.emulator;

import dev.flynn.gpu.emulator.PtxInterpreter.Function;
import dev.flynn.gpu.emulator.PtxInterpreter.Lane;
import dev.flynn.gpu.emulator.PtxInterpreter.Memory;
import dev.flynn.gpu.emulator.PtxInterpreter.Op;
import dev.flynn.gpu.emulator.PtxInterpreter.Program;
import dev.flynn.gpu.emulator.PtxInterpreter.Trap;

import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static dev.flynn.gpu.emulator.PtxInterpreter.BAR;
import static dev.flynn.gpu.emulator.PtxInterpreter.CTAID;
import static dev.flynn.gpu.emulator.PtxInterpreter.LANEID;
import static dev.flynn.gpu.emulator.PtxInterpreter.LAUNCH_FAILED;
import static dev.flynn.gpu.emulator.PtxInterpreter.NCTAID;
import static dev.flynn.gpu.emulator.PtxInterpreter.NTID;
import static dev.flynn.gpu.emulator.PtxInterpreter.RET;
import static dev.flynn.gpu.emulator.PtxInterpreter.TID;

/**
 * Runs a kernel's threads the way a GPU schedules them, as far as results can tell: each thread has
 * its own registers; the 32 threads of a warp run one after another up to the next {@code shfl.sync},
 * which they then execute together, and the warps of a block likewise up to each {@code bar.sync}.
 * Blocks run in parallel. A shuffle or barrier that not every thread reaches stops the launch.
 */
final class PtxWarpScheduler {
    private PtxWarpScheduler() {
    }

    /**
     * Runs {@code entry} on {@code blocks} blocks of {@code threads} threads with these parameter bits.
     *
     * @throws Trap when a thread does what the hardware would fault on or leave undefined
     */
    static void launch(Program p, String entry, int blocks, int threads, long[] params, Memory memory) {
        Function f = p.functions.get(entry);
        if (f == null || !f.entry) {
            throw new Trap(LAUNCH_FAILED, "no kernel entry named " + entry + "; the module has " + p.entries());
        }
        if (params.length != f.params.size()) {
            throw new Trap(LAUNCH_FAILED, entry + " takes " + f.params.size() + " parameters, the launch gave "
                    + params.length);
        }
        if (threads % 32 != 0 || threads <= 0 || threads > 1024 || blocks <= 0) {
            throw new Trap(LAUNCH_FAILED, "bad launch shape: " + blocks + " blocks of " + threads + " threads");
        }
        AtomicReference<Trap> failed = new AtomicReference<>();
        IntStream.range(0, blocks).parallel().forEach(b -> {
            if (failed.get() != null) {
                return;
            }
            try {
                runBlock(p, f, b, blocks, threads, params, memory);
            } catch (Trap t) {
                failed.compareAndSet(null, t);
            } catch (RuntimeException e) {
                failed.compareAndSet(null, new Trap(LAUNCH_FAILED, "block " + b + ": " + e));
            }
        });
        if (failed.get() != null) {
            throw failed.get();
        }
    }

    private static final int RUNNING = 0;
    private static final int AT_BAR = 1;
    private static final int AT_SHFL = 2;
    private static final int EXITED = 3;

    private static void runBlock(Program p, Function f, int ctaid, int nctaid, int ntid, long[] params, Memory memory) {
        PtxMemoryChecker block = new PtxMemoryChecker(p.sharedBytes, memory, p.constBank);
        Lane[] lanes = new Lane[ntid];
        for (int t = 0; t < ntid; t++) {
            Lane l = new Lane(block, t);
            l.r = f.template.clone();
            l.r[TID] = t;
            l.r[NTID] = ntid;
            l.r[CTAID] = ctaid;
            l.r[NCTAID] = nctaid;
            l.r[LANEID] = t & 31;
            for (int i = 0; i < params.length; i++) {
                l.r[f.paramSlots[i]] = params[i];
            }
            lanes[t] = l;
        }
        if (!f.syncs) {
            for (Lane l : lanes) {
                if (run(f.code, l) != RET) {
                    throw new IllegalStateException("unreachable");
                }
            }
            return;
        }
        while (true) {
            for (int w = 0; w < ntid; w += 32) {
                while (true) {
                    boolean shuffle = false;
                    for (int i = w; i < w + 32; i++) {
                        Lane l = lanes[i];
                        if (l.status == RUNNING) {
                            int code = run(f.code, l);
                            l.status = code == RET ? EXITED : code == BAR ? AT_BAR : AT_SHFL;
                        }
                        shuffle |= l.status == AT_SHFL;
                    }
                    if (!shuffle) {
                        break;
                    }
                    shuffle(lanes, w, ctaid);
                }
            }
            int exited = 0;
            for (Lane l : lanes) {
                exited += l.status == EXITED ? 1 : 0;
            }
            if (exited == ntid) {
                return;
            }
            if (exited > 0) {
                throw new Trap(LAUNCH_FAILED, "block " + ctaid + ": bar.sync reached by " + (ntid - exited) + " of "
                        + ntid + " threads, the others exited: the block would hang");
            }
            block.epoch++;
            for (Lane l : lanes) {
                l.status = RUNNING;
                l.pc++;
            }
        }
    }

    /** Executes the shuffle the 32 lanes from {@code w} wait at: shfl.sync.down with a full member mask. */
    private static void shuffle(Lane[] lanes, int w, int ctaid) {
        int pc = -1;
        for (int i = w; i < w + 32; i++) {
            Lane l = lanes[i];
            if (l.status != AT_SHFL || (pc >= 0 && l.pc != pc)) {
                throw new Trap(LAUNCH_FAILED, "block " + ctaid + ", warp " + (w / 32) + ": shfl.sync with member"
                        + " mask 0xffffffff not reached by all 32 lanes at one instruction (lane " + (i - w) + " is "
                        + (l.status == EXITED ? "exited" : l.status == AT_BAR ? "at bar.sync" : "at pc " + l.pc) + ")");
            }
            pc = l.pc;
        }
        long[] values = new long[32];
        for (int i = 0; i < 32; i++) {
            values[i] = lanes[w + i].shflValue;
        }
        for (int i = 0; i < 32; i++) {
            Lane l = lanes[w + i];
            int c = l.shflClamp;
            int segmask = (c >>> 8) & 31;
            int maxLane = (i & segmask) | (c & 31 & ~segmask);
            int j = i + (l.shflDelta & 31);
            l.r[l.shflDest] = j <= maxLane ? values[j] : values[i];
            l.status = RUNNING;
            l.pc++;
        }
    }

    /** Runs a lane until it exits or reaches a barrier or a shuffle; returns RET, BAR or SHFL. */
    private static int run(Op[] code, Lane l) {
        long[] r = l.r;
        int pc = l.pc;
        while (true) {
            int next = code[pc].exec(r, l);
            if (next < 0) {
                l.pc = pc;
                return next;
            }
            pc = next;
        }
    }
}
