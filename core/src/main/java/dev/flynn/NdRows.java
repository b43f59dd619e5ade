package dev.flynn;

import dev.flynn.spi.DevicePlace;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The row engine of n-D work: runs a task once per 1-D line along one axis of one or more views, and
 * hands it each view's line as storage Flynn's existing 1-D calls take, so every backend runs n-D
 * work through its 1-D kernels.
 *
 * <p>Use: {@link #plan} checks every operand and throws before anything is written; {@link Plan#run}
 * then calls the task for each line. All operands have the same rank. The <em>outer shape</em> is the
 * shape without {@code axis}; operands broadcast over it (an outer axis of length 1 repeats), except
 * written ones, whose outer shape must be the outer shape itself. Along {@code axis} each operand has
 * its own line length ({@link Plan#length}), so a task may read lines of {@code n} and write lines of
 * {@code k} (top-k) or of 1 (a reduction: give the output a length-1 axis there).
 * Lines are numbered {@code 0 .. lines()-1} in row-major order of the outer shape.
 *
 * <p>What a task gets as {@link Line#arg()} for each operand:
 * <ul>
 * <li>stride 1 along the axis (or a line of at most one element): the line in place, as the whole
 * array when the line is the whole array, else a {@link Slice}, a {@code MemorySegment} slice, or
 * (device views) a package-private device slice that {@code Flynn}'s calls accept like a device array;</li>
 * <li>stride 0 along the axis and use {@link Use#READ}: the element as a {@code Float}, {@code Double},
 * {@code Integer} or {@code Long}, which a 1-D call broadcasts;</li>
 * <li>any other stride: a scratch array of the line's type and exactly its length, gathered from the
 * view before the task runs ({@code READ*}) and scattered into it after ({@code WRITE},
 * {@code READ_WRITE}). A chunk of neighbouring lines is gathered together, reading the view along the
 * axis across the lines (a block of rows for column lines), so a column-major walk of a row-major
 * matrix reads each row's memory once per chunk rather than once per column.</li>
 * <li>a device view with any other stride: a slice of a device temporary of the view's backend,
 * gathered on the device before the task runs and scattered after, as above
 * ({@link DeviceViews}; a chunk of lines at evenly spaced places is one 2-D copy).</li>
 * </ul>
 *
 * <p>Threads: lines run in parallel on the runtime's pool in chunks of neighbouring lines, each line on
 * one thread with {@link Flynn#serial()} as the runtime handed to the task; where there are fewer lines
 * than threads, or memory is confined to the calling thread, lines run one after another on the caller,
 * each with the whole runtime. Which thread runs a line never changes what a 1-D call computes from it,
 * so per-line results are those of the 1-D call whatever the thread count.
 *
 * <p>Not checked here: whether a written operand shares memory with another operand other than
 * exactly element for element. Callers decide that (n-D maps compute into a temporary then).
 */
final class NdRows {
    /** A thread that is not the caller, to ask whether a segment may be used by pool workers. */
    private static final Thread OTHER_THREAD = Thread.ofPlatform().unstarted(() -> { });
    /** Largest Java array, the most a scratch line can hold. */
    private static final long MAX_SCRATCH = Integer.MAX_VALUE - 8;
    /** Elements of scratch per operand and chunk: enough lines that a gather reads whole cache lines. */
    private static final long CHUNK_ELEMENTS = 1 << 20;
    private static final int MAX_CHUNK_LINES = 256;

    private NdRows() {
    }

    /** How a task uses an operand's lines. */
    enum Use {
        /** Read; a line of stride 0 comes as a number (a broadcast operand). */
        READ,
        /** Read, always as 1-D storage: a stride-0 line is gathered into scratch like any strided line. */
        READ_ARRAY,
        /** Written by the task; a strided line is scratch scattered into the view after the task. */
        WRITE,
        /** Read and written: gathered before the task, scattered after. */
        READ_WRITE;

        boolean reads() {
            return this != WRITE;
        }

        boolean writes() {
            return this == WRITE || this == READ_WRITE;
        }
    }

    /**
     * One view and how the task uses it.
     *
     * @param view the view
     * @param use read, written, or both
     */
    record Operand(NdView view, Use use) {
        Operand {
            Objects.requireNonNull(view, "view");
            Objects.requireNonNull(use, "use");
        }
    }

    /** The work for one line. */
    @FunctionalInterface
    interface Task {
        /**
         * Runs on one line; must not keep {@code lines} or their scratch after returning.
         *
         * @param runtime the runtime for the line's 1-D calls (single-threaded when lines run in parallel)
         * @param line the line's number, row-major over the outer shape
         * @param lines each operand's line, in the order of the operands
         */
        void run(Flynn runtime, long line, Line[] lines);
    }

    /** Work over a range of lines, for runners that take the lines' storage from {@link Plan#base} themselves. */
    @FunctionalInterface
    interface Ranges {
        /**
         * Runs lines {@code [from, to)} on the calling thread.
         *
         * @param runtime the runtime for the range (single-threaded when ranges run in parallel)
         * @param from the first line
         * @param to the end of the range, exclusive
         * @return the name of the backend that ran the lines, or null
         */
        String run(Flynn runtime, long from, long to);
    }

    /** One operand's line as a 1-D call takes it. */
    static final class Line {
        private final DType type;
        private final long length;
        private Object arg;
        /** Where element 0 of {@link #arg} lives: its array or segment and index, for {@link #setDouble}. */
        private Object store;
        private long index;

        private Line(DType type, long length) {
            this.type = type;
            this.length = length;
        }

        /**
         * The line for a 1-D call: an array, {@link Slice}, {@code MemorySegment}, device slice, or a boxed number.
         *
         * @return the argument
         */
        Object arg() {
            return arg;
        }

        /**
         * The number of elements of the line.
         *
         * @return its length along the axis
         */
        long length() {
            return length;
        }

        /**
         * The element type of the operand.
         *
         * @return the view's type
         */
        DType type() {
            return type;
        }

        /**
         * Writes element 0 of the line (a reduction's result into a length-1 output line), converted to the
         * line's type as a Java cast does.
         *
         * @param v the value
         */
        void setDouble(double v) {
            switch (store) {
                case float[] a -> a[(int) index] = (float) v;
                case double[] a -> a[(int) index] = v;
                case int[] a -> a[(int) index] = (int) v;
                case long[] a -> a[(int) index] = (long) v;
                case MemorySegment m -> {
                    switch (type) {
                        case F32 -> m.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, index, (float) v);
                        case F64 -> m.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, index, v);
                        case I32 -> m.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, index, (int) v);
                        default -> m.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, index, (long) v);
                    }
                }
                default -> throw new IllegalStateException("a device line is written by its backend, not element by element");
            }
        }

        /**
         * Writes element 0 of the line from an integer, converted to the line's type as a Java cast does.
         *
         * @param v the value
         */
        void setLong(long v) {
            switch (store) {
                case float[] a -> a[(int) index] = (float) v;
                case double[] a -> a[(int) index] = (double) v;
                case int[] a -> a[(int) index] = (int) v;
                case long[] a -> a[(int) index] = v;
                case MemorySegment m -> {
                    switch (type) {
                        case F32 -> m.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, index, (float) v);
                        case F64 -> m.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, index, (double) v);
                        case I32 -> m.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, index, (int) v);
                        default -> m.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, index, v);
                    }
                }
                default -> throw new IllegalStateException("a device line is written by its backend, not element by element");
            }
        }
    }

    /**
     * Checks the operands for a walk along {@code axis}, before anything is written.
     *
     * @param axis the axis the lines run along
     * @param operands the views, all of one rank
     * @return the checked plan
     * @throws IllegalArgumentException if the ranks differ, the axis does not exist, the outer shapes do
     *     not broadcast, a written view is broadcast or reaches an element twice, or a strided host line is
     *     too long for a scratch array
     */
    static Plan plan(int axis, Operand... operands) {
        Objects.requireNonNull(operands, "operands");
        if (operands.length == 0) {
            throw new IllegalArgumentException("no operands");
        }
        int rank = operands[0].view().rank();
        for (Operand o : operands) {
            if (o.view().rank() != rank) {
                throw new IllegalArgumentException("views of shapes " + Arrays.toString(operands[0].view().shape()) + " and "
                        + Arrays.toString(o.view().shape()) + " differ in rank; broadcast them to one shape first");
            }
        }
        NdView.checkAxis(axis, rank);
        long[][] outerShapes = new long[operands.length][];
        for (int i = 0; i < operands.length; i++) {
            outerShapes[i] = without(operands[i].view().shape(), axis);
        }
        long[] outer = NdView.broadcastShape(outerShapes);
        long lines = 1;
        for (long d : outer) {
            lines = Math.multiplyExact(lines, d);
        }
        for (Operand o : operands) {
            NdView v = o.view();
            long len = v.dim(axis);
            long stride = v.stride(axis);
            if (o.use().writes()) {
                if (!Arrays.equals(without(v.shape(), axis), outer)) {
                    throw new IllegalArgumentException("a written view of shape " + Arrays.toString(v.shape())
                            + " does not cover the lines' shape " + Arrays.toString(outer) + "; outputs are not broadcast");
                }
                checkDistinct(v);
            }
            boolean device = v.storage() instanceof DeviceArray;
            boolean number = o.use() == Use.READ && stride == 0 && len > 1;
            if (!device && !number && len > 1 && stride != 1 && len > MAX_SCRATCH) {
                throw new IllegalArgumentException("a strided line of " + len + " elements does not fit a scratch array;"
                        + " lines along a strided axis may hold at most " + MAX_SCRATCH);
            }
        }
        return new Plan(axis, operands, outer, lines);
    }

    /** A write must reach each element once: sorted by stride, each axis must step past all smaller ones. */
    private static void checkDistinct(NdView v) {
        long[] shape = v.shape();
        for (long d : shape) {
            if (d == 0) {
                return;
            }
        }
        long[] strides = v.strides();
        Integer[] order = new Integer[shape.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(strides[a], strides[b]));
        long reach = 0;
        for (int i : order) {
            if (shape[i] <= 1) {
                continue;
            }
            if (strides[i] <= reach) {
                throw new IllegalArgumentException("the output view " + v + " reaches some element more than once (stride "
                        + strides[i] + " on axis " + i + "); an output needs distinct elements");
            }
            reach += strides[i] * (shape[i] - 1);
        }
    }

    /**
     * Elements {@code offset .. offset+length-1} of an array, segment or device array as a 1-D call takes
     * them: the whole array itself where they are all of it, else a {@link Slice}, a segment slice or a device slice.
     */
    static Object span(Object storage, DType type, long offset, long length) {
        return switch (storage) {
            case MemorySegment m -> m.asSlice(offset * type.byteSize(), length * type.byteSize());
            case DeviceArray d -> offset == 0 && length == d.length() ? d : new DeviceSlice(d, offset, length);
            default -> offset == 0 && length == java.lang.reflect.Array.getLength(storage) ? storage
                    : new Slice(storage, (int) offset, (int) length);
        };
    }

    static long[] without(long[] shape, int axis) {
        long[] out = new long[shape.length - 1];
        System.arraycopy(shape, 0, out, 0, axis);
        System.arraycopy(shape, axis + 1, out, axis, out.length - axis);
        return out;
    }

    /** Checked operands, ready to run. */
    static final class Plan {
        private final int axis;
        private final Operand[] ops;
        private final long[] outer;
        private final long lines;
        /** Per operand: stride along each outer axis (0 where broadcast), along the axis, and its length. */
        private final long[][] outerStrides;
        private final long[] strides;
        private final long[] lengths;
        /** Per operand: how its lines are handed over. */
        private final Kind[] kinds;
        private final boolean confined;
        private final int chunkLines;

        private enum Kind { IN_PLACE, NUMBER, SCRATCH, DEVICE }

        private Plan(int axis, Operand[] ops, long[] outer, long lines) {
            this.axis = axis;
            this.ops = ops.clone();
            this.outer = outer;
            this.lines = lines;
            int n = ops.length;
            outerStrides = new long[n][];
            strides = new long[n];
            lengths = new long[n];
            kinds = new Kind[n];
            boolean conf = false;
            long longest = 1;
            for (int i = 0; i < n; i++) {
                NdView v = ops[i].view();
                long[] shape = without(v.shape(), axis);
                long[] st = without(v.strides(), axis);
                for (int k = 0; k < st.length; k++) {
                    if (shape[k] != outer[k]) {
                        st[k] = 0;
                    }
                }
                outerStrides[i] = st;
                strides[i] = v.stride(axis);
                lengths[i] = v.dim(axis);
                kinds[i] = lengths[i] <= 1 || strides[i] == 1 ? Kind.IN_PLACE
                        : v.storage() instanceof DeviceArray ? Kind.DEVICE
                        : strides[i] == 0 && ops[i].use() == Use.READ ? Kind.NUMBER : Kind.SCRATCH;
                if (kinds[i] == Kind.SCRATCH || kinds[i] == Kind.DEVICE) {
                    longest = Math.max(longest, lengths[i]);
                }
                conf |= v.storage() instanceof MemorySegment m && !m.isAccessibleBy(OTHER_THREAD);
            }
            confined = conf;
            chunkLines = (int) Math.max(1, Math.min(MAX_CHUNK_LINES, CHUNK_ELEMENTS / longest));
        }

        /**
         * The number of lines.
         *
         * @return the product of the outer shape
         */
        long lines() {
            return lines;
        }

        /**
         * The outer shape: the broadcast shape without the axis.
         *
         * @return a copy of it
         */
        long[] outer() {
            return outer.clone();
        }

        /**
         * Operand {@code i}'s line length.
         *
         * @param i the operand's index
         * @return its length along the axis
         */
        long length(int i) {
            return lengths[i];
        }

        /**
         * Operand {@code i}'s view.
         *
         * @param i the operand's index
         * @return the view, as given to {@link #plan}
         */
        NdView view(int i) {
            return ops[i].view();
        }

        /**
         * Whether operand {@code i}'s lines are handed over in place: stride 1 along the axis, or at most one element.
         *
         * @param i the operand's index
         * @return whether its lines are neither gathered nor numbers
         */
        boolean inPlace(int i) {
            return kinds[i] == Kind.IN_PLACE;
        }

        /**
         * The storage index of element 0 of operand {@code i}'s line {@code line}.
         *
         * @param i the operand's index
         * @param line the line's number, in {@code [0, lines())}
         * @return its element offset in the view's storage
         */
        long base(int i, long line) {
            long at = ops[i].view().offset();
            long rest = line;
            long[] st = outerStrides[i];
            for (int k = outer.length - 1; k >= 0; k--) {
                at += rest % outer[k] * st[k];
                rest /= outer[k];
            }
            return at;
        }

        /**
         * Whether the lines would be shared among {@code runtime}'s threads (else they run one after another on
         * the caller, each with the whole runtime).
         *
         * @param runtime the runtime
         * @return whether there are at least as many lines as threads, more than one thread, and no confined memory
         */
        boolean splitsLines(Flynn runtime) {
            int threads = confined ? 1 : runtime.threads();
            return threads > 1 && lines >= threads;
        }

        /**
         * Calls {@code task} once per line (see the class comment for threads and what a line is).
         *
         * @param runtime the runtime whose pool and backend run the lines
         * @param task the work per line
         */
        void run(Flynn runtime, Task task) {
            if (lines == 0) {
                return;
            }
            if (!splitsLines(runtime)) {
                runLines(runtime, task, 0, lines);
                return;
            }
            String backend = runRanges(runtime, (serial, from, to) -> {
                runLines(serial, task, from, to);
                return CallBinder.lastBackend();
            });
            // the lines ran on workers: the caller's Flynn.lastBackend() names their backend
            if (backend != null) {
                CallBinder.threadScratch().last = backend;
            }
        }

        /**
         * Runs {@code ranges} over consecutive ranges of lines that cover {@code [0, lines())}, in parallel on
         * {@code runtime}'s pool where {@link #splitsLines} holds, else once over all lines on the caller.
         * Which thread runs a range never changes a line's result.
         *
         * @param runtime the runtime
         * @param ranges the work per range
         * @return what a range returned (the backend that ran it), or null
         */
        String runRanges(Flynn runtime, Ranges ranges) {
            if (lines == 0) {
                return null;
            }
            if (!splitsLines(runtime)) {
                return ranges.run(runtime, 0, lines);
            }
            // several chunks per thread so that uneven lines balance; the cut never changes a line's result
            long per = Math.max(1, Math.min(chunkLines, Math.ceilDiv(lines, 4L * runtime.threads())));
            long chunks = Math.ceilDiv(lines, per);
            ForkJoinPool pool = runtime.pool();
            Chunks all = new Chunks(runtime.serial(), ranges, per, 0, chunks);
            pool.invoke(all);
            return all.backend;
        }

        private final class Chunks extends RecursiveAction {
            private final Flynn serial;
            private final Ranges task;
            private final long per;
            private final long lo;
            private final long hi;
            /** The backend a line of this range ran on, if any. */
            private String backend;

            Chunks(Flynn serial, Ranges task, long per, long lo, long hi) {
                this.serial = serial;
                this.task = task;
                this.per = per;
                this.lo = lo;
                this.hi = hi;
            }

            @Override
            protected void compute() {
                if (hi - lo == 1) {
                    backend = task.run(serial, lo * per, Math.min(lines, (lo + 1) * per));
                    return;
                }
                long mid = (lo + hi) >>> 1;
                Chunks left = new Chunks(serial, task, per, lo, mid);
                Chunks right = new Chunks(serial, task, per, mid, hi);
                invokeAll(left, right);
                backend = left.backend != null ? left.backend : right.backend;
            }
        }

        /** Lines {@code [from, to)} on the calling thread, gathered and scattered a chunk at a time. */
        private void runLines(Flynn rt, Task task, long from, long to) {
            int n = ops.length;
            long[] idx = new long[outer.length];
            long rest = from;
            for (int k = outer.length - 1; k >= 0; k--) {
                idx[k] = rest % outer[k];
                rest /= outer[k];
            }
            long[][] base = new long[n][chunkLines];
            Object[] scratch = new Object[n];
            try {
                runLines(rt, task, from, to, idx, base, scratch);
            } finally {
                for (int i = 0; i < n; i++) {
                    if (scratch[i] instanceof DeviceArray d) {
                        d.close();
                    }
                }
            }
        }

        private void runLines(Flynn rt, Task task, long from, long to, long[] idx, long[][] base, Object[] scratch) {
            int n = ops.length;
            Line[] lineArgs = new Line[n];
            for (long start = from; start < to; start += chunkLines) {
                int count = (int) Math.min(chunkLines, to - start);
                for (int c = 0; c < count; c++) {
                    for (int i = 0; i < n; i++) {
                        long at = ops[i].view().offset();
                        for (int k = 0; k < outer.length; k++) {
                            at += idx[k] * outerStrides[i][k];
                        }
                        base[i][c] = at;
                    }
                    for (int k = outer.length - 1; k >= 0 && ++idx[k] == outer[k]; k--) {
                        idx[k] = 0;
                    }
                }
                for (int i = 0; i < n; i++) {
                    if (kinds[i] == Kind.SCRATCH) {
                        NdView v = ops[i].view();
                        if (scratch[i] == null) {
                            // one set of scratch lines for every chunk of this range: the lines of a chunk are
                            // done with before the next chunk is gathered
                            scratch[i] = Gather.scratch(v.type(), (int) Math.min(chunkLines, to - from), (int) lengths[i]);
                        }
                        if (ops[i].use().reads()) {
                            Gather.gather(v.storage(), v.type(), base[i], count, strides[i], (int) lengths[i], scratch[i]);
                        }
                    } else if (kinds[i] == Kind.DEVICE) {
                        NdView v = ops[i].view();
                        if (scratch[i] == null) {
                            scratch[i] = DeviceViews.allocate((DeviceArray) v.storage(), v.type(),
                                    Math.min(chunkLines, to - from) * lengths[i]);
                        }
                        if (ops[i].use().reads()) {
                            deviceCopy(i, base[i], count, (DeviceArray) scratch[i], true);
                        }
                    }
                }
                for (int c = 0; c < count; c++) {
                    for (int i = 0; i < n; i++) {
                        lineArgs[i] = line(i, base[i][c], scratch[i], c);
                    }
                    task.run(rt, start + c, lineArgs);
                }
                for (int i = 0; i < n; i++) {
                    if (kinds[i] == Kind.SCRATCH && ops[i].use().writes()) {
                        NdView v = ops[i].view();
                        Gather.scatter(scratch[i], v.storage(), v.type(), base[i], count, strides[i], (int) lengths[i]);
                    } else if (kinds[i] == Kind.DEVICE && ops[i].use().writes()) {
                        deviceCopy(i, base[i], count, (DeviceArray) scratch[i], false);
                    }
                }
            }
        }

        /**
         * Between {@code count} strided device lines starting at {@code bases} and the contiguous temporary
         * that holds them one after another: one 2-D copy where the lines are evenly spaced, else one per line.
         */
        private void deviceCopy(int i, long[] bases, int count, DeviceArray temp, boolean gather) {
            DeviceArray storage = (DeviceArray) ops[i].view().storage();
            long len = lengths[i];
            long step = count > 1 ? bases[1] - bases[0] : 0;
            boolean even = step >= 0;
            for (int c = 2; c < count && even; c++) {
                even = bases[c] - bases[c - 1] == step;
            }
            int copies = even ? 1 : count;
            long rows = even ? count : 1;
            for (int c = 0; c < copies; c++) {
                DevicePlace view = new DevicePlace(storage, bases[c], even ? step : 0, strides[i]);
                DevicePlace packed = new DevicePlace(temp, c * len, len, 1);
                if (gather) {
                    DeviceViews.copy(view, packed, rows, len);
                } else {
                    DeviceViews.copy(packed, view, rows, len);
                }
            }
        }

        private Line line(int i, long at, Object scratch, int c) {
            NdView v = ops[i].view();
            Line l = new Line(v.type(), lengths[i]);
            switch (kinds[i]) {
                case DEVICE -> {
                    l.arg = span(scratch, v.type(), c * lengths[i], lengths[i]);
                    l.store = l.arg;
                }
                case NUMBER -> l.arg = Gather.element(v.storage(), v.type(), at);
                case SCRATCH -> {
                    l.arg = java.lang.reflect.Array.get(scratch, c);
                    l.store = l.arg;
                    l.index = 0;
                }
                case IN_PLACE -> {
                    Object s = v.storage();
                    long len = lengths[i];
                    l.store = s;
                    l.index = at;
                    l.arg = span(s, v.type(), at, len);
                    if (l.arg instanceof MemorySegment m) {
                        l.store = m;
                        l.index = 0;
                    }
                }
            }
            return l;
        }
    }
}
