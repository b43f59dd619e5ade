package dev.flynn.gpu.ptx;

/**
 * What a module is generated for: the PTX ISA version (from the driver's CUDA version) and the
 * compute capability ({@code sm_XY}). Tests pass these directly to target devices they do not have.
 *
 * @param ptxMajor PTX ISA major version
 * @param ptxMinor PTX ISA minor version
 * @param sm       compute capability as major*10 + minor: 75, 80, 90
 */
public record PtxTarget(int ptxMajor, int ptxMinor, int sm) {
    /** The oldest PTX ISA the generator emits (CUDA 11.0); sm_90 needs 7.8 (CUDA 11.8). */
    public static final int MIN_DRIVER = 11000;

    public PtxTarget {
        if (sm < 50) {
            throw new IllegalArgumentException("compute capability " + sm / 10 + "." + sm % 10
                    + " is below 5.0, which the GPU backend needs");
        }
    }

    /**
     * The target for a driver of version {@code driverVersion} (as {@code cuDriverGetVersion} gives it:
     * 12060 for CUDA 12.6) and a device of compute capability {@code major.minor}.
     */
    public static PtxTarget of(int driverVersion, int major, int minor) {
        int cudaMajor = driverVersion / 1000;
        int cudaMinor = (driverVersion % 1000) / 10;
        int ptxMajor;
        int ptxMinor;
        if (cudaMajor >= 13) {
            ptxMajor = 9;
            ptxMinor = Math.min(cudaMinor, 9);
        } else if (cudaMajor == 12) {
            // CUDA 12.x ships PTX ISA 8.x; 12.5 and 12.6 both have 8.5, 12.7 onwards x.(minor + 1)
            ptxMajor = 8;
            ptxMinor = cudaMinor <= 4 ? cudaMinor : cudaMinor <= 6 ? 5 : Math.min(cudaMinor + 1, 9);
        } else if (cudaMajor == 11) {
            ptxMajor = 7;
            ptxMinor = Math.min(cudaMinor, 8);
        } else {
            throw new IllegalArgumentException("CUDA driver " + cudaMajor + "." + cudaMinor
                    + " is older than 11.0, which the GPU backend needs: update the NVIDIA driver");
        }
        return new PtxTarget(ptxMajor, ptxMinor, major * 10 + minor);
    }

    /** The module header: {@code .version}, {@code .target}, {@code .address_size}. */
    public String header() {
        return ".version " + ptxMajor + "." + ptxMinor + "\n.target sm_" + sm + "\n.address_size 64\n";
    }

    /** The {@code --gpu-name} option of the PTX compiler for this target. */
    public String gpuName() {
        return "sm_" + sm;
    }
}
