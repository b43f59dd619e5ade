package dev.flynn.gpu.cuda;

import dev.flynn.DType;
import dev.flynn.gpu.CudaException;
import dev.flynn.gpu.CudaFatalException;
import dev.flynn.gpu.emulator.EmulatorDevice;
import dev.flynn.gpu.emulator.PtxInterpreter;
import dev.flynn.gpu.ptx.PtxGenerator;
import dev.flynn.gpu.ptx.PtxModule;
import dev.flynn.gpu.ptx.PtxTarget;
import dev.flynn.spi.KernelCache;

import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;

/**
 * The GPU backend's state in the process: its {@link GpuDevice}, the module cache keyed by kernel
 * shape, and the small device buffers every launch uses (error flag, reduction partials, result). The
 * device is a {@link DriverDevice} (device 0 of the NVIDIA driver) unless system property
 * {@value #DEVICE_PROPERTY} is {@code emulator}: then it is an {@link EmulatorDevice}. This class never
 * touches JCuda itself. Calls are serialised: one kernel call at a time uses the shared buffers.
 */
public final class CudaContext {
    /** The system property that chooses the device: {@code cuda} (the default) or {@code emulator}. */
    public static final String DEVICE_PROPERTY = "flynn.gpu.device";
    /** At most this many blocks produce reduction partials; fixed so results do not depend on the device. */
    public static final int MAX_REDUCE_BLOCKS = 1024;
    private static volatile CudaContext instance;
    private static volatile String disabled;

    public final GpuDevice device;
    public final PtxTarget target;
    final int multiprocessors;
    /** Modules by kernel shape; one no kernel refers to any more is unloaded from the device. */
    private final KernelCache<Compiled> modules;
    private final long errorFlag;
    private final long partials;
    private final long result;

    /** A generated module and the device's handle for it once loaded. */
    public record Compiled(PtxModule module, Object handle) {
    }

    /** Device memory freed once, by close or by the Cleaner. */
    public static final class Allocation implements Runnable {
        private final GpuDevice device;
        private final long address;
        private final long bytes;
        private boolean freed;

        Allocation(GpuDevice device, long address, long bytes) {
            this.device = device;
            this.address = address;
            this.bytes = bytes;
        }

        public long address() {
            return address;
        }

        public long bytes() {
            return bytes;
        }

        @Override
        public synchronized void run() {
            if (!freed && disabled == null) {
                freed = true;
                try {
                    device.free(address);
                } catch (CudaException e) {
                    // a failed free leaks the memory; it must not hide the exception of the call that freed
                    // (a sticky error has disabled the backend already)
                }
            }
        }
    }

    private CudaContext(GpuDevice device) {
        this.device = device;
        target = device.target();
        multiprocessors = device.multiprocessors();
        errorFlag = device.allocate(4);
        partials = device.allocate((long) MAX_REDUCE_BLOCKS * PtxModule.PARTIAL_BYTES);
        result = device.allocate(PtxModule.PARTIAL_BYTES);
        modules = new KernelCache<>(c -> new Unload(device, c.handle()));
    }

    /** Unloads a module whose kernels are gone; the handle, not the collected {@link Compiled}, is kept. */
    private record Unload(GpuDevice device, Object handle) implements Runnable {
        @Override
        public void run() {
            if (disabled == null) {
                try {
                    device.unload(handle);
                } catch (CudaException e) {
                    // the module's device memory stays taken, the rest of the process is unaffected; a
                    // sticky error has disabled the backend already
                }
            }
        }
    }

    /** Whether {@value #DEVICE_PROPERTY} chooses the emulator. */
    public static boolean emulatorSelected() {
        return "emulator".equals(System.getProperty(DEVICE_PROPERTY));
    }

