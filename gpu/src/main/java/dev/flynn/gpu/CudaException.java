package dev.flynn.gpu;

/** A CUDA driver call failed; the message names the call and its {@code CUresult}. */
public class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int result;

    CudaException(String message, int result) {
        super(message);
        this.result = result;
    }

    /** The {@code CUresult} code. */
    public int result() {
        return result;
    }
}
