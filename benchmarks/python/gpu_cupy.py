"""The yardstick for GpuResidentBenchmark: the same catalog kernels in CuPy on device arrays of the
same sizes, float32. Maps are CuPy ElementwiseKernels (one fused launch, as Flynn's), written out to a
preallocated output; sum and dot are cupy.sum and cupy.dot. Each call is followed by a device
synchronisation, as Flynn's synchronous launch is, and each figure is the median over 5 rounds of a
round's mean time per call, in microseconds.

    python3 gpu_cupy.py [n ...]      (default 1048576 16777216 134217728)
"""
import statistics
import sys
import time

import cupy as cp

RATE = 0.02
VOL = 0.30

MAPS = {
    "saxpy": ("float32 x, float32 y", "out = 2.5f * x + y"),
    "exp": ("float32 x", "out = expf(x)"),
    "sin": ("float32 x", "out = sinf(x)"),
    "blackscholes": ("float32 s, float32 k, float32 t", f"""
        float vst = sqrtf(t) * {VOL}f;
        float d1 = (logf(s / k) + t * {RATE + 0.5 * VOL * VOL}f) / vst;
        float d2 = d1 - vst;
        out = s * ncdf(d1) - k * expf(t * -{RATE}f) * ncdf(d2);
    """),
}

PREAMBLE = """
__device__ float ncdf(float x) {
    float ax = fabsf(x);
    float k = 1.0f / (ax * 0.2316419f + 1.0f);
    float poly = ((((k * 1.330274429f - 1.821255978f) * k + 1.781477937f) * k - 0.356563782f) * k + 0.319381530f) * k;
    float upper = 1.0f - expf(ax * ax * -0.5f) * 0.3989422804014327f * poly;
    return x >= 0.0f ? upper : 1.0f - upper;
}
"""

DOMAINS = {
    "saxpy": [(-1, 1), (-1, 1)], "exp": [(-20, 20)], "sin": [(-100, 100)],
    "blackscholes": [(10, 100), (10, 100), (0.1, 2)], "sum": [(-1, 1)], "dot": [(-1, 1), (-1, 1)],
}


def per_call_us(call, n):
    reps = max(5, min(2000, int(4e9 / max(n, 1) / 40)))
    for _ in range(3):
        call()
    cp.cuda.Device().synchronize()
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(reps):
            call()
            cp.cuda.Device().synchronize()
        rounds.append((time.perf_counter() - start) / reps * 1e6)
    return statistics.median(rounds)


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1 << 20, 1 << 24, 1 << 27]
    rng = cp.random.default_rng(42)
    print(f"cupy {cp.__version__}, device {cp.cuda.runtime.getDeviceProperties(0)['name'].decode()}")
    print(f"{'kernel':14s} {'n':>11s} {'us/call':>10s} {'GB/s':>8s}")
    for name in ["saxpy", "exp", "sin", "blackscholes", "sum", "dot"]:
        for n in sizes:
            ins = [rng.uniform(lo, hi, n, dtype=cp.float32) for lo, hi in DOMAINS[name]]
            if name in MAPS:
                params, body = MAPS[name]
                k = cp.ElementwiseKernel(params, "float32 out", body, "flynn_" + name, preamble=PREAMBLE)
                out = cp.empty(n, dtype=cp.float32)
                us = per_call_us(lambda: k(*ins, out), n)
                moved = 4 * n * (len(ins) + 1)
            elif name == "sum":
                us = per_call_us(lambda: float(cp.sum(ins[0])), n)
                moved = 4 * n
            else:
                us = per_call_us(lambda: float(cp.dot(ins[0], ins[1])), n)
                moved = 8 * n
            print(f"{name:14s} {n:11d} {us:10.2f} {moved / us / 1e3:8.1f}", flush=True)
            del ins


if __name__ == "__main__":
    main()
