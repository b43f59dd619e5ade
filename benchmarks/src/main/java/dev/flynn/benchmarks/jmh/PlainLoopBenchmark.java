package dev.flynn.benchmarks.jmh;

import org.openjdk.jmh.annotations.Fork;

/** {@link PlainLoops} as C2 compiles them by default, auto-vectorization (SuperWord) included. */
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE})
public class PlainLoopBenchmark extends PlainLoops {
}
