package dev.flynn.gpu;

import dev.flynn.DType;
import dev.flynn.DeviceArray;
import dev.flynn.gpu.cuda.CudaContext;
import dev.flynn.gpu.cuda.CudaProbe;
import dev.flynn.gpu.ptx.PtxCopy;
import dev.flynn.gpu.ptx.PtxGenerator;
import dev.flynn.gpu.ptx.PtxScan;
import dev.flynn.ir.KernelIR;
import dev.flynn.ir.ReduceSpec;
import dev.flynn.ir.ScanOp;
import dev.flynn.spi.Availability;
import dev.flynn.spi.BackendProvider;
import dev.flynn.spi.Binding;
import dev.flynn.spi.Call;
import dev.flynn.spi.DevicePlace;
import dev.flynn.spi.Partial;
import dev.flynn.spi.StateLayout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The GPU (SIMT) backend: kernels compiled to PTX and run through JCuda's driver API. Host arrays are
 * copied in chunks through pinned buffers; {@link GpuArray}s stay on the device between calls.
 * Nothing touches JCuda before {@link #probe()}: constructing this class never fails.
 *
 * <p>System properties: {@code flynn.gpu.minHostElements} (AUTO runs host-array calls here from this
 * many elements on; unset, AUTO keeps host arrays on the CPU), {@code flynn.gpu.fastMath} ({@code true}: F32 exp, log, sin and
 * cos use the {@code .approx} instructions; see docs/GPU.md for their bounds) and
 * {@code flynn.gpu.device} ({@code cuda}, the default, or {@code emulator}: the generated PTX is
 * interpreted on the CPU instead, with no GPU and no JCuda, for testing; slow).
 */
public final class GpuBackend implements BackendProvider {

    /** Creates the backend, as {@link java.util.ServiceLoader} does; all probing happens in {@link #probe()}. */
    public GpuBackend() {
    }
    /**
     * Host-array calls AUTO sends here: none unless the user names a size. Measured on an H200 with 16
     * host cores (BENCHMARKS.md, GPU), copying a host array to the device and the result back took
     * longer than the CPU backends took for the whole call, for every catalog kernel at 1M elements,
     * and transfers grow with the size as fast as the CPU's work does.
     */
    static final long MIN_HOST_ELEMENTS = Long.getLong("flynn.gpu.minHostElements", Long.MAX_VALUE);
    static final boolean FAST_MATH = Boolean.getBoolean("flynn.gpu.fastMath");
    private static final Optional<String> SMALL = Optional.of(MIN_HOST_ELEMENTS == Long.MAX_VALUE
            ? "AUTO keeps host arrays on the CPU: copying them to the GPU and back costs more than the CPU backends"
                    + " take; keep data on the device in GpuArrays, or set -Dflynn.gpu.minHostElements=N to send"
                    + " host-array calls of N or more elements to the GPU"
            : "host arrays below " + MIN_HOST_ELEMENTS + " elements (flynn.gpu.minHostElements) stay on the CPU");

    @Override
    public String name() {
        return "gpu";
    }

    @Override
    public int priority() {
        return 300;
    }

    @Override
    public Availability probe() {
        String off = CudaContext.disabledReason();
        if (off != null) {
            return Availability.unavailable("disabled after a fatal CUDA error: " + off, "restart the JVM");
        }
        try {
            CudaContext.checkDeviceProperty();
        } catch (IllegalArgumentException e) {
            return Availability.unavailable(e.getMessage(), "set -D" + CudaContext.DEVICE_PROPERTY
                    + "=cuda or -D" + CudaContext.DEVICE_PROPERTY + "=emulator, or leave it unset");
        }
        if (CudaContext.emulatorSelected()) {
            try {
                return Availability.available("PTX emulator: " + CudaContext.get().device.name()
                        + " (generated PTX interpreted on the CPU, for testing; slow)");
            } catch (RuntimeException e) {
                return Availability.unavailable("the PTX emulator failed to start: " + e, "report this as a bug");
            }
        }
        return CudaProbe.probe(CudaProbe.driverLocations());
    }

    @Override
    public Optional<String> declines(Call call) {
        String off = CudaContext.disabledReason();
        if (off != null) {
            // AUTO moves on to the CPU backends; the call that hit the error already threw it
            return Optional.of("the GPU backend is disabled after a fatal CUDA error: " + off);
        }
        if (call.out() instanceof DeviceArray) {
            return Optional.empty();
        }
        for (int i = 0; i < call.ir().arity(); i++) {
            if (call.data()[i] instanceof DeviceArray) {
                return Optional.empty();
            }
        }
        return call.n() < MIN_HOST_ELEMENTS ? SMALL : Optional.empty();
    }

    @Override
    public Object prepare(KernelIR ir, String shapeKey, List<Binding> inputs, Binding output) {
        CudaContext ctx = CudaContext.get();
        StringBuilder key = new StringBuilder(shapeKey).append('|');
        for (Binding b : inputs) {
            key.append(b == Binding.SCALAR ? 's' : 'm');
        }
        key.append(FAST_MATH ? "|fast" : "");
        return ctx.module(key.toString(), () -> PtxGenerator.generate(ir, inputs, ctx.target, FAST_MATH));
    }

    @Override
    public void map(Call call) {
        CudaContext ctx = CudaContext.get();
        CudaContext.Compiled k = (CudaContext.Compiled) call.compiled();
        KernelIR ir = call.ir();
        long n = call.n();
        List<CudaContext.Allocation> temps = new ArrayList<>();
        try {
            long[] inputs = inputPointers(ctx, call, temps);
            DType t = ir.body().type();
            long bytes = n * t.byteSize();
            // a kernel that may raise the error flag writes into a temporary, copied to the caller's
            // array only once the flag is known clear: a failed call writes nothing
            long device = call.out() instanceof GpuArray g ? g.pointer() + call.outOffset() * t.byteSize() : 0;
            boolean direct = device != 0 && !k.module().checksErrors();
            long out = device;
            if (!direct) {
                CudaContext.Allocation a = ctx.allocate(Math.max(1, bytes));
                temps.add(a);
                out = a.address();
            }
            ctx.launchMap(k, n, out, inputs, call.args());
            if (device == 0) {
                ctx.download(out, call.out(), call.outOffset(), bytes, t);
            } else if (!direct) {
                ctx.copy(device, out, bytes);
            }
        } finally {
            temps.forEach(CudaContext.Allocation::run);
        }
    }

    @Override
    public void reduce(Call call, Partial result) {
        CudaContext ctx = CudaContext.get();
        CudaContext.Compiled k = (CudaContext.Compiled) call.compiled();
        List<CudaContext.Allocation> temps = new ArrayList<>();
        MemorySegment rec;
        try {
            long[] inputs = inputPointers(ctx, call, temps);
            rec = ctx.launchReduce(k, call.n(), inputs, call.args());
        } finally {
            temps.forEach(CudaContext.Allocation::run);
        }
        ReduceSpec spec = call.ir().reduce().orElseThrow();
        decode(spec, call.ir().body().type(), rec, result);
    }

    /**
     * The map into a device buffer, then {@link PtxScan}'s two entries over it: segments folded in place
     * with their totals, the totals folded into carries on the host by core's rule
     * ({@link ScanOp#combine}), and the carries applied into the output (a device output directly: a
     * map that fails has thrown before; host memory through a temporary copied back at the end).
     */
    @Override
    public void scan(Call call, ScanOp op, boolean exclusive) {
        CudaContext ctx = CudaContext.get();
        CudaContext.Compiled k = (CudaContext.Compiled) call.compiled();
        DType t = call.ir().body().type();
        long n = call.n();
        long bytes = n * t.byteSize();
        List<CudaContext.Allocation> temps = new ArrayList<>();
        try {
            long[] inputs = inputPointers(ctx, call, temps);
            CudaContext.Allocation values = ctx.allocate(Math.max(1, bytes));
            temps.add(values);
            long buf = values.address();
            ctx.launchMap(k, n, buf, inputs, call.args());
            CudaContext.Compiled s = ctx.module("scan|" + op + "|" + t + (exclusive ? "|exclusive" : ""),
                    () -> PtxScan.generate(op, t, exclusive, ctx.target));
            int segments = Math.toIntExact((n + ScanOp.SEGMENT - 1) / ScanOp.SEGMENT);
            int blocks = Math.toIntExact((n + ScanOp.BLOCK - 1) / ScanOp.BLOCK);
            CudaContext.Allocation segmentSlots = ctx.allocate((long) segments * PtxScan.SLOT_BYTES);
            CudaContext.Allocation blockSlots = ctx.allocate((long) blocks * PtxScan.SLOT_BYTES);
            temps.add(segmentSlots);
            temps.add(blockSlots);
            ctx.launchOver(s, PtxScan.LOCAL, segments, new long[] {n, buf, segmentSlots.address()});
            long[] totals = new long[segments];
            ctx.download(segmentSlots.address(), totals, 0, (long) segments * PtxScan.SLOT_BYTES, DType.I64);
            long[] carries = carries(op, t, totals, blocks);
            ctx.upload(totals, 0, segmentSlots.address(), (long) segments * PtxScan.SLOT_BYTES, DType.I64);
            ctx.upload(carries, 0, blockSlots.address(), (long) blocks * PtxScan.SLOT_BYTES, DType.I64);
            long device = call.out() instanceof GpuArray g ? g.pointer() + call.outOffset() * t.byteSize() : 0;
            long dst = device;
            if (device == 0) {
                // an exclusive scan shifts by one: it cannot write over the values it still reads
                dst = buf;
                if (exclusive) {
                    CudaContext.Allocation a = ctx.allocate(Math.max(1, bytes));
                    temps.add(a);
                    dst = a.address();
                }
            }
            ctx.launchOver(s, PtxScan.FINISH, n, new long[] {n, buf, dst, segmentSlots.address(), blockSlots.address(),
                    op.startBits(t)});
            if (device == 0) {
                ctx.download(dst, call.out(), call.outOffset(), bytes, t);
            }
        } finally {
            temps.forEach(CudaContext.Allocation::run);
        }
    }

    /**
     * Replaces each segment's total by its carry within its block ({@code e}, unused for a block's first
     * segment) and returns each block's carry ({@code c}, unused for block 0), in {@link ScanOp}'s order.
     */
    private static long[] carries(ScanOp op, DType t, long[] segments, int blocks) {
        int perBlock = ScanOp.BLOCK / ScanOp.SEGMENT;
        long[] carries = new long[blocks];
        long c = 0;
        for (int b = 0; b < blocks; b++) {
            int first = b * perBlock;
            long e = fromSlot(t, segments[first]);
            for (int s = first + 1; s < Math.min(segments.length, first + perBlock); s++) {
                long total = fromSlot(t, segments[s]);
                segments[s] = e;
                e = op.combine(t, e, total);
            }
            carries[b] = c;
            c = b == 0 ? e : op.combine(t, c, e);
        }
        return carries;
    }

    /** A slot's value as core's bits: a 32-bit value sits in the slot's low half, sign-extended here. */
    private static long fromSlot(DType t, long slot) {
        return t.byteSize() == 4 ? (int) slot : slot;
    }

    /** Reads a partial record as {@code ptx.PtxState.store} wrote it: each field in its own type in its slot. */
    static void decode(ReduceSpec spec, DType type, MemorySegment rec, Partial p) {
        StateLayout layout = StateLayout.of(spec, type);
        long[] slots = new long[StateLayout.MAX_SLOTS];
        for (StateLayout.Field f : layout.fields()) {
            long at = layout.offset(f);
            slots[layout.slot(f)] = switch (StateLayout.typeOf(f, type)) {
                case F32 -> Double.doubleToRawLongBits(rec.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at));
                case F64, I64 -> rec.get(ValueLayout.JAVA_LONG_UNALIGNED, at);
                case I32 -> rec.get(ValueLayout.JAVA_INT_UNALIGNED, at);
                case BOOL -> throw new IllegalStateException("masks are not reduced directly");
            };
        }
        layout.decode(slots, type, p);
    }

    /** Device addresses of the memory inputs, uploading host arrays and segments into temporaries. */
    private static long[] inputPointers(CudaContext ctx, Call call, List<CudaContext.Allocation> temps) {
        KernelIR ir = call.ir();
        int count = 0;
        for (int i = 0; i < ir.arity(); i++) {
            count += call.data()[i] == null ? 0 : 1;
        }
        long[] ptrs = new long[count];
        int j = 0;
        for (int i = 0; i < ir.arity(); i++) {
            Object d = call.data()[i];
            if (d == null) {
                continue;
            }
            DType t = ir.inputs().get(i);
            long off = call.offsets()[i];
            if (d instanceof GpuArray g) {
                ptrs[j++] = g.pointer() + off * t.byteSize();
            } else if (d instanceof DeviceArray other) {
                throw new IllegalArgumentException("input " + i + " lives on backend " + other.backend()
                        + ", not on the GPU backend");
            } else {
                long bytes = call.n() * t.byteSize();
                CudaContext.Allocation a = ctx.allocate(bytes);
                temps.add(a);
                ctx.upload(d, off, a.address(), bytes, t);
                ptrs[j++] = a.address();
            }
        }
        return ptrs;
    }

    /**
     * Number of loaded modules (tests check that literals do not multiply it).
     *
     * @return the number of loaded modules
     */
    public static int cachedModules() {
        return CudaContext.get().cachedModules();
    }

    @Override
    public int cachedKernels() {
        return CudaContext.cachedModulesIfStarted();
    }

    @Override
    public DeviceArray allocate(DType type, long length) {
        return GpuArray.allocate(type, length);
    }

    /** One launch of {@link PtxCopy}'s grid-stride copy; the walks are in bounds (core checks them). */
    @Override
    public void copyStrided(DevicePlace from, DevicePlace to, long rows, long cols) {
        if (!(from.array() instanceof GpuArray src) || !(to.array() instanceof GpuArray dst)) {
            throw new IllegalArgumentException("a strided copy between GpuArrays, not " + from.array() + " and " + to.array());
        }
        if (src.type() != dst.type()) {
            throw new IllegalArgumentException("a strided copy from " + src.type() + " to " + dst.type() + " elements");
        }
        DType t = src.type();
        long size = t.byteSize();
        long n = Math.multiplyExact(rows, cols);
        CudaContext ctx = CudaContext.get();
        CudaContext.Compiled k = ctx.module("copy2d|" + size, () -> PtxCopy.generate(t, ctx.target));
        ctx.launchOver(k, PtxCopy.COPY, n, new long[] {n, cols, src.pointer() + from.offset() * size, from.rowStride(),
                from.colStride(), dst.pointer() + to.offset() * size, to.rowStride(), to.colStride()});
    }
}
