package dev.flynn.gpu;

/**
 * A sticky CUDA error (illegal address, launch failure, ...): the context is unusable for the rest of
 * the process, so the GPU backend reports itself unavailable from now on; CPU backends are unaffected.
 */
public final class CudaFatalException extends CudaException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception for a sticky error; the message gains the note that the backend is now disabled.
     *
     * @param message the call and what went wrong
     * @param result the driver's {@code CUresult} code
     */
    public CudaFatalException(String message, int result) {
        super(message + "; the GPU backend is disabled for the rest of this process", result);
    }
}
