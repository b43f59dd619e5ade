package dev.flynn;

import dev.flynn.spi.Availability;
import dev.flynn.spi.BackendProvider;
import dev.flynn.spi.Call;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The backends on the class or module path: discovered once, each probed once on first use, chosen
 * for a call (forced or AUTO), and AUTO's choice logged once per backend.
 */
final class BackendRegistry {
    private static final System.Logger LOG = System.getLogger("dev.flynn");
    private static final List<Provider> PROVIDERS = discover();
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private BackendRegistry() {
    }

    /** One discovered backend with its availability, probed once on first use. */
    static final class Provider {
        final BackendProvider impl;
        private volatile Availability availability;
        /** Whether AUTO's choice of this backend was logged: read on every AUTO call, set once. */
        private volatile boolean logged;

        Provider(BackendProvider impl) {
            this.impl = impl;
        }

        Availability availability() {
            Availability a = availability;
            if (a == null) {
                synchronized (this) {
                    a = availability;
                    if (a == null) {
                        try {
                            a = Objects.requireNonNull(impl.probe(), "probe");
                        } catch (RuntimeException | LinkageError e) {
                            a = Availability.unavailable("its probe failed: " + e, "report this as a bug");
                        }
                        availability = a;
                    }
                }
            }
            return a;
        }
    }

    static List<BackendInfo> backends() {
        List<BackendInfo> out = new ArrayList<>();
        for (Provider p : PROVIDERS) {
            Availability a = p.availability();
            out.add(new BackendInfo(p.impl.name(), p.impl.priority(), a.available(), a.reason(), a.fix()));
        }
        return out;
    }

    static java.util.Optional<BackendProvider> provider(String name) {
        return PROVIDERS.stream().filter(p -> p.impl.name().equals(name)).map(p -> p.impl).findFirst();
    }

    /** AUTO's choice for a bound call: the first available backend that does not decline it. */
    static BackendProvider auto(Kernel kernel, Call call, long n, Object out, int threads) {
        call.set(kernel.ir(), null, out, 0, n, kernel.constantsShared(), threads, null);
        Provider skipped = null;
        for (Provider p : PROVIDERS) {
            Availability a = p.availability();
            if (!a.available()) {
                if (skipped == null) {
                    skipped = p;
                }
                continue;
            }
            if (p.impl.declines(call).isPresent()) {
                continue;
            }
            if (!p.logged) {
                p.logged = true;
                if (LOGGED.add(p.impl.name())) {
                    log(p, a, skipped);
                }
            }
            return p.impl;
        }
        throw new BackendUnavailableException("no backend is available: add dev.flynn:flynn-scalar (the scalar"
                + " backend) to the class path" + (skipped == null ? "" : "; " + skipped.impl.name() + ": " + skipped.availability()));
    }

    /**
     * AUTO's choice for a handle, made once at binding: the GPU for device-resident operands, else the
     * preferred available CPU backend (a handle serves small calls, which never pay for a transfer).
     */
    static BackendProvider autoForHandle(boolean device) {
        if (device) {
            return forced(Backend.GPU);
        }
        for (Provider p : PROVIDERS) {
            if (p.impl instanceof dev.flynn.spi.CpuBackend && p.availability().available()) {
                return p.impl;
            }
        }
        throw new BackendUnavailableException("no CPU backend is available: add dev.flynn:flynn-scalar (the"
                + " scalar backend) to the class path");
    }

    /** The one line that says which backend AUTO runs on, and why not a preferred one. */
    private static void log(Provider p, Availability a, Provider skipped) {
        if (skipped != null) {
            Availability why = skipped.availability();
            LOG.log(System.Logger.Level.WARNING, "Flynn AUTO runs kernels on {0} because {1} is unavailable: {2}{3}",
                    p.impl.name(), skipped.impl.name(), why.reason(), why.fix().isEmpty() ? "" : ". Fix: " + why.fix());
        } else {
            LOG.log(System.Logger.Level.INFO, "Flynn AUTO runs kernels on {0} ({1})", p.impl.name(), a.reason());
        }
    }

    /** The provider of a forced backend; throws if it is absent or cannot run here. */
    static BackendProvider forced(Backend backend) {
        for (Provider p : PROVIDERS) {
            if (p.impl.name().equals(backend.id())) {
                Availability a = p.availability();
                if (!a.available()) {
                    throw new BackendUnavailableException("backend " + backend.id() + " is unavailable: " + a.reason()
                            + (a.fix().isEmpty() ? "" : ". Fix: " + a.fix()));
                }
                return p.impl;
            }
        }
        throw new BackendUnavailableException("backend " + backend.id()
                + " is not on the class path: add the dev.flynn:flynn-" + backend.id() + " dependency");
    }

    private static List<Provider> discover() {
        List<Provider> out = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Flynn.class.getClassLoader())) {
            out.add(new Provider(p));
        }
        out.sort(Comparator.comparingInt((Provider p) -> -p.impl.priority()).thenComparing(p -> p.impl.name()));
        return List.copyOf(out);
    }
}
