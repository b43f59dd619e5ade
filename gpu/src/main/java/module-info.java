/**
 * Flynn's GPU (SIMT) backend: kernels compiled to PTX text and run on NVIDIA GPUs through JCuda's
 * driver API, which needs only the driver's {@code libcuda.so.1}.
 */
@SuppressWarnings("requires-automatic")
module dev.flynn.gpu {
    requires dev.flynn.core;
    requires jcuda;

    exports dev.flynn.gpu;

    provides dev.flynn.spi.BackendProvider with dev.flynn.gpu.CudaBackend;
}
