package dev.flynn.gpu;

import dev.flynn.DType;
import dev.flynn.spi.Availability;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT;

/**
 * The CUDA driver state of the process: device 0's primary context, the module cache keyed by kernel
 * shape, two streams with pinned staging buffers for chunked host transfers, and the small device
 * buffers every launch uses (error flag, reduction partials). Only {@code jcuda.driver} is used.
 * Calls are serialised: one kernel call at a time uses the shared buffers.
 */
final class CudaContext {
    /** Bytes per staging buffer: a chunk of a host transfer. */
    static final int CHUNK = 8 << 20;
    /** At most this many blocks produce reduction partials; fixed so results do not depend on the device. */
    static final int MAX_REDUCE_BLOCKS = 1024;
    private static volatile CudaContext instance;
    private static volatile String disabled;

    final CUcontext context = new CUcontext();
    final PtxTarget target;
    final String deviceName;
    final int multiprocessors;
    private final ConcurrentHashMap<String, Compiled> modules = new ConcurrentHashMap<>();
    private final CUstream[] streams = {new CUstream(), new CUstream()};
    private final Pointer[] staging = {new Pointer(), new Pointer()};
    private final CudaPointer errorFlag = new CudaPointer();
    private final CudaPointer partials = new CudaPointer();
    private final CudaPointer result = new CudaPointer();

    /** A loaded module and its entries. */
    record Compiled(PtxModule module, CUmodule cuModule, CUfunction main, CUfunction fin) {
    }

    /** Device memory freed once, by close or by the Cleaner. */
    static final class Allocation implements Runnable {
        private final CudaPointer ptr;
        private final long bytes;
        private boolean freed;

        Allocation(CudaPointer ptr, long bytes) {
            this.ptr = ptr;
            this.bytes = bytes;
        }

        long address() {
            return ptr.address();
        }

        @Override
        public synchronized void run() {
            if (!freed && disabled == null) {
                freed = true;
                CudaContext c = instance;
                if (c != null) {
                    JCudaDriver.cuCtxSetCurrent(c.context);
                    JCudaDriver.cuMemFree(ptr);
                }
            }
        }

        long bytes() {
            return bytes;
        }
    }

