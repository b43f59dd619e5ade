package dev.flynn.cli;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sees whether HotSpot has compiled the classes the scalar and SIMD backends generate for a kernel, by
 * reading the code cache's list of compiled methods (the {@code Compiler.codelist} diagnostic command,
 * in-process through its MBean): the JVM's own record, read at once, rather than a timing that merely
 * looks stable. A kernel counts as compiled when each method of its classes has C2 code (HotSpot's top
 * tier, level 4) as its ordinary entry. The list does not say which code was compiled for on-stack
 * replacement (OSR): JFR's compilation events do ({@link OsrLog}); without JFR,
 * {@link #atTop(List, Set)} infers it.
 */
final class JitWatch {
    /** HotSpot's top tier: C2. */
    static final int C2 = 4;

    /** An nmethod's state as the code list prints it: in use. */
    private static final int IN_USE = 0;

    /** The generated kernel classes, by backend; hidden classes are listed as {@code prefix/0x...}. */
    private static final Map<String, String> GENERATED = Map.of(
            "scalar", "dev.flynn.scalar.ScalarKernel", "simd", "dev.flynn.simd.SimdKernel");

    /** {@code <compile id> <level> <state> <class>.<method>(<descriptor>) [addresses]}. */
    private static final Pattern LINE = Pattern.compile("^(\\d+) (\\d+) (-?\\d+) (\\S+)\\.([^.(]+)\\(");

    /**
     * How long calls run before the first look at the code list, doubling after each look up to
     * {@link #MOST_BETWEEN_LOOKS_NANOS}: one look takes tens of milliseconds, which the calls should
     * outweigh while a large kernel takes seconds to compile.
     */
    private static final long FIRST_LOOK_NANOS = 50_000_000L;
    private static final long MOST_BETWEEN_LOOKS_NANOS = 800_000_000L;

    /** One compiled method in the code cache. */
    record Nmethod(int id, int level, int state, String type, String method) {
    }

    private final MBeanServer server;
    private final ObjectName command;
    /** Which compilations were for OSR, where JFR runs; without it {@link #atTop(List, Set)} decides. */
    private final Optional<OsrLog> osr;

    private JitWatch(MBeanServer server, ObjectName command, Optional<OsrLog> osr) {
        this.server = server;
        this.command = command;
        this.osr = osr;
    }

    /** A watch, or why there is none. */
    record Watching(Optional<JitWatch> watch, String reason) {
    }

    /** Starts watching; empty, with the reason, where the JVM offers no code list (not HotSpot). */
    static Watching start() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName command = new ObjectName("com.sun.management:type=DiagnosticCommand");
            server.invoke(command, "compilerCodelist", new Object[]{null}, new String[]{String[].class.getName()});
            Optional<OsrLog> osr = OsrLog.start(type -> GENERATED.values().stream().anyMatch(type::startsWith));
            return new Watching(Optional.of(new JitWatch(server, command, osr)), "");
        } catch (Exception | LinkageError e) {
            return new Watching(Optional.empty(), "this JVM does not list its compiled code: " + e.getMessage());
        }
    }

    /** Whether this backend's kernels are JIT-compiled Java classes that this watch can see. */
    static boolean watches(String backend) {
        return GENERATED.containsKey(backend);
    }

    private String list() throws Exception {
        return (String) server.invoke(command, "compilerCodelist", new Object[]{null},
                new String[]{String[].class.getName()});
    }

    /** The compiled methods of {@code backend}'s generated classes. */
    List<Nmethod> snapshot(String backend) {
        String listing;
        try {
            listing = list();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the JVM's code list: " + e.getMessage(), e);
        }
        return parse(listing, GENERATED.get(backend));
    }

    static List<Nmethod> parse(String listing, String prefix) {
        List<Nmethod> out = new ArrayList<>();
        listing.lines().forEach(l -> {
            Matcher m = LINE.matcher(l);
            if (m.find() && m.group(4).startsWith(prefix)) {
                out.add(new Nmethod(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(3)), m.group(4), m.group(5)));
            }
        });
        return out;
    }

    /** The generated classes of {@code backend} that have compiled code now. */
    Set<String> classes(String backend) {
        Set<String> out = new HashSet<>();
        snapshot(backend).forEach(n -> out.add(n.type()));
        return out;
    }

    /**
     * The classes not in {@code before} each of whose methods has C2 code in use and any lower-tier
     * code still in use older than some code already thrown out. The list does not mark code compiled
     * for on-stack replacement (OSR), which stays in use beside later code, while HotSpot throws out a
     * method's ordinary code when it installs newer ordinary code. So lower-tier code in use with
     * nothing newer thrown out may be the ordinary entry, and C2 code beside it only OSR code: not
     * compiled yet. Classes the suite runs once per size (the reference's helpers) never get there.
     */
    static Set<String> atTop(List<Nmethod> list, Set<String> before) {
        Map<String, List<Nmethod>> byMethod = new java.util.HashMap<>();
        list.stream().filter(n -> !before.contains(n.type()))
                .forEach(n -> byMethod.computeIfAbsent(n.type() + "." + n.method(), k -> new ArrayList<>()).add(n));
        Set<String> types = new HashSet<>();
        byMethod.values().forEach(ms -> types.add(ms.getFirst().type()));
        byMethod.values().stream().filter(ms -> !atTop(ms)).forEach(ms -> types.remove(ms.getFirst().type()));
        return types;
    }

    /**
     * The classes not in {@code before} each of whose methods has C2 code as its ordinary entry: of its
     * code in use, that not compiled for OSR is C2's only, as {@code osr} tells by compile id. A method
     * with code in use that {@code osr} does not know yet is not counted yet.
     */
    static Set<String> atTop(List<Nmethod> list, Set<String> before, java.util.function.IntFunction<Optional<Boolean>> osr) {
        Map<String, List<Nmethod>> byMethod = new java.util.HashMap<>();
        list.stream().filter(n -> !before.contains(n.type()) && n.state() == IN_USE)
                .forEach(n -> byMethod.computeIfAbsent(n.type() + "." + n.method(), k -> new ArrayList<>()).add(n));
        Set<String> types = new HashSet<>();
        byMethod.values().forEach(ms -> types.add(ms.getFirst().type()));
        for (List<Nmethod> ms : byMethod.values()) {
            boolean known = ms.stream().allMatch(n -> osr.apply(n.id()).isPresent());
            List<Nmethod> entry = ms.stream().filter(n -> !osr.apply(n.id()).orElse(true)).toList();
            if (!known || entry.isEmpty() || entry.stream().anyMatch(n -> n.level() != C2)) {
                types.remove(ms.getFirst().type());
            }
        }
        return types;
    }

    /** What {@link #warm} and {@link #settle} count as compiled: with OSR known where JFR runs. */
    private Set<String> top(List<Nmethod> list, Set<String> before) {
        return osr.map(log -> atTop(list, before, log::isOsr)).orElseGet(() -> atTop(list, before));
    }

    /** Whether some class not in {@code before} is compiled at the top tier: see {@link #atTop(List, Set)}. */
    static boolean compiledAtTop(List<Nmethod> list, Set<String> before) {
        return !atTop(list, before).isEmpty();
    }

    private static boolean atTop(List<Nmethod> method) {
        int newestThrownOut = method.stream().filter(n -> n.state() != IN_USE).mapToInt(Nmethod::id).max().orElse(-1);
        return method.stream().anyMatch(n -> n.level() == C2 && n.state() == IN_USE)
                && method.stream().noneMatch(n -> n.level() < C2 && n.state() == IN_USE && n.id() > newestThrownOut);
    }

    /** Stops recording compilations. */
    void close() {
        osr.ifPresent(OsrLog::close);
    }

    /** The code of the classes {@code which} accepts, as {@code map #12 tier 4 in use, map #9 tier 3 thrown out}. */
    String describe(String backend, java.util.function.Predicate<String> which) {
        List<String> parts = new ArrayList<>();
        snapshot(backend).stream().filter(n -> which.test(n.type()))
                .sorted(java.util.Comparator.comparingInt(Nmethod::id))
                .forEach(n -> parts.add(n.method() + " #" + n.id() + " tier " + n.level()
                        + (osr.flatMap(log -> log.isOsr(n.id())).orElse(false) ? " OSR" : "")
                        + (n.state() == IN_USE ? " in use" : " thrown out")));
        return parts.isEmpty() ? "no compiled code" : String.join(", ", parts);
    }

    /** The in-use compiled code of {@code classes}: it changes when HotSpot recompiles them. */
    Set<Integer> inUse(String backend, Set<String> classes) {
        Set<Integer> ids = new HashSet<>();
        snapshot(backend).stream().filter(n -> classes.contains(n.type()) && n.state() == IN_USE).forEach(n -> ids.add(n.id()));
        return ids;
    }

    /**
     * Calls {@code call} until some class of {@code backend} not in {@code before} is compiled at the
     * top tier, or {@code budgetNanos} have passed: the kernel's classes, or empty.
     */
    Set<String> warm(String backend, Set<String> before, Runnable call, long budgetNanos) {
        long end = System.nanoTime() + budgetNanos;
        long between = FIRST_LOOK_NANOS;
        do {
            long look = Math.min(end, System.nanoTime() + between);
            do {
                call.run();
            } while (System.nanoTime() < look);
            Set<String> top = top(snapshot(backend), before);
            if (!top.isEmpty()) {
                return top;
            }
            between = Math.min(2 * between, MOST_BETWEEN_LOOKS_NANOS);
        } while (System.nanoTime() < end);
        return Set.of();
    }

    /**
     * Calls {@code call} until every one of {@code classes} is compiled at the top tier again (a new
     * size can take a path the compiled code did not expect, and HotSpot recompiles), or
     * {@code budgetNanos} have passed. Whether they are.
     */
    boolean settle(String backend, Set<String> classes, Runnable call, long budgetNanos) {
        long end = System.nanoTime() + budgetNanos;
        do {
            call.run();
            List<Nmethod> mine = snapshot(backend).stream().filter(n -> classes.contains(n.type())).toList();
            if (top(mine, Set.of()).containsAll(classes)) {
                return true;
            }
        } while (System.nanoTime() < end);
        return false;
    }
}