    /**
     * Checks {@value #DEVICE_PROPERTY}.
     *
     * @throws IllegalArgumentException when it is set to neither {@code cuda} nor {@code emulator}
     */
    public static void checkDeviceProperty() {
        String d = System.getProperty(DEVICE_PROPERTY);
        if (d != null && !d.equals("cuda") && !d.equals("emulator")) {
            throw new IllegalArgumentException("system property " + DEVICE_PROPERTY + " is \"" + d
                    + "\"; valid values: cuda (the default: an NVIDIA GPU) or emulator (the PTX emulator)");
        }
    }

    private static GpuDevice newDevice() {
        checkDeviceProperty();
        return emulatorSelected() ? new EmulatorDevice() : new DriverDevice();
    }

    public static CudaContext get() {
        String off = disabled;
        if (off != null) {
            throw new IllegalStateException("the GPU backend is disabled after a fatal CUDA error: " + off);
        }
        CudaContext c = instance;
        if (c == null) {
            synchronized (CudaContext.class) {
                c = instance;
                if (c == null) {
                    c = instance = new CudaContext(newDevice());
                }
            }
        }
        return c;
    }

    /** Why the backend was disabled by a sticky error, or null. */
    public static String disabledReason() {
        return disabled;
    }

    /** Disables the backend for the rest of the process: a sticky error made the device unusable. */
    public static void disable(String reason) {
        disabled = reason;
    }

    /**
     * A sticky error the emulator found: disables the backend as the driver's would and returns the
     * exception to throw, naming the {@code CUresult} and what the faulting thread did.
     */
    public static CudaFatalException fatal(String call, int result, String detail) {
        String name = switch (result) {
            case PtxInterpreter.ILLEGAL_ADDRESS -> "CUDA_ERROR_ILLEGAL_ADDRESS";
            case PtxInterpreter.ILLEGAL_INSTRUCTION -> "CUDA_ERROR_ILLEGAL_INSTRUCTION";
            case PtxInterpreter.MISALIGNED_ADDRESS -> "CUDA_ERROR_MISALIGNED_ADDRESS";
            default -> "CUDA_ERROR_LAUNCH_FAILED";
        };
        String message = call + " failed with " + name + ": " + detail;
        disable(message);
        return new CudaFatalException(message, result);
    }

    /** Drops the context and the disabled state, so that a test can start again on a fresh device. */
    public static void resetForTests() {
        synchronized (CudaContext.class) {
            instance = null;
            disabled = null;
        }
    }

    /** The module for a kernel shape, generated and loaded (JIT-compiled by the device) once. */
    public Compiled module(String key, Supplier<PtxModule> generate) {
        return modules.get(key, () -> {
            PtxModule m = generate.get();
            return new Compiled(m, device.load(m));
        });
    }

    public int cachedModules() {
        return modules.size();
    }

    /** Modules held, without starting the device: none before the first kernel. */
    public static int cachedModulesIfStarted() {
        CudaContext c = instance;
        return c == null ? 0 : c.cachedModules();
    }

    public Allocation allocate(long bytes) {
        return new Allocation(device, device.allocate(bytes), bytes);
    }

    // ---- transfers -------------------------------------------------------------------------------

    /** Copies {@code bytes} from a host array or segment (from element {@code offset}) to device address {@code dst}. */
    public synchronized void upload(Object host, long offset, long dst, long bytes, DType type) {
        device.upload(host(host).asSlice(offset * type.byteSize(), bytes), dst);
    }

    /** Copies {@code bytes} between device addresses. */
    public void copy(long dst, long src, long bytes) {
        device.copy(dst, src, bytes);
    }

    /** Copies {@code bytes} from device address {@code src} to a host array or segment from element {@code offset}. */
    public synchronized void download(long src, Object host, long offset, long bytes, DType type) {
        device.download(src, host(host).asSlice(offset * type.byteSize(), bytes));
    }

