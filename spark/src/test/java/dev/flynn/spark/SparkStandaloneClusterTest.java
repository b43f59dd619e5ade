package dev.flynn.spark;

import dev.flynn.DType;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Spark standalone cluster: a master and a worker, each its own JVM on 127.0.0.1, executors
 * launched by the worker as further JVMs. The same Flynn job (maps, reductions, chunks) runs on it
 * and on local[2]; with the same partitioning and backend the results are the same bits. About a
 * minute on two cores; part of the default suite, left out with {@code -DexcludedGroups=spark-cluster}.
 */
@Tag("spark-cluster")
class SparkStandaloneClusterTest {
    private static final int N = 3 * SparkKernels.BATCH + 777;
    private static final long START_TIMEOUT_S = 120;

    /** The job: every value it gives, boxed (equals compares bits). */
    private static List<Object> job(SparkSession spark) {
        // arithmetic only, so the data itself is the same bits in every JVM
        Dataset<Row> df = spark.range(0, N, 1, 4).selectExpr(
                "((id * 7919) % 10007) / 3.0D - 1000 + id * 1e-7 as x",
                "((id * 31) % 101) * 0.25D as y",
                "case when id % 11 = 4 then null else id % 977 - 400.5D end as n").cache();
        List<Object> out = new ArrayList<>();
        Kernel xy = Kernel.parse("exp(y * 0.01) * x + y", List.of("x", "y"), List.of(DType.F64, DType.F64));
        Dataset<Row> mapped = SparkKernels.withColumn(df, "z", xy, "x", "y");
        out.addAll(mapped.select("z").collectAsList().stream().map(r -> r.get(0)).toList());
        out.addAll(SparkKernels.withColumn(df, "z", Kernel.parse("x * 2", DType.F64), "n").select("z")
                .collectAsList().stream().map(r -> r.get(0)).toList());
        Kernel id = Kernel.parse("x", DType.F64);
        out.addAll(SparkKernels.reduceAll(df, List.of(
                SparkReduction.of(xy.reduce(Reduction.sum()), "x", "y"),
                SparkReduction.of(id.reduce(Reduction.sum(Reduction.Summation.COMPENSATED)), "x"),
                SparkReduction.of(id.reduce(Reduction.variance()), "n"),
                SparkReduction.of(id.reduce(Reduction.argmin()), "n"))));
        out.add(SparkKernels.reduce(mapped, id.reduce(Reduction.mean()), "z"));
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<double[]> chunks = sc.parallelize(IntStream.range(0, 6).boxed().toList(), 3)
                .map(c -> IntStream.range(0, 50_000).mapToDouble(j -> (c * 50_000 + j) * 0.37 % 91 - 45).toArray());
        out.add(SparkKernels.reduceChunks(chunks, id.reduce(Reduction.variance())));
        out.add(SparkKernels.reduceChunks(SparkKernels.mapChunks(chunks,
                Kernel.parse("exp(x * 0.01)", DType.F64), double[].class), id.reduce(Reduction.sum())));
        df.unpersist(true);
        return out;
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // a worker that never registers leaves the job waiting forever
    void aJobOnAStandaloneClusterGivesTheBitsOfLocalMode(@TempDir Path dir) throws Exception {
        SparkSession local = SparkTestSession.start("SparkStandaloneClusterTest-local");
        List<Object> expected;
        try {
            expected = job(local);
        } finally {
            local.stop();
        }
        int masterPort = freePort();
        String master = "spark://127.0.0.1:" + masterPort;
        List<Process> started = new ArrayList<>();
        try {
            started.add(launch(dir, "master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(freePort())));
            awaitPort(masterPort, started.getFirst(), dir.resolve("master.log"));
            started.add(launch(dir, "worker", "org.apache.spark.deploy.worker.Worker", master, "--host", "127.0.0.1",
                    "--port", Integer.toString(freePort()), "--webui-port", Integer.toString(freePort()),
                    "--cores", "2", "--memory", "1g", "--work-dir", dir.resolve("work").toString()));
            SparkSession cluster = SparkSession.builder()
                    .master(master)
                    .appName("SparkStandaloneClusterTest")
                    .config("spark.ui.enabled", false)
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.executor.memory", "768m")
                    .config("spark.cores.max", 2)
                    .config("spark.sql.shuffle.partitions", 2)
                    // the executors: this JDK, this class path (Spark and Flynn), the flags the test JVM has
                    .config("spark.executorEnv.JAVA_HOME", System.getProperty("java.home"))
                    .config("spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1")
                    .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                    .config("spark.executor.extraJavaOptions", String.join(" ", jvmFlags()))
                    .getOrCreate();
            try {
                assertEquals(expected, job(cluster));
                // the work ran in executor JVMs the worker launched, not in this one
                assertTrue(Files.list(dir.resolve("work")).findAny().isPresent(), "no application directory");
            } finally {
                cluster.stop();
            }
        } finally {
            for (Process p : started.reversed()) {
                stop(p);
            }
        }
    }

    private static List<String> jvmFlags() {
        List<String> flags = new ArrayList<>();
        for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")
                    || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty") || a.equals("-XX:+IgnoreUnrecognizedVMOptions")) {
                flags.add(a);
            }
        }
        return flags;
    }

    private static Process launch(Path dir, String name, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags());
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // Spark run from jars, not from a distribution: the worker builds executor commands without SPARK_HOME/jars
        pb.environment().put("SPARK_TESTING", "1");
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_HOME", dir.toString());
        return pb.start();
    }

    private static void stop(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitPort(int port, Process p, Path log) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_S);
        while (System.nanoTime() < end) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the master exited:\n" + Files.readString(log));
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the master did not listen on port " + port + " in " + START_TIMEOUT_S + " s:\n"
                + Files.readString(log));
    }
}
