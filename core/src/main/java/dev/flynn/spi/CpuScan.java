package dev.flynn.spi;

import dev.flynn.DType;
import dev.flynn.ir.ScanOp;

import java.util.concurrent.RecursiveAction;

/**
 * A scan on a CPU backend, in {@link ScanOp}'s block order. Pass 1, blocks in parallel: the backend's
 * own compiled map writes the block's body values into the output, and {@link ScanLoops#local} folds
 * them in place into local prefixes while the block is still in L1, keeping the block's total. Then
 * the carries, folded left to right on the calling thread. Pass 2, blocks in parallel: each block
 * after the first takes its carry. Every element belongs to one block and every block to one thread,
 * so the result is the same for any thread count, and an output that is exactly an input (in place)
 * is read before it is written.
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
        long[] totals = new long[nb];
        boolean parallel = call.threads() > 1 && n >= minParallel && nb > 1;
        java.util.function.IntConsumer pass1 = b -> {
            long start = (long) b * ScanOp.BLOCK;
            long end = Math.min(n, start + ScanOp.BLOCK);
            map.map(start, end);
            // block 0's exclusive result starts the scan; a later block's first slot is its carry ⊕ identity
            long first = b == 0 ? op.startBits(t) : op.identityBits(t);
            totals[b] = ScanLoops.local(call.out(), call.outOffset(), t, op, exclusive, start, end, first);
        };
        forBlocks(call, parallel, 0, nb, pass1);
        if (nb == 1) {
            return;
        }
        long[] carries = new long[nb];
        long carry = op.identityBits(t);
        for (int b = 0; b < nb; b++) {
            carries[b] = carry;
            carry = op.combine(t, carry, totals[b]);
        }
        forBlocks(call, parallel, 1, nb, b -> {
            long start = (long) b * ScanOp.BLOCK;
            ScanLoops.carry(call.out(), call.outOffset(), t, op, start, Math.min(n, start + ScanOp.BLOCK), carries[b]);
        });
    }

    private static void forBlocks(Call call, boolean parallel, int from, int to, java.util.function.IntConsumer block) {
        if (!parallel) {
            for (int b = from; b < to; b++) {
                block.accept(b);
            }
            return;
        }
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
