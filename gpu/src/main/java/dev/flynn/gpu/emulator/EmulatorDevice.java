package dev.flynn.gpu.emulator;

import dev.flynn.gpu.CudaException;
import dev.flynn.gpu.CudaOutOfMemoryException;
import dev.flynn.gpu.cuda.CudaContext;
import dev.flynn.gpu.cuda.GpuDevice;
import dev.flynn.gpu.ptx.PtxModule;
import dev.flynn.gpu.ptx.PtxTarget;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A device with no GPU behind it: memory is off-heap, modules are parsed by {@link PtxInterpreter}
 * and launches interpret the generated PTX on the CPU. Selected with
 * {@code -Dflynn.gpu.device=emulator}; meant for tests and for debugging kernels where no GPU exists,
 * in the way Numba's CUDA simulator is, except that what runs is the PTX a GPU would run.
 *
 * <p>Addresses are spaced so that an access past the end of one allocation never lands in the next.
 * Memory holds at most {@code flynn.gpu.emulator.memory} bytes (default 4 GiB), so out-of-memory
 * handling can be exercised too.
 */
public final class EmulatorDevice implements GpuDevice, PtxInterpreter.Memory {
    /** {@code CUDA_ERROR_INVALID_VALUE}. */
    private static final int INVALID_VALUE = 1;
    /** {@code CUDA_ERROR_OUT_OF_MEMORY}. */
    private static final int OUT_OF_MEMORY = 2;
    /** {@code CUDA_ERROR_INVALID_HANDLE}. */
    private static final int INVALID_HANDLE = 400;
    private static final long GUARD = 1 << 16;
    private static final long FIRST_ADDRESS = 0x7F00_0000_0000L;

    private final long capacity = Long.getLong("flynn.gpu.emulator.memory", 4L << 30);
    /** Live allocations sorted by base address; replaced, never changed, so launches read it without locks. */
    private volatile Allocation[] live = new Allocation[0];
    private long next = FIRST_ADDRESS;
    private long used;
    /** Modules loaded and not unloaded: launching or unloading any other fails, as on a GPU. */
    private final Set<Object> modules = ConcurrentHashMap.newKeySet();

    /** One allocation: its region and the arena that frees it. */
    private record Allocation(PtxInterpreter.Region region, Arena arena) {
    }

    @Override
    public String name() {
        return "Flynn PTX emulator";
    }

    @Override
    public PtxTarget target() {
        return PtxTarget.of(12060, 9, 0);
    }

    @Override
    public int multiprocessors() {
        return 4;
    }

    @Override
    public boolean emulated() {
        return true;
    }

    @Override
    public synchronized long allocate(long bytes) {
        if (bytes <= 0) {
            throw new CudaException("cuMemAlloc(" + bytes + ") failed with CUDA_ERROR_INVALID_VALUE", INVALID_VALUE);
        }
        if (bytes > capacity - used) {
            throw new CudaOutOfMemoryException(bytes, capacity - used, OUT_OF_MEMORY);
        }
        Arena arena = Arena.ofShared();
        MemorySegment seg = arena.allocate(bytes, 256);
        seg.fill(PtxInterpreter.POISON);
        long base = next;
        next = (base + bytes + GUARD + 255) & ~255L;
        used += bytes;
        Allocation[] a = Arrays.copyOf(live, live.length + 1);
        a[a.length - 1] = new Allocation(new PtxInterpreter.Region(base, seg), arena);
        live = a;
        return base;
    }

    @Override
    public synchronized void free(long address) {
        Allocation[] a = live;
        for (int i = 0; i < a.length; i++) {
            if (a[i].region().base() == address) {
                used -= a[i].region().bytes().byteSize();
                a[i].arena().close();
                Allocation[] b = new Allocation[a.length - 1];
                System.arraycopy(a, 0, b, 0, i);
                System.arraycopy(a, i + 1, b, i, a.length - i - 1);
                live = b;
                return;
            }
        }
        throw new CudaException("cuMemFree(0x" + Long.toHexString(address) + ") failed with CUDA_ERROR_INVALID_VALUE:"
                + " not an allocation's address", INVALID_VALUE);
    }

    /** Bytes allocated and not yet freed. */
    public synchronized long used() {
        return used;
    }

    @Override
    public PtxInterpreter.Region find(long address, int size) {
        Allocation[] a = live;
        int lo = 0;
        int hi = a.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            PtxInterpreter.Region r = a[mid].region();
            if (address < r.base()) {
                hi = mid - 1;
            } else if (address >= r.base() + r.bytes().byteSize()) {
                lo = mid + 1;
            } else {
                return r.holds(address, size) ? r : null;
            }
        }
        return null;
    }

    private PtxInterpreter.Region region(long address, long bytes, String call) {
        PtxInterpreter.Region r = find(address, 1);
        if (r == null || address - r.base() + bytes > r.bytes().byteSize()) {
            throw new CudaException(call + " failed with CUDA_ERROR_INVALID_VALUE: " + bytes + " bytes at 0x"
                    + Long.toHexString(address) + " are not inside one allocation", INVALID_VALUE);
        }
        return r;
    }

    @Override
    public void upload(MemorySegment src, long dst) {
        long bytes = src.byteSize();
        if (bytes == 0) {
            return;
        }
        PtxInterpreter.Region r = region(dst, bytes, "cuMemcpyHtoD");
        MemorySegment.copy(src, 0, r.bytes(), dst - r.base(), bytes);
    }

    @Override
    public void download(long src, MemorySegment dst) {
        long bytes = dst.byteSize();
        if (bytes == 0) {
            return;
        }
        PtxInterpreter.Region r = region(src, bytes, "cuMemcpyDtoH");
        MemorySegment.copy(r.bytes(), src - r.base(), dst, 0, bytes);
    }

    @Override
    public void copy(long dst, long src, long bytes) {
        if (bytes == 0) {
            return;
        }
        PtxInterpreter.Region from = region(src, bytes, "cuMemcpyDtoD");
        PtxInterpreter.Region to = region(dst, bytes, "cuMemcpyDtoD");
        MemorySegment.copy(from.bytes(), src - from.base(), to.bytes(), dst - to.base(), bytes);
    }

    @Override
    public void memset32(long dst, int value, long count) {
        PtxInterpreter.Region r = region(dst, count * 4, "cuMemsetD32");
        for (long i = 0; i < count; i++) {
            r.bytes().set(ValueLayout.JAVA_INT_UNALIGNED, dst - r.base() + 4 * i, value);
        }
    }

    @Override
    public Object load(PtxModule module) {
        PtxInterpreter.Program p = PtxInterpreter.parse(module.ptx());
        modules.add(p);
        return p;
    }

    @Override
    public void unload(Object module) {
        if (!modules.remove(module)) {
            throw new CudaException("cuModuleUnload failed with CUDA_ERROR_INVALID_HANDLE: the module is not loaded",
                    INVALID_HANDLE);
        }
    }

    /** The number of modules loaded and not yet unloaded. */
    public int loadedModules() {
        return modules.size();
    }

    @Override
    public void launch(Object module, String entry, int blocks, int threads, long[] params) {
        if (!modules.contains(module)) {
            throw new CudaException("cuLaunchKernel failed with CUDA_ERROR_INVALID_HANDLE: its module was unloaded",
                    INVALID_HANDLE);
        }
        try {
            PtxInterpreter.launch((PtxInterpreter.Program) module, entry, blocks, threads, params, this);
        } catch (PtxInterpreter.Trap t) {
            throw CudaContext.fatal("cuCtxSynchronize after launching " + entry + " (emulated)", t.result,
                    t.getMessage());
        }
    }
}
