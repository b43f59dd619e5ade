package dev.flynn.gpu;

import jcuda.driver.CUdeviceptr;

/** A device pointer whose address can be read and offset: JCuda keeps both protected. */
final class CudaPointer extends CUdeviceptr {
    private static final CUdeviceptr NULL = new CUdeviceptr();

    /** A pointer to be filled by {@code cuMemAlloc}. */
    CudaPointer() {
    }

    private CudaPointer(long address) {
        super(NULL, address);
    }

    /** The pointer to a device address. */
    static CudaPointer at(long address) {
        return new CudaPointer(address);
    }

    /** The device address. */
    long address() {
        return getNativePointer() + getByteOffset();
    }
}
