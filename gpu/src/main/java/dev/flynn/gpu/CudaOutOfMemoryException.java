package dev.flynn.gpu;

/**
 * The GPU had too little free memory for a call. Nothing was leaked: the call can be retried with
 * less data, after freeing {@link GpuArray}s, or on another backend.
 */
public final class CudaOutOfMemoryException extends CudaException {
    private static final long serialVersionUID = 1L;
    /** Bytes the call asked for. */
    private final long requested;
    /** Bytes the device had free. */
    private final long free;

    /**
     * An exception for an allocation the device could not satisfy.
     *
     * @param requested the bytes asked for (-1 where the driver does not say)
     * @param free the bytes the device had free
     * @param result the driver's {@code CUresult} code
     */
    public CudaOutOfMemoryException(long requested, long free, int result) {
        super("out of GPU memory: requested " + requested + " bytes, " + free + " bytes free"
                + " (CUDA_ERROR_OUT_OF_MEMORY): free GpuArrays, use smaller chunks, or run on a CPU backend", result);
        this.requested = requested;
        this.free = free;
    }

    /**
     * The bytes the failed allocation asked for.
     *
     * @return the bytes requested
     */
    public long requested() {
        return requested;
    }

    /**
     * The bytes the device had free at the time.
     *
     * @return the free bytes
     */
    public long free() {
        return free;
    }
}
