/**
 * The CUDA runtime of the GPU backend: the {@link dev.flynn.gpu.cuda.GpuDevice} contract, the NVIDIA
 * driver behind it through JCuda ({@link dev.flynn.gpu.cuda.DriverDevice}), the probe that finds the
 * driver without loading JCuda first, and {@link dev.flynn.gpu.cuda.CudaContext}: the device in use,
 * its module cache, buffers and launches. Only {@code DriverDevice} and the probe touch JCuda.
 *
 * <p>Internal to the backend: public only because the gpu jar is an automatic module, whose packages
 * are all exported; no compatibility is promised.
 */
package dev.flynn.gpu.cuda;
