package dev.flynn.gpu.cuda;

import dev.flynn.gpu.CudaException;
import dev.flynn.gpu.CudaFatalException;
import dev.flynn.gpu.CudaOutOfMemoryException;
import dev.flynn.gpu.ptx.PtxModule;
import dev.flynn.gpu.ptx.PtxTarget;
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
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT;

/**
 * Device 0 of the NVIDIA driver, through JCuda's driver API ({@code jcuda.driver} only): its primary
 * context (made current before every operation), two streams with pinned staging buffers for chunked
 * host transfers, device memory, module loading (JIT by the driver) and synchronous launches. This is
 * the only class of the backend that touches JCuda; {@link CudaProbe} loads it only once the driver
 * library is known to exist.
 */
final class DriverDevice implements GpuDevice {
    /** Bytes per staging buffer: a chunk of a host transfer. */
    static final int CHUNK = 8 << 20;

    private final CUcontext context = new CUcontext();
    private final PtxTarget target;
    private final String name;
    private final int multiprocessors;
    private final CUstream[] streams = {new CUstream(), new CUstream()};
    private final Pointer[] staging = {new Pointer(), new Pointer()};

    /**
     * A loaded module and the entries looked up so far, by name: what {@link #load} returns. Entries are
     * found at their first launch, as the emulator finds them, so a module may hold any entries (a map,
     * the two passes of a reduction, the passes of a scan) without this class knowing their names.
     */
    private record Loaded(CUmodule module, Map<String, CUfunction> entries) {
        CUfunction entry(String name) {
            return entries.computeIfAbsent(name, e -> function(module, e));
        }
    }

    /** A device pointer whose address can be read and offset: JCuda keeps both protected. */
    private static final class DevicePointer extends CUdeviceptr {
        private static final CUdeviceptr NULL = new CUdeviceptr();

        /** A pointer to be filled by {@code cuMemAlloc}. */
        DevicePointer() {
        }

        /** The pointer to a device address. */
        DevicePointer(long address) {
            super(NULL, address);
        }

        /** The device address. */
        long address() {
            return getNativePointer() + getByteOffset();
        }
    }

    /** Initialises the driver and takes device 0's primary context, streams and staging buffers. */
    DriverDevice() {
        JCudaDriver.setExceptionsEnabled(false);
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
        byte[] bytes = new byte[256];
        check(JCudaDriver.cuDeviceGetName(bytes, bytes.length, device), "cuDeviceGetName");
        name = new String(bytes, StandardCharsets.US_ASCII).trim().replace("\0", "");
        check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        current();
        for (int i = 0; i < 2; i++) {
            check(JCudaDriver.cuStreamCreate(streams[i], 0), "cuStreamCreate");
            check(JCudaDriver.cuMemHostAlloc(staging[i], CHUNK, 0), "cuMemHostAlloc");
        }
    }

    private static int attribute(CUdevice d, int attr) {
        int[] v = new int[1];
        check(JCudaDriver.cuDeviceGetAttribute(v, attr, d), "cuDeviceGetAttribute");
        return v[0];
    }

    /**
     * Initialises the driver and reports what it found, starting the backend's {@link CudaContext} on
     * this device. Called by the probe once the library exists.
     */
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
        GpuDevice d = CudaContext.get().device;
        return Availability.available(d.name() + " (sm_" + d.target().sm() + ", " + d.multiprocessors()
                + " SMs, CUDA driver " + v[0] / 1000 + "." + (v[0] % 1000) / 10 + ", PTX " + d.target().ptxMajor()
                + "." + d.target().ptxMinor() + ")");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PtxTarget target() {
        return target;
    }

    @Override
    public int multiprocessors() {
        return multiprocessors;
    }

    @Override
    public boolean emulated() {
        return false;
    }

    private void current() {
        check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    private static CUdeviceptr at(long address) {
        return new DevicePointer(address);
    }

    // ---- memory ----------------------------------------------------------------------------------

    @Override
    public long allocate(long bytes) {
        current();
        DevicePointer p = new DevicePointer();
        int r = JCudaDriver.cuMemAlloc(p, bytes);
        if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            long[] free = new long[1];
            long[] total = new long[1];
            JCudaDriver.cuMemGetInfo(free, total);
            throw new CudaOutOfMemoryException(bytes, free[0], r);
        }
        check(r, "cuMemAlloc(" + bytes + ")");
        return p.address();
    }

