package dev.flynn.gpu.ptx;

import jcuda.nvptxcompiler.JNvPTXCompiler;
import jcuda.nvptxcompiler.nvPTXCompileResult;
import jcuda.nvptxcompiler.nvPTXCompilerHandle;

import java.nio.charset.StandardCharsets;

/** Compiles PTX to cubin with JCuda's statically linked PTX compiler: no GPU or driver needed. */
public final class PtxOfflineCompiler {
    private PtxOfflineCompiler() {
    }

    /** The cubin for {@code ptx} on {@code gpuName} (sm_80, ...); throws with the compiler's log on failure. */
    public static byte[] compile(String ptx, String gpuName) {
        JNvPTXCompiler.setExceptionsEnabled(false);
        nvPTXCompilerHandle h = new nvPTXCompilerHandle();
        byte[] src = ptx.getBytes(StandardCharsets.US_ASCII);
        check(JNvPTXCompiler.nvPTXCompilerCreate(h, src.length, src), h, "create");
        try {
            int r = JNvPTXCompiler.nvPTXCompilerCompile(h, 2, new String[] {"--gpu-name=" + gpuName, "--verbose"});
            check(r, h, "compile for " + gpuName);
            long[] size = new long[1];
            JNvPTXCompiler.nvPTXCompilerGetCompiledProgramSize(h, size);
            byte[] cubin = new byte[(int) size[0]];
            JNvPTXCompiler.nvPTXCompilerGetCompiledProgram(h, cubin);
            return cubin;
        } finally {
            JNvPTXCompiler.nvPTXCompilerDestroy(h);
        }
    }

    /** The compiler's own version, e.g. 12.6. */
    public static String version() {
        int[] major = new int[1];
        int[] minor = new int[1];
        JNvPTXCompiler.nvPTXCompilerGetVersion(major, minor);
        return major[0] + "." + minor[0];
    }

    private static void check(int r, nvPTXCompilerHandle h, String what) {
        if (r == nvPTXCompileResult.NVPTXCOMPILE_SUCCESS) {
            return;
        }
        long[] size = new long[1];
        JNvPTXCompiler.nvPTXCompilerGetErrorLogSize(h, size);
        byte[] log = new byte[(int) Math.max(1, size[0])];
        JNvPTXCompiler.nvPTXCompilerGetErrorLog(h, log);
        throw new AssertionError("PTX " + what + " failed (" + nvPTXCompileResult.stringFor(r) + "):\n"
                + new String(log, StandardCharsets.US_ASCII).trim());
    }
}
