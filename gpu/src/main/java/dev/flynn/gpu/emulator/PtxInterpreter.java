package dev.flynn.gpu.emulator;

import dev.flynn.gpu.ptx.PtxGenerator;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs PTX on the CPU: the instruction subset {@link PtxGenerator} writes, with the semantics the PTX
 * ISA gives them, so that the generated kernels (their math, indexing, shuffles, barriers and error
 * flag) are checked where no GPU exists. Each thread has its own registers; the threads of a warp
 * run one after another up to the next {@code shfl.sync}, which they then execute together, and the
 * warps of a block likewise up to each {@code bar.sync}. Blocks run in parallel.
 *
 * <p>It is strict where hardware is undefined: a global access outside every allocation or not
 * naturally aligned, a shuffle that not all 32 lanes reach, a barrier that not every thread of the
 * block reaches, and two threads touching the same shared-memory word between two barriers with at
 * least one of them writing (a race) all stop the launch with a {@link Trap}. That makes it a
 * memcheck and a shared-memory racecheck too. Fresh device and shared memory is filled with
 * {@code 0xA5} bytes, so reading what was never written shows up as wrong results.
 *
 * <p>Exact instructions ({@code .rn} arithmetic, {@code fma}, {@code sqrt.rn}, {@code div.rn},
 * conversions) give the bits the hardware gives, NaN results being the canonical NaN. The
 * {@code .approx} instructions of fast mode are computed from {@code java.lang.Math}: their results
 * are close to, not the same as, the hardware's.
 *
 * <p>This class holds what the parts share (a parsed {@link Program}, a thread's {@link Lane}, the
 * {@link Trap}) and is their entry point. {@link PtxParser} reads the text and decodes each
 * instruction into the {@code dev.flynn.gpu.ptx} enums, {@link PtxInstructionSet} with
 * {@link PtxArithmetic} and {@link PtxConversions} gives each its semantics, {@link PtxWarpScheduler}
 * runs warps and blocks, and {@link PtxMemoryChecker} checks every access.
 */
public final class PtxInterpreter {
    /** CUresult values the traps carry, as the driver reports them. */
    public static final int ILLEGAL_ADDRESS = 700;
    public static final int ILLEGAL_INSTRUCTION = 715;
    public static final int MISALIGNED_ADDRESS = 716;
    public static final int LAUNCH_FAILED = 719;

    static final int RET = -1;
    static final int BAR = -2;
    static final int SHFL = -3;
    /** Register slots every function reserves: %tid.x, %ntid.x, %ctaid.x, %nctaid.x, %laneid. */
    static final int TID = 0;
    static final int NTID = 1;
    static final int CTAID = 2;
    static final int NCTAID = 3;
    static final int LANEID = 4;
    static final int RESERVED = 5;
    public static final byte POISON = (byte) 0xA5;


    /** The launch stopped: what the driver would report as {@link #result}, with what happened. */
    public static final class Trap extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final int result;

        Trap(int result, String message) {
            super(message);
            this.result = result;
        }
    }

    /** Device memory as the interpreter sees it: finds the allocation holding an address. */
    public interface Memory {
        /** The allocation holding {@code [address, address + size)}, or null. */
        Region find(long address, int size);
    }

    /** One allocation: its first address and its bytes. */
    public record Region(long base, MemorySegment bytes) {
        boolean holds(long address, int size) {
            return address >= base && address - base + size <= bytes.byteSize();
        }
    }

    /** A parsed module: its functions and its const and shared arrays. */
    public static final class Program {
        final Map<String, Function> functions = new HashMap<>();
        final Map<String, Long> constOffsets = new HashMap<>();
        final Map<String, Long> sharedOffsets = new HashMap<>();
        MemorySegment constBank = MemorySegment.ofArray(new byte[0]);
        int sharedBytes;

        /** The names of the kernel entries. */
        public List<String> entries() {
            return functions.values().stream().filter(f -> f.entry).map(f -> f.name).sorted().toList();
        }
    }

    /** A function: compiled instructions over a register file whose first slots are fixed values. */
    static final class Function {
        final String name;
        final boolean entry;
        final List<String> params = new ArrayList<>();
        String returnParam;
        final Map<String, Integer> slots = new HashMap<>();
        final List<Long> constants = new ArrayList<>();
        Op[] code;
        long[] template;
        int[] paramSlots;
        int returnSlot = -1;
        boolean syncs;

        Function(String name, boolean entry) {
            this.name = name;
            this.entry = entry;
        }

        int slot(String name) {
            return slots.computeIfAbsent(name, k -> RESERVED + slots.size());
        }

        int constant(long bits) {
            int s = slot("#" + constants.size());
            constants.add(bits);
            return s;
        }
    }

    /** One instruction: runs on a lane's registers and gives the next pc, or RET, BAR, SHFL. */
    @FunctionalInterface
    interface Op {
        int exec(long[] r, Lane t);
    }

    /** The state of one thread. */
    static final class Lane {
        long[] r;
        int pc;
        int status;
        boolean carry;
        Region last;
        final PtxMemoryChecker block;
        final int tid;
        // a pending shuffle: its source value, lane offset, clamp and destination
        long shflValue;
        int shflDelta;
        int shflClamp;
        int shflDest;

        Lane(PtxMemoryChecker block, int tid) {
            this.block = block;
            this.tid = tid;
        }
    }

    private PtxInterpreter() {
    }

    /**
     * Parses a module as the generator writes it; anything else is rejected with the statement quoted.
     *
     * @param ptx the module's text
     * @return the module, ready to launch
     */
    public static Program parse(String ptx) {
        return PtxParser.parse(ptx);
    }

    /**
     * Runs {@code entry} on {@code blocks} blocks of {@code threads} threads with these parameter bits.
     *
     * @throws Trap when a thread does what the hardware would fault on or leave undefined
     */
    public static void launch(Program p, String entry, int blocks, int threads, long[] params, Memory memory) {
        PtxWarpScheduler.launch(p, entry, blocks, threads, params, memory);
    }
}
