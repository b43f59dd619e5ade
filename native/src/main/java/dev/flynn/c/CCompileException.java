package dev.flynn.c;

/** The C compiler could not be run, or rejected a source; the message carries the compiler's output. */
public final class CCompileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, with the compiler's output
     */
    public CCompileException(String message) {
        super(message);
    }
}
