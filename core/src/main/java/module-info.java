/**
 * Flynn's core: the kernel API ({@code dev.flynn}), the IR ({@code dev.flynn.ir}) and the backend SPI
 * ({@code dev.flynn.spi}). It depends on no backend; backends are found with {@link java.util.ServiceLoader}.
 */
module dev.flynn.core {
    exports dev.flynn;
    exports dev.flynn.ir;
    exports dev.flynn.spi;

    uses dev.flynn.spi.BackendProvider;
}
