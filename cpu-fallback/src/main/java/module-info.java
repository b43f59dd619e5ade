/** Flynn's scalar (SISD) backend: every kernel as a plain Java loop, the reference of all backends. */
module dev.flynn.scalar {
    requires dev.flynn.core;

    provides dev.flynn.spi.BackendProvider with dev.flynn.scalar.ScalarBackend;
}
