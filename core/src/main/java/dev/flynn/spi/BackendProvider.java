package dev.flynn.spi;

/**
 * A backend, found with {@link java.util.ServiceLoader}. Implementations must be cheap to construct
 * and must not fail in their constructor: all probing happens in {@link #probe()}.
 */
public interface BackendProvider {

    /**
     * Short lower-case name: {@code scalar}, {@code simd}, {@code gpu}, {@code c}.
     *
     * @return the name
     */
    String name();

    /**
     * AUTO tries available backends from the highest priority down.
     *
     * @return the priority; higher is tried first
     */
    int priority();

    /**
     * Whether this backend can run here, with the reason and the fix. Called once, lazily.
     *
     * @return the availability
     */
    Availability probe();

    /**
     * Whether AUTO should run this call here (the GPU declines small host arrays, say), with the
     * reason when it declines; empty when it accepts.
     *
     * @param call the validated call
     * @return the reason to decline, or empty to accept
     */
    default java.util.Optional<String> declines(Call call) {
        return java.util.Optional.empty();
    }

    /**
     * Compiles (or finds in the backend's cache) the code for a kernel with these bindings. Core keeps
     * the result with the kernel and hands it back in {@link Call#compiled()}.
     *
     *
     * @param shapeKey {@code ir.shapeKey()}, computed once per kernel
     * @param inputs   how each input is bound
     * @param output   how the output is bound ({@link Binding#NONE} for reductions)
     * @param ir the verified IR of the kernel
     * @return the compiled code, opaque to core
     */
    Object prepare(dev.flynn.ir.KernelIR ir, String shapeKey, java.util.List<Binding> inputs, Binding output);

    /**
     * How many compiled kernels this backend holds now, after releasing those the garbage collector
     * took: the ones some kernel still refers to plus at most {@link KernelCache#RECENT} more. Two
     * kernels that differ only in literal values share one.
     *
     * @return the number of compiled kernels held
     */
    int cachedKernels();

    /**
     * Runs a map call: writes all {@code n} outputs or throws before writing any of the caller's memory.
     *
     * @param call the validated call, with {@link Call#compiled()} from {@link #prepare}
     */
    void map(Call call);

    /**
     * Runs a reduction call over all {@code n > 0} elements into {@code result}: the merged state, not
     * yet finished (a compensated sum keeps its compensation in {@link Partial#c}); core finishes it.
     *
     * @param call the validated call
     * @param result receives the merged state
     */
    void reduce(Call call, Partial result);

    /**
     * Runs a scan call: the kernel is a map (its body the scanned values), written into the call's
     * output as the inclusive or exclusive scan of {@code op}, in {@link dev.flynn.ir.ScanOp}'s block
     * order, so that every backend gives the same bits. Writes all {@code n > 0} outputs or throws
     * before writing any of the caller's memory.
     *
     * @param call the validated call, with {@link Call#compiled()} from {@link #prepare} for the map
     * @param op the scan
     * @param exclusive whether element {@code i} excludes value {@code i}
     */
    void scan(Call call, dev.flynn.ir.ScanOp op, boolean exclusive);

    /**
     * For backends that hold device memory: a new device array of {@code length} elements, contents
     * undefined. Core takes temporaries for strided device views with it and closes them.
     *
     * @param type the element type
     * @param length the number of elements
     * @return the array
     * @throws UnsupportedOperationException where the backend holds no device memory
     */
    default dev.flynn.DeviceArray allocate(dev.flynn.DType type, long length) {
        throw new UnsupportedOperationException("the " + name() + " backend holds no device memory");
    }

    /**
     * For backends that hold device memory: copies {@code rows × cols} elements of one type from one
     * walk over device memory to another, element {@code (r, c)} of {@code from} to element
     * {@code (r, c)} of {@code to}, on the device. Core gathers strided device views into contiguous
     * temporaries and scatters results back with it; both walks are in bounds (core checks), and
     * {@code to} reaches no element twice unless {@code rows} or {@code cols} is 1.
     *
     * @param from where the elements are read
     * @param to where they are written
     * @param rows the rows walked
     * @param cols the columns walked
     * @throws UnsupportedOperationException where the backend holds no device memory
     */
    default void copyStrided(DevicePlace from, DevicePlace to, long rows, long cols) {
        throw new UnsupportedOperationException("the " + name() + " backend holds no device memory");
    }
}
