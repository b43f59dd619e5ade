package dev.flynn.spark;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The same work done by Flynn on Spark, by Spark SQL and by Flynn in one JVM, timed side by side: a
 * map and reductions over a cached Dataset of {@code n} rows, then the chunk path against one JVM.
 * Data is generated and cached before any timing; every side runs once untimed first; each figure is
 * the median of 3 runs, the sides taking turns. The map's column is checked equal to Spark SQL's, row for
 * row, before timing. Runs on an embedded {@code local[2]} Spark unless a
 * master is configured ({@code spark-submit --master ...}).
 * <pre>
 * mvn -q -pl spark test-compile exec:exec@example -Dexample.args="20000000 8"
 * </pre>
 * Arguments: the number of rows (default 2*10^7), of partitions (default: Spark's default
 * parallelism), and what to run: {@code all} (default), {@code dataset} or {@code chunks}.
 */
public final class SparkExample {
    private static final int RUNS = 3;

    private SparkExample() {
    }

    /**
     * Runs the example and prints the figures.
     *
     * @param args the number of rows, of partitions, and what to run, all optional
     */
    public static void main(String[] args) {
        long n = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 20_000_000L;
        String what = args.length > 2 ? args[2] : "all";
        SparkSession.Builder builder = SparkSession.builder().appName("flynn-spark-example")
                .config("spark.ui.enabled", false);
        if (!new SparkConf().contains("spark.master")) {
            builder.master("local[2]");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            int partitions = args.length > 1 ? Integer.parseInt(args[1]) : spark.sparkContext().defaultParallelism();
            System.out.printf(Locale.ROOT, "Flynn on Spark %s, master %s, %,d rows in %d partitions, median of %d%n",
                    spark.version(), spark.sparkContext().master(), n, partitions, RUNS);
            if (!what.equals("chunks")) {
                dataset(spark, n, partitions);
            }
            if (!what.equals("dataset")) {
                chunks(spark, n, partitions);
            }
        } finally {
            spark.stop();
        }
    }

    // the data, as Spark SQL and as Java: the same double operations, so the same values bit for bit
    private static Dataset<Row> data(SparkSession spark, long n, int partitions) {
        return spark.range(0, n, 1, partitions).selectExpr(
                "cast((id * 2654435761) % 1000003 as double) / 1000003D - 0.5D as x",
                "cast(id % 1000 as double) * 0.001D as y");
    }

    private static double x(long id) {
        return (double) ((id * 2654435761L) % 1000003) / 1000003d - 0.5d;
    }

    /** One piece of work done two ways: Flynn's and the other side's. */
    private record Pair(String what, Supplier<Object> flynn, String otherName, Supplier<Object> other) {
    }

    private static void dataset(SparkSession spark, long n, int partitions) {
        List<String> xy = List.of("x", "y");
        List<DType> f64 = List.of(DType.F64, DType.F64);
        Kernel map = Kernel.parse("2 * x + y", xy, f64);
        Kernel x = Kernel.parse("x", DType.F64);
        Kernel sum = x.reduce(Reduction.sum());
        List<SparkReduction> four = List.of(SparkReduction.of(sum, "x"), SparkReduction.of(x.reduce(Reduction.mean()), "x"),
                SparkReduction.of(x.reduce(Reduction.variance()), "x"), SparkReduction.of(x.reduce(Reduction.min()), "x"));
        Dataset<Row> df = data(spark, n, partitions).cache();
        df.count();
        Dataset<Row> flynnZ = SparkKernels.withColumn(df, "z", map, "x", "y");
        Dataset<Row> sqlZ = df.withColumn("z", org.apache.spark.sql.functions.expr("2*x+y"));
        // the two columns are the same, bit for bit, row for row (checked once, untimed)
        long differ = flynnZ.selectExpr("count_if(not (z <=> 2*x+y))").first().getLong(0);
        if (differ != 0) {
            throw new IllegalStateException(differ + " rows where Flynn's 2*x+y differs from Spark SQL's");
        }
        // the first two maps write their rows to Spark's no-op sink: the whole column computed, nothing kept;
        // the next two sum the new column, which Flynn reads as the map's column vectors
        List<Pair> work = List.of(
                new Pair("map 2*x+y into a new column", () -> noop(flynnZ),
                        "withColumn(expr(\"2*x+y\"))", () -> noop(sqlZ)),
                new Pair("map 2*x+y, then sum(z)", () -> SparkKernels.reduce(flynnZ, sum, "z"),
                        "withColumn(...).agg(sum(z))", () -> sqlZ.agg(org.apache.spark.sql.functions.sum("z")).first().get(0)),
                new Pair("sum(x)", () -> SparkKernels.reduce(df, sum, "x"),
                        "agg(sum(x))", () -> df.agg(org.apache.spark.sql.functions.sum("x")).first().get(0)),
                new Pair("sum, mean, var, min of x in one pass", () -> SparkKernels.reduceAll(df, four),
                        "sum/avg/var_pop/min", () -> Arrays.asList(df.selectExpr("sum(x)", "avg(x)", "var_pop(x)", "min(x)")
                        .first().toSeq())));
        System.out.printf(Locale.ROOT, "cached Dataset (%s; the map's column read as %s), Flynn on Spark against Spark SQL"
                        + " (both maps' columns equal row for row):%n",
                SparkInput.of(df.select("x")).path() == SparkInput.Path.COLUMNAR ? "columnar batches" : "rows",
                SparkInput.of(flynnZ.select("z")).path() == SparkInput.Path.COLUMNAR ? "columnar batches" : "rows");
        for (Pair p : work) {
            Timing t = Timing.of(p);
            System.out.printf(Locale.ROOT, "  %-38s Flynn %7.3f s  Spark SQL %7.3f s  (%s)  Spark SQL / Flynn = %.2f"
                            + "  [CPU: Flynn %.3f s, Spark SQL %.3f s, ratio %.2f]%n", p.what(), t.flynn(), t.other(),
                    p.otherName(), t.other() / t.flynn(), t.flynnCpu(), t.otherCpu(), t.otherCpu() / t.flynnCpu());
            System.out.printf(Locale.ROOT, "  %-38s   Flynn %s%n  %-38s   Spark SQL %s%n", "", t.flynnValue(), "", t.otherValue());
        }
        df.unpersist(true);
    }

