package dev.flynn;

/**
 * Elements that live in a backend's own memory (a GPU's), usable as kernel inputs and outputs with
 * no copy to or from the host. Only the backend that owns it can run kernels on it; AUTO picks that
 * backend for any call that has one. Close it to free the memory.
 */
public interface DeviceArray extends AutoCloseable {

    /**
     * The element type.
     *
     * @return the element type
     */
    DType type();

    /**
     * Number of elements.
     *
     * @return the number of elements
     */
    long length();

    /**
     * The name of the backend that owns the memory ({@code gpu}).
     *
     * @return the backend's name
     */
    String backend();

    /** Frees the memory; later use throws {@link IllegalStateException}. */
    @Override
    void close();
}
