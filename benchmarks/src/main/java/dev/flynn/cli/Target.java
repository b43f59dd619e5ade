package dev.flynn.cli;

/**
 * A backend at a thread count: one series of results.
 *
 * @param backend the backend's provider name ({@code scalar}, {@code simd}, {@code gpu}, {@code c})
 * @param threads threads given to it
 * @param label   the name shown in rows; GPU rows say where the data lived
 */
record Target(String backend, int threads, String label) {
    /** The reference every speedup and every map's ulp error is measured against. */
    static final Target BASELINE = new Target("scalar", 1, "scalar");

    static Target of(String backend, int threads) {
        // data comes from Java arrays, so every GPU call copies it to the device and back
        return new Target(backend, threads, backend.equals("gpu") ? "gpu-copied" : backend);
    }
}
