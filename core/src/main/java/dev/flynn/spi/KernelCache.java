package dev.flynn.spi;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A backend's compiled kernels by cache key, shared by every kernel of one shape but owned by none.
 * Each {@code Kernel} keeps the compiled code it ran; this cache refers to it weakly, and strongly only
 * to the {@link #RECENT} most recently used entries (so that a kernel rebuilt in a loop is not compiled
 * again). Once no kernel refers to compiled code and it has left the recent ones, the garbage
 * collector takes it: a hidden class unloads, a C library closes, and a GPU module is released by the
 * {@code release} action given here. A program that builds kernels from user input therefore holds
 * the compiled code of the kernels it keeps, plus at most {@link #RECENT} more per backend.
 *
 * @param <V> the compiled code
 */
public final class KernelCache<V> {
    /** The system property that sets {@link #RECENT}. */
    public static final String RECENT_PROPERTY = "flynn.cache.recent";
    /** Compiled kernels each backend keeps while no kernel refers to them: {@value #RECENT_PROPERTY}, default 64. */
    public static final int RECENT = Math.max(0, Integer.getInteger(RECENT_PROPERTY, 64));

    private final ConcurrentHashMap<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private final ReferenceQueue<V> collected = new ReferenceQueue<>();
    private final Function<? super V, ? extends Runnable> release;
    /** Strong references to the most recently used values, eldest first. Guarded by itself. */
    private final LinkedHashMap<String, V> recent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
            return size() > RECENT;
        }
    };

    /** A weakly held value and what releases its resources once it is collected, run at most once. */
    private static final class Entry<V> extends WeakReference<V> {
        final String key;
        private Runnable release;

        Entry(String key, V value, ReferenceQueue<? super V> queue, Runnable release) {
            super(value, queue);
            this.key = key;
            this.release = release;
        }

        void release() {
            Runnable r;
            synchronized (this) {
                r = release;
                release = null;
            }
            if (r != null) {
                r.run();
            }
        }
    }

    /** Creates a cache of values that hold nothing beyond what the garbage collector reclaims (hidden classes, say). */
    public KernelCache() {
        this(v -> null);
    }

    /**
     * Creates a cache that runs {@code release.apply(v)} once {@code v} has been collected. The action
     * must not refer to {@code v}, or {@code v} would never be collected.
     *
     * @param release gives, for a value, the action that frees what it holds outside the heap (or null)
     */
    public KernelCache(Function<? super V, ? extends Runnable> release) {
        this.release = Objects.requireNonNull(release, "release");
    }

    /**
     * The value for {@code key}, compiled once while it is held.
     *
     * @param key     the cache key: shape and bindings
     * @param compile makes the value when none is held
     * @return the held or newly compiled value
     */
    public V get(String key, Supplier<? extends V> compile) {
        expunge();
        Entry<V> e = entries.get(key);
        V v = e == null ? null : e.get();
        if (v == null) {
            Object[] made = new Object[1];
            entries.compute(key, (k, old) -> {
                V live = old == null ? null : old.get();
                if (live != null) {
                    made[0] = live;
                    return old;
                }
                if (old != null) {
                    old.release();
                }
                V fresh = Objects.requireNonNull(compile.get(), "compiled kernel");
                made[0] = fresh;
                return new Entry<>(k, fresh, collected, release.apply(fresh));
            });
            @SuppressWarnings("unchecked")
            V got = (V) made[0];
            v = got;
        }
        if (RECENT > 0) {
            synchronized (recent) {
                recent.put(key, v);
            }
        }
        return v;
    }

    /**
     * The number of values held now; those already collected are released first.
     *
     * @return the number of values held
     */
    public int size() {
        expunge();
        int live = 0;
        for (Entry<V> e : entries.values()) {
            if (e.refersTo(null)) {
                drop(e);
            } else {
                live++;
            }
        }
        return live;
    }

    @SuppressWarnings("unchecked")
    private void expunge() {
        for (Reference<? extends V> r; (r = collected.poll()) != null; ) {
            drop((Entry<V>) r);
        }
    }

    private void drop(Entry<V> e) {
        entries.remove(e.key, e);
        e.release();
    }
}
