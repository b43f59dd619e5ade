package dev.flynn.c;

import dev.flynn.BackendUnavailableException;
import dev.flynn.ir.KernelIR;
import dev.flynn.spi.Availability;
import dev.flynn.spi.Binding;
import dev.flynn.spi.CpuBackend;
import dev.flynn.spi.CpuKernel;
import dev.flynn.spi.StateLayout;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code c} backend: each kernel lowered to C99, built by the system C compiler
 * ({@code -O3 -march=native}, Java semantics unless {@code flynn.c.fast=true}), cached on disk and
 * called through FFM. It answers "what would C do with this kernel, on this machine" side by side
 * with the Java backends. Configured by the {@code flynn.c.*} properties of {@link CConfig}.
 */
public final class CBackend extends CpuBackend {
    /** Below the SIMD backend: AUTO prefers pure Java and uses C where SIMD is unavailable. */
    public static final int PRIORITY = 50;

    /** Exercises what every kernel needs: stdint, libm, '#pragma omp simd' with a reduction. */
    private static final String PROBE = """
            #include <stdint.h>
            #include <math.h>
            int32_t flynn_probe(int32_t n) {
                int32_t s = 0;
                #pragma omp simd reduction(+:s)
                for (int32_t i = 0; i < n; i++) s += (int32_t) sqrt((double) i * i);
                return s;
            }
            """;
    private static final String COMPILER_FIX = "install a C compiler (gcc or clang, e.g. 'apt-get install gcc'),"
            + " or point -Dflynn.c.compiler at one";

    private final CConfig config;
    private volatile Availability availability;
    private volatile CCompiler compiler;
    /** Compiler runs spent on the probe, which {@link #compilations()} leaves out. */
    private volatile int probeRuns;

    /** A backend configured by the {@code flynn.c.*} system properties. */
    public CBackend() {
        this(CConfig.fromSystemProperties());
    }

    /**
     * A backend with its own configuration, such as a given compiler or cache directory.
     *
     * @param config how to build kernels
     */
    public CBackend(CConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "c";
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /**
     * How this backend builds kernels.
     *
     * @return the configuration
     */
    public CConfig config() {
        return config;
    }

    @Override
    public Availability probe() {
        Availability a = availability;
        if (a == null) {
            synchronized (this) {
                a = availability;
                if (a == null) {
                    a = availability = check();
                }
            }
        }
        return a;
    }

    /**
     * How many times this backend ran the compiler for a kernel (libraries found in the disk cache do not count).
     *
     * @return the number of compiler runs for kernels
     */
    public int compilations() {
        CCompiler cc = compiler;
        return cc == null ? 0 : cc.compilations() - probeRuns;
    }

    /** gcc vectorizes the arithmetic; libm's functions run one element at a time (about 3 ns each). */
    @Override
    protected double nanosPerElement(KernelIR ir) {
        return 0.1 + 0.03 * arithmeticOps(ir) + 3.0 * transcendentalOps(ir);
    }

    /**
     * {@link CSourceWriter#LANES} accumulators; none with {@code -ffast-math}, where the compiler may
     * reorder the sums.
     */
    @Override
    public java.util.OptionalInt blockPartials(KernelIR ir) {
        return config.fast() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(CSourceWriter.LANES);
    }

    @Override
    protected CpuKernel compile(KernelIR ir, List<Binding> inputs, Binding output) {
        Availability a = probe();
        if (!a.available()) {
            throw new BackendUnavailableException("backend c is unavailable: " + a.reason()
                    + (a.fix().isEmpty() ? "" : ". Fix: " + a.fix()));
        }
        String source = ir.isReduction() ? CSourceWriter.reduce(ir, inputs) : CSourceWriter.map(ir, inputs, output);
        Path lib = compiler.library(source, List.of());
        Arena arena = Arena.ofAuto();
        SymbolLookup symbols = SymbolLookup.libraryLookup(lib, arena);
        if (!ir.isReduction()) {
            return CKernel.ofMap(arena, ir.body().type(), CDowncalls.map(find(symbols, "flynn_map", lib), inputs));
        }
        MethodHandle reduce = CDowncalls.reduce(find(symbols, "flynn_reduce", lib), inputs);
        MethodHandle combine = ir.reduce().orElseThrow().combine().isPresent()
                ? CDowncalls.combine(find(symbols, "flynn_combine", lib)) : null;
        return CKernel.ofReduce(arena, ir.body().type(), StateLayout.of(ir.reduce().orElseThrow(), ir.body().type()),
                reduce, combine);
    }

    private static MemorySegment find(SymbolLookup symbols, String name, Path lib) {
        return symbols.find(name).orElseThrow(() -> new IllegalStateException(name + " is missing from " + lib
                + "; delete that file so that it is built again"));
    }

    private Availability check() {
        if (!CBackend.class.getModule().isNativeAccessEnabled()) {
            return Availability.unavailable("native access is not enabled for " + moduleName()
                    + ", which calls C through java.lang.foreign",
                    "pass --enable-native-access=" + (CBackend.class.getModule().isNamed() ? "dev.flynn.c" : "ALL-UNNAMED")
                            + " to java");
        }
        CCompiler cc;
        try {
            cc = CCompiler.open(config);
        } catch (CCompileException e) {
            return Availability.unavailable("no usable C compiler: " + e.getMessage(), COMPILER_FIX);
        }
        Path lib;
        try {
            // an ignored '#pragma omp simd' would leave every loop scalar, so make it an error here
            lib = cc.library(PROBE, List.of("-Werror=unknown-pragmas"));
        } catch (CCompileException e) {
            return Availability.unavailable("'" + config.compiler() + "' (" + cc.versionLine() + ") cannot build kernels"
                    + " with " + String.join(" ", config.flags()) + ": " + e.getMessage(),
                    "use a compiler with OpenMP simd support (gcc >= 4.9 or clang >= 3.8) through -Dflynn.c.compiler,"
                            + " or fix -Dflynn.c.flags");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fn = SymbolLookup.libraryLookup(lib, arena).find("flynn_probe").orElseThrow();
            MethodHandle h = Linker.nativeLinker().downcallHandle(fn,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            int got = (int) h.invokeExact(10);
            if (got != 45) {
                return Availability.unavailable("the probe kernel built by '" + config.compiler() + "' returned " + got
                        + " instead of 45", "check -Dflynn.c.flags, or try another compiler with -Dflynn.c.compiler");
            }
        } catch (Throwable t) {
            return Availability.unavailable("cannot load or call a library built by '" + config.compiler() + "': " + t,
                    "check that " + config.cacheDir() + " is on a file system that allows executing libraries"
                            + " (or set -Dflynn.c.cache)");
        }
        probeRuns = cc.compilations();
        compiler = cc;
        return Availability.available(cc.versionLine() + " with " + String.join(" ", config.tuning()) + ", "
                + config.modeLabel() + ", OpenMP simd pragmas (threads come from Flynn); libraries cached in "
                + config.cacheDir());
    }

    private static String moduleName() {
        Module m = CBackend.class.getModule();
        return m.isNamed() ? "module " + m.getName() : "the class path (unnamed module)";
    }
}
