package dev.flynn.spark;

import dev.flynn.DType;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JavaRDDs of primitive-array chunks on real Spark (local[2]), against Flynn on the concatenated array. */
class SparkKernelsChunksTest {
    private static SparkSession spark;
    private static JavaSparkContext sc;
    private static List<float[]> chunks;
    private static float[] all;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.start("SparkKernelsChunksTest");
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Random rnd = new Random(5);
        chunks = new ArrayList<>();
        int total = 0;
        for (int size : new int[] {1000, 0, 17, 4097, 65537, 3, 20000, 1}) {
            float[] c = new float[size];
            for (int k = 0; k < size; k++) {
                c[k] = (float) rnd.nextGaussian();
            }
            chunks.add(c);
            total += size;
        }
        all = new float[total];
        int at = 0;
        for (float[] c : chunks) {
            System.arraycopy(c, 0, all, at, c.length);
            at += c.length;
        }
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void mapsEachChunkAsFlynnDoes() {
        Kernel k = Kernel.parse("where(x > 0, x, 0.1 * x) * 2 + 1", DType.F32);
        List<float[]> out = SparkKernels.mapChunks(sc.parallelize(chunks, 3), k, float[].class).collect();
        assertEquals(chunks.size(), out.size());
        for (int c = 0; c < out.size(); c++) {
            assertArrayEquals(k.floats(chunks.get(c)), out.get(c));
            float[] java = new float[chunks.get(c).length];
            for (int e = 0; e < java.length; e++) {
                float v = chunks.get(c)[e];
                java[e] = (v > 0 ? v : 0.1f * v) * 2 + 1;
            }
            assertArrayEquals(java, out.get(c));
        }
    }

    @Test
    void chunksWithSeveralInputsAndScalars() {
        Kernel saxpy = Kernel.parse("a * x + y", List.of("a", "x", "y"), List.of(DType.F32, DType.F32, DType.F32));
        List<Object[]> in = new ArrayList<>();
        for (float[] c : chunks) {
            in.add(new Object[] {2.5f, c, c});
        }
        List<float[]> out = SparkKernels.mapChunks(sc.parallelize(in, 2), saxpy, float[].class).collect();
        for (int c = 0; c < out.size(); c++) {
            assertArrayEquals(saxpy.floats(2.5f, chunks.get(c), chunks.get(c)), out.get(c));
        }
        Kernel dot = Kernel.dot(DType.F32);
        List<Object[]> pairs = new ArrayList<>();
        for (float[] c : chunks) {
            pairs.add(new Object[] {c, c});
        }
        float local = (Float) dot.reduce(all, all);
        float spark = (Float) SparkKernels.reduceChunks(sc.parallelize(pairs, 3), dot);
        assertEquals(local, spark, Math.abs(local) * 1e-5f);
    }

    @Test
    void statesOfManyPartitionsAreMergedOnTheExecutorsFirstAndGiveTheSameValues() {
        // 300 partitions: more than go straight to the driver, so treeAggregate adds a stage of merges
        Random rnd = new Random(11);
        List<int[]> parts = new ArrayList<>();
        List<Integer> flat = new ArrayList<>();
        for (int p = 0; p < 300; p++) {
            int[] c = new int[1 + rnd.nextInt(40)];
            for (int k = 0; k < c.length; k++) {
                c[k] = rnd.nextInt(2_000_001) - 1_000_000;
                flat.add(c[k]);
            }
            parts.add(c);
        }
        int[] whole = flat.stream().mapToInt(Integer::intValue).toArray();
        JavaRDD<int[]> rdd = sc.parallelize(parts, 300);
        assertEquals(300, rdd.getNumPartitions());
        // exact reductions: any merge order gives these values, so they check every partition is merged once
        Kernel x = Kernel.parse("i64(x)", DType.I32);
        long sum = 0;
        int argmin = 0;
        for (int k = 0; k < whole.length; k++) {
            sum += whole[k];
            argmin = whole[k] < whole[argmin] ? k : argmin;
        }
        assertEquals(sum, SparkKernels.reduceChunks(rdd, x.reduce(Reduction.sum())));
        assertEquals((long) argmin, SparkKernels.reduceChunks(rdd, Kernel.parse("x", DType.I32).reduce(Reduction.argmin())));
        // and a floating-point state merged in the fixed tree: the same bits run after run
        Kernel var = Kernel.parse("f64(x)", DType.I32).reduce(Reduction.variance());
        assertEquals(SparkKernels.reduceChunks(rdd, var), SparkKernels.reduceChunks(rdd, var), "reproducible");
    }

    @Test
    void reductionsOverChunksAreReductionsOverTheirConcatenation() {
        JavaRDD<float[]> rdd = sc.parallelize(chunks, 4);
        Kernel x = Kernel.parse("x", DType.F32);
        for (Reduction r : List.of(Reduction.argmin(), Reduction.argmax(), Reduction.min(), Reduction.max(),
                Reduction.normInf())) {
            Kernel k = x.reduce(r);
            assertEquals(k.reduce(all), SparkKernels.reduceChunks(rdd, k), k.toString());
        }
        for (Reduction r : List.of(Reduction.sum(), Reduction.mean(), Reduction.variance(), Reduction.norm2())) {
            Kernel k = x.reduce(r);
            double local = ((Number) k.reduce(all)).doubleValue();
            double spark = ((Number) SparkKernels.reduceChunks(rdd, k)).doubleValue();
            assertEquals(local, spark, Math.abs(local) * 1e-5, k.toString());
        }
        Kernel mean = Kernel.parse("f64(x)", DType.F32).reduce(Reduction.mean());
        assertEquals(SparkKernels.reduceChunks(rdd, mean), SparkKernels.reduceChunks(rdd, mean), "reproducible");
    }

    @Test
    void badChunksAreReported() {
        Kernel k = Kernel.parse("x + 1", DType.F32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkKernels.mapChunks(sc.parallelize(chunks, 2), k, double[].class));
        assertTrue(e.getMessage().contains("float[]"), e.getMessage());
        List<Object[]> uneven = new ArrayList<>();
        uneven.add(new Object[] {new float[3], new float[4]});
        Kernel dot = Kernel.dot(DType.F32);
        Exception job = assertThrows(Exception.class, () -> SparkKernels.reduceChunks(sc.parallelize(uneven, 1), dot));
        assertTrue(causes(job).contains("lengths differ in a chunk: 3 and 4"), causes(job));
        JavaRDD<double[]> wrong = sc.parallelize(List.of(new double[] {1, 2}), 1);
        job = assertThrows(Exception.class, () -> SparkKernels.mapChunks(wrong, k, float[].class).collect());
        assertTrue(causes(job).contains("F32"), causes(job));
    }

    private static String causes(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append(" | ");
        }
        return sb.toString();
    }
}
