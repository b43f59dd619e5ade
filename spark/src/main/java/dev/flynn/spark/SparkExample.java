package dev.flynn.spark;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.List;
import java.util.Locale;

/**
 * A map and five reductions over {@code n} rows generated inside Spark, then the same kernels in
 * this JVM on the same values held in arrays. Runs on an embedded {@code local[2]} Spark unless a
 * master is configured ({@code spark-submit --master ...}).
 * <pre>
 * mvn -q -pl spark exec:exec@example -Dexample.args="100000000 8"
 * </pre>
 * Arguments: the number of rows (default 10^8) and of partitions (default: Spark's default parallelism).
 */
public final class SparkExample {
    private SparkExample() {
    }

    /**
     * Runs the example on an embedded {@code local[2]} Spark and prints the figures.
     *
     * @param args the number of rows and of partitions, both optional
     */
    public static void main(String[] args) {
        long n = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 100_000_000L;
        SparkSession.Builder builder = SparkSession.builder().appName("flynn-spark-example")
                .config("spark.ui.enabled", false);
        if (!new SparkConf().contains("spark.master")) {
            builder.master("local[2]");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            int partitions = args.length > 1 ? Integer.parseInt(args[1]) : spark.sparkContext().defaultParallelism();
            run(spark, n, partitions);
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

    private static double y(long id) {
        return (double) (id % 1000) * 0.001d;
    }

    private static void run(SparkSession spark, long n, int partitions) {
        List<String> xy = List.of("x", "y");
        List<DType> f64 = List.of(DType.F64, DType.F64);
        Kernel map = Kernel.parse("sqrt(x * x + y * y) * 0.5 + x", xy, f64);
        Kernel sum = Kernel.parse("x * y", xy, f64).reduce(Reduction.sum());
        Kernel x = Kernel.parse("x", DType.F64);
        Kernel mean = x.reduce(Reduction.mean());
        Kernel variance = x.reduce(Reduction.variance());
        Kernel min = x.reduce(Reduction.min());
        Kernel argmax = Kernel.parse("x * y", xy, f64).reduce(Reduction.argmax());
        List<SparkReduction> reductions = List.of(SparkReduction.of(sum, "x", "y"), SparkReduction.of(mean, "x"),
                SparkReduction.of(variance, "x"), SparkReduction.of(min, "x"), SparkReduction.of(argmax, "x", "y"));

        System.out.printf(Locale.ROOT, "Flynn on Spark %s, master %s, %,d rows in %d partitions%n", spark.version(),
                spark.sparkContext().master(), n, partitions);
        // warm-up: class loading, the JIT and kernel compilation, on 1% of the rows
        Dataset<Row> warm = data(spark, Math.max(1, n / 100), partitions);
        SparkKernels.withColumn(warm, "z", map, "x", "y").selectExpr("sum(z)").collectAsList();
        SparkKernels.reduceAll(warm, reductions);

        Dataset<Row> df = data(spark, n, partitions);
        long t0 = System.nanoTime();
        double mapSum = SparkKernels.withColumn(df, "z", map, "x", "y").selectExpr("sum(z)").first().getDouble(0);
        long t1 = System.nanoTime();
        List<Object> r = SparkKernels.reduceAll(df, reductions);
        long t2 = System.nanoTime();
        long t3 = System.nanoTime();
        df.selectExpr("sum(x * y)", "avg(x)", "var_pop(x)", "min(x)").first();
        long t4 = System.nanoTime();

        System.out.printf(Locale.ROOT, "spark  map   %-40s sum(z) = %.10g   %7.2f s  %8.1f M rows/s%n", map, mapSum,
                secs(t1 - t0), n / secs(t1 - t0) / 1e6);
        System.out.printf(Locale.ROOT, "spark  5 reductions in one pass               %7.2f s  %8.1f M rows/s%n",
                secs(t2 - t1), n / secs(t2 - t1) / 1e6);
        System.out.printf(Locale.ROOT, "spark  SQL sum/avg/var_pop/min, for reference %7.2f s  %8.1f M rows/s%n",
                secs(t4 - t3), n / secs(t4 - t3) / 1e6);
        for (int k = 0; k < reductions.size(); k++) {
            System.out.printf(Locale.ROOT, "         %-28s = %s%n", reductions.get(k).kernel(), r.get(k));
        }

        if (n > Integer.MAX_VALUE - 8) {
            System.out.println("one JVM: more rows than an array holds; skipped");
            return;
        }
        int len = (int) n;
        double[] xs = new double[len];
        double[] ys = new double[len];
        java.util.stream.IntStream.range(0, len).parallel().forEach(i -> {
            xs[i] = x(i);
            ys[i] = y(i);
        });
        double[] z = new double[len];
        Flynn flynn = Flynn.global();
        flynn.into(map, z, xs, ys); // warm-up
        long l0 = System.nanoTime();
        flynn.into(map, z, xs, ys);
        long l1 = System.nanoTime();
        double zSum = flynn.reduceDouble(x.reduce(Reduction.sum()), z);
        long l2 = System.nanoTime();
        Object[] local = {
                flynn.reduce(sum, xs, ys), flynn.reduce(mean, xs), flynn.reduce(variance, xs), flynn.reduce(min, xs),
                flynn.reduce(argmax, xs, ys)};
        long l3 = System.nanoTime();
        System.out.printf(Locale.ROOT, "1 JVM  map (%s, %d threads)   sum(z) = %.10g   %7.2f s  %8.1f M elements/s%n",
                Flynn.lastBackend().orElse("?"), flynn.threads(), zSum, secs(l1 - l0), n / secs(l1 - l0) / 1e6);
        System.out.printf(Locale.ROOT, "1 JVM  5 reductions, one call each             %7.2f s  %8.1f M elements/s%n",
                secs(l3 - l2), n / secs(l3 - l2) / 1e6);
        for (int k = 0; k < local.length; k++) {
            System.out.printf(Locale.ROOT, "         %-28s = %s%n", reductions.get(k).kernel(), local[k]);
        }
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }
}
