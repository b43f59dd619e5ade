package dev.flynn;

import dev.flynn.ir.Node;
import dev.flynn.ir.ReduceOp;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.spi.BackendProvider;
import dev.flynn.spi.Binding;
import dev.flynn.spi.CpuBackend;
import dev.flynn.spi.CpuKernel;
import dev.flynn.spi.Partial;
import dev.flynn.spi.Partials;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RecursiveAction;

/**
 * Reductions along a strided axis (the columns of a row-major matrix) that walk the data row by row:
 * a chunk of neighbouring lines is reduced at once, each row of the chunk a contiguous run of memory
 * added into rows of accumulators, so the matrix is read once, in the order it lies, and the adds run
 * across the lines in vector registers. Each line still gets exactly the operations its backend's 1-D
 * reduction performs: {@link CpuBackend#BLOCK}-element blocks, within a block the backend's
 * {@link CpuBackend#blockPartials} partials (element {@code k} of the block into partial {@code k mod P},
 * from the op's identity, folded in the halving tree), moments in two passes per block, blocks merged
 * by {@link Partials#tree}. So a line's result is bitwise that of the 1-D call on its elements, whatever
 * the thread count (threads take whole chunks of lines). A line whose state left the exponent range is
 * reduced again by that 1-D call, which rescues it.
 */
final class NdColumns {
    /**
     * Bytes of accumulators per chunk: the rows of partials stay in the core's L2 (half of a 512 KiB one)
     * while the matrix streams past. Wide chunks also make each row's run long: the prefetcher follows a
     * run within a page and restarts at every short one.
     */
    private static final int ACCUMULATOR_BYTES = 256 * 1024;
    private static final int MIN_WIDTH = 64;
    private static final int MAX_WIDTH = 8192;
    private static final System.Logger LOG = System.getLogger("dev.flynn");
    private static final Set<String> EXPLAINED = ConcurrentHashMap.newKeySet();

    /** One input as the engine reads it: element (row r, line c) is {@code offset + r * axisStride + c * lineStride}. */
    private record Operand(Object storage, DType type, long offset, long axisStride, long lineStride) {
        int at(long row, long line) {
            return (int) (offset + row * axisStride + line * lineStride);
        }
    }

    private final Flynn rt;
    private final Kernel kernel;
    private final ReduceSpec spec;
    private final DType vt;
    private final int partials;
    private final Object[] in;
    private final Operand[] ops;
    private final long rows;
    private final long lines;
    /** The input the body reads directly (itself or widened to F64), or -1 where the backend's map computes it. */
    private final int direct;
    private final CpuKernel map;
    private final long[] mapArgs;
    /** Whether the moments need their second pass (a mean of values whose squared deviations may overflow does). */
    private final boolean deviations;
    private final int width;

    private NdColumns(Flynn rt, Kernel kernel, ReduceSpec spec, int partials, Object[] in, Operand[] ops, long rows,
            long lines, int direct, CpuKernel map, long[] mapArgs) {
        this.rt = rt;
        this.kernel = kernel;
        this.spec = spec;
        this.vt = kernel.ir().body().type();
        this.partials = partials;
        this.in = in;
        this.ops = ops;
        this.rows = rows;
        this.lines = lines;
        this.direct = direct;
        this.map = map;
        this.mapArgs = mapArgs;
        Reduction.Kind kind = kernel.reduction().orElseThrow().kind();
        // F32 and integer values widened to F64 are below 2^128: their squared deviations cannot overflow, so
        // the mean's rescue test needs no second pass
        this.deviations = kind != Reduction.Kind.MEAN || direct < 0 || ops[direct].type() == DType.F64;
        int bytes = (spec.op() == ReduceOp.MOMENTS ? 1 : partials) * vt.byteSize();
        // every thread gets a chunk of its own; chunk edges on 64 lines keep the add loops unmasked
        long perThread = (Math.ceilDiv(lines, (long) Math.max(1, rt.threads())) + 63) & ~63L;
        this.width = (int) Math.min(lines, Math.min(perThread, Math.clamp(ACCUMULATOR_BYTES / bytes, MIN_WIDTH, MAX_WIDTH)));
    }