    private static MemorySegment host(Object host) {
        return switch (host) {
            case MemorySegment s -> s;
            case float[] a -> MemorySegment.ofArray(a);
            case double[] a -> MemorySegment.ofArray(a);
            case int[] a -> MemorySegment.ofArray(a);
            case long[] a -> MemorySegment.ofArray(a);
            default -> throw new IllegalArgumentException("not a primitive array or a MemorySegment: "
                    + host.getClass().getSimpleName());
        };
    }

    // ---- launches --------------------------------------------------------------------------------

    /** Launches a map over {@code n} elements: pointers are device addresses, args the raw argument bits. */
    public synchronized void launchMap(Compiled k, long n, long out, long[] inputs, long[] args) {
        int blocks = (int) Math.max(1, Math.min((n + PtxGenerator.BLOCK - 1) / PtxGenerator.BLOCK,
                (long) multiprocessors * 32));
        launch(k, PtxGenerator.MAP, blocks, params(n, out, inputs, args, k.module()), k.module().checksErrors());
    }

    /**
     * Launches entry {@code entry}, a grid-stride loop over {@code count} items, on enough blocks of
     * {@link PtxGenerator#BLOCK} threads (at most 32 per multiprocessor); every parameter 64 bits.
     */
    public synchronized void launchOver(Compiled k, String entry, long count, long[] params) {
        int blocks = (int) Math.max(1, Math.min((count + PtxGenerator.BLOCK - 1) / PtxGenerator.BLOCK,
                (long) multiprocessors * 32));
        launch(k, entry, blocks, params, false);
    }

    /**
     * Runs both reduction passes; returns the 32-byte result record. Core reduces no empty input here,
     * but {@code n == 0} still launches one block (its partial is the identity): a grid of no blocks
     * would be a launch error.
     */
    public synchronized MemorySegment launchReduce(Compiled k, long n, long[] inputs, long[] args) {
        PtxModule m = k.module();
        int blocks = (int) Math.max(1, Math.min((n + PtxGenerator.BLOCK - 1) / PtxGenerator.BLOCK,
                MAX_REDUCE_BLOCKS));
        launch(k, PtxGenerator.REDUCE_BLOCKS, blocks, params(n, partials, inputs, args, m), m.checksErrors());
        long[] fin = new long[4 + m.argCount()];
        fin[0] = blocks;
        fin[1] = partials;
        fin[2] = result;
        fin[3] = errorFlag;
        copyArgs(args, fin, 4, m);
        launch(k, PtxGenerator.REDUCE_FINAL, 1, fin, false);
        byte[] bytes = new byte[PtxModule.PARTIAL_BYTES];
        MemorySegment rec = MemorySegment.ofArray(bytes);
        device.download(result, rec);
        return rec;
    }

    /** The map or first-pass parameters: n, out (or partials), each memory input, error flag, args. */
    private long[] params(long n, long out, long[] inputs, long[] args, PtxModule m) {
        long[] p = new long[3 + inputs.length + m.argCount()];
        int i = 0;
        p[i++] = n;
        p[i++] = out;
        for (long in : inputs) {
            p[i++] = in;
        }
        p[i++] = errorFlag;
        copyArgs(args, p, i, m);
        return p;
    }

    /**
     * The kernel's argument parameters: the constants, then one slot per input. Core passes only the
     * constants when no input is a scalar, so slots past the end of {@code args} are left zero (the
     * kernel reads a scalar slot only for an input bound to a scalar).
     */
    private static void copyArgs(long[] args, long[] params, int at, PtxModule m) {
        System.arraycopy(args, 0, params, at, Math.min(args.length, m.argCount()));
    }

    private void launch(Compiled k, String entry, int blocks, long[] params, boolean checkErrors) {
        if (checkErrors) {
            device.memset32(errorFlag, 0, 1);
        }
        device.launch(k.handle(), entry, blocks, PtxGenerator.BLOCK, params);
        if (checkErrors) {
            int[] flag = new int[1];
            device.download(errorFlag, MemorySegment.ofArray(flag));
            if (flag[0] != 0) {
                throw new ArithmeticException("/ by zero");
            }
        }
    }
}
