package dev.flynn.gpu.emulator;

import dev.flynn.gpu.emulator.PtxInterpreter.Lane;
import dev.flynn.gpu.emulator.PtxInterpreter.Memory;
import dev.flynn.gpu.emulator.PtxInterpreter.Region;
import dev.flynn.gpu.emulator.PtxInterpreter.Trap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.flynn.gpu.emulator.PtxInterpreter.ILLEGAL_ADDRESS;
import static dev.flynn.gpu.emulator.PtxInterpreter.LAUNCH_FAILED;
import static dev.flynn.gpu.emulator.PtxInterpreter.MISALIGNED_ADDRESS;
import static dev.flynn.gpu.emulator.PtxInterpreter.POISON;

/**
 * Memory as a kernel sees it, checked on every access: a global access must be naturally aligned and
 * inside one allocation, a shared or const access inside the block's or module's bytes. Shared memory
 * is per block and race-checked: two threads touching one word between two barriers, one of them
 * writing, stop the launch. Violations are {@link PtxInterpreter.Trap}s with the driver's CUresult.
 */
final class PtxMemoryChecker {
    final MemorySegment shared;
    final Memory memory;
    final MemorySegment constBank;
    final int[] writer;
    final int[] writeEpoch;
    final int[] reader;
    final int[] readEpoch;
    int epoch = 1;

    PtxMemoryChecker(int sharedBytes, Memory memory, MemorySegment constBank) {
        this.shared = MemorySegment.ofArray(new byte[Math.max(8, sharedBytes)]);
        this.shared.fill(POISON);
        this.memory = memory;
        this.constBank = constBank;
        int words = (int) ((shared.byteSize() + 3) / 4);
        writer = new int[words];
        writeEpoch = new int[words];
        reader = new int[words];
        readEpoch = new int[words];
    }

    /** A 4- or 8-byte value at {@code at}; 4-byte values zero-extended. */
    static long read(MemorySegment seg, long at, int size) {
        return size == 8 ? seg.get(ValueLayout.JAVA_LONG_UNALIGNED, at)
                : seg.get(ValueLayout.JAVA_INT_UNALIGNED, at) & 0xFFFFFFFFL;
    }

    static void write(MemorySegment seg, long at, int size, long value) {
        if (size == 8) {
            seg.set(ValueLayout.JAVA_LONG_UNALIGNED, at, value);
        } else {
            seg.set(ValueLayout.JAVA_INT_UNALIGNED, at, (int) value);
        }
    }

    static Region global(Lane t, long addr, int size) {
        if ((addr & (size - 1)) != 0) {
            throw new Trap(MISALIGNED_ADDRESS, "thread " + t.tid + ": " + size + "-byte global access at 0x"
                    + Long.toHexString(addr) + " is not " + size + "-byte aligned");
        }
        Region g = t.last;
        if (g == null || !g.holds(addr, size)) {
            g = t.block.memory.find(addr, size);
            if (g == null) {
                throw new Trap(ILLEGAL_ADDRESS, "thread " + t.tid + ": " + size + "-byte global access at 0x"
                        + Long.toHexString(addr) + " is outside every allocation");
            }
            t.last = g;
        }
        return g;
    }

    /** Bounds, alignment and race checks of a shared-memory access. */
    static void sharedAccess(Lane t, long addr, int size, boolean write) {
        PtxMemoryChecker b = t.block;
        if (addr < 0 || addr + size > b.shared.byteSize() || (addr & (size - 1)) != 0) {
            throw new Trap(ILLEGAL_ADDRESS, "thread " + t.tid + ": " + size + "-byte shared access at " + addr
                    + " outside the block's " + b.shared.byteSize() + " bytes or misaligned");
        }
        int me = t.tid + 1;
        for (long w = addr / 4; w < (addr + size + 3) / 4; w++) {
            int i = (int) w;
            boolean writtenByOther = b.writeEpoch[i] == b.epoch && b.writer[i] != me;
            // reader 0 stands for "several threads": any write after that is a race
            boolean readByOther = b.readEpoch[i] == b.epoch && b.reader[i] != me;
            if (writtenByOther || (write && readByOther)) {
                String other = writtenByOther ? "thread " + (b.writer[i] - 1) + " wrote"
                        : b.reader[i] == 0 ? "other threads read" : "thread " + (b.reader[i] - 1) + " read";
                throw new Trap(LAUNCH_FAILED, "race on shared memory word " + i + ": thread " + (me - 1) + " "
                        + (write ? "writes" : "reads") + " it after " + other + " it, with no bar.sync between");
            }
            if (write) {
                b.writer[i] = me;
                b.writeEpoch[i] = b.epoch;
            } else {
                b.reader[i] = readByOther ? 0 : me;
                b.readEpoch[i] = b.epoch;
            }
        }
    }
}