    /**
     * The results of reducing every line along {@code axis} on this path, stored as {@link NdReduce} stores
     * them, or empty where the path does not apply (the caller then reduces line by line).
     */
    static Optional<Object> reduce(Flynn rt, Kernel kernel, Object[] in, long[] shape, int axis, long lines) {
        long rows = shape[axis];
        if (rows == 0 && lines > 0 && lines <= Integer.MAX_VALUE) {
            // every line is the reduction of nothing (or has none: min throws here, as its 1-D call would)
            Partial empty = new Partial();
            ReductionFinish.empty(kernel, empty);
            Object results = java.lang.reflect.Array.newInstance(NdReduce.storedType(kernel).javaType(), (int) lines);
            NdColumns engine = new NdColumns(rt, kernel, kernel.ir().reduce().orElseThrow(), 1, in, new Operand[in.length],
                    0, lines, -1, null, null);
            for (int c = 0; c < lines; c++) {
                engine.store(results, c, empty);
            }
            return Optional.of(results);
        }
        if (rows < 2 || lines < 2 || lines > Integer.MAX_VALUE) {
            // one row or one line: the 1-D path is as fast (a row's lines are single elements)
            return Optional.empty();
        }
        ReduceSpec spec = kernel.ir().reduce().orElseThrow();
        if (spec.op() == ReduceOp.CUSTOM || spec.compensated() && kernel.ir().body().type().isFloating()) {
            explain(kernel.reduction().orElseThrow().kind() + (spec.compensated() ? " (compensated)" : ""),
                    "its backends order the steps in ways the column walk does not reproduce");
            return Optional.empty();
        }
        Operand[] ops = new Operand[in.length];
        boolean contiguousLines = false;
        for (int i = 0; i < in.length; i++) {
            if (!(in[i] instanceof NdView v)) {
                continue;
            }
            NdView b = v.broadcastTo(shape);
            if (!(b.storage() instanceof float[] || b.storage() instanceof double[] || b.storage() instanceof int[]
                    || b.storage() instanceof long[])) {
                return Optional.empty();
            }
            long lineStride = lineStride(b, axis);
            if (lineStride < 0) {
                return Optional.empty();
            }
            ops[i] = new Operand(b.storage(), b.type(), b.offset(), b.stride(axis), lineStride);
            contiguousLines |= b.stride(axis) == 1;
        }
        if (contiguousLines) {
            // the lines lie along memory (a transposed view's axis 0): the row path reads them in place
            return Optional.empty();
        }
        int direct = directInput(kernel.ir().body(), ops);
        if (direct < 0) {
            for (Operand o : ops) {
                if (o == null) {
                    // the map reads its operands as arrays; a number would need its own binding
                    explain("a kernel with a number among its inputs", "the map over a row takes arrays only");
                    return Optional.empty();
                }
            }
        }
        Object[] probe = new Object[in.length];
        for (int i = 0; i < in.length; i++) {
            probe[i] = in[i] instanceof NdView v ? java.lang.reflect.Array.newInstance(v.type().javaType(), (int) Math.min(rows, 1))
                    : in[i];
        }
        BackendProvider b = backendOf(rt, kernel, probe, rows);
        if (!(b instanceof CpuBackend cpu)) {
            return Optional.empty();
        }
        var p = cpu.blockPartials(kernel.ir());
        if (p.isEmpty()) {
            explain(b.name(), "the backend does not describe its block order");
            return Optional.empty();
        }
        CpuKernel map = null;
        long[] mapArgs = null;
        if (direct < 0) {
            Kernel m = KernelBuilder.build(kernel.inputNames(), kernel.ir().inputs(), kernel.ir().body(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
            List<Binding> bindings = Collections.nCopies(in.length, Binding.ARRAY);
            map = cpu.kernel(m.ir(), m.ir().shapeKey(), bindings, Binding.ARRAY);
            mapArgs = m.constantsShared();
        }
        NdColumns engine = new NdColumns(rt, kernel, spec, p.getAsInt(), in, ops, rows, lines, direct, map, mapArgs);
        Object results = java.lang.reflect.Array.newInstance(NdReduce.storedType(kernel).javaType(), (int) lines);
        engine.run(results);
        CallBinder.threadScratch().last = b.name();
        return Optional.of(results);
    }

    /** The backend a 1-D call of one line runs on. */
    private static BackendProvider backendOf(Flynn rt, Kernel kernel, Object[] probe, long rows) {
        CallBinder.Scratch s = CallBinder.acquire();
        try {
            dev.flynn.spi.Call call = s.call;
            CallBinder.bindInputs(kernel, probe, probe.length, call, s);
            return rt.select(kernel, call, rows, null);
        } finally {
            CallBinder.release(s);
        }
    }

    private static void explain(String what, String why) {
        if (EXPLAINED.add(what)) {
            LOG.log(System.Logger.Level.INFO, "Flynn reduces strided lines of {0} one line at a time (gathered): {1}", what, why);
        }
    }

    /**
     * The stride between neighbouring lines, where the axes other than {@code axis} merge into one
     * (row-major over them, as the results are numbered); -1 where they do not.
     */
    private static long lineStride(NdView v, int axis) {
        long stride = -1;
        long span = 1;
        for (int k = v.rank() - 1; k >= 0; k--) {
            if (k == axis || v.dim(k) == 1) {
                continue;
            }
            if (stride < 0) {
                stride = v.stride(k);
            } else if (v.stride(k) != stride * span) {
                return -1;
            }
            span *= v.dim(k);
        }
        return stride < 0 ? 1 : stride;
    }

    /** The input a body of one input (or its F64 widening) reads; -1 for any other body. */
    private static int directInput(Node body, Operand[] ops) {
        Node x = body instanceof Node.Cast c && c.type() == DType.F64 ? c.x() : body;
        return x instanceof Node.Input i && ops[i.index()] != null ? i.index() : -1;
    }

    private void run(Object results) {
        int chunks = (int) Math.ceilDiv(lines, (long) width);
        int threads = rt.threads();
        if (threads <= 1 || chunks < 2) {
            for (int k = 0; k < chunks; k++) {
                chunk(k, results);
            }
            return;
        }
        rt.pool().invoke(new Chunks(this, results, 0, chunks));
    }

    private static final class Chunks extends RecursiveAction {
        private final NdColumns engine;
        private final Object results;
        private final int lo;
        private final int hi;

        Chunks(NdColumns engine, Object results, int lo, int hi) {
            this.engine = engine;
            this.results = results;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                engine.chunk(lo, results);
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Chunks(engine, results, lo, mid), new Chunks(engine, results, mid, hi));
        }
    }

    /** Lines {@code [k * width, ...)}: every block's states, merged per line in the 1-D tree, finished. */
    private void chunk(int k, Object results) {
        long c0 = (long) k * width;
        int w = (int) Math.min(width, lines - c0);
        int blocks = (int) Math.ceilDiv(rows, (long) CpuBackend.BLOCK);
        Partial[][] states = new Partial[w][blocks];
        for (Partial[] line : states) {
            for (int b = 0; b < blocks; b++) {
                line[b] = new Partial();
            }
        }
        Rows values = new Rows(w, in.length);
        for (int b = 0; b < blocks; b++) {
            long r0 = (long) b * CpuBackend.BLOCK;
            long r1 = Math.min(rows, r0 + CpuBackend.BLOCK);
            block(values, c0, w, r0, r1, states, b);
        }
        List<Integer> rescue = new ArrayList<>();
        for (int c = 0; c < w; c++) {
            Partial[] line = states[c];
            Partials.tree(spec, vt, line, blocks, null, null);
            if (RangeRescue.needed(kernel, line[0], rows)) {
                rescue.add(c);
                continue;
            }
            store(results, (int) (c0 + c), line[0]);
        }
        for (int c : rescue) {
            rescue(results, c0 + c);
        }
    }

    private void store(Object results, int at, Partial p) {
        switch (kernel.resultType()) {
            case F32 -> ((float[]) results)[at] = (float) ReductionFinish.value(kernel, p);
            case F64 -> ((double[]) results)[at] = ReductionFinish.value(kernel, p);
            case I32 -> ((int[]) results)[at] = (int) ReductionFinish.longChecked(kernel, p);
            case I64 -> ((long[]) results)[at] = ReductionFinish.longChecked(kernel, p);
            case BOOL -> ((int[]) results)[at] = ReductionFinish.booleanChecked(kernel, p, rows) ? 1 : 0;
        }
    }

    /** One line by the 1-D call, which reruns a state that left the exponent range over scaled values. */
    private void rescue(Object results, long line) {
        Object[] args = new Object[in.length];
        for (int i = 0; i < in.length; i++) {
            args[i] = ops[i] == null ? in[i] : gatherLine(ops[i], line);
        }
        Flynn serial = rt.serial();
        int at = (int) line;
        switch (kernel.resultType()) {
            case F32 -> ((float[]) results)[at] = (float) serial.reduceDouble(kernel, args);
            case F64 -> ((double[]) results)[at] = serial.reduceDouble(kernel, args);
            default -> throw new IllegalStateException("only floating reductions are rescued");
        }
    }

    private Object gatherLine(Operand o, long line) {
        int n = (int) rows;
        return switch (o.storage()) {
            case float[] a -> {
                float[] d = new float[n];
                for (int r = 0; r < n; r++) {
                    d[r] = a[o.at(r, line)];
                }
                yield d;
            }
            case double[] a -> {
                double[] d = new double[n];
                for (int r = 0; r < n; r++) {
                    d[r] = a[o.at(r, line)];
                }
                yield d;
            }
            case int[] a -> {
                int[] d = new int[n];
                for (int r = 0; r < n; r++) {
                    d[r] = a[o.at(r, line)];
                }
                yield d;
            }
            case long[] a -> {
                long[] d = new long[n];
                for (int r = 0; r < n; r++) {
                    d[r] = a[o.at(r, line)];
                }
                yield d;
            }
            default -> throw new IllegalStateException("not an array: " + o.storage().getClass().getName());
        };
    }

    /** Rows {@code [r0, r1)} of lines {@code [c0, c0 + w)} into {@code states[c][b]}. */
    private void block(Rows values, long c0, int w, long r0, long r1, Partial[][] states, int b) {
        ReduceOp op = spec.op();
        switch (op) {
            case SUM, PROD, MIN, MAX -> {
                if (vt.isFloating()) {
                    RowFolds.Floating acc = new RowFolds.Floating(vt, op, partials, w);
                    for (long r = r0; r < r1; r++) {
                        // the row is copied first even where it could be read in place: C2 vectorizes
                        // a[c] += v[c] but not a[c] += x[at + c], whose arrays might overlap
                        values.read(this, r, c0, w);
                        acc.add((int) ((r - r0) % partials), values);
                    }
                    acc.fold();
                    for (int c = 0; c < w; c++) {
                        states[c][b].d = acc.result(c);
                    }
                } else {
                    long[] acc = new long[w];
                    Arrays.fill(acc, Partials.identity(op, vt).longValue());
                    for (long r = r0; r < r1; r++) {
                        values.read(this, r, c0, w);
                        RowFolds.integer(op, acc, values.longs, w);
                    }
                    for (int c = 0; c < w; c++) {
                        states[c][b].l = vt == DType.I32 ? (int) acc[c] : acc[c];
                    }
                }
            }
            case ARGMIN, ARGMAX -> {
                boolean min = op == ReduceOp.ARGMIN;
                for (long r = r0; r < r1; r++) {
                    values.read(this, r, c0, w);
                    for (int c = 0; c < w; c++) {
                        Partial p = states[c][b];
                        if (vt.isFloating()) {
                            double v = vt == DType.F32 ? values.floats[c] : values.doubles[c];
                            if (r == r0 || (min ? Partials.argminTakes(p.d, v) : Partials.argmaxTakes(p.d, v))) {
                                p.d = v;
                                p.index = r;
                            }
                        } else {
                            long v = values.longs[c];
                            if (r == r0 || (min ? Partials.argminTakes(p.l, v) : Partials.argmaxTakes(p.l, v))) {
                                p.l = v;
                                p.index = r;
                            }
                        }
                    }
                }
            }
            case MOMENTS -> moments(values, c0, w, r0, r1, states, b);
            case CUSTOM -> throw new IllegalStateException("custom reductions take the 1-D path");
        }
    }

    /** The block's sum, its mean, then the squared deviations from that mean: the 1-D two passes, per line. */
    private void moments(Rows values, long c0, int w, long r0, long r1, Partial[][] states, int b) {
        RowFolds.Floating sum = new RowFolds.Floating(DType.F64, ReduceOp.SUM, partials, w);
        for (long r = r0; r < r1; r++) {
            values.read(this, r, c0, w);
            sum.add((int) ((r - r0) % partials), values);
        }
        sum.fold();
        long count = r1 - r0;
        double[] mean = new double[w];
        for (int c = 0; c < w; c++) {
            mean[c] = sum.result(c) / (double) count;
        }
        double[] m2 = new double[w];
        if (deviations) {
            RowFolds.Floating dev = new RowFolds.Floating(DType.F64, ReduceOp.SUM, partials, w);
            for (long r = r0; r < r1; r++) {
                values.read(this, r, c0, w);
                dev.addSquaredDeviations((int) ((r - r0) % partials), values.doubles, mean);
            }
            dev.fold();
            for (int c = 0; c < w; c++) {
                m2[c] = dev.result(c);
            }
        }
        for (int c = 0; c < w; c++) {
            Partial p = states[c][b];
            p.n = count;
            p.mean = mean[c];
            p.m2 = m2[c];
        }
    }

    /** One row of a chunk's values, in the body's type (integers widened to long). */
    static final class Rows {
        final float[] floats;
        final double[] doubles;
        final long[] longs;
        private final int[] ints;
        private final Object[] data;
        private final long[] offsets;
        /** Per operand, a row's run gathered where it is strided across the lines. */
        private final Object[] runs;

        Rows(int w, int inputs) {
            floats = new float[w];
            doubles = new double[w];
            longs = new long[w];
            ints = new int[w];
            data = new Object[inputs];
            offsets = new long[inputs];
            runs = new Object[inputs];
        }

        void read(NdColumns e, long r, long c0, int w) {
            if (e.direct >= 0) {
                Operand o = e.ops[e.direct];
                int at = o.at(r, c0);
                int step = (int) o.lineStride();
                switch (o.storage()) {
                    case float[] a -> {
                        if (e.vt == DType.F32) {
                            copy(a, at, step, floats, w);
                        } else if (step == 1) {
                            for (int c = 0; c < w; c++) {
                                doubles[c] = a[at + c];
                            }
                        } else {
                            for (int c = 0; c < w; c++) {
                                doubles[c] = a[at + c * step];
                            }
                        }
                    }
                    case double[] a -> {
                        if (step == 1) {
                            System.arraycopy(a, at, doubles, 0, w);
                        } else {
                            for (int c = 0; c < w; c++) {
                                doubles[c] = a[at + c * step];
                            }
                        }
                    }
                    case int[] a -> {
                        if (e.vt == DType.F64) {
                            for (int c = 0; c < w; c++) {
                                doubles[c] = a[at + c * step];
                            }
                        } else {
                            for (int c = 0; c < w; c++) {
                                longs[c] = a[at + c * step];
                            }
                        }
                    }
                    case long[] a -> {
                        if (e.vt == DType.F64) {
                            for (int c = 0; c < w; c++) {
                                doubles[c] = a[at + c * step];
                            }
                        } else {
                            for (int c = 0; c < w; c++) {
                                longs[c] = a[at + c * step];
                            }
                        }
                    }
                    default -> throw new IllegalStateException("not an array");
                }
                return;
            }
            Object[] d = data;
            long[] off = offsets;
            for (int i = 0; i < e.ops.length; i++) {
                Operand o = e.ops[i];
                if (o.lineStride() == 1) {
                    d[i] = o.storage();
                    off[i] = o.at(r, c0);
                } else {
                    // strided (or broadcast) across the lines: the row's run gathered, the map reads it contiguously
                    d[i] = gathered(i, o, r, c0, w);
                    off[i] = 0;
                }
            }
            Object out = switch (e.vt) {
                case F32 -> floats;
                case F64 -> doubles;
                case I32 -> ints;
                case I64 -> longs;
                case BOOL -> throw new IllegalStateException("masks are not reduced directly");
            };
            e.map.map(d, off, out, 0, 0, w, e.mapArgs);
            if (e.vt == DType.I32) {
                for (int c = 0; c < w; c++) {
                    longs[c] = ints[c];
                }
            }
        }

        private Object gathered(int i, Operand o, long r, long c0, int w) {
            if (runs[i] == null) {
                runs[i] = java.lang.reflect.Array.newInstance(o.type().javaType(), w);
            }
            int at = o.at(r, c0);
            int step = (int) o.lineStride();
            switch (o.storage()) {
                case float[] a -> copy(a, at, step, (float[]) runs[i], w);
                case double[] a -> {
                    double[] to = (double[]) runs[i];
                    for (int c = 0; c < w; c++) {
                        to[c] = a[at + c * step];
                    }
                }
                case int[] a -> {
                    int[] to = (int[]) runs[i];
                    for (int c = 0; c < w; c++) {
                        to[c] = a[at + c * step];
                    }
                }
                case long[] a -> {
                    long[] to = (long[]) runs[i];
                    for (int c = 0; c < w; c++) {
                        to[c] = a[at + c * step];
                    }
                }
                default -> throw new IllegalStateException("not an array");
            }
            return runs[i];
        }

        private static void copy(float[] a, int at, int step, float[] to, int w) {
            if (step == 1) {
                System.arraycopy(a, at, to, 0, w);
                return;
            }
            for (int c = 0; c < w; c++) {
                to[c] = a[at + c * step];
            }
        }
    }
}
