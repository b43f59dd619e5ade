package dev.flynn.gpu;

/** A CUDA driver call failed; the message names the call and its {@code CUresult}. */
public class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The driver's {@code CUresult} code. */
    private final int result;

    /**
     * An exception for a failed driver call, as the backend's devices raise it.
     *
     * @param message the call and what went wrong
     * @param result the driver's {@code CUresult} code
     */
    public CudaException(String message, int result) {
        super(message);
        this.result = result;
    }

    /**
     * The {@code CUresult} code.
     *
     * @return the code, as JCuda's {@code CUresult} constants number them
     */
    public int result() {
        return result;
    }
}