    private CudaContext() {
        check(JCudaDriver.cuInit(0), "cuInit");
        CUdevice device = new CUdevice();
        check(JCudaDriver.cuDeviceGet(device, 0), "cuDeviceGet");
        int[] v = new int[1];
        check(JCudaDriver.cuDriverGetVersion(v), "cuDriverGetVersion");
        int driver = v[0];
        int major = attribute(device, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        int minor = attribute(device, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        multiprocessors = attribute(device, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        target = PtxTarget.of(driver, major, minor);
        byte[] name = new byte[256];
        check(JCudaDriver.cuDeviceGetName(name, name.length, device), "cuDeviceGetName");
        deviceName = new String(name, java.nio.charset.StandardCharsets.US_ASCII).trim().replace("\0", "");
        check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        current();
        for (int i = 0; i < 2; i++) {
            check(JCudaDriver.cuStreamCreate(streams[i], 0), "cuStreamCreate");
            check(JCudaDriver.cuMemHostAlloc(staging[i], CHUNK, 0), "cuMemHostAlloc");
        }
        alloc(errorFlag, 4);
        alloc(partials, (long) MAX_REDUCE_BLOCKS * PtxModule.PARTIAL_BYTES);
        alloc(result, PtxModule.PARTIAL_BYTES);
    }

    private static int attribute(CUdevice d, int attr) {
        int[] v = new int[1];
        check(JCudaDriver.cuDeviceGetAttribute(v, attr, d), "cuDeviceGetAttribute");
        return v[0];
    }

    /** Initialises the driver and reports what it found. Called by the probe once the library exists. */
    static Availability probeDriver() {
        JCudaDriver.setExceptionsEnabled(false);
        int r = JCudaDriver.cuInit(0);
        if (r != CUresult.CUDA_SUCCESS) {
            return Availability.unavailable("cuInit failed: " + CUresult.stringFor(r)
                    + (r == CUresult.CUDA_ERROR_NO_DEVICE ? " (no CUDA device)" : ""),
                    "check the driver and the device with nvidia-smi");
        }
        int[] v = new int[1];
        JCudaDriver.cuDriverGetVersion(v);
        if (v[0] < PtxTarget.MIN_DRIVER) {
            return Availability.unavailable("the CUDA driver supports CUDA " + v[0] / 1000 + "." + (v[0] % 1000) / 10
                    + ", older than 11.0", "update the NVIDIA driver");
        }
        int[] count = new int[1];
        JCudaDriver.cuDeviceGetCount(count);
        if (count[0] == 0) {
            return Availability.unavailable("the NVIDIA driver found no CUDA device", "check the device with nvidia-smi");
        }
        CudaContext c = get();
        return Availability.available(c.deviceName + " (sm_" + c.target.sm() + ", " + c.multiprocessors
                + " SMs, CUDA driver " + v[0] / 1000 + "." + (v[0] % 1000) / 10 + ", PTX " + c.target.ptxMajor()
                + "." + c.target.ptxMinor() + ")");
    }

    static CudaContext get() {
        String off = disabled;
        if (off != null) {
            throw new IllegalStateException("the GPU backend is disabled after a fatal CUDA error: " + off);
        }
        CudaContext c = instance;
        if (c == null) {
            synchronized (CudaContext.class) {
                c = instance;
                if (c == null) {
                    JCudaDriver.setExceptionsEnabled(false);
                    c = instance = new CudaContext();
                }
            }
        }
        return c;
    }

    /** Why the backend was disabled by a sticky error, or null. */
    static String disabledReason() {
        return disabled;
    }

    void current() {
        check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** The module for a kernel shape, generated and loaded (JIT by the driver) once. */
    Compiled module(String key, Supplier<PtxModule> generate) {
        return modules.computeIfAbsent(key, k -> {
            current();
            PtxModule m = generate.get();
            CUmodule mod = new CUmodule();
            check(JCudaDriver.cuModuleLoadData(mod, m.ptx()), "cuModuleLoadData");
            CUfunction main = new CUfunction();
            CUfunction fin = null;
            if (m.reduction()) {
                check(JCudaDriver.cuModuleGetFunction(main, mod, PtxGenerator.REDUCE_BLOCKS), "cuModuleGetFunction");
                fin = new CUfunction();
                check(JCudaDriver.cuModuleGetFunction(fin, mod, PtxGenerator.REDUCE_FINAL), "cuModuleGetFunction");
            } else {
                check(JCudaDriver.cuModuleGetFunction(main, mod, PtxGenerator.MAP), "cuModuleGetFunction");
            }
            return new Compiled(m, mod, main, fin);
        });
    }

    int cachedModules() {
        return modules.size();
    }

    Allocation allocate(long bytes) {
        current();
        CudaPointer p = new CudaPointer();
        alloc(p, bytes);
        return new Allocation(p, bytes);
    }

    private void alloc(CUdeviceptr p, long bytes) {
        int r = JCudaDriver.cuMemAlloc(p, bytes);
        if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            long[] free = new long[1];
            long[] total = new long[1];
            JCudaDriver.cuMemGetInfo(free, total);
            throw new CudaOutOfMemoryException(bytes, free[0], r);
        }
        check(r, "cuMemAlloc(" + bytes + ")");
    }

    // ---- transfers: chunks through two pinned buffers, alternating streams ------------------------

    /** Copies {@code bytes} from a host array or segment (from element {@code offset}) to device address {@code dst}. */
    synchronized void upload(Object host, long offset, long dst, long bytes, DType type) {
        current();
        int size = type.byteSize();
        for (long done = 0, k = 0; done < bytes; done += CHUNK, k++) {
            int s = (int) (k & 1);
            long len = Math.min(CHUNK, bytes - done);
            // the buffer is reused two chunks later: wait for that chunk's copy to finish
            check(JCudaDriver.cuStreamSynchronize(streams[s]), "cuStreamSynchronize");
            MemorySegment stage = staged(s, len);
            long first = offset + done / size;
            if (host instanceof MemorySegment seg) {
                MemorySegment.copy(seg, first * size, stage, 0, len);
            } else {
                MemorySegment.copy(heap(host), first * size, stage, 0, len);
            }
            check(JCudaDriver.cuMemcpyHtoDAsync(device(dst + done), staging[s], len, streams[s]), "cuMemcpyHtoDAsync");
        }
        sync();
    }

    /** Copies {@code bytes} from device address {@code src} to a host array or segment from element {@code offset}. */
    synchronized void download(long src, Object host, long offset, long bytes, DType type) {
        current();
        int size = type.byteSize();
        long pendingDone = -1;
        int pendingStream = 0;
        long pendingLen = 0;
        for (long done = 0, k = 0; done < bytes; done += CHUNK, k++) {
            int s = (int) (k & 1);
            long len = Math.min(CHUNK, bytes - done);
            check(JCudaDriver.cuMemcpyDtoHAsync(staging[s], device(src + done), len, streams[s]), "cuMemcpyDtoHAsync");
            if (pendingDone >= 0) {
                drain(pendingStream, host, offset, pendingDone, pendingLen, size);
            }
            pendingDone = done;
            pendingStream = s;
            pendingLen = len;
        }
        if (pendingDone >= 0) {
            drain(pendingStream, host, offset, pendingDone, pendingLen, size);
        }
    }

    private void drain(int s, Object host, long offset, long done, long len, int size) {
        check(JCudaDriver.cuStreamSynchronize(streams[s]), "cuStreamSynchronize");
        MemorySegment stage = staged(s, len);
        long first = offset + done / size;
        if (host instanceof MemorySegment seg) {
            MemorySegment.copy(stage, 0, seg, first * size, len);
        } else {
            MemorySegment.copy(stage, 0, heap(host), first * size, len);
        }
    }

    private static MemorySegment heap(Object array) {
        return switch (array) {
            case float[] a -> MemorySegment.ofArray(a);
            case double[] a -> MemorySegment.ofArray(a);
            case int[] a -> MemorySegment.ofArray(a);
            case long[] a -> MemorySegment.ofArray(a);
            default -> throw new IllegalArgumentException("not a primitive array: " + array.getClass().getSimpleName());
        };
    }

    private MemorySegment staged(int s, long len) {
        return MemorySegment.ofBuffer(staging[s].getByteBuffer(0, len).order(ByteOrder.nativeOrder()));
    }

    private void sync() {
        for (CUstream s : streams) {
            check(JCudaDriver.cuStreamSynchronize(s), "cuStreamSynchronize");
        }
    }

    static CUdeviceptr device(long address) {
        return CudaPointer.at(address);
    }

    // ---- launches --------------------------------------------------------------------------------

    /** Launches a map over {@code n} elements: pointers are device addresses, args the raw argument bits. */
    synchronized void launchMap(Compiled k, long n, long out, long[] inputs, long[] args) {
        current();
        int blocks = (int) Math.max(1, Math.min((n + PtxGenerator.BLOCK - 1) / PtxGenerator.BLOCK,
                (long) multiprocessors * 32));
        launch(k.main(), blocks, params(n, out, inputs, args, k.module()), k.module().checksErrors());
    }

    /** Runs both reduction passes; returns the 32-byte result record. */
    synchronized MemorySegment launchReduce(Compiled k, long n, long[] inputs, long[] args) {
        current();
        int blocks = (int) Math.min((n + PtxGenerator.BLOCK - 1) / PtxGenerator.BLOCK, MAX_REDUCE_BLOCKS);
        launch(k.main(), blocks, params(n, partials.address(), inputs, args, k.module()), k.module().checksErrors());
        Pointer fin = Pointer.to(
                Pointer.to(new long[] {blocks}), Pointer.to(partials), Pointer.to(result), Pointer.to(errorFlag),
                argPointers(args, k.module()));
        launch(k.fin(), 1, fin, false);
        byte[] bytes = new byte[PtxModule.PARTIAL_BYTES];
        check(JCudaDriver.cuMemcpyDtoH(Pointer.to(bytes), result, bytes.length), "cuMemcpyDtoH");
        return MemorySegment.ofArray(bytes);
    }

    private static Pointer argPointers(long[] args, PtxModule m) {
        Pointer[] p = new Pointer[m.argCount()];
        for (int i = 0; i < p.length; i++) {
            p[i] = Pointer.to(new long[] {args[i]});
        }
        return Pointer.to(p);
    }

    private Pointer params(long n, long out, long[] inputs, long[] args, PtxModule m) {
        int count = 3 + inputs.length + m.argCount();
        Pointer[] p = new Pointer[count];
        int i = 0;
        p[i++] = Pointer.to(new long[] {n});
        p[i++] = Pointer.to(new long[] {out});
        for (long in : inputs) {
            p[i++] = Pointer.to(new long[] {in});
        }
        p[i++] = Pointer.to(errorFlag);
        for (int a = 0; a < m.argCount(); a++) {
            p[i++] = Pointer.to(new long[] {args[a]});
        }
        return Pointer.to(p);
    }

    private void launch(CUfunction f, int blocks, Pointer params, boolean checkErrors) {
        if (checkErrors) {
            check(JCudaDriver.cuMemsetD32(errorFlag, 0, 1), "cuMemsetD32");
        }
        check(JCudaDriver.cuLaunchKernel(f, blocks, 1, 1, PtxGenerator.BLOCK, 1, 1, 0, null, params, null),
                "cuLaunchKernel");
        check(JCudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");
        if (checkErrors) {
            int[] flag = new int[1];
            check(JCudaDriver.cuMemcpyDtoH(Pointer.to(flag), errorFlag, 4), "cuMemcpyDtoH");
            if (flag[0] != 0) {
                throw new ArithmeticException("/ by zero");
            }
        }
    }

    /** Turns a CUresult into an exception; sticky errors disable the backend for the process. */
    static void check(int r, String call) {
        if (r == CUresult.CUDA_SUCCESS) {
            return;
        }
        String name = CUresult.stringFor(r);
        switch (r) {
            case CUresult.CUDA_ERROR_ILLEGAL_ADDRESS, CUresult.CUDA_ERROR_LAUNCH_FAILED,
                 CUresult.CUDA_ERROR_ILLEGAL_INSTRUCTION, CUresult.CUDA_ERROR_MISALIGNED_ADDRESS,
                 CUresult.CUDA_ERROR_INVALID_ADDRESS_SPACE, CUresult.CUDA_ERROR_INVALID_PC,
                 CUresult.CUDA_ERROR_LAUNCH_TIMEOUT, CUresult.CUDA_ERROR_HARDWARE_STACK_ERROR,
                 CUresult.CUDA_ERROR_ECC_UNCORRECTABLE -> {
                disabled = call + " failed with " + name;
                throw new CudaFatalException(call + " failed with " + name, r);
            }
            case CUresult.CUDA_ERROR_OUT_OF_MEMORY -> {
                long[] free = new long[1];
                long[] total = new long[1];
                JCudaDriver.cuMemGetInfo(free, total);
                throw new CudaOutOfMemoryException(-1, free[0], r);
            }
            default -> throw new CudaException(call + " failed with " + name + " (" + r + ")", r);
        }
    }
}
