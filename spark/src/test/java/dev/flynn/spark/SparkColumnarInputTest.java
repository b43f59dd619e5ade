package dev.flynn.spark;

import dev.flynn.DType;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which input path a job takes (Spark's columnar batches, or its internal rows), and that both give
 * the same bits. A cached Dataset has columnar batches of its own size (here 4,099 rows),
 * which never line up with Flynn's 64K-row blocks; the same data read as rows (the vectorized cache
 * reader switched off, or not cached at all) must give bitwise the same results.
 */
class SparkColumnarInputTest {
    private static final String VECTORIZED = "spark.sql.inMemoryColumnarStorage.enableVectorizedReader";
    private static final int N = 3 * SparkKernels.BATCH + 12_345;
    private static SparkSession spark;
    private static Dataset<Row> source;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.start("SparkColumnarInputTest");
        // 3 partitions of ~70K rows: two blocks each, the second partial; nulls in n and in b
        source = spark.range(0, N, 1, 3).selectExpr(
                "sin(id) * 1e3 + 1e6 as x",
                "cos(id * 0.7) as y",
                "cast(sin(id * 0.3) * 1e4 as float) as f",
                "cast((id * 7919) % 20011 - 10000 as int) as i",
                "id as l",
                "cast(id % 100 - 50 as tinyint) as t",
                "case when id % 7 = 3 then null else sin(id) * 100 end as n",
                // a null every 20,000 rows: the batches after one in the same block are copied whole, and
                // the extremes (rows 62,000 and 190,000) lie in such batches
                "case when id % 20000 = 5 then null when id = 190000 then -10.0 when id = 62000 then 10.0"
                        + " else cos(id) end as b");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static List<SparkReduction> reductions() {
        Kernel xy = Kernel.parse("x * y + 1", List.of("x", "y"), List.of(DType.F64, DType.F64));
        Kernel id = Kernel.parse("x", DType.F64);
        List<SparkReduction> rs = new ArrayList<>();
        for (Reduction r : List.of(Reduction.sum(Reduction.Summation.COMPENSATED), Reduction.variance(1),
                Reduction.argmax())) {
            rs.add(SparkReduction.of(xy.reduce(r), "x", "y"));
            rs.add(SparkReduction.of(id.reduce(r), "n"));
        }
        rs.add(SparkReduction.of(id.reduce(Reduction.argmin()), "n"));
        rs.add(SparkReduction.of(id.reduce(Reduction.argmin()), "b"));
        rs.add(SparkReduction.of(id.reduce(Reduction.argmax()), "b"));
        rs.add(SparkReduction.of(Kernel.parse("x * b", List.of("x", "b"), List.of(DType.F64, DType.F64))
                .reduce(Reduction.sum()), "f", "b"));
        // exact widenings from the bulk reads: float, int and tinyint read as double, int as long
        rs.add(SparkReduction.of(id.reduce(Reduction.sum()), "f"));
        rs.add(SparkReduction.of(Kernel.parse("x", DType.F32).reduce(Reduction.variance()), "f"));
        rs.add(SparkReduction.of(Kernel.parse("x * 3", DType.I64).reduce(Reduction.sum()), "i"));
        rs.add(SparkReduction.of(Kernel.parse("x", DType.I32).reduce(Reduction.argmin()), "i"));
        rs.add(SparkReduction.of(Kernel.parse("x * x", DType.I64).reduce(Reduction.sum()), "l"));
        rs.add(SparkReduction.of(Kernel.parse("x", DType.I32).reduce(Reduction.min()), "t"));
        return rs;
    }

    // the values, and the path every partition of the job was read on
    private static List<Object> run(Dataset<Row> ds, SparkInput.Path expected) {
        long before = SparkInput.partitionsRead(expected);
        List<Object> out = SparkKernels.reduceAll(ds, reductions());
        assertEquals(before + ds.rdd().getNumPartitions(), SparkInput.partitionsRead(expected),
                "partitions read on the " + expected + " path");
        return out;
    }

