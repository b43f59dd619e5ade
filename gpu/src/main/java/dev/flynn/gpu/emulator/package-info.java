/**
 * The PTX emulator: a {@link dev.flynn.gpu.cuda.GpuDevice} with no GPU behind it
 * ({@link dev.flynn.gpu.emulator.EmulatorDevice}, chosen with {@code -Dflynn.gpu.device=emulator}) whose
 * launches run the generated PTX on the CPU with {@link dev.flynn.gpu.emulator.PtxInterpreter}, checking
 * memory accesses, shuffles, barriers and shared-memory races as it goes.
 *
 * <p>Internal to the backend: public only because the gpu jar is an automatic module, whose packages
 * are all exported; no compatibility is promised.
 */
package dev.flynn.gpu.emulator;
