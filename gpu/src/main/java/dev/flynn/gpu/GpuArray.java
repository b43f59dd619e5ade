package dev.flynn.gpu;

import dev.flynn.DType;
import dev.flynn.DeviceArray;
import dev.flynn.gpu.cuda.CudaContext;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.Objects;

/**
 * Elements in GPU memory, used as kernel inputs and outputs with no transfer: upload once, chain
 * kernels, download the result. Close it to free the memory; a {@link Cleaner} frees it if an
 * unreachable array was not closed.
 * <pre>{@code
 * try (GpuArray x = GpuArray.upload(xs); GpuArray y = GpuArray.allocate(DType.F32, xs.length)) {
 *     Flynn.global().into(kernel, y, x);
 *     y.download(result);
 * }
 * }</pre>
 */
public final class GpuArray implements DeviceArray {
    private static final Cleaner CLEANER = Cleaner.create();

    private final DType type;
    private final long length;
    private final CudaContext.Allocation memory;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean closed;

    private GpuArray(DType type, long length) {
        this.type = type;
        this.length = length;
        this.memory = CudaContext.get().allocate(Math.max(1, length * type.byteSize()));
        this.cleanable = CLEANER.register(this, memory);
    }

    /**
     * Uninitialised device memory for {@code length} elements of {@code type}.
     *
     * @param type the element type, not BOOL
     * @param length the number of elements, at least 0
     * @return the device array; close it to free the memory
     * @throws IllegalArgumentException if {@code length} is negative or {@code type} is BOOL
     * @throws CudaOutOfMemoryException if the device has too little free memory
     */
    public static GpuArray allocate(DType type, long length) {
        Objects.requireNonNull(type, "type");
        type.layout();
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        return new GpuArray(type, length);
    }

    /**
     * A device copy of a float[], double[], int[], long[] or a MemorySegment of {@code type}.
     *
     * @param host the array to copy
     * @return the device array
     * @throws IllegalArgumentException if {@code host} is not a float, double, int or long array
     */
    public static GpuArray upload(Object host) {
        Objects.requireNonNull(host, "host");
        DType t = DType.ofArray(host).orElseThrow(() -> new IllegalArgumentException(
                "upload takes a float[], double[], int[] or long[]; for a MemorySegment use upload(segment, type)"));
        GpuArray a = allocate(t, java.lang.reflect.Array.getLength(host));
        a.copyFrom(host);
        return a;
    }

    /**
     * A device copy of a {@code float[]}: {@link #upload(Object)} with the type known at compile time.
     *
     * @param host the array to copy
     * @return the device array
     */
    public static GpuArray upload(float[] host) {
        return upload((Object) host);
    }

    /**
     * A device copy of a {@code double[]}: {@link #upload(Object)} with the type known at compile time.
     *
     * @param host the array to copy
     * @return the device array
     */
    public static GpuArray upload(double[] host) {
        return upload((Object) host);
    }

    /**
     * A device copy of a {@code int[]}: {@link #upload(Object)} with the type known at compile time.
     *
     * @param host the array to copy
     * @return the device array
     */
    public static GpuArray upload(int[] host) {
        return upload((Object) host);
    }

    /**
     * A device copy of a {@code long[]}: {@link #upload(Object)} with the type known at compile time.
     *
     * @param host the array to copy
     * @return the device array
     */
    public static GpuArray upload(long[] host) {
        return upload((Object) host);
    }

    /**
     * A device copy of a segment holding elements of {@code type}.
     *
     * @param host the segment to copy
     * @param type the type of its elements
     * @return the device array
     */
    public static GpuArray upload(MemorySegment host, DType type) {
        Objects.requireNonNull(host, "host");
        GpuArray a = allocate(type, host.byteSize() / type.byteSize());
        a.copyFrom(host);
        return a;
    }

    /**
     * Copies all elements from a host array or segment of the same type and length.
     *
     * @param host the array or segment to copy from
     * @throws IllegalArgumentException if its type or length differs
     */
    public void copyFrom(Object host) {
        checkHost(host);
        CudaContext.get().upload(host, 0, pointer(), length * type.byteSize(), type);
    }

    /**
     * Copies all elements to a host array or segment of the same type and length.
     *
     * @param host the array or segment to copy into
     * @throws IllegalArgumentException if its type or length differs
     */
    public void download(Object host) {
        checkHost(host);
        CudaContext.get().download(pointer(), host, 0, length * type.byteSize(), type);
    }

    /**
     * {@link #copyFrom(Object)} from a {@code float[]}.
     *
     * @param host the array to copy from
     * @throws IllegalArgumentException if this array's type is not F32 or its length differs
     */
    public void copyFrom(float[] host) {
        copyFrom((Object) host);
    }

    /**
     * {@link #download(Object)} into a {@code float[]}.
     *
     * @param host the array to copy into
     * @throws IllegalArgumentException if this array's type is not F32 or its length differs
     */
    public void download(float[] host) {
        download((Object) host);
    }

    /**
     * {@link #copyFrom(Object)} from a {@code double[]}.
     *
     * @param host the array to copy from
     * @throws IllegalArgumentException if this array's type is not F64 or its length differs
     */
    public void copyFrom(double[] host) {
        copyFrom((Object) host);
    }

    /**
     * {@link #download(Object)} into a {@code double[]}.
     *
     * @param host the array to copy into
     * @throws IllegalArgumentException if this array's type is not F64 or its length differs
     */
    public void download(double[] host) {
        download((Object) host);
    }

    /**
     * {@link #copyFrom(Object)} from a {@code int[]}.
     *
     * @param host the array to copy from
     * @throws IllegalArgumentException if this array's type is not I32 or its length differs
     */
    public void copyFrom(int[] host) {
        copyFrom((Object) host);
    }

    /**
     * {@link #download(Object)} into a {@code int[]}.
     *
     * @param host the array to copy into
     * @throws IllegalArgumentException if this array's type is not I32 or its length differs
     */
    public void download(int[] host) {
        download((Object) host);
    }

    /**
     * {@link #copyFrom(Object)} from a {@code long[]}.
     *
     * @param host the array to copy from
     * @throws IllegalArgumentException if this array's type is not I64 or its length differs
     */
    public void copyFrom(long[] host) {
        copyFrom((Object) host);
    }

    /**
     * {@link #download(Object)} into a {@code long[]}.
     *
     * @param host the array to copy into
     * @throws IllegalArgumentException if this array's type is not I64 or its length differs
     */
    public void download(long[] host) {
        download((Object) host);
    }

    private void checkHost(Object host) {
        Objects.requireNonNull(host, "host");
        long n;
        if (host instanceof MemorySegment seg) {
            n = seg.byteSize() / type.byteSize();
        } else {
            DType t = DType.ofArray(host).orElseThrow(() -> new IllegalArgumentException(
                    "expected a " + type.javaType() + "[] or a MemorySegment, got " + host.getClass().getSimpleName()));
            if (t != type) {
                throw new IllegalArgumentException("this GpuArray holds " + type + ", the host array is " + t);
            }
            n = java.lang.reflect.Array.getLength(host);
        }
        if (n != length) {
            throw new IllegalArgumentException("lengths differ: the GpuArray has " + length + " elements, the host "
                    + n);
        }
    }

    /** The device address of the first element. */
    long pointer() {
        if (closed) {
            throw new IllegalStateException("this GpuArray is closed");
        }
        return memory.address();
    }

    @Override
    public DType type() {
        return type;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public String backend() {
        return "gpu";
    }

    @Override
    public void close() {
        closed = true;
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "GpuArray[" + type.label() + " x " + length + (closed ? ", closed" : "") + "]";
    }
}
