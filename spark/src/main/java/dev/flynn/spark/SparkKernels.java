package dev.flynn.spark;

import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.RangeRescue;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.NamedExpression$;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Flynn kernels over Spark data: numeric columns of a {@code Dataset<Row>}, or a {@code JavaRDD} of
 * primitive-array chunks. Kernels travel to the executors as bytes ({@link SparkKernelCodec}), are
 * compiled there once per JVM and run on the executor's best backend, a batch of rows at a time.
 * <pre>{@code
 * Kernel f = Kernel.parse("x * y + 1", List.of("x", "y"), List.of(F64, F64));
 * Dataset<Row> withZ = SparkKernels.withColumn(df, "z", f, "price", "qty");
 * double mean = SparkKernels.reduceDouble(df, Kernel.parse("x", F64).reduce(Reduction.mean()), "price");
 * }</pre>
 *
 * <p><b>Nulls.</b> A map gives null in every row where one of its columns is null (the kernel does not
 * see that row). A reduction skips every row where one of its columns is null; over no values at all
 * it gives what the kernel gives for no elements (0 for a sum, NaN for a mean, an error for a min).
 *
 * <p><b>Indices.</b> argmin and argmax give a global row index: the position of the row in the order
 * of the Dataset's partitions, then of the rows within a partition (the order of {@code collect()} and
 * of {@code zipWithIndex}), counting rows with nulls too. For chunks, the index of the element in the
 * concatenation of the chunks in that order.
 *
 * <p><b>Reproducibility.</b> Each partition is reduced in batches of {@link #BATCH} rows, one pass
 * and one unfinished state ({@link Flynn#reducePartial}) per batch; batch states are combined in a
 * fixed pairwise tree, and partitions with {@code treeAggregate} in a fixed pairwise tree over
 * partition indices, and only the state of all rows is finished. A compensated sum keeps its
 * compensation across batches and partitions. For a given partitioning and executor backend, the
 * result is bitwise the same whatever the task order.
 */
public final class SparkKernels {
    /** Rows per batch: 64K rows of a double column are 512 KiB, which the reduction reads in one pass. */
    public static final int BATCH = 1 << 16;
    /**
     * Up to this many partitions, their states (a few numbers each) go straight to the driver: one stage.
     * Beyond it, {@code treeAggregate} merges them on the executors first, in a second stage, so the driver
     * does not receive thousands of them; which tree the merges follow is fixed either way ({@link SparkPartialTree}).
     */
    private static final int DRIVER_MERGE_PARTITIONS = 256;

    private SparkKernels() {
    }

    // ---- Dataset: maps --------------------------------------------------------------------------

    /**
     * {@code ds} with a column {@code name} computed by a map kernel from {@code columns} (one per
     * kernel input, in order); an existing column of that name is replaced, as
     * {@link Dataset#withColumn} does. Lazy, like every Dataset transformation.
     *
     * <p>The column comes from a Flynn operator in the query plan ({@link SparkMapExec}, planned by
     * {@link SparkMapStrategy}, which this call installs in the session unless {@link SparkExtensions}
     * already did): it maps Spark's columnar batches where the plan below has them (the in-memory cache,
     * vectorized scans) and appends the result as a column vector, and maps internal rows otherwise.
     *
     * @param ds the dataset
     * @param name the name of the new column
     * @param kernel a map kernel
     * @param columns the column names, one per kernel input, in order
     * @return the dataset with the column
     * @throws IllegalArgumentException for a reduction kernel, a missing or non-numeric column, or a
     *                                  column the kernel's input type cannot hold exactly
     */
    public static Dataset<Row> withColumn(Dataset<Row> ds, String name, Kernel kernel, String... columns) {
        Objects.requireNonNull(ds, "ds");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(columns, "columns");
        if (kernel.isReduction()) {
            throw new IllegalArgumentException("kernel " + kernel + " is a reduction; use reduce, or give a map");
        }
        if (!(ds instanceof org.apache.spark.sql.classic.Dataset<Row> classic)) {
            throw new IllegalArgumentException("withColumn plans a Flynn operator into the query, which needs a classic"
                    + " Spark session; a Spark Connect Dataset has no physical plan here (use mapChunks, or run the"
                    + " job in a classic session)");
        }
        StructType schema = ds.schema();
        SparkColumns in = SparkColumns.resolve(schema, kernel, List.of(columns));
        boolean nullable = false;
        for (int i = 0; i < in.size(); i++) {
            nullable |= schema.fields()[in.ordinal(i)].nullable();
        }
        LogicalPlan plan = classic.logicalPlan();
        Seq<Attribute> attrs = plan.output();
        List<Attribute> inputs = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            inputs.add(attrs.apply(in.ordinal(i)));
        }
        int replace = Arrays.asList(schema.fieldNames()).indexOf(name);
        List<Attribute> dropped = replace >= 0 ? List.of(attrs.apply(replace)) : List.of();
        Attribute result = new AttributeReference(name, SparkColumns.sparkType(kernel.resultType()), nullable,
                Metadata.empty(), NamedExpression$.MODULE$.newExprId(), CollectionConverters.asScala(List.<String>of()).toSeq());
        SparkMapStrategy.install(classic.sparkSession());
        return org.apache.spark.sql.classic.Dataset.ofRows(classic.sparkSession(), new SparkMapPlan(plan,
                CollectionConverters.asScala(inputs).toSeq(), CollectionConverters.asScala(dropped).toSeq(), result,
                SparkKernelCodec.encode(kernel), in));
    }

    // ---- Dataset: reductions ----------------------------------------------------------------------

    /**
     * Reduces {@code columns} (one per kernel input) of {@code ds} with a reduction kernel; the value
     * boxed in its own type, as {@link Kernel#reduce(Object...)} gives it (Float, Double, Integer, Long
     * or Boolean). Runs one Spark job (more only where a floating-point accumulation leaves the exponent
     * range, see {@link RangeRescue}).
     *
     * @param ds the dataset
     * @param kernel a reduction kernel
     * @param columns the column names, one per kernel input, in order
     * @return the reduced value, boxed
     */
    public static Object reduce(Dataset<Row> ds, Kernel kernel, String... columns) {
        return reduceAll(ds, List.of(SparkReduction.of(kernel, columns))).getFirst();
    }

    /**
     * {@link #reduce} as a double (exact for float, double and int results).
     *
     * @param ds the dataset
     * @param kernel a reduction kernel
     * @param columns the column names, one per kernel input, in order
     * @return the reduced value
     */
    public static double reduceDouble(Dataset<Row> ds, Kernel kernel, String... columns) {
        return number(reduce(ds, kernel, columns), kernel).doubleValue();
    }

    /**
     * {@link #reduce} for integer results: argmin, argmax, count, sums of integers.
     *
     * @param ds the dataset
     * @param kernel a reduction kernel of an integer result type
     * @param columns the column names, one per kernel input, in order
     * @return the reduced value
     */
    public static long reduceLong(Dataset<Row> ds, Kernel kernel, String... columns) {
        Number n = number(reduce(ds, kernel, columns), kernel);
        if (!kernel.resultType().isIntegral()) {
            throw new IllegalArgumentException(kernel + " has a " + kernel.resultType() + " result; call reduceDouble");
        }
        return n.longValue();
    }

    /**
     * Several reductions in one pass over the data (one Spark job): their values in the order given.
     * Each reduction skips the rows where one of its own columns is null.
     *
     * @param ds the dataset
     * @param reductions the reductions and their columns
     * @return the values, boxed, in the order of {@code reductions}
     */
    public static List<Object> reduceAll(Dataset<Row> ds, List<SparkReduction> reductions) {
        return reduceAll(ds, reductions, true);
    }

    /**
     * {@link #reduceAll} with the values read in their own types: {@code getDouble}, {@code getLong}
     * or {@code getBoolean}, which check each reduction's result type.
     *
     * @param ds the dataset
     * @param reductions the reductions and their columns
     * @return the values, in the order of {@code reductions}
     */
    public static SparkResults reduceAllTyped(Dataset<Row> ds, List<SparkReduction> reductions) {
        return new SparkResults(reductions, reduceAll(ds, reductions));
    }

    // rescale: whether a reduction whose accumulation left the exponent range is rerun (RangeRescue)
    private static List<Object> reduceAll(Dataset<Row> ds, List<SparkReduction> reductions, boolean rescale) {
        Objects.requireNonNull(ds, "ds");
        Objects.requireNonNull(reductions, "reductions");
        if (reductions.isEmpty()) {
            return List.of();
        }
        StructType schema = ds.schema();
        List<List<String>> lists = new ArrayList<>();
        SparkColumns[] resolved = new SparkColumns[reductions.size()];
        for (int r = 0; r < resolved.length; r++) {
            SparkReduction red = Objects.requireNonNull(reductions.get(r), "reduction " + r);
            resolved[r] = SparkColumns.resolve(schema, red.kernel(), red.columns());
            lists.add(red.columns());
        }
        // read only the columns the kernels need, so Spark prunes the rest from the scan
        List<String> needed = SparkColumns.union(lists);
        Column[] select = new Column[needed.size()];
        for (int i = 0; i < select.length; i++) {
            select[i] = functions.col("`" + needed.get(i).replace("`", "``") + "`");
        }
        for (int r = 0; r < resolved.length; r++) {
            int[] ords = new int[resolved[r].size()];
            for (int i = 0; i < ords.length; i++) {
                ords[i] = needed.indexOf(resolved[r].names().get(i));
            }
            resolved[r] = resolved[r].at(ords);
        }
        byte[][] kernels = new byte[reductions.size()][];
        for (int r = 0; r < kernels.length; r++) {
            kernels[r] = SparkKernelCodec.encode(reductions.get(r).kernel());
        }
        // Spark's columnar batches where the plan has them, its internal rows otherwise: never a Row object per row
        SparkInput input = SparkInput.of(ds.select(select));
        JavaRDD<SparkPartitionState> states = input.path() == SparkInput.Path.COLUMNAR
                ? input.batches().mapPartitionsWithIndex(
                        (index, it) -> List.of(SparkBlocks.batches(index, it, kernels, resolved)).iterator(), false)
                : input.rows().mapPartitionsWithIndex(
                        (index, it) -> List.of(SparkBlocks.rows(index, it, kernels, resolved)).iterator(), false);
        return finish(states, kernels, !rescale ? null : (r, k) -> ((Number) reduceAll(ds,
                List.of(SparkReduction.of(k, reductions.get(r).columns().toArray(String[]::new))), false).getFirst())
                .doubleValue());
    }

    // ---- chunks -------------------------------------------------------------------------------------

    /**
     * Columns of {@code ds} as an RDD of chunks for {@link #mapChunks} and {@link #reduceChunks}: per
     * partition, chunks of {@link #BATCH} rows (the last one shorter), each a primitive array for one
     * column, or an {@code Object[]} with one array per column for several. Each column becomes the
     * array type that holds it exactly (tinyint, smallint and int: {@code int[]}; bigint: {@code long[]};
     * float: {@code float[]}; double: {@code double[]}). Rows with a null in any of the columns are left
     * out. Read once, as columnar batches where the plan has them; cache the result to run many kernels
     * over it at the chunk path's speed.
     * <pre>{@code
     * JavaRDD<double[]> x = SparkKernels.toChunks(df, double[].class, "x").cache();
     * }</pre>
     *
     * @param <C> the chunk type
     * @param ds the dataset
     * @param chunkType the class of a chunk: the column's array type for one column, {@code Object[].class} for several
     * @param columns the columns, at least one
     * @return the chunks, lazily read
     * @throws IllegalArgumentException for a missing or non-numeric column, or a chunk type that does not fit
     */
    public static <C> JavaRDD<C> toChunks(Dataset<Row> ds, Class<C> chunkType, String... columns) {
        Objects.requireNonNull(ds, "ds");
        Objects.requireNonNull(chunkType, "chunkType");
        Objects.requireNonNull(columns, "columns");
        if (columns.length == 0) {
            throw new IllegalArgumentException("toChunks needs at least one column");
        }
        SparkColumns cols = SparkColumns.natural(ds.schema(), List.of(columns));
        Class<?> expected = columns.length == 1 ? cols.type(0).arrayType() : Object[].class;
        if (chunkType != expected) {
            throw new IllegalArgumentException("chunks of " + List.of(columns) + " are " + expected.getSimpleName()
                    + ", not " + chunkType.getSimpleName());
        }
        Column[] select = new Column[columns.length];
        int[] ords = new int[columns.length];
        for (int i = 0; i < select.length; i++) {
            select[i] = functions.col("`" + columns[i].replace("`", "``") + "`");
            ords[i] = i;
        }
        SparkColumns at = cols.at(ords);
        SparkInput input = SparkInput.of(ds.select(select));
        JavaRDD<Object> chunks = input.path() == SparkInput.Path.COLUMNAR
                ? input.batches().mapPartitions(it -> SparkChunks.fromBatches(it, at))
                : input.rows().mapPartitions(it -> SparkChunks.fromRows(it, at));
        @SuppressWarnings("unchecked") // every chunk is a chunkType, checked above
        JavaRDD<C> typed = (JavaRDD<C>) (JavaRDD<?>) chunks;
        return typed;
    }

    /**
     * Maps every chunk with a map kernel. A chunk is a primitive array for a one-input kernel, or an
     * {@code Object[]} with one entry per input: arrays of one length, or {@code Number}s broadcast to
     * every element. {@code resultType} is the kernel's result array type ({@code float[].class} for F32).
     *
     * @param <R> the result array type
     * @param chunks the chunks
     * @param kernel a map kernel
     * @param resultType the class of the result arrays
     * @return one result array per chunk, lazily computed
     */
    public static <R> JavaRDD<R> mapChunks(JavaRDD<?> chunks, Kernel kernel, Class<R> resultType) {
        Objects.requireNonNull(chunks, "chunks");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(resultType, "resultType");
        if (kernel.isReduction()) {
            throw new IllegalArgumentException("kernel " + kernel + " is a reduction; use reduceChunks, or give a map");
        }
        if (resultType != kernel.resultType().arrayType()) {
            throw new IllegalArgumentException("kernel " + kernel + " gives " + kernel.resultType() + " ("
                    + kernel.resultType().arrayType().getSimpleName() + "), not " + resultType.getSimpleName());
        }
        byte[] bytes = SparkKernelCodec.encode(kernel);
        return mapEach(chunks, bytes, resultType);
    }

    private static <T, R> JavaRDD<R> mapEach(JavaRDD<T> chunks, byte[] bytes, Class<R> resultType) {
        return chunks.map(chunk -> {
            SparkKernel k = SparkKernelCache.get(bytes);
            return resultType.cast(SparkKernelCache.flynn().apply(k.kernel, inputs(chunk, k.kernel)));
        });
    }

    /**
     * Reduces all chunks (see {@link #mapChunks} for what a chunk is) with a reduction kernel, as if
     * they were one array: the value boxed in its own type; argmin/argmax give the index in that array.
     *
     * @param chunks the chunks
     * @param kernel a reduction kernel
     * @return the reduced value, boxed
     */
    public static Object reduceChunks(JavaRDD<?> chunks, Kernel kernel) {
        Objects.requireNonNull(chunks, "chunks");
        Objects.requireNonNull(kernel, "kernel");
        if (!kernel.isReduction()) {
            throw new IllegalArgumentException("kernel " + kernel + " is a map; reduce it first, e.g. .reduce(Reduction.sum())");
        }
        return reduceChunks(chunks, kernel, true);
    }

    /**
     * {@link #reduceChunks} as a double (exact for float, double and int results).
     *
     * @param chunks the chunks
     * @param kernel a reduction kernel
     * @return the reduced value
     */
    public static double reduceChunksDouble(JavaRDD<?> chunks, Kernel kernel) {
        return number(reduceChunks(chunks, kernel), kernel).doubleValue();
    }

    /**
     * {@link #reduceChunks} for integer results: argmin, argmax, count, sums of integers.
     *
     * @param chunks the chunks
     * @param kernel a reduction kernel of an integer result type
     * @return the reduced value
     */
    public static long reduceChunksLong(JavaRDD<?> chunks, Kernel kernel) {
        if (kernel != null && !kernel.resultType().isIntegral()) {
            throw new IllegalArgumentException(kernel + " has a " + kernel.resultType() + " result; call reduceChunksDouble");
        }
        return number(reduceChunks(chunks, kernel), kernel).longValue();
    }

    private static Object reduceChunks(JavaRDD<?> chunks, Kernel kernel, boolean rescale) {
        byte[][] kernels = {SparkKernelCodec.encode(kernel)};
        return finish(reduceEach(chunks, kernels), kernels, !rescale ? null
                : (r, k) -> ((Number) reduceChunks(chunks, k, false)).doubleValue()).getFirst();
    }

    /** Runs reduction {@code r}'s rescaled kernel over the same data, without rescaling it again. */
    @FunctionalInterface
    private interface Rerun {
        double reduce(int r, Kernel kernel);
    }

    private static <T> JavaRDD<SparkPartitionState> reduceEach(JavaRDD<T> chunks, byte[][] bytes) {
        return chunks.mapPartitionsWithIndex((index, it) -> {
            Flynn flynn = SparkKernelCache.flynn();
            SparkKernel k = SparkKernelCache.get(bytes[0]);
            List<SparkPartial> parts = new ArrayList<>();
            while (it.hasNext()) {
                Object[] in = inputs(it.next(), k.kernel);
                int n = length(in, k.kernel);
                parts.add(k.reduce(flynn, in, n, n, null));
            }
            return List.of(new SparkPartitionState(index, new SparkPartial[] {SparkBlocks.tree(flynn, k, parts)})).iterator();
        }, false);
    }

    private static Object[] inputs(Object chunk, Kernel kernel) {
        if (chunk == null) {
            throw new NullPointerException("a chunk is null");
        }
        Object[] in = chunk instanceof Object[] a ? a : new Object[] {chunk};
        if (in.length != kernel.arity()) {
            throw new IllegalArgumentException("kernel " + kernel + " takes " + kernel.arity() + " inputs "
                    + kernel.inputNames() + "; a chunk has " + in.length + (chunk instanceof Object[] ? " entries"
                    : " (give an Object[] with one entry per input)"));
        }
        return in;
    }

    // the common length of a chunk's arrays; the reduction reads that many elements of each
    private static int length(Object[] in, Kernel kernel) {
        int n = -1;
        for (int i = 0; i < in.length; i++) {
            Object a = in[i];
            if (a == null) {
                throw new NullPointerException("input " + kernel.inputNames().get(i) + " of a chunk is null");
            }
            if (a instanceof Number) {
                continue;
            }
            if (!a.getClass().isArray() || !a.getClass().getComponentType().isPrimitive()) {
                throw new IllegalArgumentException("input " + kernel.inputNames().get(i) + " of a chunk must be a "
                        + kernel.inputTypes().get(i).arrayType().getSimpleName() + " or a Number, got "
                        + a.getClass().getSimpleName());
            }
            int len = java.lang.reflect.Array.getLength(a);
            if (n >= 0 && len != n) {
                throw new IllegalArgumentException("lengths differ in a chunk: " + n + " and " + len + " elements");
            }
            n = len;
        }
        if (n < 0) {
            throw new IllegalArgumentException("a chunk of reduction " + kernel + " has only scalars; give at least one array");
        }
        return n;
    }

    // ---- combining --------------------------------------------------------------------------------------

    private static List<Object> finish(JavaRDD<SparkPartitionState> states, byte[][] kernels, Rerun rerun) {
        int partitions = states.getNumPartitions();
        SparkPartial[] all;
        if (partitions == 0) {
            all = new SparkPartial[kernels.length];
            Arrays.setAll(all, i -> SparkPartial.empty(0));
        } else {
            SparkPartialTree.Merge merge = (left, right) -> {
                Flynn flynn = SparkKernelCache.flynn();
                SparkPartial[] out = new SparkPartial[left.length];
                for (int r = 0; r < out.length; r++) {
                    out[r] = SparkKernelCache.get(kernels[r]).merge(flynn, left[r], right[r]);
                }
                return out;
            };
            all = states.treeAggregate(new SparkPartialTree(partitions),
                    (tree, s) -> tree.add(s.partition(), s.parts(), merge),
                    (a, b) -> a.addAll(b, merge), partitions <= DRIVER_MERGE_PARTITIONS ? 1 : 2).result();
        }
        List<Object> out = new ArrayList<>(kernels.length);
        for (int r = 0; r < kernels.length; r++) {
            SparkKernel k = SparkKernelCache.get(kernels[r]);
            long count = all[r].count;
            if (rerun != null && count > 0 && RangeRescue.needed(k.kernel, k.state(all[r]), count)) {
                // the merged state left the exponent range: the value comes from more passes over the data
                int at = r;
                double v = RangeRescue.value(k.kernel, count, kernel -> rerun.reduce(at, kernel));
                out.add(k.kernel.resultType() == DType.F32 ? (Object) (float) v : (Object) v);
            } else {
                out.add(k.finish(SparkKernelCache.flynn(), all[r]));
            }
        }
        return out;
    }

    private static Number number(Object value, Kernel kernel) {
        if (value instanceof Number n) {
            return n;
        }
        throw new IllegalArgumentException(kernel + " has a " + kernel.resultType() + " result, not a number; call reduce");
    }
}
