/**
 * Flynn's C backend: kernels lowered to C99, built by the system C compiler and called through the
 * FFM API. It needs native access: {@code --enable-native-access=dev.flynn.c} (ALL-UNNAMED on the
 * class path).
 */
module dev.flynn.c {
    requires dev.flynn.core;

    provides dev.flynn.spi.BackendProvider with dev.flynn.c.CBackend;
}