    private static Object noop(Dataset<Row> ds) {
        ds.write().format("noop").mode("overwrite").save();
        return "(written to the no-op sink)";
    }

    private static void chunks(SparkSession spark, long n, int partitions) {
        if (n > Integer.MAX_VALUE - 8) {
            System.out.println("chunks: more rows than an array of the one-JVM side holds; skipped");
            return;
        }
        Kernel map = Kernel.parse("2 * x + 1", DType.F64);
        Kernel sum = Kernel.parse("x", DType.F64).reduce(Reduction.sum());
        JavaRDD<double[]> chunks = SparkKernels.toChunks(data(spark, n, partitions).select("x"), double[].class, "x").cache();
        chunks.count();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Integer> empty = sc.parallelize(List.of(), partitions);
        int len = (int) n;
        double[] xs = new double[len];
        java.util.stream.IntStream.range(0, len).parallel().forEach(i -> xs[i] = x(i));
        double[] z = new double[len];
        Flynn flynn = Flynn.global();
        List<Pair> work = List.of(
                new Pair("map 2*x+1 (then counted)", () -> SparkKernels.mapChunks(chunks, map, double[].class).count(),
                        "one JVM into an array", () -> {
                            flynn.into(map, z, xs);
                            return z.length;
                        }),
                // mapChunks hands back a new array per chunk; this side allocates its result too, so the two
                // differ by Spark's work and not by who writes into a preallocated array
                new Pair("map 2*x+1 (then counted)", () -> SparkKernels.mapChunks(chunks, map, double[].class).count(),
                        "one JVM into a new array", () -> flynn.doubles(map, xs).length),
                new Pair("sum(x)", () -> SparkKernels.reduceChunks(chunks, sum),
                        "one JVM", () -> flynn.reduce(sum, xs)),
                new Pair("a job that does nothing (fixed cost)", empty::count, "-", () -> 0));
        System.out.printf(Locale.ROOT, "cached chunks of x, Flynn on Spark against Flynn in one JVM (%s, %d threads):%n",
                Flynn.lastBackend().orElse("auto"), flynn.threads());
        for (Pair p : work) {
            Timing t = Timing.of(p);
            System.out.printf(Locale.ROOT, "  %-38s Spark %7.3f s  one JVM %7.3f s  (%s)  [CPU: %.3f s, %.3f s]   values %s / %s%n",
                    p.what(), t.flynn(), t.other(), p.otherName(), t.flynnCpu(), t.otherCpu(), t.flynnValue(), t.otherValue());
        }
        chunks.unpersist(true);
    }

    /** Medians of wall-clock and process CPU time of each side, and the last values, the sides taking turns. */
    private record Timing(double flynn, double other, double flynnCpu, double otherCpu, Object flynnValue, Object otherValue) {
        static Timing of(Pair p) {
            // CPU time of the whole process (every thread, GC and JIT included): on a machine other work loads,
            // the wall clock counts the time a side waited for a core, the CPU time only what it used
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            p.flynn().get();
            p.other().get();
            long[] f = new long[RUNS];
            long[] o = new long[RUNS];
            long[] fc = new long[RUNS];
            long[] oc = new long[RUNS];
            Object fv = null;
            Object ov = null;
            for (int r = 0; r < RUNS; r++) {
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                fv = p.flynn().get();
                long t1 = System.nanoTime();
                long c1 = os.getProcessCpuTime();
                ov = p.other().get();
                long t2 = System.nanoTime();
                long c2 = os.getProcessCpuTime();
                f[r] = t1 - t0;
                o[r] = t2 - t1;
                fc[r] = c1 - c0;
                oc[r] = c2 - c1;
            }
            return new Timing(median(f), median(o), median(fc), median(oc), fv, ov);
        }
    }

    private static double median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[s.length / 2] / 1e9;
    }
}
