package dev.flynn.cli;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingStream;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Which compilations of some classes' methods were for on-stack replacement (OSR), by compile id, from
 * the JDK Flight Recorder's {@code jdk.Compilation} events: HotSpot's code list gives the ids but not
 * this. JFR delivers events about once a second, so an id may be unknown for that long.
 */
final class OsrLog implements AutoCloseable {
    private final RecordingStream stream;
    private final Map<Integer, Boolean> osr = new ConcurrentHashMap<>();

    private OsrLog(RecordingStream stream) {
        this.stream = stream;
    }

    /** Starts recording the compilations of classes {@code types} accepts; empty where JFR cannot run. */
    static Optional<OsrLog> start(Predicate<String> types) {
        try {
            RecordingStream rs = new RecordingStream();
            OsrLog log = new OsrLog(rs);
            rs.enable("jdk.Compilation").withThreshold(Duration.ZERO);
            rs.onEvent("jdk.Compilation", e -> log.record(e, types));
            rs.startAsync();
            return Optional.of(log);
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    private void record(RecordedEvent e, Predicate<String> types) {
        RecordedMethod m = e.getValue("method");
        if (m != null && m.getType() != null && types.test(m.getType().getName())) {
            osr.put(e.getInt("compileId"), e.getBoolean("isOsr"));
        }
    }

    /** Whether compilation {@code id} was for OSR; empty while JFR has not delivered it. */
    Optional<Boolean> isOsr(int id) {
        return Optional.ofNullable(osr.get(id));
    }

    @Override
    public void close() {
        stream.close();
    }
}
