package dev.flynn.gpu.cuda;

import dev.flynn.gpu.CudaException;
import dev.flynn.gpu.CudaOutOfMemoryException;
import dev.flynn.gpu.emulator.EmulatorDevice;
import dev.flynn.gpu.emulator.PtxInterpreter;
import dev.flynn.gpu.ptx.PtxModule;
import dev.flynn.gpu.ptx.PtxTarget;

import java.lang.foreign.MemorySegment;

/**
 * What the GPU backend needs of a device: memory, copies, modules and synchronous launches. Two
 * implementations: {@link DriverDevice} (an NVIDIA GPU through JCuda's driver API) and
 * {@link EmulatorDevice} (the same PTX run by {@link PtxInterpreter} on the CPU, chosen with
 * {@code -Dflynn.gpu.device=emulator}). Addresses are device addresses. Failures are
 * {@link CudaException}s named by their {@code CUresult}; both implementations raise the same ones.
 */
public interface GpuDevice {
    /** The device's name, e.g. {@code NVIDIA H100 80GB HBM3}. */
    String name();

    /** The PTX ISA version and compute capability modules are generated for. */
    PtxTarget target();

    int multiprocessors();

    /** Whether this is the emulator rather than a GPU. */
    boolean emulated();

    /**
     * Device memory of at least {@code bytes} bytes, 256-byte aligned.
     *
     * @throws CudaOutOfMemoryException with the requested and the free bytes
     */
    long allocate(long bytes);

    void free(long address);

    /** Copies all of {@code src} (a heap or native segment) to device address {@code dst}. */
    void upload(MemorySegment src, long dst);

    /** Fills all of {@code dst} (a heap or native segment) from device address {@code src}. */
    void download(long src, MemorySegment dst);

    /** Copies {@code bytes} bytes from device address {@code src} to device address {@code dst}. */
    void copy(long dst, long src, long bytes);

    /** Sets {@code count} 32-bit words from {@code dst} to {@code value}. */
    void memset32(long dst, int value, long count);

    /** Loads (JIT-compiles) a module; the handle is passed back to {@link #launch}. */
    Object load(PtxModule module);

    /** Unloads a module {@link #load} returned; it is not launched again. */
    void unload(Object module);

    /**
     * Runs entry {@code entry} of a loaded module on {@code blocks} x {@code threads} threads and
     * waits for it. Every kernel parameter is 64 bits wide: {@code params} holds their bits in order.
     */
    void launch(Object module, String entry, int blocks, int threads, long[] params);
}
