package dev.flynn.conformance;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One map kernel and its expected result for each tuple of a pool of inputs. A run of size n feeds
 * element i the pool tuple {@code (i + shift) % poolSize}, so special values land in heads, main
 * loops and tails alike, and each element's expectation is computed once, however large n is.
 */
final class MapCase {
    private static final int MAX_REPORTED = 8;

    final String name;
    final Kernel kernel;
    private final long[][] pool;
    private final Object[] columns;
    private final DType outType;
    private final long[] expectedBits;
    private final Ulp.Ref[] refs;
    private final double bound;

    private MapCase(String name, Kernel kernel, long[][] pool, long[] expectedBits, Ulp.Ref[] refs, double bound) {
        this.name = name;
        this.kernel = kernel;
        this.pool = pool;
        this.outType = kernel.resultType();
        this.expectedBits = expectedBits;
        this.refs = refs;
        this.bound = bound;
        this.columns = new Object[pool.length];
        for (int i = 0; i < pool.length; i++) {
            columns[i] = Values.column(kernel.inputTypes().get(i), pool[i]);
        }
    }

    /** A case whose result must equal {@code expected} (bits of the result type; NaNs canonical) exactly. */
    static MapCase exact(String name, Kernel kernel, long[][] pool, ToLongFunction<long[]> expected) {
        int k = pool[0].length;
        long[] bits = new long[k];
        DType out = kernel.resultType();
        for (int j = 0; j < k; j++) {
            // results are compared with canonical NaNs: Java does not specify NaN payloads
            bits[j] = Columns.canonical(out, expected.applyAsLong(tuple(pool, j)));
        }
        return new MapCase(name, kernel, pool, bits, null, 0);
    }

    /** A case whose result must lie within {@code bound} ulps of a reference. */
    static MapCase approx(String name, Kernel kernel, long[][] pool, Function<long[], Ulp.Ref> ref, double bound) {
        int k = pool[0].length;
        Ulp.Ref[] refs = new Ulp.Ref[k];
        for (int j = 0; j < k; j++) {
            refs[j] = ref.apply(tuple(pool, j));
        }
        return new MapCase(name, kernel, pool, null, refs, bound);
    }

    private static long[] tuple(long[][] pool, int j) {
        long[] t = new long[pool.length];
        for (int i = 0; i < pool.length; i++) {
            t[i] = pool[i][j];
        }
        return t;
    }

    int poolSize() {
        return pool[0].length;
    }

    /** The inputs of a run of size {@code n}. */
    Object[] inputs(int n, int shift) {
        Object[] in = new Object[columns.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = Columns.cyclic(columns[i], n, shift);
        }
        return in;
    }

    /** Runs the kernel on {@code n} elements into an array and checks every element; returns the largest ulp distance seen. */
    double run(Flynn runtime, String backend, int n, int shift) {
        Object[] in = inputs(n, shift);
        Object out = Columns.filled(outType, n, Columns.sentinel(outType));
        runtime.into(kernel, out, in);
        assertEquals(backend, Flynn.lastBackend().orElse("none"), "the backend that ran " + name);
        return check(out, n, shift, "n=" + n + " threads=" + runtime.threads());
    }

    /** Checks {@code out[0..n)} against the expectations; returns the largest ulp distance seen. */
    double check(Object out, int n, int shift, String where) {
        int k = poolSize();
        double worst = 0;
        List<String> failures = new ArrayList<>();
        int failed = 0;
        for (int i = 0, j = Math.floorMod(shift, k); i < n; i++, j = j + 1 == k ? 0 : j + 1) {
            long got = Columns.bits(out, i);
            if (refs == null) {
                if (got != expectedBits[j]) {
                    failed++;
                    if (failures.size() < MAX_REPORTED) {
                        failures.add(describe(i, j) + " expected " + Columns.text(outType, expectedBits[j])
                                + ", got " + Columns.text(outType, got));
                    }
                }
            } else {
                double value = Columns.value(outType, got);
                double d = refs[j].distance(value);
                if (d > bound || Double.isNaN(d)) {
                    failed++;
                    if (failures.size() < MAX_REPORTED) {
                        failures.add(describe(i, j) + " expected " + refs[j].describe() + ", got "
                                + Ulp.text(value, outType) + ": " + d + " ulp, bound " + bound);
                    }
                } else if (d > worst && Double.isFinite(d)) {
                    worst = d;
                }
            }
        }
        if (failed > 0) {
            fail(name + " (" + where + "): " + failed + " of " + n + " elements wrong\n  "
                    + String.join("\n  ", failures));
        }
        return worst;
    }

    private String describe(int i, int j) {
        StringBuilder sb = new StringBuilder("element ").append(i).append(" of ").append(kernel).append(", inputs (");
        for (int c = 0; c < pool.length; c++) {
            if (c > 0) {
                sb.append(", ");
            }
            sb.append(Columns.text(kernel.inputTypes().get(c), pool[c][j]));
        }
        return sb.append("):").toString();
    }
}
