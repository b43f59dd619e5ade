package dev.flynn.benchmarks.jmh;

import org.openjdk.jmh.annotations.Fork;

/** {@link PlainLoops} with C2's auto-vectorization off: one element per instruction, truly SISD. */
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE, JvmFlags.NO_SUPERWORD})
public class SisdLoopBenchmark extends PlainLoops {
}
