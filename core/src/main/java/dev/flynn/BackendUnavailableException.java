package dev.flynn;

/** A backend was asked for explicitly but cannot run here; the message says why and what fixes it. */
public final class BackendUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message why the backend cannot run and what fixes it
     */
    public BackendUnavailableException(String message) {
        super(message);
    }
}
