package dev.flynn;

import java.lang.foreign.MemorySegment;

/**
 * The common shapes of handle, for {@link Flynn#bind}: {@code Handles.FloatReduce2 dot =
 * flynn.bind(Kernel.dot(DType.F32), Handles.FloatReduce2.class)}. Any public interface of one method
 * that follows the same rules works as well, with names of the caller's choosing.
 */
public final class Handles {
    private Handles() {
    }

    /** A one-input F32 map into the caller's array: {@code out[i] = f(x[i])}. */
    @FunctionalInterface
    public interface FloatMap1 {
        /**
         * Runs the bound kernel.
         *
         * @param out the output
         * @param x an input
         */
        void apply(float[] out, float[] x);
    }

    /** A two-input F32 map into the caller's array (saxpy, say). */
    @FunctionalInterface
    public interface FloatMap2 {
        /**
         * Runs the bound kernel.
         *
         * @param out the output
         * @param x an input
         * @param y an input
         */
        void apply(float[] out, float[] x, float[] y);
    }

    /** A three-input F32 map into the caller's array. */
    @FunctionalInterface
    public interface FloatMap3 {
        /**
         * Runs the bound kernel.
         *
         * @param out the output
         * @param x an input
         * @param y an input
         * @param z an input
         */
        void apply(float[] out, float[] x, float[] y, float[] z);
    }

    /** A one-input F64 map into the caller's array. */
    @FunctionalInterface
    public interface DoubleMap1 {
        /**
         * Runs the bound kernel.
         *
         * @param out the output
         * @param x an input
         */
        void apply(double[] out, double[] x);
    }

    /** A two-input F64 map into the caller's array. */
    @FunctionalInterface
    public interface DoubleMap2 {
        /**
         * Runs the bound kernel.
         *
         * @param out the output
         * @param x an input
         * @param y an input
         */
        void apply(double[] out, double[] x, double[] y);
    }

    /** A three-input F64 map into the caller's array. */
    @FunctionalInterface
    public interface DoubleMap3 {
        /**
         * Runs the bound kernel.
         *
         * @param out the output
         * @param x an input
         * @param y an input
         * @param z an input
         */
        void apply(double[] out, double[] x, double[] y, double[] z);
    }

    /** A one-input F32 reduction (a sum or a norm, say). */
    @FunctionalInterface
    public interface FloatReduce1 {
        /**
         * Runs the bound kernel.
         *
         * @param x an input
         * @return the reduced value
         */
        float apply(float[] x);
    }

    /** A two-input F32 reduction (a dot product or a squared distance, say). */
    @FunctionalInterface
    public interface FloatReduce2 {
        /**
         * Runs the bound kernel.
         *
         * @param x an input
         * @param y an input
         * @return the reduced value
         */
        float apply(float[] x, float[] y);
    }

    /** A one-input reduction with an F64 result (an F64 sum, or a mean or variance of any type). */
    @FunctionalInterface
    public interface DoubleReduce1 {
        /**
         * Runs the bound kernel.
         *
         * @param x an input
         * @return the reduced value
         */
        double apply(double[] x);
    }

    /** A two-input F64 reduction. */
    @FunctionalInterface
    public interface DoubleReduce2 {
        /**
         * Runs the bound kernel.
         *
         * @param x an input
         * @param y an input
         * @return the reduced value
         */
        double apply(double[] x, double[] y);
    }

    /** A two-input F32 map over slices: {@code length} elements from each offset. */
    @FunctionalInterface
    public interface FloatSliceMap2 {
        /**
         * Runs the bound kernel.
         *
         * @param out the output
         * @param outOffset its element offset
         * @param x an input
         * @param xOffset its element offset
         * @param y an input
         * @param yOffset its element offset
         * @param length the number of elements
         */
        void apply(float[] out, int outOffset, float[] x, int xOffset, float[] y, int yOffset, int length);
    }

    /** A two-input F32 reduction over slices: {@code length} elements from each offset (rows of a matrix, say). */
    @FunctionalInterface
    public interface FloatSliceReduce2 {
        /**
         * Runs the bound kernel.
         *
         * @param x an input
         * @param xOffset its element offset
         * @param y an input
         * @param yOffset its element offset
         * @param length the number of elements
         * @return the reduced value
         */
        float apply(float[] x, int xOffset, float[] y, int yOffset, int length);
    }

    /** A two-input map over off-heap memory, any element type; lengths in elements of the kernel's types. */
    @FunctionalInterface
    public interface SegmentMap2 {
        /**
         * Runs the bound kernel.
         *
         * @param out the output
         * @param x an input
         * @param y an input
         */
        void apply(MemorySegment out, MemorySegment x, MemorySegment y);
    }

    /** A two-input F32 reduction over off-heap memory. */
    @FunctionalInterface
    public interface FloatSegmentReduce2 {
        /**
         * Runs the bound kernel.
         *
         * @param x an input
         * @param y an input
         * @return the reduced value
         */
        float apply(MemorySegment x, MemorySegment y);
    }

    /** A two-input map over arrays resident on a device (the GPU backend's). */
    @FunctionalInterface
    public interface DeviceMap2 {
        /**
         * Runs the bound kernel.
         *
         * @param out the output
         * @param x an input
         * @param y an input
         */
        void apply(DeviceArray out, DeviceArray x, DeviceArray y);
    }
}
