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
 */
package dev.flynn.gpu;
