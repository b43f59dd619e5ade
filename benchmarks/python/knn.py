"""Brute-force k-nearest-neighbour search as NumPy users write it, the yardstick of KnnBenchmark:
one float32 query against a rows x d float32 matrix, scored by `X @ q` (dot) or by
`((X - q) ** 2).sum(1)` and by the expansion `|x|^2 - 2 x.q + |q|^2` with precomputed row norms
(squared L2), then the top 10 by `np.argpartition` and a sort of those 10, timed as ms per call.

Each figure is the median, over 7 rounds, of a round's mean time per call after a warm-up. NumPy's
`X @ q` runs on its BLAS, with that library's threads (set OPENBLAS_NUM_THREADS=1 for one thread).
"""
import statistics
import sys
import time

import numpy as np

K = 10


def top_largest(scores, k):
    idx = np.argpartition(-scores, k - 1)[:k]
    return idx[np.argsort(-scores[idx], kind="stable")]


def top_smallest(scores, k):
    idx = np.argpartition(scores, k - 1)[:k]
    return idx[np.argsort(scores[idx], kind="stable")]


def time_per_call(call):
    for _ in range(3):
        call()
    rounds = []
    for _ in range(7):
        reps = 5
        start = time.perf_counter()
        for _ in range(reps):
            call()
        rounds.append((time.perf_counter() - start) / reps)
    return statistics.median(rounds) * 1e3


def main(rows, d):
    rng = np.random.default_rng(42)
    x = rng.uniform(-1, 1, (rows, d)).astype(np.float32)
    q = rng.uniform(-1, 1, d).astype(np.float32)
    norms = np.einsum("ij,ij->i", x, x)
    dot = x @ q
    reference = np.array([np.dot(x[r], q) for r in range(0, rows, max(1, rows // 100))])
    if not np.allclose(dot[:: max(1, rows // 100)], reference, rtol=1e-3, atol=1e-3):
        raise SystemExit("X @ q disagrees with the row-by-row dot")
    timings = {
        "dot_scores_ms": lambda: x @ q,
        "dot_knn_ms": lambda: top_largest(x @ q, K),
        "l2_scores_ms": lambda: ((x - q) ** 2).sum(1),
        "l2_knn_ms": lambda: top_smallest(((x - q) ** 2).sum(1), K),
        "l2_expanded_knn_ms": lambda: top_smallest(norms - 2 * (x @ q) + np.dot(q, q), K),
        "top10_ms": lambda: top_largest(dot, K),
    }
    figures = " ".join(f"{name}={time_per_call(call):.2f}" for name, call in timings.items())
    print(f"rows={rows} d={d} {figures}", flush=True)


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*(args or [100_000, 768]))