    private static <T> T withVectorizedCache(boolean on, Supplier<T> f) {
        spark.conf().set(VECTORIZED, on);
        try {
            return f.get();
        } finally {
            spark.conf().unset(VECTORIZED);
        }
    }

    @Test
    void aCachedDatasetIsReadAsColumnarBatchesAndGivesTheBitsOfTheRowPath() {
        List<Object> rows = run(source, SparkInput.Path.ROWS);
        for (int batchSize : new int[] {4_099}) {
            spark.conf().set("spark.sql.inMemoryColumnarStorage.batchSize", batchSize);
            Dataset<Row> cached = source.select("*").cache();
            try {
                cached.count();
                assertEquals(SparkInput.Path.COLUMNAR, SparkInput.of(cached.select("x", "n")).path());
                List<Object> columnar = run(cached, SparkInput.Path.COLUMNAR);
                List<Object> cachedRows = withVectorizedCache(false, () -> {
                    assertEquals(SparkInput.Path.ROWS, SparkInput.of(cached.select("x", "n")).path());
                    return run(cached, SparkInput.Path.ROWS);
                });
                // Double/Float/Long equals: the same bits, NaN included
                assertEquals(rows, columnar, "batch size " + batchSize);
                assertEquals(rows, cachedRows, "batch size " + batchSize);
                assertEquals(List.of(190_000L, 62_000L), rows.subList(7, 9), "argmin and argmax of b");
            } finally {
                cached.unpersist(true);
                spark.conf().unset("spark.sql.inMemoryColumnarStorage.batchSize");
            }
        }
    }

    // the values of column z, boxed (Double.equals: the same bits), and the path every partition was mapped on
    private static List<Object> column(Dataset<Row> ds, SparkInput.Path expected) {
        long before = SparkInput.partitionsRead(expected);
        List<Object> out = ds.select("z").collectAsList().stream().map(r -> r.get(0)).toList();
        assertEquals(before + ds.rdd().getNumPartitions(), SparkInput.partitionsRead(expected),
                "partitions mapped on the " + expected + " path");
        return out;
    }

