package dev.flynn.simd;

import dev.flynn.spi.Availability;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * Decides whether the SIMD backend (Vector API) can run in this JVM. It must not touch any
 * {@code jdk.incubator.vector} class before it has checked that the module is readable: loading one
 * without the module throws {@code NoClassDefFoundError}, and a class that holds Vector API constants
 * would fail to initialise.
 */
final class SimdProbe {
    static final String MODULE = "jdk.incubator.vector";
    static final String ADD_MODULES = "--add-modules " + MODULE;

    private SimdProbe() {
    }

    static Availability probe() {
        Optional<Module> vector = ModuleLayer.boot().findModule(MODULE);
        if (vector.isEmpty() || !SimdProbe.class.getModule().canRead(vector.get())) {
            return Availability.unavailable(MODULE + " is not readable (the JDK resolves incubator modules only on request)",
                    "pass " + ADD_MODULES + " to java");
        }
        String vm = System.getProperty("java.vm.name", "");
        if (!vm.contains("HotSpot") && !vm.contains("OpenJDK")) {
            return Availability.unavailable("the JVM is " + vm + ", not HotSpot: only HotSpot's C2 compiles Vector API"
                    + " calls to SIMD instructions; elsewhere every vector op allocates", "run on a HotSpot JDK (OpenJDK, Temurin, Oracle)");
        }
        Optional<String> noC2 = c2Missing();
        if (noC2.isPresent()) {
            return Availability.unavailable(noC2.get() + ": without C2 every Vector API call runs as slow Java code",
                    "remove that JVM option");
        }
        SimdWidth width = SimdWidth.current();
        if (width.invalid().isPresent()) {
            return Availability.unavailable("-D" + SimdWidth.PROPERTY + "=" + width.invalid().get()
                    + " is not a vector width the backend uses", "set it to 128, 256 or 512, or remove it");
        }
        int machine = SimdShapes.machineBits();
        if (machine < 128) {
            return Availability.unavailable("the preferred vector width is " + machine + " bits, under 128: this CPU or"
                    + " the JVM options offer no useful SIMD registers", "run on a CPU with SSE2/AVX or NEON and do not"
                    + " lower -XX:MaxVectorSize or -XX:UseAVX / -XX:UseSSE");
        }
        if (Integer.bitCount(machine) != 1) {
            return Availability.unavailable("the preferred vector width is " + machine + " bits, not a power of two",
                    "pass -XX:MaxVectorSize with a power of two, such as 32 or 64");
        }
        int bits = SimdShapes.preferredBits();
        String chosen = width.requested().isEmpty() ? ""
                : bits == width.requested().getAsInt() ? " (" + SimdWidth.PROPERTY + "=" + bits + ", CPU: " + machine + ")"
                : " (" + SimdWidth.PROPERTY + "=" + width.requested().getAsInt() + " capped at the CPU's " + machine + ")";
        return Availability.available(MODULE + ", " + bits + "-bit vectors" + chosen + " (" + bits / 32 + " x f32, "
                + bits / 64 + " x f64), C2, " + mathLabel(SimdRoutines.FAST_MATH));
    }

    /** How transcendental results relate to Java's, for the backend's description. */
    static String mathLabel(boolean fastMath) {
        return fastMath ? "FAST math (flynn.simd.fastMath): transcendentals from the JDK's SVML stubs, whose bits"
                + " change with JIT state and CPU; unset flynn.simd.fastMath for reproducible results"
                : "own math (transcendentals from exactly rounded ops: the same bits interpreted, compiled and on"
                + " every CPU)";
    }

    /** Why C2 will not compile, if an option turns it off; empty when C2 is on or the options cannot be read. */
    private static Optional<String> c2Missing() {
        if (System.getProperty("java.vm.info", "").contains("interpreted mode")) {
            return Optional.of("the JVM runs in interpreted mode (-Xint)");
        }
        try {
            Class<?> bean = Class.forName("com.sun.management.HotSpotDiagnosticMXBean");
            @SuppressWarnings("unchecked")
            Object diagnostics = ManagementFactory.getPlatformMXBean((Class<? extends java.lang.management.PlatformManagedObject>) bean);
            Method option = bean.getMethod("getVMOption", String.class);
            Method value = option.getReturnType().getMethod("getValue");
            String tiered = (String) value.invoke(option.invoke(diagnostics, "TieredCompilation"));
            String level = (String) value.invoke(option.invoke(diagnostics, "TieredStopAtLevel"));
            if (Boolean.parseBoolean(tiered) && Integer.parseInt(level) < 4) {
                return Optional.of("-XX:TieredStopAtLevel=" + level + " stops before C2");
            }
            String jvmci = (String) value.invoke(option.invoke(diagnostics, "UseJVMCICompiler"));
            if (Boolean.parseBoolean(jvmci)) {
                return Optional.of("-XX:+UseJVMCICompiler replaces C2 with Graal, which does not intrinsify the Vector API");
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // jdk.management absent (a jlinked runtime) or an option unknown to this VM: assume C2 is on
        }
        return Optional.empty();
    }
}