    @Override
    public void free(long address) {
        current();
        check(JCudaDriver.cuMemFree(at(address)), "cuMemFree");
    }

    @Override
    public void copy(long dst, long src, long bytes) {
        current();
        check(JCudaDriver.cuMemcpyDtoD(at(dst), at(src), bytes), "cuMemcpyDtoD");
    }

    @Override
    public void memset32(long dst, int value, long count) {
        current();
        check(JCudaDriver.cuMemsetD32(at(dst), value, count), "cuMemsetD32");
    }

    // ---- transfers: chunks through two pinned buffers, alternating streams ------------------------

    @Override
    public synchronized void upload(MemorySegment src, long dst) {
        current();
        long bytes = src.byteSize();
        for (long done = 0, k = 0; done < bytes; done += CHUNK, k++) {
            int s = (int) (k & 1);
            long len = Math.min(CHUNK, bytes - done);
            // the buffer is reused two chunks later: wait for that chunk's copy to finish
            check(JCudaDriver.cuStreamSynchronize(streams[s]), "cuStreamSynchronize");
            MemorySegment.copy(src, done, staged(s, len), 0, len);
            check(JCudaDriver.cuMemcpyHtoDAsync(at(dst + done), staging[s], len, streams[s]), "cuMemcpyHtoDAsync");
        }
        sync();
    }

    @Override
    public synchronized void download(long src, MemorySegment dst) {
        current();
        long bytes = dst.byteSize();
        long pendingDone = -1;
        int pendingStream = 0;
        long pendingLen = 0;
        for (long done = 0, k = 0; done < bytes; done += CHUNK, k++) {
            int s = (int) (k & 1);
            long len = Math.min(CHUNK, bytes - done);
            check(JCudaDriver.cuMemcpyDtoHAsync(staging[s], at(src + done), len, streams[s]), "cuMemcpyDtoHAsync");
            // while this chunk copies, the previous one is copied out of its staging buffer
            if (pendingDone >= 0) {
                drain(pendingStream, dst, pendingDone, pendingLen);
            }
            pendingDone = done;
            pendingStream = s;
            pendingLen = len;
        }
        if (pendingDone >= 0) {
            drain(pendingStream, dst, pendingDone, pendingLen);
        }
    }

    private void drain(int s, MemorySegment dst, long done, long len) {
        check(JCudaDriver.cuStreamSynchronize(streams[s]), "cuStreamSynchronize");
        MemorySegment.copy(staged(s, len), 0, dst, done, len);
    }

    private MemorySegment staged(int s, long len) {
        return MemorySegment.ofBuffer(staging[s].getByteBuffer(0, len).order(ByteOrder.nativeOrder()));
    }

    private void sync() {
        for (CUstream s : streams) {
            check(JCudaDriver.cuStreamSynchronize(s), "cuStreamSynchronize");
        }
    }

    // ---- modules and launches --------------------------------------------------------------------

    @Override
    public Object load(PtxModule module) {
        current();
        CUmodule mod = new CUmodule();
        check(JCudaDriver.cuModuleLoadData(mod, module.ptx()), "cuModuleLoadData");
        return new Loaded(mod, new ConcurrentHashMap<>());
    }

    @Override
    public void unload(Object module) {
        current();
        check(JCudaDriver.cuModuleUnload(((Loaded) module).module()), "cuModuleUnload");
    }

    private static CUfunction function(CUmodule mod, String entry) {
        CUfunction f = new CUfunction();
        check(JCudaDriver.cuModuleGetFunction(f, mod, entry), "cuModuleGetFunction(" + entry + ")");
        return f;
    }

    @Override
    public void launch(Object module, String entry, int blocks, int threads, long[] params) {
        current();
        CUfunction f = ((Loaded) module).entry(entry);
        Pointer[] p = new Pointer[params.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Pointer.to(new long[] {params[i]});
        }
        check(JCudaDriver.cuLaunchKernel(f, blocks, 1, 1, threads, 1, 1, 0, null, Pointer.to(p), null),
                "cuLaunchKernel");
        check(JCudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");
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
                CudaContext.disable(call + " failed with " + name);
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
