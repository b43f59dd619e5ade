package dev.flynn.spark;

import dev.flynn.DType;
import dev.flynn.Kernel;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The numeric columns a kernel reads: which Spark type each has, where it is in a row, and how its
 * values reach the kernel's primitive arrays. A column's values are converted to the kernel input's
 * type only where Java's widening is exact (int to long or double, float to double, ...); anything
 * else is rejected with the cast that fixes it, rather than rounded silently.
 */
final class SparkColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The Spark types a kernel reads. */
    enum Kind {
        BYTE, SHORT, INT, LONG, FLOAT, DOUBLE
    }

    private final String[] names;
    private final Kind[] kinds;
    private final DType[] types;
    private final int[] ordinals;
    /** Whether the schema allows a null in any of the columns; when not, rows are not checked. */
    private final boolean nullable;

    private SparkColumns(String[] names, Kind[] kinds, DType[] types, int[] ordinals, boolean nullable) {
        this.names = names;
        this.kinds = kinds;
        this.types = types;
        this.ordinals = ordinals;
        this.nullable = nullable;
    }

    /**
     * Resolves the kernel's inputs to {@code columns} of {@code schema}.
     *
     * @throws IllegalArgumentException for a missing column, a non-numeric one, or one whose values the
     *                                  kernel's input type cannot hold exactly
     */
    static SparkColumns resolve(StructType schema, Kernel kernel, List<String> columns) {
        Objects.requireNonNull(columns, "columns");
        if (columns.size() != kernel.arity()) {
            throw new IllegalArgumentException("kernel " + kernel + " takes " + kernel.arity() + " inputs "
                    + kernel.inputNames() + ", got " + columns.size() + " columns " + columns);
        }
        return resolve(schema, columns, kernel.inputTypes(), kernel.inputNames());
    }

    /**
     * {@code columns} of {@code schema}, each read as the kernel type that holds it exactly and takes least
     * room (tinyint, smallint and int as I32, bigint as I64, float as F32, double as F64).
     *
     * @throws IllegalArgumentException for a missing or non-numeric column
     */
    static SparkColumns natural(StructType schema, List<String> columns) {
        Objects.requireNonNull(columns, "columns");
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            inputs.add("#" + i);
        }
        return resolve(schema, columns, java.util.Collections.nCopies(columns.size(), (DType) null), inputs);
    }

    // wanted: the kernel input types, null where the column's natural type is wanted
    private static SparkColumns resolve(StructType schema, List<String> columns, List<DType> wanted,
                                        List<String> inputNames) {
        int n = columns.size();
        String[] names = new String[n];
        Kind[] kinds = new Kind[n];
        DType[] types = new DType[n];
        int[] ordinals = new int[n];
        List<String> known = Arrays.asList(schema.fieldNames());
        boolean nullable = false;
        // exact names: a kernel's columns are data, not SQL, so no case folding or nested paths
        for (int i = 0; i < n; i++) {
            String name = Objects.requireNonNull(columns.get(i), "column " + i);
            int ord = known.indexOf(name);
            if (ord < 0) {
                throw new IllegalArgumentException("no column '" + name + "' (for kernel input "
                        + inputNames.get(i) + "); the columns are " + known);
            }
            StructField f = schema.fields()[ord];
            Kind kind = kindOf(f.dataType()).orElseThrow(() -> new IllegalArgumentException("column '" + name
                    + "' has type " + f.dataType().simpleString() + ", not a number; Flynn kernels read tinyint,"
                    + " smallint, int, bigint, float and double columns" + (f.dataType() instanceof
                    org.apache.spark.sql.types.DecimalType ? " (cast a decimal to double first)" : "")));
            DType want = wanted.get(i) == null ? natural(kind) : wanted.get(i);
            if (!holds(kind, want)) {
                throw new IllegalArgumentException("column '" + name + "' has type " + f.dataType().simpleString()
                        + ", which kernel input " + inputNames.get(i) + " (" + want + ") cannot hold exactly;"
                        + " cast the column (col(\"" + name + "\").cast(\"" + sparkType(want).simpleString()
                        + "\")) or build the kernel for " + natural(kind));
            }
            names[i] = name;
            nullable |= f.nullable();
            kinds[i] = kind;
            types[i] = want;
            ordinals[i] = ord;
        }
        return new SparkColumns(names, kinds, types, ordinals, nullable);
    }

    /** The Spark type of a kernel result column. */
    static DataType sparkType(DType t) {
        return switch (t) {
            case F32 -> DataTypes.FloatType;
            case F64 -> DataTypes.DoubleType;
            case I32 -> DataTypes.IntegerType;
            case I64 -> DataTypes.LongType;
            case BOOL -> throw new IllegalArgumentException("a mask (BOOL) is not stored in a column; cast it to a number");
        };
    }

    private static java.util.Optional<Kind> kindOf(DataType t) {
        Kind k = null;
        if (t.equals(DataTypes.ByteType)) k = Kind.BYTE;
        else if (t.equals(DataTypes.ShortType)) k = Kind.SHORT;
        else if (t.equals(DataTypes.IntegerType)) k = Kind.INT;
        else if (t.equals(DataTypes.LongType)) k = Kind.LONG;
        else if (t.equals(DataTypes.FloatType)) k = Kind.FLOAT;
        else if (t.equals(DataTypes.DoubleType)) k = Kind.DOUBLE;
        return java.util.Optional.ofNullable(k);
    }

    // Java's widening conversions that keep every value exactly (JLS 5.1.2 minus int/long to float, long to double)
    private static boolean holds(Kind k, DType t) {
        return switch (k) {
            case BYTE, SHORT -> t.isNumeric();
            case INT -> t == DType.I32 || t == DType.I64 || t == DType.F64;
            case LONG -> t == DType.I64;
            case FLOAT -> t == DType.F32 || t == DType.F64;
            case DOUBLE -> t == DType.F64;
        };
    }

    private static DType natural(Kind k) {
        return switch (k) {
            case BYTE, SHORT, INT -> DType.I32;
            case LONG -> DType.I64;
            case FLOAT -> DType.F32;
            case DOUBLE -> DType.F64;
        };
    }

    int size() {
        return names.length;
    }

    List<String> names() {
        return List.of(names);
    }

    DType type(int i) {
        return types[i];
    }

    int ordinal(int i) {
        return ordinals[i];
    }

    /** The same columns read at other positions (after a {@code select}). */
    SparkColumns at(int[] newOrdinals) {
        return new SparkColumns(names, kinds, types, newOrdinals.clone(), nullable);
    }

    /** Whether any of the columns in this row is null. */
    boolean anyNull(InternalRow r) {
        if (!nullable) {
            return false;
        }
        for (int ord : ordinals) {
            if (r.isNullAt(ord)) {
                return true;
            }
        }
        return false;
    }

    /** New arrays, one per column, of the kernel's input types. */
    Object[] arrays(int capacity) {
        Object[] out = new Object[names.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = java.lang.reflect.Array.newInstance(types[i].javaType(), capacity);
        }
        return out;
    }

    /** Stores column i of a row (not null) at {@code pos} of {@code arrays[i]}, for every column. */
    void read(InternalRow r, Object[] arrays, int pos) {
        for (int i = 0; i < ordinals.length; i++) {
            int ord = ordinals[i];
            switch (kinds[i]) {
                case BYTE -> store(arrays[i], types[i], pos, r.getByte(ord));
                case SHORT -> store(arrays[i], types[i], pos, r.getShort(ord));
                case INT -> store(arrays[i], types[i], pos, r.getInt(ord));
                case LONG -> ((long[]) arrays[i])[pos] = r.getLong(ord);
                case FLOAT -> storeFloat(arrays[i], types[i], pos, r.getFloat(ord));
                case DOUBLE -> ((double[]) arrays[i])[pos] = r.getDouble(ord);
            }
        }
    }

    /** Whether any of the columns has a null anywhere in this batch (read once per batch). */
    boolean anyNull(ColumnarBatch b) {
        if (!nullable) {
            return false;
        }
        for (int ord : ordinals) {
            if (b.column(ord).hasNull()) {
                return true;
            }
        }
        return false;
    }

    /** Whether any of the columns is null in row {@code row} of this batch. */
    boolean anyNull(ColumnarBatch b, int row) {
        for (int ord : ordinals) {
            if (b.column(ord).isNullAt(row)) {
                return true;
            }
        }
        return false;
    }

    /** Stores rows {@code from .. from+n} (none null) of every column at {@code pos ..} of {@code arrays[i]}. */
    void read(ColumnarBatch b, int from, int n, Object[] arrays, int pos) {
        for (int i = 0; i < ordinals.length; i++) {
            read(i, b.column(ordinals[i]), from, n, arrays[i], pos);
        }
    }

    /**
     * Rows {@code 0 .. n} (none null) of every column, as arrays of the kernel's input types: the vector's own
     * bulk copy where the column already has that type (one copy, not two), else widened into {@code scratch[i]}.
     */
    Object[] columns(ColumnarBatch b, int n, Object[] scratch) {
        Object[] out = new Object[ordinals.length];
        for (int i = 0; i < out.length; i++) {
            ColumnVector v = b.column(ordinals[i]);
            if (v instanceof OnHeapColumnVector h && copied(i, h, n, scratch[i])) {
                out[i] = scratch[i];
                continue;
            }
            out[i] = switch (kinds[i]) {
                case DOUBLE -> v.getDoubles(0, n);
                case LONG -> v.getLongs(0, n);
                case INT -> types[i] == DType.I32 ? v.getInts(0, n) : null;
                case FLOAT -> types[i] == DType.F32 ? v.getFloats(0, n) : null;
                case BYTE, SHORT -> null;
            };
            if (out[i] == null) {
                read(i, v, 0, n, scratch[i], 0);
                out[i] = scratch[i];
            }
        }
        return out;
    }

    /**
     * Copies rows {@code 0 .. n} of an on-heap vector (what Spark's cache and its vectorized readers fill) of the
     * kernel's own type into {@code array}, element by element: the class is final, so the getter is one
     * inlined array load, and no array is allocated per batch as the bulk getters do. False for other types.
     */
    private boolean copied(int i, OnHeapColumnVector v, int n, Object array) {
        switch (kinds[i]) {
            case DOUBLE -> {
                double[] a = (double[]) array;
                for (int j = 0; j < n; j++) {
                    a[j] = v.getDouble(j);
                }
            }
            case LONG -> {
                long[] a = (long[]) array;
                for (int j = 0; j < n; j++) {
                    a[j] = v.getLong(j);
                }
            }
            case INT -> {
                if (types[i] != DType.I32) {
                    return false;
                }
                int[] a = (int[]) array;
                for (int j = 0; j < n; j++) {
                    a[j] = v.getInt(j);
                }
            }
            case FLOAT -> {
                if (types[i] != DType.F32) {
                    return false;
                }
                float[] a = (float[]) array;
                for (int j = 0; j < n; j++) {
                    a[j] = v.getFloat(j);
                }
            }
            case BYTE, SHORT -> {
                return false;
            }
        }
        return true;
    }

    private void read(int i, ColumnVector v, int from, int n, Object array, int pos) {
        // one bulk copy per column: a vector's element getters are virtual calls that several vector
        // classes in one JVM make megamorphic; the bulk getters are one call per column
        switch (kinds[i]) {
            case BYTE -> {
                byte[] a = v.getBytes(from, n);
                for (int j = 0; j < n; j++) {
                    store(array, types[i], pos + j, a[j]);
                }
            }
            case SHORT -> {
                short[] a = v.getShorts(from, n);
                for (int j = 0; j < n; j++) {
                    store(array, types[i], pos + j, a[j]);
                }
            }
            case INT -> widen(v.getInts(from, n), array, types[i], pos);
            case LONG -> System.arraycopy(v.getLongs(from, n), 0, array, pos, n);
            case FLOAT -> widen(v.getFloats(from, n), array, types[i], pos);
            case DOUBLE -> System.arraycopy(v.getDoubles(from, n), 0, array, pos, n);
        }
    }

    /** Stores row {@code row} (not null) of every column at {@code pos} of {@code arrays[i]}. */
    void read(ColumnarBatch b, int row, Object[] arrays, int pos) {
        for (int i = 0; i < ordinals.length; i++) {
            ColumnVector v = b.column(ordinals[i]);
            switch (kinds[i]) {
                case BYTE -> store(arrays[i], types[i], pos, v.getByte(row));
                case SHORT -> store(arrays[i], types[i], pos, v.getShort(row));
                case INT -> store(arrays[i], types[i], pos, v.getInt(row));
                case LONG -> ((long[]) arrays[i])[pos] = v.getLong(row);
                case FLOAT -> storeFloat(arrays[i], types[i], pos, v.getFloat(row));
                case DOUBLE -> ((double[]) arrays[i])[pos] = v.getDouble(row);
            }
        }
    }

    private static void widen(int[] a, Object array, DType t, int pos) {
        switch (t) {
            case I32 -> System.arraycopy(a, 0, array, pos, a.length);
            case I64 -> {
                long[] out = (long[]) array;
                for (int j = 0; j < a.length; j++) {
                    out[pos + j] = a[j];
                }
            }
            case F64 -> {
                double[] out = (double[]) array;
                for (int j = 0; j < a.length; j++) {
                    out[pos + j] = a[j];
                }
            }
            case F32, BOOL -> throw new IllegalStateException("int column read as " + t);
        }
    }

    private static void widen(float[] a, Object array, DType t, int pos) {
        if (t == DType.F32) {
            System.arraycopy(a, 0, array, pos, a.length);
        } else {
            double[] out = (double[]) array;
            for (int j = 0; j < a.length; j++) {
                out[pos + j] = a[j];
            }
        }
    }

    private static void store(Object array, DType t, int pos, int v) {
        switch (t) {
            case I32 -> ((int[]) array)[pos] = v;
            case I64 -> ((long[]) array)[pos] = v;
            case F32 -> ((float[]) array)[pos] = v;
            case F64 -> ((double[]) array)[pos] = v;
            case BOOL -> throw new IllegalStateException("BOOL input");
        }
    }

    private static void storeFloat(Object array, DType t, int pos, float v) {
        if (t == DType.F32) {
            ((float[]) array)[pos] = v;
        } else {
            ((double[]) array)[pos] = v;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparkColumns c && nullable == c.nullable && Arrays.equals(names, c.names)
                && Arrays.equals(kinds, c.kinds) && Arrays.equals(types, c.types) && Arrays.equals(ordinals, c.ordinals);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(names), Arrays.hashCode(kinds), Arrays.hashCode(types),
                Arrays.hashCode(ordinals), nullable);
    }

    /** The union of several column lists, in first-seen order. */
    static List<String> union(List<List<String>> lists) {
        List<String> out = new ArrayList<>();
        for (List<String> l : lists) {
            for (String s : l) {
                if (!out.contains(s)) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
