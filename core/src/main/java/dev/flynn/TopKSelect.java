package dev.flynn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinTask;

/**
 * The selection behind {@link TopK}: every element becomes a {@code long} key whose order is the
 * ranking (NaN above every number, {@code -0.0} equal to {@code 0.0}; "smallest" ranks the negated
 * float or the complemented integer), and the k best (key, index) pairs are kept with the worst at
 * the root of a heap, so that most elements are passed over after one comparison with a threshold.
 * Blocks are scanned on their own and their candidates merged; the order (larger key, then lower
 * index) is total, so the k best are one set whatever the blocks and threads.
 */
final class TopKSelect {
    /** Elements per parallel block. */
    static final int BLOCK = 1 << 16;
    /** Segment elements copied at once into a thread's scratch array, so one array loop scans both. */
    private static final int CHUNK = 4096;
    /** Stands for a pool thread: a segment of a confined arena is scanned on the calling thread only. */
    private static final Thread OTHER_THREAD = Thread.ofPlatform().unstarted(() -> { });

    private TopKSelect() {
    }

    /**
     * The k best of {@code n} elements of {@code store} (an array or a segment) from element {@code offset}.
     *
     * @param largest whether larger values rank first
     */
    static long[] select(Flynn rt, Object store, long offset, long n, DType type, int k, boolean largest) {
        int want = (int) Math.min(k, n);
        if (want == 0) {
            return new long[0];
        }
        long blocks = (n + BLOCK - 1) / BLOCK;
        int threads = store instanceof MemorySegment m && !m.isAccessibleBy(OTHER_THREAD) ? 1 : rt.threads();
        // a wide selection gains nothing from blocks: each would keep nearly as many candidates as it scans
        if (threads <= 1 || blocks < 2 || want > BLOCK / 16) {
            Heap h = new Heap(want);
            scan(store, offset, 0, n, type, largest, h);
            return h.sortedIndices();
        }
        Heap[] perBlock = new Heap[(int) blocks];
        List<ForkJoinTask<?>> tasks = new ArrayList<>();
        int workers = (int) Math.min(threads, blocks);
        for (int w = 0; w < workers; w++) {
            int first = w;
            tasks.add(ForkJoinTask.adapt(() -> {
                for (long b = first; b < blocks; b += workers) {
                    Heap h = new Heap(want);
                    long start = b * BLOCK;
                    scan(store, offset, start, Math.min(n, start + BLOCK), type, largest, h);
                    perBlock[(int) b] = h;
                }
            }));
        }
        rt.pool().invoke(ForkJoinTask.adapt(() -> ForkJoinTask.invokeAll(tasks)));
        Heap all = new Heap(want);
        for (Heap h : perBlock) {
            for (int i = 0; i < h.size; i++) {
                all.offer(h.keys[i], h.idx[i]);
            }
        }
        return all.sortedIndices();
    }

    /** Offers elements {@code [from, to)} (counted from {@code offset}) to {@code h}. */
    private static void scan(Object store, long offset, long from, long to, DType type, boolean largest, Heap h) {
        if (!(store instanceof MemorySegment seg)) {
            int o = (int) offset;
            switch (store) {
                case float[] a -> floats(a, o + (int) from, o + (int) to, from, largest, h);
                case double[] a -> doubles(a, o + (int) from, o + (int) to, from, largest, h);
                case int[] a -> ints(a, o + (int) from, o + (int) to, from, largest, h);
                case long[] a -> longs(a, o + (int) from, o + (int) to, from, largest, h);
                default -> throw new IllegalStateException("not a numeric array: " + store.getClass());
            }
            return;
        }
        Object scratch = java.lang.reflect.Array.newInstance(type.javaType(), (int) Math.min(CHUNK, to - from));
        ValueLayout layout = type.layout();
        for (long i = from; i < to; i += CHUNK) {
            int len = (int) Math.min(CHUNK, to - i);
            MemorySegment.copy(seg, layout, (offset + i) * type.byteSize(), scratch, 0, len);
            switch (scratch) {
                case float[] a -> floats(a, 0, len, i, largest, h);
                case double[] a -> doubles(a, 0, len, i, largest, h);
                case int[] a -> ints(a, 0, len, i, largest, h);
                case long[] a -> longs(a, 0, len, i, largest, h);
                default -> throw new IllegalStateException("not a numeric array: " + scratch.getClass());
            }
        }
    }

    // The scans: "smallest" ranks -v (floats; exact, and -0.0/0.0 stay equal) or ~v (integers; order
    // reversing without the overflow of -MIN). Once the heap is full, an element enters only if it ranks
    // strictly above the root: a tie comes later in index order, so it ranks below.