    @Test
    void mapsOfACachedDatasetAppendAColumnVectorAndGiveTheBitsOfTheRowPath() {
        Kernel exp = Kernel.parse("exp(y) * sin(x * 1e-6) + 2 * x", List.of("x", "y"), List.of(DType.F64, DType.F64));
        Kernel nul = Kernel.parse("x * b - 1", List.of("x", "b"), List.of(DType.F64, DType.F64));
        Kernel ints = Kernel.parse("a * 3 + i64(t)", List.of("a", "t"), List.of(DType.I64, DType.F32));
        Kernel flt = Kernel.parse("sqrt(x) + 1", DType.F32);
        List<Kernel> kernels = List.of(exp, nul, ints, flt);
        List<String[]> columns = List.of(new String[] {"x", "y"}, new String[] {"x", "b"}, new String[] {"i", "t"},
                new String[] {"f"});
        // the row path first, before the data is cached
        List<List<Object>> fromRows = new ArrayList<>();
        for (int k = 0; k < kernels.size(); k++) {
            fromRows.add(column(SparkKernels.withColumn(source, "z", kernels.get(k), columns.get(k)), SparkInput.Path.ROWS));
        }
        Dataset<Row> cached = source.select("*").cache();
        try {
            cached.count();
            double[] x = cached.select("x").collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
            double[] y = cached.select("y").collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
            Dataset<Row> z = SparkKernels.withColumn(cached, "z", exp, "x", "y");
            String physical = z.queryExecution().executedPlan().treeString();
            String logical = z.queryExecution().optimizedPlan().treeString();
            assertTrue(physical.contains("FlynnMap"), physical);
            // explain() shows the kernel as an expression, never its encoded bytes
            String shown = "kernel " + SparkKernelCodec.decode(SparkKernelCodec.encode(exp));
            for (String plan : List.of(physical, logical)) {
                assertTrue(plan.contains(shown) && plan.contains("exp(y)") && !plan.contains("[B@"), plan);
            }
            List<Object> columnar = column(z, SparkInput.Path.COLUMNAR);
            double[] local = exp.doubles(x, y);
            for (int r = 0; r < N; r++) {
                assertEquals(local[r], (Double) columnar.get(r), "row " + r);
            }
            for (int k = 0; k < kernels.size(); k++) {
                assertEquals(fromRows.get(k), column(SparkKernels.withColumn(cached, "z", kernels.get(k), columns.get(k)),
                        SparkInput.Path.COLUMNAR), kernels.get(k).toString());
            }
            // null exactly where b is null; the other columns pass through as they are
            Dataset<Row> withNulls = SparkKernels.withColumn(cached, "z", nul, "x", "b");
            List<Row> rows = withNulls.select("b", "z", "x", "t").collectAsList();
            List<Row> plain = cached.select("b", "x", "t").collectAsList();
            for (int r = 0; r < N; r++) {
                Row row = rows.get(r);
                assertEquals(plain.get(r).get(0), row.get(0));
                assertEquals(plain.get(r).get(1), row.get(2));
                assertEquals(plain.get(r).get(2), row.get(3));
                assertEquals(row.isNullAt(0), row.isNullAt(1), "row " + r);
                if (!row.isNullAt(0)) {
                    assertEquals(row.getDouble(2) * row.getDouble(0) - 1, row.getDouble(1), "row " + r);
                }
            }
            // a map of a map stays columnar, and replacing a column keeps its place
            Dataset<Row> twice = SparkKernels.withColumn(SparkKernels.withColumn(cached, "z", flt, "f"), "f", flt, "f");
            assertEquals(List.of("x", "y", "f", "i", "l", "t", "n", "b", "z"), List.of(twice.columns()));
            long mapped = SparkInput.partitionsRead(SparkInput.Path.COLUMNAR);
            List<Row> tw = twice.select("f", "z").collectAsList();
            assertEquals(mapped + 2L * twice.rdd().getNumPartitions(), SparkInput.partitionsRead(SparkInput.Path.COLUMNAR));
            List<Row> fs = cached.select("f").collectAsList();
            for (int r = 0; r < N; r++) {
                float expected = (float) Math.sqrt(fs.get(r).getFloat(0)) + 1;
                assertEquals(expected, tw.get(r).getFloat(0), "row " + r);
                assertEquals(expected, tw.get(r).getFloat(1), "row " + r);
            }
        } finally {
            cached.unpersist(true);
        }
    }

    @Test
    void aRowSinkOfAColumnarMapGetsRowsLaidOutFromTheMapsBatchesWithNoConversionAbove() {
        Kernel nul = Kernel.parse("x * b - 1", List.of("x", "b"), List.of(DType.F64, DType.F64));
        Dataset<Row> cached = source.select("*").cache();
        try {
            cached.count();
            Dataset<Row> z = SparkKernels.withColumn(cached, "z", nul, "x", "b");
            // the map is the plan's root: it gives the rows itself, no ColumnarToRow is put above it
            SparkPlan plan = z.queryExecution().executedPlan();
            assertTrue(plan instanceof SparkMapExec, plan.treeString());
            long before = SparkInput.partitionsRead(SparkInput.Path.COLUMNAR);
            z.write().format("noop").mode("overwrite").save();
            List<Row> rows = z.collectAsList();
            assertEquals(before + 2L * z.rdd().getNumPartitions(), SparkInput.partitionsRead(SparkInput.Path.COLUMNAR),
                    "partitions written and collected from the map's batches");
            // every row: the cached row's fields as they are, then x*b-1, null exactly where b is
            List<Row> plain = cached.collectAsList();
            assertEquals(N, rows.size());
            int width = plain.getFirst().size();
            for (int r = 0; r < N; r++) {
                Row p = plain.get(r);
                Row m = rows.get(r);
                for (int c = 0; c < width; c++) {
                    assertEquals(p.get(c), m.get(c), "row " + r + " column " + c);
                }
                assertEquals(p.isNullAt(7), m.isNullAt(width), "row " + r);
                if (!p.isNullAt(7)) {
                    assertEquals(p.getDouble(0) * p.getDouble(7) - 1, m.getDouble(width), "row " + r);
                }
            }
        } finally {
            cached.unpersist(true);
        }
    }

