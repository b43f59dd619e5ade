package dev.flynn;

import dev.flynn.spi.BackendProvider;
import dev.flynn.spi.DevicePlace;

/**
 * Strided views of device memory, gathered on the device by the backend that owns it: a line along a
 * strided axis, or a whole view that is not row-major, is copied into a contiguous device temporary
 * (and a written one copied back) with {@link BackendProvider#copyStrided}, so device data never
 * travels to the host for it.
 */
final class DeviceViews {
    private DeviceViews() {
    }

    /** The backend whose memory {@code d} is. */
    static BackendProvider owner(DeviceArray d) {
        return BackendRegistry.provider(d.backend()).orElseThrow(() -> new IllegalStateException(
                "no backend named " + d.backend() + " is on the class path, yet it owns a device array"));
    }

    /** A new device array of {@code length} elements of {@code like}'s backend; the caller closes it. */
    static DeviceArray allocate(DeviceArray like, DType type, long length) {
        return owner(like).allocate(type, length);
    }

    /** Copies {@code rows × cols} elements between two walks over device memory of one backend, bounds checked. */
    static void copy(DevicePlace from, DevicePlace to, long rows, long cols) {
        if (!from.fits(rows, cols) || !to.fits(rows, cols)) {
            throw new IllegalStateException("a device copy of " + rows + "x" + cols + " elements leaves its array: "
                    + from + " -> " + to);
        }
        if (!from.array().backend().equals(to.array().backend())) {
            throw new IllegalStateException("a device copy between the memory of two backends: " + from + " -> " + to);
        }
        if (rows > 0 && cols > 0) {
            owner(from.array()).copyStrided(from, to, rows, cols);
        }
    }

    /**
     * The view's elements in row-major order, in a new contiguous device array of the view's size (the
     * caller closes it): one 2-D copy per index of the outer axes.
     */
    static DeviceArray gather(NdView v) {
        DeviceArray src = (DeviceArray) v.storage();
        long size = v.size();
        DeviceArray out = allocate(src, v.type(), Math.max(1, size));
        try {
            if (size > 0) {
                walk(v, out, true);
            }
            return out;
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }

    /** Copies the contiguous row-major {@code packed} into the view's elements. */
    static void scatter(DeviceArray packed, NdView v) {
        if (v.size() > 0) {
            walk(v, packed, false);
        }
    }

    /** Between a view and a row-major array of its elements, in the given direction, a 2-D slab at a time. */
    private static void walk(NdView v, DeviceArray packed, boolean gather) {
        DeviceArray storage = (DeviceArray) v.storage();
        int rank = v.rank();
        long rows = rank >= 2 ? v.dim(rank - 2) : 1;
        long cols = rank >= 1 ? v.dim(rank - 1) : 1;
        long rowStride = rank >= 2 ? v.stride(rank - 2) : 0;
        long colStride = rank >= 1 ? v.stride(rank - 1) : 0;
        int outerRank = Math.max(0, rank - 2);
        long slabs = 1;
        for (int k = 0; k < outerRank; k++) {
            slabs *= v.dim(k);
        }
        long[] idx = new long[outerRank];
        for (long s = 0; s < slabs; s++) {
            long at = v.offset();
            for (int k = 0; k < outerRank; k++) {
                at += idx[k] * v.stride(k);
            }
            DevicePlace view = new DevicePlace(storage, at, rowStride, colStride);
            DevicePlace flat = new DevicePlace(packed, s * rows * cols, cols, 1);
            if (gather) {
                copy(view, flat, rows, cols);
            } else {
                copy(flat, view, rows, cols);
            }
            for (int k = outerRank - 1; k >= 0 && ++idx[k] == v.dim(k); k--) {
                idx[k] = 0;
            }
        }
    }
}
