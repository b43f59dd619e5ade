"""The yardstick of ScanBenchmark and of `flynn bench --kernels cumsum`: np.cumsum of float32, into a
preallocated array (out=) and allocating, timed as ns per call for the BENCHMARKS.md table.

Inputs: uniform in [-1, 1), as ScanBenchmark draws them. NumPy's cumsum runs on one thread, in index
order (float32 accumulated in float32). Each figure is the median, over 7 rounds, of a round's mean
time per call after a warm-up.
"""
import statistics
import sys
import time

import numpy as np


def time_per_call(call, n):
    # About 0.3 s per round whatever n is, so small sizes repeat enough to swamp the timer.
    reps = max(3, int(3e8 / max(n, 1) / 20))
    for _ in range(max(3, reps // 10)):
        call()
    rounds = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(reps):
            call()
        rounds.append((time.perf_counter() - start) / reps)
    return statistics.median(rounds) * 1e9


def main(sizes):
    rng = np.random.default_rng(42)
    for n in sizes:
        x = rng.uniform(-1, 1, n).astype(np.float32)
        out = np.empty(n, dtype=np.float32)
        np.cumsum(x, out=out)
        if out.dtype != np.float32 or (n > 0 and not np.isclose(out[-1], x.sum(dtype=np.float64), atol=1e-2 * n ** 0.5)):
            raise SystemExit(f"np.cumsum gave an unexpected result at n={n}")
        into_ns = time_per_call(lambda: np.cumsum(x, out=out), n)
        alloc_ns = time_per_call(lambda: np.cumsum(x), n)
        print(f"n={n} numpy_cumsum_out_ns={into_ns:.0f} numpy_cumsum_ns={alloc_ns:.0f}"
              f" numpy_cumsum_out_gelems={n / into_ns:.3f}", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [4096, 16777216])
