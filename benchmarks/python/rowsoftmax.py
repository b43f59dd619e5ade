"""The NumPy yardsticks of RowKernelBenchmark on a float32 matrix: row softmax
(e = np.exp(x - x.max(1, keepdims=True)); e / e.sum(1, keepdims=True)) and RMS norm
(x / np.sqrt((x * x).mean(1, keepdims=True) + eps) * g), timed as ms per call for BENCHMARKS.md.

Inputs come from the same domain as the JMH benchmark: x uniform in [-10, 10), g uniform in [0.5, 1.5).
Each figure is the median, over 7 rounds, of a round's mean time per call after a warm-up.
"""
import statistics
import sys
import time

import numpy as np

EPS = np.float32(1e-6)


def softmax(x):
    e = np.exp(x - x.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def rms_norm(x, g):
    return x / np.sqrt((x * x).mean(1, keepdims=True) + EPS) * g


def time_per_call(call):
    for _ in range(2):
        call()
    rounds = []
    for _ in range(7):
        start = time.perf_counter()
        reps = 3
        for _ in range(reps):
            call()
        rounds.append((time.perf_counter() - start) / reps)
    return statistics.median(rounds) * 1e3


def main(rows, cols):
    rng = np.random.default_rng(42)
    x = rng.uniform(-10, 10, (rows, cols)).astype(np.float32)
    g = rng.uniform(0.5, 1.5, cols).astype(np.float32)
    p = softmax(x)
    if p.dtype != np.float32 or not np.allclose(p.sum(1), 1, rtol=1e-4):
        raise SystemExit("softmax rows do not sum to 1")
    print(f"shape={rows}x{cols} threads=numpy", flush=True)
    print(f"softmax_ms={time_per_call(lambda: softmax(x)):.2f}", flush=True)
    print(f"rms_norm_ms={time_per_call(lambda: rms_norm(x, g)):.2f}", flush=True)


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]] or [4096, 4096]
    main(args[0], args[1] if len(args) > 1 else args[0])
