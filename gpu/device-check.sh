#!/usr/bin/env bash
# The checks a GPU machine is for, in one run, from the bundle gpu/bundle.sh writes (no JDK needed there):
#   1. the GPU test suite, each class in a JVM of its own (a device fault spoils a process's context),
#      the test that plants a fault last and alone;
#   2. compute-sanitizer memcheck and racecheck over the suites whose kernels use shared memory,
#      scans, reductions and row kernels first; alongside 1, since both only check answers;
#   3. then, alone on the machine, the benchmarks: GpuResidentBenchmark (device arrays), flynn bench
#      (host arrays, copies included, beside the CPU backends) and CuPy on the same kernels.
# Usage: flynn-gpu/device-check.sh OUT_DIR [SECONDS]; everything lands in OUT_DIR as a few text files.
# Environment: SANITIZER_SECONDS, MEMCHECK_CLASSES, RACECHECK_CLASSES (simple class names),
# JMH_BENCHMARKS (a JMH pattern), BENCH_KERNELS (flynn bench's --kernels), to narrow a rerun.
set -uo pipefail
B=$(cd "$(dirname "$0")" && pwd)
JAVA="$B/runtime/bin/java"
JOPTS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss8m)
CP="$(printf '%s:' "$B"/lib/*.jar)"
CONSOLE=$(ls "$B"/tools/junit-platform-console-standalone-*.jar)
if [ "${1:-}" = --junit-one ]; then # internal: --junit-one LOG CLASS, one class in one JVM
    cd "$B" && exec "$JAVA" "${JOPTS[@]}" -cp "$CP$CONSOLE" org.junit.platform.console.ConsoleLauncher execute --details=tree --disable-banner \
        --select-class "$3" --exclude-tag device-fault >>"$2" 2>&1
fi
OUT=$1
BUDGET=${2:-480}
START=$(date +%s)
left() { echo $((BUDGET - ($(date +%s) - START))); }
mkdir -p "$OUT"
cd "$B"

{
    date -u; uname -a; nproc; free -g | head -2
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv
    compute-sanitizer --version | head -2
    "$JAVA" -version 2>&1
} >"$OUT/machine.txt" 2>&1

junit() { # junit LOG [console args...]: one JVM
    local log=$1; shift
    "$JAVA" "${JOPTS[@]}" -cp "$CP$CONSOLE" org.junit.platform.console.ConsoleLauncher execute --details=tree --disable-banner "$@" >>"$log" 2>&1
    echo "exit $? for $*" >>"$log"
}

# 1. the suite, two lanes: conformance, and every other class in turn
mapfile -t CLASSES < "$B/test-classes.txt"
(
    for c in "${CLASSES[@]}"; do
        [ "$c" = dev.flynn.gpu.GpuConformanceTest ] && continue
        echo "=== $c" >>"$OUT/tests.log"
        timeout 240 "$0" --junit-one "$OUT/tests.log" "$c"
        echo "exit $? for $c" >>"$OUT/tests.log"
    done
    echo "=== device-fault" >>"$OUT/tests.log"
    junit "$OUT/tests.log" --select-class dev.flynn.gpu.EmulatedGpuRuntimeTest --include-tag device-fault
) &
LANE_A=$!
(
    echo "=== dev.flynn.gpu.GpuConformanceTest" >>"$OUT/conformance.log"
    timeout 200 "$0" --junit-one "$OUT/conformance.log" dev.flynn.gpu.GpuConformanceTest
    echo "exit $? for conformance" >>"$OUT/conformance.log"
) &
LANE_B=$!

# 2. sanitizers: each class in its own process, all at once (the machine has the cores), each with
#    the same deadline; a class's report is kept whole in the log
sanitize() { # sanitize TOOL LOG SECONDS CLASSES...
    local tool=$1 log=$2 secs=$3; shift 3
    local pids=() c
    for c in "$@"; do
        ( timeout "$secs" compute-sanitizer --tool "$tool" --print-limit 20 --target-processes all \
            "$JAVA" "${JOPTS[@]}" -cp "$CP$CONSOLE" org.junit.platform.console.ConsoleLauncher execute --details=summary \
            --disable-banner --select-class "$c" --exclude-tag device-fault >"$log.$c" 2>&1
          echo "exit $? for $c" >>"$log.$c" ) &
        pids+=($!)
    done
    wait "${pids[@]}"
    for c in "$@"; do echo "=== $c"; cat "$log.$c"; rm -f "$log.$c"; done >"$log"
}
SAN_SECS=${SANITIZER_SECONDS:-170}
MEMCHECK=(${MEMCHECK_CLASSES:-EmulatedGpuReductionRulesTest EmulatedGpuScanTest EmulatedGpuTopKTest EmulatedGpuScoringTest
          EmulatedGpuNdScanTest EmulatedGpuDeviceScanTest EmulatedGpuHandleTest EmulatedGpuRuntimeTest})
RACECHECK=(${RACECHECK_CLASSES:-EmulatedGpuReductionRulesTest EmulatedGpuScanTest EmulatedGpuTopKTest EmulatedGpuScoringTest})
sanitize memcheck "$OUT/memcheck.log" "$SAN_SECS" "${MEMCHECK[@]/#/dev.flynn.gpu.}" &
LANE_C=$!
sanitize racecheck "$OUT/racecheck.log" "$SAN_SECS" "${RACECHECK[@]/#/dev.flynn.gpu.}" &
LANE_D=$!
wait $LANE_A $LANE_B $LANE_C $LANE_D
echo "suite and sanitizers done after $(( $(date +%s) - START )) s" >>"$OUT/machine.txt"

# 3. benchmarks, alone
R=$(left)
if [ "$R" -gt 60 ]; then
    {
        echo "=== GpuResidentBenchmark"
        timeout $(( R * 45 / 100 )) "$JAVA" "${JOPTS[@]}" -jar "$B/benchmarks/benchmarks.jar" "${JMH_BENCHMARKS:-GpuResidentBenchmark}" \
            -wi 2 -w 300ms -i 3 -r 500ms -f 1 -rf text -rff "$OUT/jmh-gpu.txt"
        echo "exit $?"
        echo "=== CuPy"
        timeout 60 python3 "$B/benchmarks/gpu_cupy.py"
        echo "exit $?"
        echo "=== flynn bench"
        timeout $(( $(left) - 10 )) "$JAVA" "${JOPTS[@]}" -cp "$B/benchmarks/benchmarks.jar" dev.flynn.cli.FlynnCommand \
            bench --quick --backends scalar,simd,gpu,c --threads 1,16 --kernels "${BENCH_KERNELS:-saxpy,exp,sin,blackscholes,sum,dot,cumsum,rowsum,softmax}"
        echo "exit $?"
    } >"$OUT/bench.log" 2>&1
fi
echo "all done after $(( $(date +%s) - START )) s" >>"$OUT/machine.txt"
