package dev.flynn.benchmarks.jmh;

import dev.flynn.Backend;
import dev.flynn.BackendInfo;
import dev.flynn.Flynn;

/** A runtime for a backend named in a {@code @Param}, or a clear failure of that parameter combination. */
final class Backends {
    private Backends() {
    }

    static Flynn runtime(String name, int threads) {
        BackendInfo info = Flynn.backends().stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("backend " + name + " is not on the class path"));
        if (!info.available()) {
            throw new IllegalStateException("backend " + name + " is unavailable: " + info.reason() + "; fix: " + info.fix());
        }
        return Flynn.builder().backend(Backend.of(name)).threads(threads).build();
    }
}