    private static void floats(float[] a, int from, int to, long base, boolean largest, Heap h) {
        float sign = largest ? 1f : -1f;
        int i = from;
        for (; i < to && !h.full(); i++) {
            h.offer(floatKey(sign * a[i]), base + i - from);
        }
        float thr = floatOf(h.rootKey());
        for (; i < to; i++) {
            float v = sign * a[i];
            if (v > thr || v != v) {
                if (h.offer(floatKey(v), base + i - from)) {
                    thr = floatOf(h.rootKey());
                }
            }
        }
    }

    private static void doubles(double[] a, int from, int to, long base, boolean largest, Heap h) {
        double sign = largest ? 1 : -1;
        int i = from;
        for (; i < to && !h.full(); i++) {
            h.offer(doubleKey(sign * a[i]), base + i - from);
        }
        double thr = doubleOf(h.rootKey());
        for (; i < to; i++) {
            double v = sign * a[i];
            if (v > thr || v != v) {
                if (h.offer(doubleKey(v), base + i - from)) {
                    thr = doubleOf(h.rootKey());
                }
            }
        }
    }

    private static void ints(int[] a, int from, int to, long base, boolean largest, Heap h) {
        int flip = largest ? 0 : -1;
        int i = from;
        for (; i < to && !h.full(); i++) {
            h.offer(a[i] ^ flip, base + i - from);
        }
        int thr = (int) h.rootKey();
        for (; i < to; i++) {
            int v = a[i] ^ flip;
            if (v > thr && h.offer(v, base + i - from)) {
                thr = (int) h.rootKey();
            }
        }
    }

    private static void longs(long[] a, int from, int to, long base, boolean largest, Heap h) {
        long flip = largest ? 0 : -1;
        int i = from;
        for (; i < to && !h.full(); i++) {
            h.offer(a[i] ^ flip, base + i - from);
        }
        long thr = h.rootKey();
        for (; i < to; i++) {
            long v = a[i] ^ flip;
            if (v > thr && h.offer(v, base + i - from)) {
                thr = h.rootKey();
            }
        }
    }

    /** NaN above everything; otherwise the IEEE bits made to sort as signed integers, -0.0 as 0.0. */
    static long floatKey(float v) {
        if (v != v) {
            return Long.MAX_VALUE;
        }
        int bits = Float.floatToRawIntBits(v + 0.0f);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    private static float floatOf(long key) {
        if (key == Long.MAX_VALUE) {
            return Float.NaN;
        }
        int s = (int) key;
        return Float.intBitsToFloat(s ^ ((s >> 31) & 0x7fffffff));
    }

    static long doubleKey(double v) {
        if (v != v) {
            return Long.MAX_VALUE;
        }
        long bits = Double.doubleToRawLongBits(v + 0.0);
        return bits ^ ((bits >> 63) & 0x7fffffffffffffffL);
    }

    private static double doubleOf(long key) {
        if (key == Long.MAX_VALUE) {
            return Double.NaN;
        }
        return Double.longBitsToDouble(key ^ ((key >> 63) & 0x7fffffffffffffffL));
    }

    /** At most {@code cap} (key, index) pairs, the worst (smallest key, then highest index) at the root. */
    static final class Heap {
        final long[] keys;
        final long[] idx;
        int size;

        Heap(int cap) {
            keys = new long[cap];
            idx = new long[cap];
        }

        boolean full() {
            return size == keys.length;
        }

        long rootKey() {
            return keys[0];
        }

        /** Whether (ka, ia) ranks below (kb, ib). */
        private static boolean worse(long ka, long ia, long kb, long ib) {
            return ka < kb || ka == kb && ia > ib;
        }

        /** Adds the pair if there is room or it ranks above the root; whether it was taken. */
        boolean offer(long key, long index) {
            if (size < keys.length) {
                int i = size++;
                while (i > 0) {
                    int p = (i - 1) >>> 1;
                    if (!worse(key, index, keys[p], idx[p])) {
                        break;
                    }
                    keys[i] = keys[p];
                    idx[i] = idx[p];
                    i = p;
                }
                keys[i] = key;
                idx[i] = index;
                return true;
            }
            if (!worse(keys[0], idx[0], key, index)) {
                return false;
            }
            siftDown(key, index, size);
            return true;
        }

        /** Puts (key, index) at the root and moves it down within the first {@code n} slots. */
        private void siftDown(long key, long index, int n) {
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= n) {
                    break;
                }
                if (c + 1 < n && worse(keys[c + 1], idx[c + 1], keys[c], idx[c])) {
                    c++;
                }
                if (!worse(keys[c], idx[c], key, index)) {
                    break;
                }
                keys[i] = keys[c];
                idx[i] = idx[c];
                i = c;
            }
            keys[i] = key;
            idx[i] = index;
        }

        /** Empties the heap worst first into the back of the result: the indices, best first. */
        long[] sortedIndices() {
            long[] out = new long[size];
            for (int n = size; n > 0; n--) {
                out[n - 1] = idx[0];
                siftDown(keys[n - 1], idx[n - 1], n - 1);
            }
            size = 0;
            return out;
        }
    }
}
