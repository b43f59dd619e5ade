/**
 * Code generation of the GPU backend: the kernel IR lowered to PTX text. {@link dev.flynn.gpu.ptx.PtxGenerator}
 * lowers maps and reductions, {@link dev.flynn.gpu.ptx.PtxMath} writes the accurate math library, and
 * {@link dev.flynn.gpu.ptx.PtxWriter} is the one place PTX text is written. Nothing here touches JCuda
 * or a device, so generated PTX is tested (golden files, offline compilation) without a GPU.
 *
 * <p>Internal to the backend: public only because the gpu jar is an automatic module, whose packages
 * are all exported; no compatibility is promised.
 */
package dev.flynn.gpu.ptx;