    // reductions of the mapped column z, alone and beside x (a projection that reorders the map's output)
    private static List<SparkReduction> ofMapped() {
        Kernel id = Kernel.parse("x", DType.F64);
        Kernel zx = Kernel.parse("z * x", List.of("z", "x"), List.of(DType.F64, DType.F64));
        return List.of(SparkReduction.of(id.reduce(Reduction.sum(Reduction.Summation.COMPENSATED)), "z"),
                SparkReduction.of(id.reduce(Reduction.argmax()), "z"), SparkReduction.of(id.reduce(Reduction.argmin()), "z"),
                SparkReduction.of(zx.reduce(Reduction.variance()), "z", "x"), SparkReduction.of(id.reduce(Reduction.min()), "x"));
    }

    // the values, and how many partitions of the job were read on `expected` (the map's and the reduction's)
    private static List<Object> reduceMapped(Dataset<Row> ds, Kernel map, String[] columns, SparkInput.Path expected) {
        Dataset<Row> mapped = SparkKernels.withColumn(ds, "z", map, columns);
        long before = SparkInput.partitionsRead(expected);
        List<Object> out = SparkKernels.reduceAll(mapped, ofMapped());
        assertEquals(before + 2L * ds.rdd().getNumPartitions(), SparkInput.partitionsRead(expected),
                "partitions mapped and reduced on the " + expected + " path");
        return out;
    }

    @Test
    void aReductionOfAMappedCachedDatasetReadsTheMapsBatchesAndGivesTheBitsOfTheRowPath() {
        Kernel exp = Kernel.parse("exp(y) * sin(x * 1e-6) + 2 * x", List.of("x", "y"), List.of(DType.F64, DType.F64));
        // null where b is null: the reductions skip the rows the map left null
        Kernel nul = Kernel.parse("x * b - 1", List.of("x", "b"), List.of(DType.F64, DType.F64));
        for (var k : List.of(java.util.Map.entry(exp, new String[] {"x", "y"}), java.util.Map.entry(nul, new String[] {"x", "b"}))) {
            List<Object> rows = reduceMapped(source, k.getKey(), k.getValue(), SparkInput.Path.ROWS);
            Dataset<Row> cached = source.select("*").cache();
            try {
                cached.count();
                Dataset<Row> mapped = SparkKernels.withColumn(cached, "z", k.getKey(), k.getValue());
                assertEquals(SparkInput.Path.COLUMNAR, SparkInput.of(mapped.select("z", "x")).path(),
                        () -> mapped.select("z", "x").queryExecution().executedPlan().treeString());
                List<Object> columnar = reduceMapped(cached, k.getKey(), k.getValue(), SparkInput.Path.COLUMNAR);
                List<Object> cachedRows = withVectorizedCache(false,
                        () -> reduceMapped(cached, k.getKey(), k.getValue(), SparkInput.Path.ROWS));
                assertEquals(rows, columnar, k.getKey().toString());
                assertEquals(rows, cachedRows, k.getKey().toString());
                // the index is the row's: z there is the largest of the column computed row by row in one JVM
                double[] x = cached.select("x").collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
                double[] other = cached.select(k.getValue()[1]).collectAsList().stream()
                        .mapToDouble(r -> r.isNullAt(0) ? Double.NaN : r.getDouble(0)).toArray();
                double[] z = k.getKey().doubles(x, other);
                long argmax = 0;
                for (int r = 1; r < N; r++) {
                    if (!Double.isNaN(z[r]) && (Double.isNaN(z[(int) argmax]) || z[r] > z[(int) argmax])) {
                        argmax = r;
                    }
                }
                assertEquals(argmax, columnar.get(1), k.getKey().toString());
            } finally {
                cached.unpersist(true);
            }
        }
    }

