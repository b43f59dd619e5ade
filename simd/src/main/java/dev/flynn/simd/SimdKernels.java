package dev.flynn.simd;

import dev.flynn.DType;
import dev.flynn.ir.ReduceOp;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.spi.CpuKernel;
import dev.flynn.spi.Partial;
import dev.flynn.spi.Partials;

/** Slow paths of generated kernels, kept out of the generated code. */
final class SimdKernels {
    private SimdKernels() {
    }

    /** Reduces a range too long for int lane indices in pieces, merged in index order as core merges blocks. */
    static void reduceInPieces(CpuKernel kernel, Object[] data, long[] offsets, long start, long end, long[] args,
                               Partial result, ReduceOp op, DType type) {
        ReduceSpec spec = ReduceSpec.of(op);
        Partial piece = new Partial();
        long step = SimdCompiler.MAX_ARG_RANGE;
        kernel.reduce(data, offsets, start, Math.min(end, start + step), args, result);
        for (long from = start + step; from < end; from += step) {
            kernel.reduce(data, offsets, from, Math.min(end, from + step), args, piece);
            Partials.merge(spec, type, result, piece, kernel, args);
        }
    }
}
