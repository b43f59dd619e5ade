/**
 * Flynn's GPU (SIMT) backend: kernels compiled to PTX text and run on NVIDIA GPUs through JCuda's
 * driver API, which needs only the driver's {@code libcuda.so.1}. Add {@code dev.flynn:flynn-gpu}
 * and the backend registers itself through {@link java.util.ServiceLoader}; {@link dev.flynn.gpu.GpuArray}
 * keeps data on the device between calls.
 *
 * <p>The jar has no module descriptor: JCuda's jars declare no module name, so a descriptor would
 * have to {@code requires} a name Java derives from JCuda's file name, which changes when the jar is
 * renamed. On the module path the jar is the automatic module {@code dev.flynn.gpu} (its manifest
 * reserves the name); on the class path nothing changes.
 *
 * <p>This package is the API: the provider, {@code GpuArray} and the exceptions. The backend itself
 * lives in {@code dev.flynn.gpu.ptx} (code generation), {@code dev.flynn.gpu.cuda} (the CUDA runtime)
 * and {@code dev.flynn.gpu.emulator} (the PTX emulator), which are not API.
 */
package dev.flynn.gpu;
