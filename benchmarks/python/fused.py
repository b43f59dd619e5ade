"""The fused map of FusedMathBenchmark, where(x > 0, sqrt(x)*exp(-y), log1p(abs(x))) on float32,
in Numba (fastmath=True, one thread) and NumPy, timed as ns per call for the BENCHMARKS.md table.

Inputs come from the same domains as the JMH benchmark: x uniform in [-10, 10), y in [0, 5).
Each figure is the median, over 7 rounds, of a round's mean time per call after a warm-up.
"""
import statistics
import sys
import time

import numpy as np
from numba import njit


@njit(fastmath=True)
def fused_numba(x, y, out):
    for i in range(x.shape[0]):
        xi = x[i]
        if xi > np.float32(0):
            out[i] = np.sqrt(xi) * np.exp(-y[i])
        else:
            out[i] = np.log1p(np.abs(xi))


def fused_numpy(x, y):
    with np.errstate(invalid="ignore"):
        return np.where(x > 0, np.sqrt(x) * np.exp(-y), np.log1p(np.abs(x)))


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
        x = rng.uniform(-10, 10, n).astype(np.float32)
        y = rng.uniform(0, 5, n).astype(np.float32)
        out = np.empty(n, dtype=np.float32)
        fused_numba(x, y, out)
        expected = fused_numpy(x, y)
        if not np.allclose(out, expected, rtol=1e-5, atol=1e-6):
            raise SystemExit(f"numba and numpy disagree at n={n}")
        numba_ns = time_per_call(lambda: fused_numba(x, y, out), n)
        numpy_ns = time_per_call(lambda: fused_numpy(x, y), n)
        print(f"n={n} numba_fastmath_ns={numba_ns:.0f} numpy_ns={numpy_ns:.0f}", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [4096, 16777216])
