package dev.flynn.spi;

import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelCacheTest {
    /** Compiled code stand-in: the index of its key. */
    private record Code(int id) {
    }

    /** {@code System.gc()} until an object that was only weakly reachable is gone: a full collection. */
    private static void collect() {
        WeakReference<Object> sentinel = new WeakReference<>(new Object());
        do {
            System.gc();
        } while (!sentinel.refersTo(null));
    }

    @Test
    void aHeldValueIsCompiledOnce() {
        AtomicInteger compiled = new AtomicInteger();
        KernelCache<Code> cache = new KernelCache<>();
        Code a = cache.get("a", () -> new Code(compiled.incrementAndGet()));
        for (int i = 0; i < 2 * KernelCache.RECENT + 10; i++) {
            cache.get("other " + i, () -> new Code(-1));
        }
        collect();
        assertSame(a, cache.get("a", () -> new Code(compiled.incrementAndGet())));
        assertEquals(1, compiled.get(), "compilations of a value that stayed referenced");
    }

    @Test
    void valuesNoOneHoldsAreReleasedOnceBeyondTheRecentOnes() {
        int count = KernelCache.RECENT + 300;
        int[] released = new int[count];
        KernelCache<Code> cache = new KernelCache<>(c -> {
            int id = c.id();
            return () -> released[id]++;
        });
        List<Code> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int id = i;
            Code c = cache.get("k" + i, () -> new Code(id));
            if (i % 7 == 0) {
                held.add(c);
            }
        }
        collect();
        int size = cache.size();
        assertTrue(size <= held.size() + KernelCache.RECENT, size + " values left, at most " + held.size() + " held + "
                + KernelCache.RECENT + " recent expected");
        assertTrue(size >= held.size(), size + " values left, but " + held.size() + " are still referred to");
        int releases = 0;
        for (int i = 0; i < count; i++) {
            assertTrue(released[i] <= 1, "value " + i + " released " + released[i] + " times");
            releases += released[i];
        }
        assertEquals(count - size, releases, "values that left the cache are released");
        for (Code c : held) {
            assertEquals(0, released[c.id()], "value " + c.id() + " is referred to but was released");
        }
        // a key whose value was collected compiles again
        int dropped = 1;
        assertEquals(1, released[dropped], "key k1 was neither held nor recent");
        Code again = cache.get("k" + dropped, () -> new Code(dropped));
        assertEquals(dropped, again.id());
        assertEquals(1, released[dropped], "the old value of k1 is not released twice");
    }
}
