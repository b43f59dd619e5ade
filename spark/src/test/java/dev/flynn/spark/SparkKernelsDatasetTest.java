package dev.flynn.spark;

import dev.flynn.DType;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real Spark (local[2]) against the same kernels run locally through Flynn and against plain Java.
 * 150,000 rows in 2 partitions: 75,000 rows each, so every partition is reduced in two batches.
 */
class SparkKernelsDatasetTest {
    private static final int N = 150_000;
    private static SparkSession spark;
    private static Dataset<Row> df;
    private static double[] x, y, nx;
    private static boolean[] nNull;
    private static float[] f;
    private static int[] i;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.start("SparkKernelsDatasetTest");
        df = spark.range(0, N, 1, 2).selectExpr(
                "sin(id) * 100 as x",
                "cos(id * 0.7) as y",
                "cast(sin(id) * 100 as float) as f",
                "cast((id + 500) % 1000 - 500 as int) as i",
                "case when id % 7 = 3 then null else sin(id) * 100 end as n",
                "cast(id as string) as s",
                "id").cache();
        List<Row> rows = df.collectAsList();
        x = new double[N];
        y = new double[N];
        nx = new double[N];
        nNull = new boolean[N];
        f = new float[N];
        i = new int[N];
        for (int r = 0; r < N; r++) {
            Row row = rows.get(r);
            x[r] = row.getDouble(0);
            y[r] = row.getDouble(1);
            f[r] = row.getFloat(2);
            i[r] = row.getInt(3);
            nNull[r] = row.isNullAt(4);
            nx[r] = nNull[r] ? 0 : row.getDouble(4);
        }
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static double[] nonNull() {
        List<Double> v = new ArrayList<>();
        for (int r = 0; r < N; r++) {
            if (!nNull[r]) {
                v.add(nx[r]);
            }
        }
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void aMapAddsAColumnEqualToFlynnAndToJava() {
        Kernel k = Kernel.parse("x * y + 2 * x - y", List.of("x", "y"), List.of(DType.F64, DType.F64));
        List<Row> out = SparkKernels.withColumn(df, "z", k, "x", "y").select("z").collectAsList();
        double[] z = out.stream().mapToDouble(r -> r.getDouble(0)).toArray();
        assertArrayEquals(k.doubles(x, y), z);
        double[] java = new double[N];
        for (int r = 0; r < N; r++) {
            java[r] = x[r] * y[r] + 2 * x[r] - y[r];
        }
        assertArrayEquals(java, z);
    }

    @Test
    void transcendentalMapsEqualTheSameKernelInOneJvm() {
        Kernel k = Kernel.parse("exp(y) * sin(x)", List.of("x", "y"), List.of(DType.F64, DType.F64));
        double[] z = SparkKernels.withColumn(df, "z", k, "x", "y").select("z").collectAsList().stream()
                .mapToDouble(r -> r.getDouble(0)).toArray();
        assertArrayEquals(k.doubles(x, y), z);
    }

    @Test
    void mapsGiveNullWhereAnInputIsNullAndKeepTheOtherColumns() {
        Kernel k = Kernel.parse("n * 2 + 1", List.of("n"), List.of(DType.F64));
        Dataset<Row> out = SparkKernels.withColumn(df, "z", k, "n");
        assertEquals(List.of("x", "y", "f", "i", "n", "s", "id", "z"), List.of(out.columns()));
        List<Row> rows = out.select("id", "z").collectAsList();
        for (int r = 0; r < N; r++) {
            assertEquals((long) r, rows.get(r).getLong(0));
            if (nNull[r]) {
                assertNull(rows.get(r).get(1), "row " + r);
            } else {
                assertEquals(nx[r] * 2 + 1, rows.get(r).getDouble(1), "row " + r);
            }
        }
    }

    @Test
    void mapsReplaceAColumnAndWidenExactly() {
        // an int column read as I64 and a float column read as F64: exact widenings
        Kernel k = Kernel.parse("a * 3 + i64(b)", List.of("a", "b"), List.of(DType.I64, DType.F64));
        List<Row> rows = SparkKernels.withColumn(df, "i", k, "i", "f").select("i").collectAsList();
        for (int r = 0; r < N; r += 997) {
            assertEquals((long) i[r] * 3 + (long) (double) f[r], rows.get(r).getLong(0), "row " + r);
        }
    }

    @Test
    void reductionsEqualFlynnInOneJvm() {
        Kernel body = Kernel.parse("x * y + 1", List.of("x", "y"), List.of(DType.F64, DType.F64));
        for (Reduction r : List.of(Reduction.sum(), Reduction.sum(Reduction.Summation.COMPENSATED), Reduction.mean(),
                Reduction.variance(1), Reduction.std(), Reduction.norm1(), Reduction.norm2())) {
            Kernel k = body.reduce(r);
            double local = k.reduceDouble(x, y);
            double spark = SparkKernels.reduceDouble(df, k, "x", "y");
            assertEquals(local, spark, Math.abs(local) * 1e-12, k.toString());
        }
        for (Reduction r : List.of(Reduction.min(), Reduction.max(), Reduction.normInf(),
                Reduction.custom(Double.NEGATIVE_INFINITY, (acc, v) -> acc.max(v)))) {
            Kernel k = body.reduce(r);
            assertEquals(k.reduce(x, y), SparkKernels.reduce(df, k, "x", "y"), k.toString());
        }
        for (Reduction r : List.of(Reduction.argmin(), Reduction.argmax())) {
            Kernel k = body.reduce(r);
            assertEquals(k.reduceLong(x, y), SparkKernels.reduceLong(df, k, "x", "y"), k.toString());
        }
        Kernel count = Kernel.parse("x > y", List.of("x", "y"), List.of(DType.F64, DType.F64)).reduce(Reduction.count());
        assertEquals(count.reduce(x, y), SparkKernels.reduce(df, count, "x", "y"));
        Kernel any = Kernel.parse("x > 99.99", DType.F64).reduce(Reduction.any());
        assertEquals(any.reduce(x), SparkKernels.reduce(df, any, "x"));
        Kernel all = Kernel.parse("x < 100", DType.F64).reduce(Reduction.all());
        assertEquals(true, SparkKernels.reduce(df, all, "x"));
        Kernel fsum = Kernel.parse("x", DType.F32).reduce(Reduction.sum());
        float fs = (Float) SparkKernels.reduce(df, fsum, "f");
        assertEquals((float) fsum.reduce(f), fs, Math.abs(fs) * 1e-4f);
        Kernel isum = Kernel.parse("x * 3", DType.I32).reduce(Reduction.sum());
        assertEquals(isum.reduce(i), SparkKernels.reduce(df, isum, "i"));
    }

    @Test
    void meanAndVarianceMergeAcrossPartitionsAsPlainJavaComputesThem() {
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        double mean = sum / N;
        double ss = 0;
        for (double v : x) {
            ss += (v - mean) * (v - mean);
        }
        Kernel id = Kernel.parse("x", DType.F64);
        assertEquals(mean, SparkKernels.reduceDouble(df, id.reduce(Reduction.mean()), "x"), 1e-12);
        assertEquals(ss / (N - 1), SparkKernels.reduceDouble(df, id.reduce(Reduction.variance(1)), "x"), 1e-9);
        // a large offset: a naive sum-of-squares formula loses every digit here, Chan's merge does not
        Kernel shifted = Kernel.parse("x + 1e9", DType.F64);
        assertEquals(ss / N, SparkKernels.reduceDouble(df, shifted.reduce(Reduction.variance()), "x"), ss / N * 1e-6);
    }

    @Test
    void aCompensatedSumOverManyBatchesKeepsItsCompensationAcrossBatchesAndPartitions() {
        // 5 partitions of 317,042 rows, 5 batches each: batch sums near +-6.5e9 that cancel to a total
        // near 1, so a state finished per batch (or per partition) would lose ~1e-7 per batch
        int rows = 24 * SparkKernels.BATCH + 12_346;
        Dataset<Row> big = spark.range(0, rows, 1, 5)
                .selectExpr("(case when id < " + rows / 2 + " then 1e5 else -1e5 end) + sin(id) as x");
        double[] v = big.collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
        java.math.BigDecimal exact = java.math.BigDecimal.ZERO;
        double abs = 0;
        for (double e : v) {
            exact = exact.add(new java.math.BigDecimal(e));
            abs += Math.abs(e);
        }
        Kernel ksum = Kernel.parse("x", DType.F64).reduce(Reduction.sum(Reduction.Summation.COMPENSATED));
        double spark = SparkKernels.reduceDouble(big, ksum, "x");
        // Neumaier's bound: |s - S| <= 2u|S| + 2 n u^2 sum|x|, u = 2^-53
        double u = Math.ulp(1.0) / 2;
        double bound = 2 * u * Math.abs(exact.doubleValue()) + 2 * rows * u * u * abs;
        double error = new java.math.BigDecimal(spark).subtract(exact).abs().doubleValue();
        assertTrue(error <= bound, "error " + error + " above the compensated bound " + bound
                + " (sum " + spark + ", exact " + exact + ")");
        // and reproducible for this partitioning
        assertEquals(spark, SparkKernels.reduceDouble(big, ksum, "x"));
    }

    @Test
    void varianceOverSeveralPartitionsMatchesFlynnInOneJvm() {
        int rows = 7 * SparkKernels.BATCH / 2 + 999;
        Dataset<Row> parts = spark.range(0, rows, 1, 7).selectExpr("1e6 + 10 * sin(id * 0.3) + cos(id) as x");
        double[] v = parts.collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
        Kernel id = Kernel.parse("x", DType.F64);
        for (Reduction r : List.of(Reduction.variance(), Reduction.variance(1), Reduction.std(), Reduction.mean())) {
            Kernel k = id.reduce(r);
            double local = k.reduceDouble(v);
            double spark = SparkKernels.reduceDouble(parts, k, "x");
            assertEquals(local, spark, Math.abs(local) * 1e-12, k.toString());
        }
    }

    @Test
    void argminIsAGlobalRowIndexAndTiesGoToTheLowestRow() {
        // i = (id + 500) % 1000 - 500: -500 first at row 500, again every 1000 rows in both partitions
        Kernel argmin = Kernel.parse("x", DType.I32).reduce(Reduction.argmin());
        assertEquals(500L, SparkKernels.reduceLong(df, argmin, "i"));
        Kernel argmax = Kernel.parse("x", DType.I32).reduce(Reduction.argmax());
        assertEquals(499L, SparkKernels.reduceLong(df, argmax, "i"));
        // the maximum of sin(id)*100 lies in the second partition, in its second batch
        Kernel xmax = Kernel.parse("x", DType.F64).reduce(Reduction.argmax());
        long expected = xmax.reduceLong(x);
        assertTrue(expected > N / 2 + SparkKernels.BATCH || expected < N / 2, "test data: " + expected);
        assertEquals(expected, SparkKernels.reduceLong(df, xmax, "x"));
    }

    @Test
    void reductionsSkipNullRowsButCountThemInIndices() {
        double[] values = nonNull();
        Kernel id = Kernel.parse("x", DType.F64);
        assertEquals(id.reduce(Reduction.mean()).reduceDouble(values),
                SparkKernels.reduceDouble(df, id.reduce(Reduction.mean()), "n"), 1e-12);
        assertEquals(values.length, (Long) SparkKernels.reduce(df,
                Kernel.parse("x == x", DType.F64).reduce(Reduction.count()), "n"));
        long expected = -1;
        double best = Double.POSITIVE_INFINITY;
        for (int r = 0; r < N; r++) {
            if (!nNull[r] && nx[r] < best) {
                best = nx[r];
                expected = r;
            }
        }
        assertEquals(expected, SparkKernels.reduceLong(df, id.reduce(Reduction.argmin()), "n"));
    }

    @Test
    void typedResultsReadEachReductionInItsOwnTypeAndNameTheRightGetterOtherwise() {
        List<SparkReduction> rs = List.of(
                SparkReduction.of(Kernel.parse("x", DType.F32).reduce(Reduction.max()), "f"),
                SparkReduction.of(Kernel.parse("x", DType.I32).reduce(Reduction.argmin()), "i"),
                SparkReduction.of(Kernel.parse("x > 99.99", DType.F64).reduce(Reduction.any()), "x"),
                SparkReduction.of(Kernel.parse("x > 100", DType.F64).reduce(Reduction.any()), "x"));
        SparkResults got = SparkKernels.reduceAllTyped(df, rs);
        float fmax = Float.NEGATIVE_INFINITY;
        boolean above = false;
        for (int r = 0; r < N; r++) {
            fmax = Math.max(fmax, f[r]);
            above |= x[r] > 99.99;
        }
        assertEquals(4, got.size());
        assertEquals(fmax, got.getDouble(0));
        assertEquals(500L, got.getLong(1));
        assertEquals(500.0, got.getDouble(1));
        assertEquals(above, got.getBoolean(2));
        assertTrue(above, "sin(id) * 100 comes within 0.01 of 100 in " + N + " rows");
        assertEquals(false, got.getBoolean(3));
        assertEquals(List.of(fmax, 500L, above, false), got.values());
        assertEquals(SparkKernels.reduceAll(df, rs), got.values());
        assertEquals(rs.get(1), got.reduction(1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> got.getLong(0)).getMessage().contains("call getDouble"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> got.getDouble(2)).getMessage().contains("call getBoolean"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> got.getBoolean(1)).getMessage().contains("call getLong"));
        assertThrows(IndexOutOfBoundsException.class, () -> got.getDouble(4));
        assertThrows(UnsupportedOperationException.class, () -> got.values().set(0, 1.0));
    }

    @Test
    void resultsAreReproducibleAndOnePassGivesTheSameAsSeparateJobs() {
        Kernel body = Kernel.parse("x * y", List.of("x", "y"), List.of(DType.F64, DType.F64));
        List<SparkReduction> rs = List.of(
                SparkReduction.of(body.reduce(Reduction.sum()), "x", "y"),
                SparkReduction.of(Kernel.parse("x", DType.F64).reduce(Reduction.variance()), "n"),
                SparkReduction.of(Kernel.parse("x", DType.I32).reduce(Reduction.argmin()), "i"));
        List<Object> once = SparkKernels.reduceAll(df, rs);
        assertEquals(once, SparkKernels.reduceAll(df, rs));
        for (int r = 0; r < rs.size(); r++) {
            assertEquals(once.get(r), SparkKernels.reduce(df, rs.get(r).kernel(), rs.get(r).columns().toArray(String[]::new)));
        }
        // more partitions than rows in some: empty partitions take part in the tree without changing it
        Dataset<Row> many = df.repartition(5);
        Object a = SparkKernels.reduce(many, body.reduce(Reduction.sum()), "x", "y");
        assertEquals(a, SparkKernels.reduce(many, body.reduce(Reduction.sum()), "x", "y"));
    }

    @Test
    void noValuesGiveWhatTheKernelGivesForNoElements() {
        Dataset<Row> empty = df.filter("id < 0");
        Kernel id = Kernel.parse("x", DType.F64);
        assertEquals(0.0, SparkKernels.reduce(empty, id.reduce(Reduction.sum()), "x"));
        assertTrue(Double.isNaN(SparkKernels.reduceDouble(empty, id.reduce(Reduction.mean()), "x")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkKernels.reduce(empty, id.reduce(Reduction.min()), "x"));
        assertTrue(e.getMessage().contains("no elements"), e.getMessage());
        Dataset<Row> allNull = df.filter("id % 7 = 3");
        assertTrue(Double.isNaN(SparkKernels.reduceDouble(allNull, id.reduce(Reduction.mean()), "n")));
        assertEquals(0L, SparkKernels.withColumn(empty, "z", id, "x").count());
    }

    @Test
    void badColumnsAreNamedWithTheirType() {
        Kernel k = Kernel.parse("x + 1", DType.F64);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkKernels.withColumn(df, "z", k, "nope"));
        assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("[x, y, f, i, n, s, id]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SparkKernels.reduce(df, k.reduce(Reduction.sum()), "s"));
        assertTrue(e.getMessage().contains("'s'") && e.getMessage().contains("string"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SparkKernels.withColumn(df, "z", Kernel.parse("x + 1", DType.F32), "id"));
        assertTrue(e.getMessage().contains("'id'") && e.getMessage().contains("bigint")
                && e.getMessage().contains("cast(\"float\")"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SparkKernels.withColumn(df, "z", k, "x", "y"));
        assertTrue(e.getMessage().contains("takes 1 inputs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SparkKernels.reduce(df, k, "x"));
        assertTrue(e.getMessage().contains("is a map"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SparkKernels.withColumn(df, "z", k.reduce(Reduction.sum()), "x"));
        assertTrue(e.getMessage().contains("is a reduction"), e.getMessage());
    }

    @Test
    void integerDivisionByZeroFailsTheJob() {
        Kernel div = Kernel.parse("100 / x", DType.I32);
        Exception e = assertThrows(Exception.class,
                () -> SparkKernels.withColumn(df, "z", div, "i").select("z").collectAsList());
        Throwable t = e;
        while (t != null && !(t instanceof ArithmeticException)) {
            t = t.getCause();
        }
        assertTrue(t instanceof ArithmeticException, () -> "no ArithmeticException in " + e);
    }

    /**
     * Partial sums that pass MAX_VALUE in one partition and come back in the other, values whose
     * mean and squares overflow, and a real infinity: the merged state leaves the range, and the
     * value comes from rescaled reruns over the same rows, as it does in one JVM.
     */
    @Test
    void reductionsThatLeaveTheExponentRangeAreRescaled() {
        Dataset<Row> big = spark.range(0, 40_000, 1, 2).selectExpr(
                "case when id in (5, 30000) then 1.5e308 when id = 39999 then -1.5e308 else 1.0 end as b",
                "cast(1.7976931348623157e308 as double) as m",
                "1e300 * (1 + id % 3) as h",
                "case when id = 20001 then double('Infinity') else 1.0 end as inf",
                "cast(case when id in (5, 30000) then 3e38 when id = 39999 then -3e38 else 1.0 end as float) as fb");
        Kernel x = Kernel.parse("x", DType.F64);
        double exact = 1.5e308 + 39_997;
        assertEquals(exact, SparkKernels.reduceDouble(big, x.reduce(Reduction.sum(Reduction.Summation.COMPENSATED)), "b"),
                2 * 0x1p-53 * exact);
        assertEquals(exact, SparkKernels.reduceDouble(big, x.reduce(Reduction.sum()), "b"), 1e-10 * exact);
        assertEquals(3e38f + 39_997, (float) SparkKernels.reduceDouble(big,
                Kernel.parse("x", DType.F32).reduce(Reduction.sum(Reduction.Summation.COMPENSATED)), "fb"), 1e-6 * 3e38);
        // within the mean's bound, 4 (m + d + 2) u max|x|: not +Inf
        assertEquals(Double.MAX_VALUE, SparkKernels.reduceDouble(big, x.reduce(Reduction.mean()), "m"),
                4 * (16_384 + 4) * 0x1p-53 * Double.MAX_VALUE);
        assertEquals(0.0, SparkKernels.reduceDouble(big, x.reduce(Reduction.std()), "m"), 1e-5 * Double.MAX_VALUE);
        double sumSq = 0;
        for (int r = 0; r < 40_000; r++) {
            double v = 1 + r % 3;
            sumSq += v * v;
        }
        double norm = 1e300 * Math.sqrt(sumSq);
        assertEquals(norm, SparkKernels.reduceDouble(big, x.reduce(Reduction.norm2()), "h"), 1e-12 * norm);
        assertEquals(Double.POSITIVE_INFINITY,
                SparkKernels.reduceDouble(big, x.reduce(Reduction.sum(Reduction.Summation.COMPENSATED)), "inf"));
        assertEquals(Double.POSITIVE_INFINITY, SparkKernels.reduceDouble(big, x.reduce(Reduction.mean()), "inf"));
    }
}
