"""Row sums and column sums of a float32 matrix in NumPy, x.sum(axis=1) and x.sum(axis=0), timed as
microseconds per call for the BENCHMARKS.md table beside AxisSumBenchmark (JMH).

Inputs come from the same domain as the JMH benchmark: uniform in [-1, 1).
Each figure is the median, over 7 rounds, of a round's mean time per call after a warm-up.
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
    return statistics.median(rounds) * 1e6


def main(shapes):
    rng = np.random.default_rng(42)
    for rows, cols in shapes:
        x = rng.uniform(-1, 1, (rows, cols)).astype(np.float32)
        row_out = np.empty(rows, dtype=np.float32)
        col_out = np.empty(cols, dtype=np.float32)
        # the same sums in float64, to check that the timed calls compute what they claim
        if not np.allclose(x.sum(axis=1, out=row_out), x.astype(np.float64).sum(axis=1), atol=1e-2):
            raise SystemExit(f"row sums disagree at {rows}x{cols}")
        if not np.allclose(x.sum(axis=0, out=col_out), x.astype(np.float64).sum(axis=0), atol=1e-2):
            raise SystemExit(f"column sums disagree at {rows}x{cols}")
        n = rows * cols
        row_us = time_per_call(lambda: x.sum(axis=1, out=row_out), n)
        col_us = time_per_call(lambda: x.sum(axis=0, out=col_out), n)
        gbs = n * 4 / 1e3
        print(f"shape={rows}x{cols} numpy_rowsum_us={row_us:.0f} ({gbs / row_us:.1f} GB/s)"
              f" numpy_colsum_us={col_us:.0f} ({gbs / col_us:.1f} GB/s)", flush=True)


if __name__ == "__main__":
    args = [tuple(int(v) for v in a.lower().split("x")) for a in sys.argv[1:]]
    main(args or [(4096, 4096)])