    @Test
    void toChunksCutsEachPartitionIntoBlocksAndReducesToTheBitsOfTheDataset() {
        Kernel xy = Kernel.parse("x * y + 1", List.of("x", "y"), List.of(DType.F64, DType.F64))
                .reduce(Reduction.sum(Reduction.Summation.COMPENSATED));
        Kernel var = Kernel.parse("x", DType.F64).reduce(Reduction.variance());
        Object sum = SparkKernels.reduce(source, xy, "x", "y");
        Object variance = SparkKernels.reduce(source, var, "x");
        long rowsBefore = SparkInput.partitionsRead(SparkInput.Path.ROWS);
        // chunks are the reductions' blocks, so the chunk path gives the Dataset path's bits
        assertEquals(sum, SparkKernels.reduceChunks(SparkKernels.toChunks(source, Object[].class, "x", "y"), xy));
        assertEquals(rowsBefore + 3, SparkInput.partitionsRead(SparkInput.Path.ROWS));
        List<Row> plain = source.select("n", "i", "t").collectAsList();
        Dataset<Row> cached = source.select("*").cache();
        try {
            cached.count();
            long before = SparkInput.partitionsRead(SparkInput.Path.COLUMNAR);
            JavaRDD<double[]> x = SparkKernels.toChunks(cached, double[].class, "x");
            assertEquals(variance, SparkKernels.reduceChunks(x, var));
            assertEquals(sum, SparkKernels.reduceChunks(SparkKernels.toChunks(cached, Object[].class, "x", "y"), xy));
            assertEquals(before + 6, SparkInput.partitionsRead(SparkInput.Path.COLUMNAR));
            // 3 partitions of 69,651 rows: a full block and 4,115 rows each
            List<Integer> lengths = x.map(c -> c.length).collect();
            assertEquals(List.of(SparkKernels.BATCH, 4_115, SparkKernels.BATCH, 4_115, SparkKernels.BATCH, 4_115), lengths);
            // nulls left out; int and tinyint columns as int[]
            List<Double> n = new ArrayList<>();
            for (double[] c : SparkKernels.toChunks(cached, double[].class, "n").collect()) {
                for (double v : c) {
                    n.add(v);
                }
            }
            assertEquals(plain.stream().filter(r -> !r.isNullAt(0)).map(r -> r.getDouble(0)).toList(), n);
            List<Object[]> it = SparkKernels.toChunks(cached, Object[].class, "i", "t").collect();
            int r = 0;
            for (Object[] c : it) {
                int[] i = (int[]) c[0];
                int[] t = (int[]) c[1];
                for (int j = 0; j < i.length; j++, r++) {
                    assertEquals(plain.get(r).getInt(1), i[j]);
                    assertEquals(plain.get(r).getByte(2), t[j]);
                }
            }
            assertEquals(N, r);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SparkKernels.toChunks(cached, float[].class, "x"));
            assertTrue(e.getMessage().contains("double[]"), e.getMessage());
        } finally {
            cached.unpersist(true);
        }
    }

    @Test
    void theColumnarResultsAreTheKernelsOwnOverEachPartition() {
        // one partition of exactly one block and one of one row: the columnar path against Flynn in one JVM
        Dataset<Row> small = spark.range(0, SparkKernels.BATCH + 1, 1, 1).selectExpr("sin(id) as x").cache();
        try {
            small.count();
            double[] x = small.collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
            long before = SparkInput.partitionsRead(SparkInput.Path.COLUMNAR);
            Kernel k = Kernel.parse("x", DType.F64).reduce(Reduction.argmax());
            assertEquals(k.reduceLong(x), SparkKernels.reduceLong(small, k, "x"));
            Kernel m = Kernel.parse("x", DType.F64).reduce(Reduction.max());
            assertEquals(m.reduce(x), SparkKernels.reduce(small, m, "x"));
            assertEquals(before + 2, SparkInput.partitionsRead(SparkInput.Path.COLUMNAR));
        } finally {
            small.unpersist(true);
        }
    }
}
