package dev.flynn.gpu.cuda;

import dev.flynn.spi.Availability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds out whether the GPU backend can run here without letting anything escape: no JCuda class is
 * touched before the driver library is known to exist, and every failure becomes a reason and a fix.
 */
public final class CudaProbe {
    static final String DRIVER_LIBRARY = "libcuda.so.1";

    private CudaProbe() {
    }

    /** Where the driver library is looked for, in the order the dynamic loader would search them. */
    public static List<Path> driverLocations() {
        List<Path> dirs = new ArrayList<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String d : ld.split(":")) {
                if (!d.isBlank()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        for (String d : new String[] {"/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu",
                "/lib64", "/usr/local/nvidia/lib64", "/usr/lib/wsl/lib", "/usr/local/cuda/compat"}) {
            dirs.add(Path.of(d));
        }
        return dirs;
    }

    /** The availability of the GPU backend, for these driver locations; never throws. */
    public static Availability probe(List<Path> locations) {
        try {
            Class.forName("jcuda.driver.JCudaDriver", false, CudaProbe.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Availability.unavailable("JCuda is not on the class path",
                    "add org.jcuda:jcuda:12.6.0 and org.jcuda:jcuda-natives:12.6.0:linux-x86_64");
        }
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return Availability.unavailable("the GPU backend is built for Linux x86-64, this is "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                    "run on Linux x86-64 with the NVIDIA driver");
        }
        boolean found = locations.stream().anyMatch(d -> Files.exists(d.resolve(DRIVER_LIBRARY)));
        if (!found) {
            return Availability.unavailable("no NVIDIA driver: " + DRIVER_LIBRARY + " was not found in " + locations,
                    "install the NVIDIA driver (it provides " + DRIVER_LIBRARY + "), or add its folder to"
                            + " LD_LIBRARY_PATH");
        }
        try {
            return DriverDevice.probeDriver();
        } catch (LinkageError e) {
            return Availability.unavailable("the JCuda driver bindings could not be loaded: " + e,
                    "check that org.jcuda:jcuda-natives:12.6.0:linux-x86_64 is on the class path and that "
                            + DRIVER_LIBRARY + " is the NVIDIA driver's");
        } catch (RuntimeException e) {
            return Availability.unavailable("the CUDA driver failed to initialise: " + e.getMessage(),
                    "check the driver with nvidia-smi");
        }
    }
}
