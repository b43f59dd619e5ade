#!/usr/bin/env bash
# Builds gpu/bundle/flynn-gpu.tgz: a jlink runtime (with jdk.incubator.vector), Flynn's jars, JCuda and
# its natives, the GPU test classes, the JUnit console launcher, the benchmarks jar and device-check.sh.
# On a machine with only the NVIDIA
# driver:  tar xzf flynn-gpu.tgz && flynn-gpu/run-tests.sh
set -euo pipefail
cd "$(dirname "$0")/.."
JDK=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JUNIT_CONSOLE=org.junit.platform:junit-platform-console-standalone:1.11.4
OUT=$(pwd)/gpu/bundle
DIST=$OUT/flynn-gpu
rm -rf "$DIST" "$OUT/flynn-gpu.tgz"
mkdir -p "$DIST/lib"

mvn -q -pl gpu -am install -DskipTests
mvn -q -pl gpu test-compile
mvn -q -pl gpu dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$DIST/lib"
cp gpu/target/flynn-gpu-*.jar "$DIST/lib/"
"$JDK/bin/jar" --create --file "$DIST/lib/flynn-gpu-tests.jar" -C gpu/target/test-classes .
mvn -q dependency:copy -Dartifact="$JUNIT_CONSOLE" -DoutputDirectory="$DIST/tools"
# the benchmarks' self-contained jar (JMH and the flynn command), and CuPy's yardstick for the GPU ones
mvn -q -pl benchmarks -am package -DskipTests
mkdir -p "$DIST/benchmarks"
cp benchmarks/target/benchmarks.jar benchmarks/python/gpu_cupy.py "$DIST/benchmarks/"
# the test classes, one per line, for device-check.sh's one JVM per class
(cd gpu/target/test-classes && find dev -name '*Test.class' ! -name '*$*' | sed 's/\.class$//; s#/#.#g' | sort) >"$DIST/test-classes.txt"
cp gpu/device-check.sh "$DIST/"

"$JDK/bin/jlink" --add-modules java.base,java.logging,java.management,jdk.management,java.compiler,jdk.incubator.vector,jdk.unsupported,jdk.zipfs,jdk.jfr \
    --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$DIST/runtime"

cat > "$DIST/run-tests.sh" <<'RUN'
#!/usr/bin/env bash
# Runs the GPU test suite (PTX compilation for sm_75/80/90, golden PTX, probe, GPU conformance).
# Extra arguments go to the JUnit console launcher, e.g. --select-class dev.flynn.gpu.GpuConformanceTest
# FLYNN_JAVA_OPTS adds JVM options, e.g. -Dflynn.gpu.device=emulator to run the Emulated* tests
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"
mkdir -p target
ARGS=("$@")
if [ ${#ARGS[@]} -eq 0 ]; then ARGS=(--select-package dev.flynn.gpu); fi
# shellcheck disable=SC2086
exec "$HERE/runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss8m ${FLYNN_JAVA_OPTS:-} \
    -cp "$(printf '%s:' "$HERE"/lib/*.jar "$HERE"/tools/junit-platform-console-standalone-*.jar)" \
    org.junit.platform.console.ConsoleLauncher execute --details=summary "${ARGS[@]}"
RUN
chmod +x "$DIST/run-tests.sh"
mkdir -p "$DIST/src/test/resources"
cp -r gpu/src/test/resources/ptx "$DIST/src/test/resources/"

tar -czf "$OUT/flynn-gpu.tgz" -C "$OUT" flynn-gpu
ls -l "$OUT/flynn-gpu.tgz"
