package dev.flynn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a result was measured on.
 *
 * @param jdk   Java version and vendor
 * @param vm    the JVM's name
 * @param os    operating system and architecture
 * @param cpu   the CPU's model name
 * @param cores processors available to the JVM
 * @param vectorBits the Vector API's preferred vector size in bits; 0 where the module is not readable
 * @param date  when the run started, ISO 8601
 */
record Machine(String jdk, String vm, String os, String cpu, int cores, int vectorBits, String date) {

    static Machine current() {
        return new Machine(Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
                System.getProperty("java.vm.name"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                cpuInfo("model name").orElse(System.getProperty("os.arch")),
                Runtime.getRuntime().availableProcessors(), preferredVectorBits(),
                OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    private static int preferredVectorBits() {
        try {
            return VectorShape.bits();
        } catch (LinkageError e) {
            return 0;
        }
    }

    /** The first value of {@code key} in /proc/cpuinfo (Linux); empty elsewhere. */
    static java.util.Optional<String> cpuInfo(String key) {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith(key) && l.indexOf(':') > 0)
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jdk", jdk);
        m.put("vm", vm);
        m.put("os", os);
        m.put("cpu", cpu);
        m.put("cores", (long) cores);
        m.put("vector_bits", (long) vectorBits);
        m.put("date", date);
        return m;
    }
}
