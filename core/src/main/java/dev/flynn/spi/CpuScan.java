package dev.flynn.spi;

import dev.flynn.DType;
import dev.flynn.ir.ScanOp;

import java.util.concurrent.RecursiveAction;

/**
 * A scan on a CPU backend, in {@link ScanOp}'s order. Each block is first mapped into the output by
 * the backend's own compiled map and then folded in place while it is in L1 ({@link ScanLoops}). On
 * one thread that is one pass: block {@code b}'s carry is known when it is reached. On several, blocks
 * are mapped and folded in parallel, the carries folded on the calling thread, and each block after
 * the first then takes its carry, in parallel. Both give the same bits, since the order fixes every
 * rounding; every element belongs to one block and every block to one thread, and an output that is
 * exactly an input (in place) is read before it is written.
 */
final class CpuScan {
    /** Maps the kernel's body over {@code [start, end)} into the call's output. */
    @FunctionalInterface
    interface BlockMap {
        void map(long start, long end);
    }

    private CpuScan() {
    }

    static void run(Call call, ScanOp op, boolean exclusive, BlockMap map, long minParallel) {
        long n = call.n();
        DType t = call.ir().body().type();
        long blocks = (n + ScanOp.BLOCK - 1) / ScanOp.BLOCK;
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many elements for one scan: " + n);
        }
        int nb = (int) blocks;
        Object out = call.out();
        long off = call.outOffset();
        if (call.threads() <= 1 || n < minParallel || nb == 1) {
            // one pass: each block's carry is known when the block is reached, and taken while it is in L1
            long carry = 0;
            for (int b = 0; b < nb; b++) {
                long start = (long) b * ScanOp.BLOCK;
                long end = Math.min(n, start + ScanOp.BLOCK);
                map.map(start, end);
                boolean has = b > 0;
                long total = ScanLoops.block(out, off, t, op, exclusive, start, end, has, carry,
                        has ? carry : op.startBits(t));
                carry = has ? op.combine(t, carry, total) : total;
            }
            return;
        }
        long[] totals = new long[nb];
        forBlocks(call, 0, nb, b -> {
            long start = (long) b * ScanOp.BLOCK;
            long end = Math.min(n, start + ScanOp.BLOCK);
            map.map(start, end);
            // block 0's exclusive result starts the scan; a later block's first slot is carry ⊕ identity = carry
            totals[b] = ScanLoops.block(out, off, t, op, exclusive, start, end, false, 0,
                    b == 0 ? op.startBits(t) : op.identityBits(t));
        });
        long[] carries = new long[nb];
        long carry = totals[0];
        for (int b = 1; b < nb; b++) {
            carries[b] = carry;
            carry = op.combine(t, carry, totals[b]);
        }
        forBlocks(call, 1, nb, b -> {
            long start = (long) b * ScanOp.BLOCK;
            ScanLoops.carry(out, off, t, op, start, Math.min(n, start + ScanOp.BLOCK), carries[b]);
        });
    }

    private static void forBlocks(Call call, int from, int to, java.util.function.IntConsumer block) {
        int per = Math.max(1, (to - from) / (call.threads() * 4));
        call.pool().invoke(new Blocks(block, from, to, per));
    }

    private static final class Blocks extends RecursiveAction {
        private final java.util.function.IntConsumer block;
        private final int from;
        private final int to;
        private final int per;

        Blocks(java.util.function.IntConsumer block, int from, int to, int per) {
            this.block = block;
            this.from = from;
            this.to = to;
            this.per = per;
        }

        @Override
        protected void compute() {
            if (to - from <= per) {
                for (int b = from; b < to; b++) {
                    block.accept(b);
                }
                return;
            }
            int mid = (from + to) >>> 1;
            invokeAll(new Blocks(block, from, mid, per), new Blocks(block, mid, to, per));
        }
    }
}
