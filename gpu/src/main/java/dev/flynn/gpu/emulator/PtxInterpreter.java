package dev.flynn.gpu.emulator;

import dev.flynn.gpu.ptx.PtxGenerator;

import dev.flynn.gpu.ptx.PtxCmp;
import dev.flynn.gpu.ptx.PtxOp;
import dev.flynn.gpu.ptx.PtxSreg;
import dev.flynn.gpu.ptx.PtxType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Runs PTX on the CPU: the instruction subset {@link PtxGenerator} writes, with the semantics the PTX
 * ISA gives them, so that the generated kernels (their math, indexing, shuffles, barriers and error
 * flag) are checked where no GPU exists. Each thread has its own registers; the threads of a warp
 * run one after another up to the next {@code shfl.sync}, which they then execute together, and the
 * warps of a block likewise up to each {@code bar.sync}. Blocks run in parallel.
 *
 * <p>It is strict where hardware is undefined: a global access outside every allocation or not
 * naturally aligned, a shuffle that not all 32 lanes reach, a barrier that not every thread of the
 * block reaches, and two threads touching the same shared-memory word between two barriers with at
 * least one of them writing (a race) all stop the launch with a {@link Trap}. That makes it a
 * memcheck and a shared-memory racecheck too. Fresh device and shared memory is filled with
 * {@code 0xA5} bytes, so reading what was never written shows up as wrong results.
 *
 * <p>Exact instructions ({@code .rn} arithmetic, {@code fma}, {@code sqrt.rn}, {@code div.rn},
 * conversions) give the bits the hardware gives, NaN results being the canonical NaN. The
 * {@code .approx} instructions of fast mode are computed from {@code java.lang.Math}: their results
 * are close to, not the same as, the hardware's.
 */
public final class PtxInterpreter {
    /** CUresult values the traps carry, as the driver reports them. */
    public static final int ILLEGAL_ADDRESS = 700;
    public static final int ILLEGAL_INSTRUCTION = 715;
    public static final int MISALIGNED_ADDRESS = 716;
    public static final int LAUNCH_FAILED = 719;

    private static final int RET = -1;
    private static final int BAR = -2;
    private static final int SHFL = -3;
    /** Register slots every function reserves: %tid.x, %ntid.x, %ctaid.x, %nctaid.x, %laneid. */
    private static final int TID = 0;
    private static final int NTID = 1;
    private static final int CTAID = 2;
    private static final int NCTAID = 3;
    private static final int LANEID = 4;
    private static final int RESERVED = 5;
    private static final long CANONICAL_NAN_F32 = 0x7FFFFFFFL;
    private static final long CANONICAL_NAN_F64 = 0x7FFFFFFFFFFFFFFFL;
    public static final byte POISON = (byte) 0xA5;

    private static final Pattern HEADER = Pattern.compile(
            "(?:\\.visible\\s+)?\\.(entry|func)\\s*(?:\\(([^)]*)\\))?\\s*([A-Za-z_$][\\w$]*)\\s*\\(([^)]*)\\)",
            Pattern.DOTALL);
    private static final Pattern ARRAY_DECL = Pattern.compile(
            "\\.(const|shared)\\s+(?:\\.align\\s+(\\d+)\\s+)?\\.(\\w+)\\s+([A-Za-z_$][\\w$]*)\\[(\\d+)\\](?:\\s*=\\s*\\{(.*)\\})?",
            Pattern.DOTALL);
    private static final Pattern LABEL = Pattern.compile("^([A-Za-z_$][\\w$]*):\\s*");
    private static final Pattern ADDRESS = Pattern.compile("\\[\\s*([%\\w$.]+)\\s*(?:\\+\\s*(-?\\d+))?\\s*\\]");

    /** The launch stopped: what the driver would report as {@link #result}, with what happened. */
    public static final class Trap extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final int result;

        Trap(int result, String message) {
            super(message);
            this.result = result;
        }
    }

    /** Device memory as the interpreter sees it: finds the allocation holding an address. */
    public interface Memory {
        /** The allocation holding {@code [address, address + size)}, or null. */
        public Region find(long address, int size);
    }

    /** One allocation: its first address and its bytes. */
    public record Region(long base, MemorySegment bytes) {
        boolean holds(long address, int size) {
            return address >= base && address - base + size <= bytes.byteSize();
        }
    }

    /** A parsed module: its functions and its const and shared arrays. */
    public static final class Program {
        final Map<String, Function> functions = new HashMap<>();
        final Map<String, Long> constOffsets = new HashMap<>();
        final Map<String, Long> sharedOffsets = new HashMap<>();
        MemorySegment constBank = MemorySegment.ofArray(new byte[0]);
        int sharedBytes;
        private final List<Runnable> links = new ArrayList<>();

        /** The names of the kernel entries. */
        public List<String> entries() {
            return functions.values().stream().filter(f -> f.entry).map(f -> f.name).sorted().toList();
        }
    }

    /** A function: compiled instructions over a register file whose first slots are fixed values. */
    static final class Function {
        final String name;
        final boolean entry;
        final List<String> params = new ArrayList<>();
        String returnParam;
        final Map<String, Integer> slots = new HashMap<>();
        final List<Long> constants = new ArrayList<>();
        Op[] code;
        long[] template;
        int[] paramSlots;
        int returnSlot = -1;
        boolean syncs;

        Function(String name, boolean entry) {
            this.name = name;
            this.entry = entry;
        }

        int slot(String name) {
            return slots.computeIfAbsent(name, k -> RESERVED + slots.size());
        }

        int constant(long bits) {
            int s = slot("#" + constants.size());
            constants.add(bits);
            return s;
        }
    }

    /** One instruction: runs on a lane's registers and gives the next pc, or RET, BAR, SHFL. */
    @FunctionalInterface
    interface Op {
        int exec(long[] r, Lane t);
    }

    /** The state of one thread. */
    static final class Lane {
        long[] r;
        int pc;
        int status;
        boolean carry;
        Region last;
        final Block block;
        final int tid;
        // a pending shuffle: its source value, lane offset, clamp and destination
        long shflValue;
        int shflDelta;
        int shflClamp;
        int shflDest;

        Lane(Block block, int tid) {
            this.block = block;
            this.tid = tid;
        }
    }

    /** A block's shared memory and the race-check state of its words. */
    static final class Block {
        final MemorySegment shared;
        final Memory memory;
        final MemorySegment constBank;
        final int[] writer;
        final int[] writeEpoch;
        final int[] reader;
        final int[] readEpoch;
        int epoch = 1;

        Block(int sharedBytes, Memory memory, MemorySegment constBank) {
            this.shared = MemorySegment.ofArray(new byte[Math.max(8, sharedBytes)]);
            this.shared.fill(POISON);
            this.memory = memory;
            this.constBank = constBank;
            int words = (int) ((shared.byteSize() + 3) / 4);
            writer = new int[words];
            writeEpoch = new int[words];
            reader = new int[words];
            readEpoch = new int[words];
        }
    }

    private PtxInterpreter() {
    }

    // ---- launching --------------------------------------------------------------------------------

    /**
     * Runs {@code entry} on {@code blocks} blocks of {@code threads} threads with these parameter bits.
     *
     * @throws Trap when a thread does what the hardware would fault on or leave undefined
     */
    public static void launch(Program p, String entry, int blocks, int threads, long[] params, Memory memory) {
        Function f = p.functions.get(entry);
        if (f == null || !f.entry) {
            throw new Trap(LAUNCH_FAILED, "no kernel entry named " + entry + "; the module has " + p.entries());
        }
        if (params.length != f.params.size()) {
            throw new Trap(LAUNCH_FAILED, entry + " takes " + f.params.size() + " parameters, the launch gave "
                    + params.length);
        }
        if (threads % 32 != 0 || threads <= 0 || threads > 1024 || blocks <= 0) {
            throw new Trap(LAUNCH_FAILED, "bad launch shape: " + blocks + " blocks of " + threads + " threads");
        }
        AtomicReference<Trap> failed = new AtomicReference<>();
        IntStream.range(0, blocks).parallel().forEach(b -> {
            if (failed.get() != null) {
                return;
            }
            try {
                runBlock(p, f, b, blocks, threads, params, memory);
            } catch (Trap t) {
                failed.compareAndSet(null, t);
            } catch (RuntimeException e) {
                failed.compareAndSet(null, new Trap(LAUNCH_FAILED, "block " + b + ": " + e));
            }
        });
        if (failed.get() != null) {
            throw failed.get();
        }
    }

    private static final int RUNNING = 0;
    private static final int AT_BAR = 1;
    private static final int AT_SHFL = 2;
    private static final int EXITED = 3;

    private static void runBlock(Program p, Function f, int ctaid, int nctaid, int ntid, long[] params, Memory memory) {
        Block block = new Block(p.sharedBytes, memory, p.constBank);
        Lane[] lanes = new Lane[ntid];
        for (int t = 0; t < ntid; t++) {
            Lane l = new Lane(block, t);
            l.r = f.template.clone();
            l.r[TID] = t;
            l.r[NTID] = ntid;
            l.r[CTAID] = ctaid;
            l.r[NCTAID] = nctaid;
            l.r[LANEID] = t & 31;
            for (int i = 0; i < params.length; i++) {
                l.r[f.paramSlots[i]] = params[i];
            }
            lanes[t] = l;
        }
        if (!f.syncs) {
            for (Lane l : lanes) {
                if (run(f.code, l) != RET) {
                    throw new IllegalStateException("unreachable");
                }
            }
            return;
        }
        while (true) {
            for (int w = 0; w < ntid; w += 32) {
                while (true) {
                    boolean shuffle = false;
                    for (int i = w; i < w + 32; i++) {
                        Lane l = lanes[i];
                        if (l.status == RUNNING) {
                            int code = run(f.code, l);
                            l.status = code == RET ? EXITED : code == BAR ? AT_BAR : AT_SHFL;
                        }
                        shuffle |= l.status == AT_SHFL;
                    }
                    if (!shuffle) {
                        break;
                    }
                    shuffle(lanes, w, ctaid);
                }
            }
            int exited = 0;
            for (Lane l : lanes) {
                exited += l.status == EXITED ? 1 : 0;
            }
            if (exited == ntid) {
                return;
            }
            if (exited > 0) {
                throw new Trap(LAUNCH_FAILED, "block " + ctaid + ": bar.sync reached by " + (ntid - exited) + " of "
                        + ntid + " threads, the others exited: the block would hang");
            }
            block.epoch++;
            for (Lane l : lanes) {
                l.status = RUNNING;
                l.pc++;
            }
        }
    }

    /** Executes the shuffle the 32 lanes from {@code w} wait at: shfl.sync.down with a full member mask. */
    private static void shuffle(Lane[] lanes, int w, int ctaid) {
        int pc = -1;
        for (int i = w; i < w + 32; i++) {
            Lane l = lanes[i];
            if (l.status != AT_SHFL || (pc >= 0 && l.pc != pc)) {
                throw new Trap(LAUNCH_FAILED, "block " + ctaid + ", warp " + (w / 32) + ": shfl.sync with member"
                        + " mask 0xffffffff not reached by all 32 lanes at one instruction (lane " + (i - w) + " is "
                        + (l.status == EXITED ? "exited" : l.status == AT_BAR ? "at bar.sync" : "at pc " + l.pc) + ")");
            }
            pc = l.pc;
        }
        long[] values = new long[32];
        for (int i = 0; i < 32; i++) {
            values[i] = lanes[w + i].shflValue;
        }
        for (int i = 0; i < 32; i++) {
            Lane l = lanes[w + i];
            int c = l.shflClamp;
            int segmask = (c >>> 8) & 31;
            int maxLane = (i & segmask) | (c & 31 & ~segmask);
            int j = i + (l.shflDelta & 31);
            l.r[l.shflDest] = j <= maxLane ? values[j] : values[i];
            l.status = RUNNING;
            l.pc++;
        }
    }

    /** Runs a lane until it exits or reaches a barrier or a shuffle; returns RET, BAR or SHFL. */
    private static int run(Op[] code, Lane l) {
        long[] r = l.r;
        int pc = l.pc;
        while (true) {
            int next = code[pc].exec(r, l);
            if (next < 0) {
                l.pc = pc;
                return next;
            }
            pc = next;
        }
    }

    // ---- parsing ----------------------------------------------------------------------------------

    /** Parses a module as the generator writes it; anything else is rejected with the statement quoted. */
    public static Program parse(String ptx) {
        Program p = new Program();
        List<String> statements = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int braceInStatement = 0;
        for (String line : ptx.split("\n")) {
            int c = line.indexOf("//");
            String s = c >= 0 ? line.substring(0, c) : line;
            String head = s.trim();
            if (head.startsWith(".version") || head.startsWith(".target") || head.startsWith(".address_size")) {
                continue; // module directives end at the line, not at a semicolon
            }
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (ch == ';' && braceInStatement == 0) {
                    statements.add(cur.toString().trim());
                    cur.setLength(0);
                } else if (ch == '{') {
                    String pending = cur.toString().trim();
                    if (pending.isEmpty() || pending.contains(".entry") || pending.contains(".func")) {
                        if (!pending.isEmpty()) {
                            statements.add(pending);
                        }
                        statements.add("{");
                        cur.setLength(0);
                    } else {
                        braceInStatement++;
                        cur.append(ch);
                    }
                } else if (ch == '}') {
                    if (braceInStatement > 0) {
                        braceInStatement--;
                        cur.append(ch);
                    } else {
                        if (!cur.toString().isBlank()) {
                            statements.add(cur.toString().trim());
                            cur.setLength(0);
                        }
                        statements.add("}");
                    }
                } else {
                    cur.append(ch);
                }
            }
            cur.append('\n');
        }
        if (!cur.toString().isBlank()) {
            throw new IllegalArgumentException("PTX ends inside a statement: " + cur.toString().trim());
        }
        List<byte[]> constChunks = new ArrayList<>();
        long constSize = 0;
        for (int i = 0; i < statements.size(); i++) {
            String s = statements.get(i);
            if (s.isEmpty() || s.startsWith(".version") || s.startsWith(".target") || s.startsWith(".address_size")) {
                continue;
            }
            Matcher h = HEADER.matcher(s);
            if (h.lookingAt()) {
                Function f = new Function(h.group(3), h.group(1).equals("entry"));
                if (h.group(2) != null) {
                    f.returnParam = paramName(h.group(2));
                }
                for (String param : h.group(4).split(",")) {
                    if (!param.isBlank()) {
                        f.params.add(paramName(param));
                    }
                }
                if (!"{".equals(statements.get(i + 1))) {
                    throw new IllegalArgumentException("expected { after " + s);
                }
                int depth = 0;
                int j = i + 1;
                List<String> body = new ArrayList<>();
                do {
                    String b = statements.get(j++);
                    depth += b.equals("{") ? 1 : b.equals("}") ? -1 : 0;
                    body.add(b);
                } while (depth > 0);
                i = j - 1;
                p.functions.put(f.name, f);
                p.links.add(() -> compile(p, f, body.subList(1, body.size() - 1)));
                continue;
            }
            Matcher a = ARRAY_DECL.matcher(s);
            if (a.matches()) {
                int align = a.group(2) == null ? 1 : Integer.parseInt(a.group(2));
                int elem = Integer.parseInt(a.group(3).substring(1)) / 8;
                int count = Integer.parseInt(a.group(5));
                if (a.group(1).equals("shared")) {
                    long off = (p.sharedBytes + align - 1) / align * align;
                    p.sharedOffsets.put(a.group(4), off);
                    p.sharedBytes = (int) (off + (long) elem * count);
                } else {
                    long off = (constSize + align - 1) / align * align;
                    byte[] bytes = new byte[(int) (off - constSize) + elem * count];
                    MemorySegment seg = MemorySegment.ofArray(bytes);
                    if (a.group(6) != null) {
                        String[] values = a.group(6).split(",");
                        for (int k = 0; k < values.length; k++) {
                            PtxType type = PtxType.ofSuffix(a.group(3)).orElseThrow(
                                    () -> new IllegalArgumentException("unsupported array type in " + s));
                            long bits = immediate(values[k].trim(), type);
                            long at = off - constSize + (long) k * elem;
                            if (elem == 8) {
                                seg.set(ValueLayout.JAVA_LONG_UNALIGNED, at, bits);
                            } else {
                                seg.set(ValueLayout.JAVA_INT_UNALIGNED, at, (int) bits);
                            }
                        }
                    }
                    p.constOffsets.put(a.group(4), off);
                    constChunks.add(bytes);
                    constSize += bytes.length;
                }
                continue;
            }
            throw new IllegalArgumentException("unsupported module-level PTX statement: " + s);
        }
        byte[] bank = new byte[(int) constSize];
        int at = 0;
        for (byte[] c : constChunks) {
            System.arraycopy(c, 0, bank, at, c.length);
            at += c.length;
        }
        p.constBank = MemorySegment.ofArray(bank);
        p.links.forEach(Runnable::run);
        p.links.clear();
        return p;
    }

    private static String paramName(String decl) {
        String[] parts = decl.trim().split("\\s+");
        return parts[parts.length - 1];
    }

    /** A statement split into its guard, mnemonic and operands. */
    private record Insn(List<String> labels, String guard, boolean negated, String mnemonic, List<String> operands, String text) {
    }

    private static Insn split(String s) {
        List<String> labels = new ArrayList<>();
        String rest = s;
        for (Matcher m = LABEL.matcher(rest); m.find(); m = LABEL.matcher(rest)) {
            labels.add(m.group(1));
            rest = rest.substring(m.end());
        }
        String guard = null;
        boolean negated = false;
        if (rest.startsWith("@")) {
            int sp = rest.indexOf(' ');
            guard = rest.substring(1, sp).trim();
            rest = rest.substring(sp).trim();
            if (guard.startsWith("!")) {
                negated = true;
                guard = guard.substring(1);
            }
        }
        if (rest.isEmpty()) {
            return new Insn(labels, null, false, null, List.of(), s);
        }
        int sp = 0;
        while (sp < rest.length() && !Character.isWhitespace(rest.charAt(sp))) {
            sp++;
        }
        String mnemonic = rest.substring(0, sp);
        List<String> ops = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        for (char ch : rest.substring(sp).toCharArray()) {
            if (ch == ',' && depth == 0) {
                ops.add(cur.toString().trim());
                cur.setLength(0);
                continue;
            }
            depth += ch == '{' || ch == '(' || ch == '[' ? 1 : ch == '}' || ch == ')' || ch == ']' ? -1 : 0;
            cur.append(ch);
        }
        if (!cur.toString().isBlank()) {
            ops.add(cur.toString().trim());
        }
        return new Insn(labels, guard, negated, mnemonic, ops, s);
    }

    private static void compile(Program p, Function f, List<String> body) {
        for (String param : f.params) {
            f.slot(param);
        }
        if (f.returnParam != null) {
            f.returnSlot = f.slot(f.returnParam);
        }
        List<Insn> insns = new ArrayList<>();
        Map<String, Integer> labels = new HashMap<>();
        for (String s : body) {
            if (s.equals("{") || s.equals("}") || s.startsWith(".reg")) {
                continue;
            }
            if (s.startsWith(".param")) {
                f.slot(paramName(s));
                continue;
            }
            Insn in = split(s);
            for (String label : in.labels()) {
                labels.put(label, insns.size());
            }
            if (in.mnemonic() != null) {
                insns.add(in);
            }
        }
        Op[] code = new Op[insns.size() + 1];
        for (int pc = 0; pc < insns.size(); pc++) {
            Insn in = insns.get(pc);
            Op op;
            try {
                op = new Compiler(p, f, labels, pc + 1).compile(decode(in.mnemonic()), in.operands());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cannot run PTX statement '" + in.text() + "' in " + f.name + ": "
                        + e.getMessage(), e);
            }
            if (in.guard() != null) {
                int g = f.slot(in.guard());
                boolean want = !in.negated();
                Op inner = op;
                int next = pc + 1;
                op = (r, t) -> (r[g] != 0) == want ? inner.exec(r, t) : next;
            }
            code[pc] = op;
        }
        code[insns.size()] = (r, t) -> RET; // falling off the end returns
        f.code = code;
        f.paramSlots = f.params.stream().mapToInt(f::slot).toArray();
        long[] template = new long[RESERVED + f.slots.size()];
        for (int i = 0; i < f.constants.size(); i++) {
            template[f.slots.get("#" + i)] = f.constants.get(i);
        }
        f.template = template;
    }

    /** A decoded mnemonic: its opcode, a setp's comparison, and the type suffixes that follow. */
    private record Mnemonic(PtxOp op, Optional<PtxCmp> cmp, List<PtxType> types) {
        /** The instruction's type: its only, or for a conversion its first (destination) suffix. */
        PtxType type() {
            return types.getFirst();
        }
    }

    /**
     * Decodes {@code add.rn.f32} into {@link PtxOp#ADD_RN} and {@code f32}: the longest run of leading
     * parts that names an opcode ({@code cvt.rzi}, not {@code cvt}), then a setp's comparison, then types.
     */
    private static Mnemonic decode(String text) {
        String[] parts = text.split("\\.");
        for (int k = parts.length; k >= 1; k--) {
            Optional<PtxOp> op = PtxOp.of(String.join(".", Arrays.copyOf(parts, k)));
            if (op.isEmpty()) {
                continue;
            }
            int i = k;
            Optional<PtxCmp> cmp = Optional.empty();
            if (op.get() == PtxOp.SETP) {
                String c = i < parts.length ? parts[i++] : "";
                cmp = Optional.of(PtxCmp.of(c).orElseThrow(() -> new IllegalArgumentException("unknown comparison ." + c)));
            }
            List<PtxType> types = new ArrayList<>();
            for (; i < parts.length; i++) {
                String s = parts[i];
                types.add(PtxType.ofSuffix(s).orElseThrow(() -> new IllegalArgumentException("unsupported type ." + s)));
            }
            int want = switch (op.get()) {
                case RET, BRA, BRA_UNI, BAR_SYNC, CALL -> 0;
                case CVT, CVT_RN, CVT_RZI, CVT_RNI, CVT_RMI, CVT_RPI -> 2;
                default -> 1;
            };
            if (types.size() != want) {
                throw new IllegalArgumentException(op.get() + " takes " + want + " type suffixes, " + text + " has "
                        + types.size());
            }
            return new Mnemonic(op.get(), cmp, List.copyOf(types));
        }
        throw new IllegalArgumentException("unsupported instruction " + text);
    }

    /** Parses an immediate for an instruction of PTX type {@code type}: 0f/0d hex floats, integers. */
    static long immediate(String s, PtxType type) {
        String t = s.trim();
        if (t.startsWith("0f") || t.startsWith("0F")) {
            return Long.parseUnsignedLong(t.substring(2), 16);
        }
        if (t.startsWith("0d") || t.startsWith("0D")) {
            return Long.parseUnsignedLong(t.substring(2), 16);
        }
        boolean neg = t.startsWith("-");
        String u = neg ? t.substring(1) : t;
        long v = u.startsWith("0x") || u.startsWith("0X") ? Long.parseUnsignedLong(u.substring(2), 16)
                : Long.parseUnsignedLong(u);
        v = neg ? -v : v;
        return switch (type) {
            case F32 -> Float.floatToRawIntBits((float) v) & 0xFFFFFFFFL;
            case F64 -> Double.doubleToRawLongBits(v);
            default -> v;
        };
    }

    // ---- instruction compiler ---------------------------------------------------------------------

    /** Turns one statement into an {@link Op}. */
    private static final class Compiler {
        private final Program p;
        private final Function f;
        private final Map<String, Integer> labels;
        private final int next;

        Compiler(Program p, Function f, Map<String, Integer> labels, int next) {
            this.p = p;
            this.f = f;
            this.labels = labels;
            this.next = next;
        }

        /** The slot holding an operand's value: a register, a parameter, an immediate, a special register or a symbol. */
        int src(String s, PtxType type) {
            Optional<PtxSreg> special = PtxSreg.of(s);
            if (special.isPresent()) {
                return switch (special.get()) {
                    case TID_X -> TID;
                    case NTID_X -> NTID;
                    case CTAID_X -> CTAID;
                    case NCTAID_X -> NCTAID;
                    case LANEID -> LANEID;
                };
            }
            if (s.startsWith("%")) {
                return f.slot(s);
            }
            if (p.sharedOffsets.containsKey(s)) {
                return f.constant(p.sharedOffsets.get(s));
            }
            if (p.constOffsets.containsKey(s)) {
                return f.constant(p.constOffsets.get(s));
            }
            if (f.slots.containsKey(s) && !Character.isDigit(s.charAt(0)) && s.charAt(0) != '-') {
                return f.slots.get(s);
            }
            return f.constant(immediate(s, type));
        }

        int dst(String s) {
            if (!s.startsWith("%")) {
                throw new IllegalArgumentException("destination is not a register: " + s);
            }
            return f.slot(s);
        }

        Op compile(Mnemonic m, List<String> o) {
            int n = next;
            PtxType type = m.types().isEmpty() ? PtxType.B32 : m.type();
            return switch (m.op()) {
                case RET -> (r, t) -> RET;
                case BRA, BRA_UNI -> {
                    Integer target = labels.get(o.get(0));
                    if (target == null) {
                        throw new IllegalArgumentException("no label " + o.get(0));
                    }
                    int to = target;
                    yield (r, t) -> to;
                }
                case BAR_SYNC -> {
                    f.syncs = true;
                    yield (r, t) -> BAR;
                }
                case SHFL_SYNC_DOWN -> shfl(type, o);
                case CALL -> call(o);
                case LD_PARAM, LD_GLOBAL, LD_SHARED, LD_CONST -> load(m.op(), type, o);
                case ST_PARAM, ST_GLOBAL, ST_SHARED -> store(m.op(), type, o);
                case MOV -> mov(type, o);
                case CVTA_TO_GLOBAL -> {
                    int d = dst(o.get(0));
                    int a = src(o.get(1), type);
                    yield (r, t) -> {
                        r[d] = r[a];
                        return n;
                    };
                }
                case CVT, CVT_RN, CVT_RZI, CVT_RNI, CVT_RMI, CVT_RPI -> {
                    PtxType from = m.types().get(1);
                    yield Conversions.cvt(m.op(), type, from, dst(o.get(0)), src(o.get(1), from), n);
                }
                case SETP -> Arithmetic.setp(m.cmp().orElseThrow(), type, dst(o.get(0)), src(o.get(1), type),
                        src(o.get(2), type), n);
                case SELP -> {
                    int d = dst(o.get(0));
                    int a = src(o.get(1), type);
                    int b = src(o.get(2), type);
                    int c = src(o.get(3), PtxType.PRED);
                    yield (r, t) -> {
                        r[d] = r[c] != 0 ? r[a] : r[b];
                        return n;
                    };
                }
                case ADD, ADD_CC, ADDC, SUB, MUL_LO, MUL_HI, MUL_WIDE, MAD_LO, DIV, REM, ADD_RN, SUB_RN, MUL_RN, DIV_RN,
                     FMA_RN, SQRT_RN, NEG, ABS, MIN, MAX, COPYSIGN, EX2_APPROX, LG2_APPROX, SIN_APPROX, COS_APPROX, AND, OR,
                     XOR, NOT, SHL, SHR, CLZ -> {
                    int d = dst(o.get(0));
                    int[] s = new int[o.size() - 1];
                    for (int i = 1; i < o.size(); i++) {
                        // shift amounts are u32 whatever the instruction's type
                        boolean shift = (m.op() == PtxOp.SHL || m.op() == PtxOp.SHR) && i == 2;
                        s[i - 1] = src(o.get(i), shift ? PtxType.U32 : type);
                    }
                    yield Arithmetic.compile(m.op(), type, d, s, n);
                }
            };
        }
        private Op shfl(PtxType type, List<String> o) {
            if (type != PtxType.B32 || o.size() != 5) {
                throw new IllegalArgumentException("only shfl.sync.down.b32 d, a, b, c, membermask is supported");
            }
            f.syncs = true;
            int d = dst(o.get(0));
            int a = src(o.get(1), PtxType.B32);
            int b = src(o.get(2), PtxType.B32);
            int c = src(o.get(3), PtxType.B32);
            int mask = src(o.get(4), PtxType.B32);
            return (r, t) -> {
                if ((int) r[mask] != -1) {
                    throw new Trap(ILLEGAL_INSTRUCTION, "shfl.sync with a member mask other than 0xffffffff");
                }
                t.shflValue = r[a] & 0xFFFFFFFFL;
                t.shflDelta = (int) r[b];
                t.shflClamp = (int) r[c];
                t.shflDest = d;
                return SHFL;
            };
        }

        private Op call(List<String> o) {
            // call (ret), name, (args); or call name, (args);
            int i = 0;
            String ret = null;
            if (o.get(0).startsWith("(")) {
                ret = o.get(0).substring(1, o.get(0).length() - 1).trim();
                i = 1;
            }
            String name = o.get(i);
            String argList = o.size() > i + 1 ? o.get(i + 1).trim() : "()";
            String[] args = argList.substring(1, argList.length() - 1).split(",");
            List<Integer> argSlots = new ArrayList<>();
            for (String a : args) {
                if (!a.isBlank()) {
                    argSlots.add(f.slot(a.trim()));
                }
            }
            int retSlot = ret == null ? -1 : f.slot(ret);
            int[] from = argSlots.stream().mapToInt(Integer::intValue).toArray();
            int n = next;
            // every function is registered before any is compiled: resolve the callee once, here
            Function callee = p.functions.get(name);
            if (callee == null || callee.entry) {
                throw new IllegalArgumentException("call of unknown function " + name);
            }
            return (r, t) -> {
                if (callee.syncs) {
                    throw new Trap(LAUNCH_FAILED, "function " + name + " synchronises; the interpreter runs calls inline");
                }
                long[] cr = callee.template.clone();
                System.arraycopy(r, 0, cr, 0, RESERVED);
                for (int k = 0; k < from.length; k++) {
                    cr[callee.paramSlots[k]] = r[from[k]];
                }
                int pc = 0;
                Op[] code = callee.code;
                while (true) {
                    int nx = code[pc].exec(cr, t);
                    if (nx < 0) {
                        break;
                    }
                    pc = nx;
                }
                if (retSlot >= 0) {
                    r[retSlot] = cr[callee.returnSlot];
                }
                return n;
            };
        }

        private Op mov(PtxType type, List<String> o) {
            String d0 = o.get(0);
            String s0 = o.get(1);
            int n = next;
            if (d0.startsWith("{")) {
                // unpack: mov.b64 {lo, hi}, x
                String[] v = d0.substring(1, d0.length() - 1).split(",");
                int lo = dst(v[0].trim());
                int hi = dst(v[1].trim());
                int a = src(s0, type);
                return (r, t) -> {
                    long x = r[a];
                    r[lo] = x & 0xFFFFFFFFL;
                    r[hi] = x >>> 32;
                    return n;
                };
            }
            if (s0.startsWith("{")) {
                String[] v = s0.substring(1, s0.length() - 1).split(",");
                int lo = src(v[0].trim(), PtxType.B32);
                int hi = src(v[1].trim(), PtxType.B32);
                int d = dst(d0);
                return (r, t) -> {
                    r[d] = (r[lo] & 0xFFFFFFFFL) | (r[hi] << 32);
                    return n;
                };
            }
            int d = dst(d0);
            int a = src(s0, type);
            return (r, t) -> {
                r[d] = r[a];
                return n;
            };
        }

        private Op load(PtxOp space, PtxType type, List<String> o) {
            int size = type.size();
            int d = dst(o.get(0));
            Matcher m = address(o.get(1));
            long off = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
            String base = m.group(1);
            int n = next;
            if (space == PtxOp.LD_PARAM) {
                if (off != 0) {
                    throw new IllegalArgumentException("parameter offsets are not supported");
                }
                int s = f.slot(base);
                long mask = size == 8 ? -1L : (1L << (8 * size)) - 1;
                return (r, t) -> {
                    r[d] = r[s] & mask;
                    return n;
                };
            }
            int a = src(base, PtxType.U64);
            return switch (space) {
                case LD_GLOBAL -> (r, t) -> {
                    long addr = r[a] + off;
                    Region g = global(t, addr, size);
                    r[d] = read(g.bytes(), addr - g.base(), size);
                    return n;
                };
                case LD_SHARED -> (r, t) -> {
                    long addr = r[a] + off;
                    sharedAccess(t, addr, size, false);
                    r[d] = read(t.block.shared, addr, size);
                    return n;
                };
                case LD_CONST -> (r, t) -> {
                    long addr = r[a] + off;
                    MemorySegment c = t.block.constBank;
                    if (addr < 0 || addr + size > c.byteSize() || addr % size != 0) {
                        throw new Trap(ILLEGAL_ADDRESS, "const load of " + size + " bytes at " + addr + " outside the"
                                + " module's " + c.byteSize() + " const bytes or misaligned");
                    }
                    r[d] = read(c, addr, size);
                    return n;
                };
                default -> throw new IllegalArgumentException(space + " is not a load");
            };
        }

        private Op store(PtxOp space, PtxType type, List<String> o) {
            int size = type.size();
            Matcher m = address(o.get(0));
            long off = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
            String base = m.group(1);
            int v = src(o.get(1), type);
            int n = next;
            if (space == PtxOp.ST_PARAM) {
                int s = f.slot(base);
                return (r, t) -> {
                    r[s] = r[v];
                    return n;
                };
            }
            int a = src(base, PtxType.U64);
            return switch (space) {
                case ST_GLOBAL -> (r, t) -> {
                    long addr = r[a] + off;
                    Region g = global(t, addr, size);
                    write(g.bytes(), addr - g.base(), size, r[v]);
                    return n;
                };
                case ST_SHARED -> (r, t) -> {
                    long addr = r[a] + off;
                    sharedAccess(t, addr, size, true);
                    write(t.block.shared, addr, size, r[v]);
                    return n;
                };
                default -> throw new IllegalArgumentException(space + " is not a store");
            };
        }
    }

    private static Matcher address(String operand) {
        Matcher m = ADDRESS.matcher(operand);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad address " + operand);
        }
        return m;
    }

    /** A 4- or 8-byte value at {@code at}; 4-byte values zero-extended. */
    private static long read(MemorySegment seg, long at, int size) {
        return size == 8 ? seg.get(ValueLayout.JAVA_LONG_UNALIGNED, at)
                : seg.get(ValueLayout.JAVA_INT_UNALIGNED, at) & 0xFFFFFFFFL;
    }

    private static void write(MemorySegment seg, long at, int size, long value) {
        if (size == 8) {
            seg.set(ValueLayout.JAVA_LONG_UNALIGNED, at, value);
        } else {
            seg.set(ValueLayout.JAVA_INT_UNALIGNED, at, (int) value);
        }
    }

    private static Region global(Lane t, long addr, int size) {
        if ((addr & (size - 1)) != 0) {
            throw new Trap(MISALIGNED_ADDRESS, "thread " + t.tid + ": " + size + "-byte global access at 0x"
                    + Long.toHexString(addr) + " is not " + size + "-byte aligned");
        }
        Region g = t.last;
        if (g == null || !g.holds(addr, size)) {
            g = t.block.memory.find(addr, size);
            if (g == null) {
                throw new Trap(ILLEGAL_ADDRESS, "thread " + t.tid + ": " + size + "-byte global access at 0x"
                        + Long.toHexString(addr) + " is outside every allocation");
            }
            t.last = g;
        }
        return g;
    }

    /** Bounds, alignment and race checks of a shared-memory access. */
    private static void sharedAccess(Lane t, long addr, int size, boolean write) {
        Block b = t.block;
        if (addr < 0 || addr + size > b.shared.byteSize() || (addr & (size - 1)) != 0) {
            throw new Trap(ILLEGAL_ADDRESS, "thread " + t.tid + ": " + size + "-byte shared access at " + addr
                    + " outside the block's " + b.shared.byteSize() + " bytes or misaligned");
        }
        int me = t.tid + 1;
        for (long w = addr / 4; w < (addr + size + 3) / 4; w++) {
            int i = (int) w;
            boolean writtenByOther = b.writeEpoch[i] == b.epoch && b.writer[i] != me;
            // reader 0 stands for "several threads": any write after that is a race
            boolean readByOther = b.readEpoch[i] == b.epoch && b.reader[i] != me;
            if (writtenByOther || (write && readByOther)) {
                String other = writtenByOther ? "thread " + (b.writer[i] - 1) + " wrote"
                        : b.reader[i] == 0 ? "other threads read" : "thread " + (b.reader[i] - 1) + " read";
                throw new Trap(LAUNCH_FAILED, "race on shared memory word " + i + ": thread " + (me - 1) + " "
                        + (write ? "writes" : "reads") + " it after " + other + " it, with no bar.sync between");
            }
            if (write) {
                b.writer[i] = me;
                b.writeEpoch[i] = b.epoch;
            } else {
                b.reader[i] = readByOther ? 0 : me;
                b.readEpoch[i] = b.epoch;
            }
        }
    }

    // ---- arithmetic -------------------------------------------------------------------------------

    /** Arithmetic, logic and comparison instructions. */
    private static final class Arithmetic {
        private Arithmetic() {
        }

        static float f(long bits) {
            return Float.intBitsToFloat((int) bits);
        }

        static long f(float v) {
            return v != v ? CANONICAL_NAN_F32 : Float.floatToRawIntBits(v) & 0xFFFFFFFFL;
        }

        static double d(long bits) {
            return Double.longBitsToDouble(bits);
        }

        static long d(double v) {
            return v != v ? CANONICAL_NAN_F64 : Double.doubleToRawLongBits(v);
        }

        static Op compile(PtxOp op, PtxType type, int d, int[] s, int n) {
            boolean f32 = type == PtxType.F32;
            boolean signed = type.isSigned();
            int a = s.length > 0 ? s[0] : -1;
            int b = s.length > 1 ? s[1] : -1;
            int c = s.length > 2 ? s[2] : -1;
            if (op == PtxOp.EX2_APPROX || op == PtxOp.LG2_APPROX || op == PtxOp.SIN_APPROX || op == PtxOp.COS_APPROX) {
                if (!f32) {
                    throw new IllegalArgumentException(op + " is generated for f32 only");
                }
                return approx(op, d, a, n);
            }
            if (type.isFloat()) {
                return switch (op) {
                    case ADD_RN -> f32 ? (r, t) -> { r[d] = f(f(r[a]) + f(r[b])); return n; }
                            : (r, t) -> { r[d] = d(d(r[a]) + d(r[b])); return n; };
                    case SUB_RN -> f32 ? (r, t) -> { r[d] = f(f(r[a]) - f(r[b])); return n; }
                            : (r, t) -> { r[d] = d(d(r[a]) - d(r[b])); return n; };
                    case MUL_RN -> f32 ? (r, t) -> { r[d] = f(f(r[a]) * f(r[b])); return n; }
                            : (r, t) -> { r[d] = d(d(r[a]) * d(r[b])); return n; };
                    case DIV_RN -> f32 ? (r, t) -> { r[d] = f(f(r[a]) / f(r[b])); return n; }
                            : (r, t) -> { r[d] = d(d(r[a]) / d(r[b])); return n; };
                    case FMA_RN -> f32 ? (r, t) -> { r[d] = f(Math.fma(f(r[a]), f(r[b]), f(r[c]))); return n; }
                            : (r, t) -> { r[d] = d(Math.fma(d(r[a]), d(r[b]), d(r[c]))); return n; };
                    case SQRT_RN -> f32 ? (r, t) -> { r[d] = f((float) Math.sqrt(f(r[a]))); return n; }
                            : (r, t) -> { r[d] = d(Math.sqrt(d(r[a]))); return n; };
                    case NEG -> f32 ? (r, t) -> { r[d] = (r[a] ^ 0x80000000L) & 0xFFFFFFFFL; return n; }
                            : (r, t) -> { r[d] = r[a] ^ Long.MIN_VALUE; return n; };
                    case ABS -> f32 ? (r, t) -> { r[d] = r[a] & 0x7FFFFFFFL; return n; }
                            : (r, t) -> { r[d] = r[a] & Long.MAX_VALUE; return n; };
                    case COPYSIGN -> f32
                            ? (r, t) -> { r[d] = (r[a] & 0x80000000L) | (r[b] & 0x7FFFFFFFL); return n; }
                            : (r, t) -> { r[d] = (r[a] & Long.MIN_VALUE) | (r[b] & Long.MAX_VALUE); return n; };
                    case MIN, MAX -> minMax(op == PtxOp.MIN, f32, d, a, b, n);
                    // ptxas may contract an add or mul without a rounding mode into an fma
                    case ADD, SUB, DIV -> throw new IllegalArgumentException(op + "." + type.suffix() + " without .rn");
                    default -> throw new IllegalArgumentException("unsupported floating-point instruction");
                };
            }
            if (type == PtxType.PRED) {
                return switch (op) {
                    case AND -> (r, t) -> { r[d] = r[a] & r[b]; return n; };
                    case OR -> (r, t) -> { r[d] = r[a] | r[b]; return n; };
                    case XOR -> (r, t) -> { r[d] = r[a] ^ r[b]; return n; };
                    case NOT -> (r, t) -> { r[d] = r[a] ^ 1; return n; };
                    default -> throw new IllegalArgumentException("unsupported predicate instruction");
                };
            }
            if (type.size() == 8) {
                return switch (op) {
                    case ADD_CC -> (r, t) -> {
                        long x = r[a];
                        long y = r[b];
                        long z = x + y;
                        t.carry = Long.compareUnsigned(z, x) < 0;
                        r[d] = z;
                        return n;
                    };
                    case ADD -> (r, t) -> { r[d] = r[a] + r[b]; return n; };
                    case ADDC -> (r, t) -> { r[d] = r[a] + r[b] + (t.carry ? 1 : 0); return n; };
                    case SUB -> (r, t) -> { r[d] = r[a] - r[b]; return n; };
                    case MUL_LO -> (r, t) -> { r[d] = r[a] * r[b]; return n; };
                    case MUL_HI -> signed ? (r, t) -> { r[d] = Math.multiplyHigh(r[a], r[b]); return n; }
                            : (r, t) -> { r[d] = Math.unsignedMultiplyHigh(r[a], r[b]); return n; };
                    case MAD_LO -> (r, t) -> { r[d] = r[a] * r[b] + r[c]; return n; };
                    case DIV -> signed ? (r, t) -> { r[d] = r[b] == 0 ? -1 : r[a] / r[b]; return n; }
                            : (r, t) -> { r[d] = r[b] == 0 ? -1 : Long.divideUnsigned(r[a], r[b]); return n; };
                    case REM -> signed ? (r, t) -> { r[d] = r[b] == 0 ? r[a] : r[a] % r[b]; return n; }
                            : (r, t) -> { r[d] = r[b] == 0 ? r[a] : Long.remainderUnsigned(r[a], r[b]); return n; };
                    case NEG -> (r, t) -> { r[d] = -r[a]; return n; };
                    case ABS -> (r, t) -> { r[d] = Math.abs(r[a]); return n; };
                    case MIN -> signed ? (r, t) -> { r[d] = Math.min(r[a], r[b]); return n; }
                            : (r, t) -> { r[d] = Long.compareUnsigned(r[a], r[b]) <= 0 ? r[a] : r[b]; return n; };
                    case MAX -> signed ? (r, t) -> { r[d] = Math.max(r[a], r[b]); return n; }
                            : (r, t) -> { r[d] = Long.compareUnsigned(r[a], r[b]) >= 0 ? r[a] : r[b]; return n; };
                    case AND -> (r, t) -> { r[d] = r[a] & r[b]; return n; };
                    case OR -> (r, t) -> { r[d] = r[a] | r[b]; return n; };
                    case XOR -> (r, t) -> { r[d] = r[a] ^ r[b]; return n; };
                    case NOT -> (r, t) -> { r[d] = ~r[a]; return n; };
                    case SHL -> (r, t) -> {
                        long k = r[b] & 0xFFFFFFFFL;
                        r[d] = k >= 64 ? 0 : r[a] << k;
                        return n;
                    };
                    case SHR -> signed ? (r, t) -> {
                        long k = r[b] & 0xFFFFFFFFL;
                        r[d] = r[a] >> Math.min(k, 63);
                        return n;
                    } : (r, t) -> {
                        long k = r[b] & 0xFFFFFFFFL;
                        r[d] = k >= 64 ? 0 : r[a] >>> k;
                        return n;
                    };
                    case CLZ -> (r, t) -> { r[d] = Long.numberOfLeadingZeros(r[a]); return n; };
                    default -> throw new IllegalArgumentException("unsupported 64-bit instruction");
                };
            }
            // 32-bit integers: values live in the low 32 bits
            return switch (op) {
                case ADD -> (r, t) -> { r[d] = (r[a] + r[b]) & 0xFFFFFFFFL; return n; };
                case SUB -> (r, t) -> { r[d] = (r[a] - r[b]) & 0xFFFFFFFFL; return n; };
                case MUL_LO -> (r, t) -> { r[d] = (r[a] * r[b]) & 0xFFFFFFFFL; return n; };
                case MUL_WIDE -> signed ? (r, t) -> { r[d] = (long) (int) r[a] * (int) r[b]; return n; }
                            : (r, t) -> { r[d] = (r[a] & 0xFFFFFFFFL) * (r[b] & 0xFFFFFFFFL); return n; };
                case MUL_HI -> signed ? (r, t) -> { r[d] = ((long) (int) r[a] * (int) r[b]) >> 32 & 0xFFFFFFFFL; return n; }
                        : (r, t) -> { r[d] = ((r[a] & 0xFFFFFFFFL) * (r[b] & 0xFFFFFFFFL)) >>> 32; return n; };
                case MAD_LO -> (r, t) -> { r[d] = (r[a] * r[b] + r[c]) & 0xFFFFFFFFL; return n; };
                case DIV -> signed ? (r, t) -> {
                    int y = (int) r[b];
                    r[d] = (y == 0 ? -1 : (int) r[a] / y) & 0xFFFFFFFFL;
                    return n;
                } : (r, t) -> {
                    int y = (int) r[b];
                    r[d] = (y == 0 ? -1 : Integer.divideUnsigned((int) r[a], y)) & 0xFFFFFFFFL;
                    return n;
                };
                case REM -> signed ? (r, t) -> {
                    int y = (int) r[b];
                    r[d] = (y == 0 ? (int) r[a] : (int) r[a] % y) & 0xFFFFFFFFL;
                    return n;
                } : (r, t) -> {
                    int y = (int) r[b];
                    r[d] = (y == 0 ? (int) r[a] : Integer.remainderUnsigned((int) r[a], y)) & 0xFFFFFFFFL;
                    return n;
                };
                case NEG -> (r, t) -> { r[d] = -r[a] & 0xFFFFFFFFL; return n; };
                case ABS -> (r, t) -> { r[d] = Math.abs((int) r[a]) & 0xFFFFFFFFL; return n; };
                case MIN -> signed ? (r, t) -> { r[d] = Math.min((int) r[a], (int) r[b]) & 0xFFFFFFFFL; return n; }
                        : (r, t) -> { r[d] = Math.min(r[a] & 0xFFFFFFFFL, r[b] & 0xFFFFFFFFL); return n; };
                case MAX -> signed ? (r, t) -> { r[d] = Math.max((int) r[a], (int) r[b]) & 0xFFFFFFFFL; return n; }
                        : (r, t) -> { r[d] = Math.max(r[a] & 0xFFFFFFFFL, r[b] & 0xFFFFFFFFL); return n; };
                case AND -> (r, t) -> { r[d] = (r[a] & r[b]) & 0xFFFFFFFFL; return n; };
                case OR -> (r, t) -> { r[d] = (r[a] | r[b]) & 0xFFFFFFFFL; return n; };
                case XOR -> (r, t) -> { r[d] = (r[a] ^ r[b]) & 0xFFFFFFFFL; return n; };
                case NOT -> (r, t) -> { r[d] = ~r[a] & 0xFFFFFFFFL; return n; };
                case SHL -> (r, t) -> {
                    long k = r[b] & 0xFFFFFFFFL;
                    r[d] = k >= 32 ? 0 : (r[a] << k) & 0xFFFFFFFFL;
                    return n;
                };
                case SHR -> signed ? (r, t) -> {
                    long k = r[b] & 0xFFFFFFFFL;
                    r[d] = ((int) r[a] >> Math.min(k, 31)) & 0xFFFFFFFFL;
                    return n;
                } : (r, t) -> {
                    long k = r[b] & 0xFFFFFFFFL;
                    r[d] = k >= 32 ? 0 : (r[a] & 0xFFFFFFFFL) >>> k;
                    return n;
                };
                case CLZ -> (r, t) -> { r[d] = Integer.numberOfLeadingZeros((int) r[a]); return n; };
                default -> throw new IllegalArgumentException("unsupported 32-bit instruction");
            };
        }

        /** PTX min/max: a NaN operand gives the other operand, two NaNs the canonical NaN; -0 < +0. */
        private static Op minMax(boolean min, boolean f32, int d, int a, int b, int n) {
            if (f32) {
                return (r, t) -> {
                    float x = f(r[a]);
                    float y = f(r[b]);
                    r[d] = x != x ? f(y) : y != y ? f(x) : f(min ? Math.min(x, y) : Math.max(x, y));
                    return n;
                };
            }
            return (r, t) -> {
                double x = d(r[a]);
                double y = d(r[b]);
                r[d] = x != x ? d(y) : y != y ? d(x) : d(min ? Math.min(x, y) : Math.max(x, y));
                return n;
            };
        }

        /** The fast-mode approximations (flush-to-zero): close to, not the same bits as, the hardware's. */
        private static Op approx(PtxOp op, int d, int a, int n) {
            return switch (op) {
                case EX2_APPROX -> (r, t) -> { r[d] = f(ftz((float) Math.pow(2, ftz(f(r[a]))))); return n; };
                case LG2_APPROX -> (r, t) -> {
                    float x = ftz(f(r[a]));
                    r[d] = f(x == 0 ? Float.NEGATIVE_INFINITY : (float) (Math.log(x) / Math.log(2)));
                    return n;
                };
                case SIN_APPROX -> (r, t) -> { r[d] = f(ftz((float) Math.sin(ftz(f(r[a]))))); return n; };
                case COS_APPROX -> (r, t) -> { r[d] = f(ftz((float) Math.cos(ftz(f(r[a]))))); return n; };
                default -> throw new IllegalArgumentException("unsupported .approx instruction");
            };
        }

        private static float ftz(float x) {
            return Math.abs(x) < Float.MIN_NORMAL ? Math.copySign(0f, x) : x;
        }

        static Op setp(PtxCmp cmp, PtxType type, int p, int a, int b, int n) {
            if (type.isFloat()) {
                boolean f32 = type == PtxType.F32;
                return switch (cmp) {
                    case EQ -> fcmp(f32, p, a, b, n, (x, y) -> x == y);
                    case NE -> fcmp(f32, p, a, b, n, (x, y) -> x != y && x == x && y == y);
                    case LT -> fcmp(f32, p, a, b, n, (x, y) -> x < y);
                    case LE -> fcmp(f32, p, a, b, n, (x, y) -> x <= y);
                    case GT -> fcmp(f32, p, a, b, n, (x, y) -> x > y);
                    case GE -> fcmp(f32, p, a, b, n, (x, y) -> x >= y);
                    case EQU -> fcmp(f32, p, a, b, n, (x, y) -> x == y || x != x || y != y);
                    case NEU -> fcmp(f32, p, a, b, n, (x, y) -> x != y);
                    case LTU -> fcmp(f32, p, a, b, n, (x, y) -> !(x >= y));
                    case LEU -> fcmp(f32, p, a, b, n, (x, y) -> !(x > y));
                    case GTU -> fcmp(f32, p, a, b, n, (x, y) -> !(x <= y));
                    case GEU -> fcmp(f32, p, a, b, n, (x, y) -> !(x < y));
                    case NUM -> fcmp(f32, p, a, b, n, (x, y) -> x == x && y == y);
                    case NAN -> fcmp(f32, p, a, b, n, (x, y) -> x != x || y != y);
                    case LO, LS, HI, HS -> throw new IllegalArgumentException("setp." + cmp + " compares integers only");
                };
            }
            boolean wide = type.size() == 8;
            boolean unsigned = !type.isSigned();
            return switch (cmp) {
                case EQ -> icmp(wide, unsigned, p, a, b, n, c -> c == 0);
                case NE -> icmp(wide, unsigned, p, a, b, n, c -> c != 0);
                case LT -> icmp(wide, unsigned, p, a, b, n, c -> c < 0);
                case LE -> icmp(wide, unsigned, p, a, b, n, c -> c <= 0);
                case GT -> icmp(wide, unsigned, p, a, b, n, c -> c > 0);
                case GE -> icmp(wide, unsigned, p, a, b, n, c -> c >= 0);
                case LO -> icmp(wide, true, p, a, b, n, c -> c < 0);
                case LS -> icmp(wide, true, p, a, b, n, c -> c <= 0);
                case HI -> icmp(wide, true, p, a, b, n, c -> c > 0);
                case HS -> icmp(wide, true, p, a, b, n, c -> c >= 0);
                case EQU, NEU, LTU, LEU, GTU, GEU, NUM, NAN -> throw new IllegalArgumentException("setp." + cmp
                        + " compares floating-point values only");
            };
        }

        @FunctionalInterface
        interface DoubleTest {
            boolean test(double x, double y);
        }

        @FunctionalInterface
        interface CompareTest {
            boolean test(int c);
        }

        private static Op fcmp(boolean f32, int p, int a, int b, int n, DoubleTest test) {
            return f32 ? (r, t) -> {
                r[p] = test.test(f(r[a]), f(r[b])) ? 1 : 0;
                return n;
            } : (r, t) -> {
                r[p] = test.test(d(r[a]), d(r[b])) ? 1 : 0;
                return n;
            };
        }

        private static Op icmp(boolean wide, boolean unsigned, int p, int a, int b, int n, CompareTest test) {
            if (wide) {
                return unsigned ? (r, t) -> { r[p] = test.test(Long.compareUnsigned(r[a], r[b])) ? 1 : 0; return n; }
                        : (r, t) -> { r[p] = test.test(Long.compare(r[a], r[b])) ? 1 : 0; return n; };
            }
            return unsigned ? (r, t) -> { r[p] = test.test(Integer.compareUnsigned((int) r[a], (int) r[b])) ? 1 : 0; return n; }
                    : (r, t) -> { r[p] = test.test(Integer.compare((int) r[a], (int) r[b])) ? 1 : 0; return n; };
        }
    }

    // ---- conversions ------------------------------------------------------------------------------

    /** {@code cvt}: float-to-integer conversions saturate and give 0 for NaN, as the PTX ISA says. */
    private static final class Conversions {
        private static final double TWO_64 = 0x1p64;
        private static final double TWO_63 = 0x1p63;

        private Conversions() {
        }

        static Op cvt(PtxOp rnd, PtxType to, PtxType from, int d, int a, int n) {
            boolean fromFloat = from.isFloat();
            boolean toFloat = to.isFloat();
            if (fromFloat && toFloat) {
                if (to == from) {
                    // round to an integral value in the same type
                    java.util.function.DoubleUnaryOperator op = switch (rnd) {
                        case CVT_RNI -> Math::rint;
                        case CVT_RZI -> x -> x < 0 ? Math.ceil(x) : Math.floor(x);
                        case CVT_RMI -> Math::floor;
                        case CVT_RPI -> Math::ceil;
                        default -> throw new IllegalArgumentException("same-type cvt needs an integer rounding");
                    };
                    return to == PtxType.F32
                            ? (r, t) -> { r[d] = Arithmetic.f((float) op.applyAsDouble(Arithmetic.f(r[a]))); return n; }
                            : (r, t) -> { r[d] = Arithmetic.d(op.applyAsDouble(Arithmetic.d(r[a]))); return n; };
                }
                if (to == PtxType.F32) {
                    if (rnd != PtxOp.CVT_RN) {
                        throw new IllegalArgumentException("f64 to f32 needs .rn");
                    }
                    return (r, t) -> { r[d] = Arithmetic.f((float) Arithmetic.d(r[a])); return n; };
                }
                return (r, t) -> { r[d] = Arithmetic.d(Arithmetic.f(r[a])); return n; };
            }
            if (fromFloat) {
                if (rnd != PtxOp.CVT_RZI) {
                    throw new IllegalArgumentException("float to integer is only generated with .rzi");
                }
                boolean f32 = from == PtxType.F32;
                return switch (to) {
                    case S32 -> f32 ? (r, t) -> { r[d] = (int) Arithmetic.f(r[a]) & 0xFFFFFFFFL; return n; }
                            : (r, t) -> { r[d] = (int) Arithmetic.d(r[a]) & 0xFFFFFFFFL; return n; };
                    case S64 -> f32 ? (r, t) -> { r[d] = (long) Arithmetic.f(r[a]); return n; }
                            : (r, t) -> { r[d] = (long) Arithmetic.d(r[a]); return n; };
                    case U64 -> (r, t) -> {
                        double x = f32 ? Arithmetic.f(r[a]) : Arithmetic.d(r[a]);
                        r[d] = toU64(x);
                        return n;
                    };
                    case U32 -> (r, t) -> {
                        double x = f32 ? Arithmetic.f(r[a]) : Arithmetic.d(r[a]);
                        r[d] = x != x || x <= 0 ? 0 : x >= 0x1p32 ? 0xFFFFFFFFL : (long) x;
                        return n;
                    };
                    default -> throw new IllegalArgumentException("unsupported conversion to " + to);
                };
            }
            if (toFloat) {
                if (rnd != PtxOp.CVT_RN) {
                    throw new IllegalArgumentException("integer to float needs .rn");
                }
                boolean f32 = to == PtxType.F32;
                return switch (from) {
                    case S32 -> f32 ? (r, t) -> { r[d] = Arithmetic.f((float) (int) r[a]); return n; }
                            : (r, t) -> { r[d] = Arithmetic.d((double) (int) r[a]); return n; };
                    case U32 -> f32 ? (r, t) -> { r[d] = Arithmetic.f((float) (r[a] & 0xFFFFFFFFL)); return n; }
                            : (r, t) -> { r[d] = Arithmetic.d((double) (r[a] & 0xFFFFFFFFL)); return n; };
                    case S64 -> f32 ? (r, t) -> { r[d] = Arithmetic.f((float) r[a]); return n; }
                            : (r, t) -> { r[d] = Arithmetic.d((double) r[a]); return n; };
                    case U64 -> f32 ? (r, t) -> { r[d] = Arithmetic.f(u64ToFloat(r[a])); return n; }
                            : (r, t) -> { r[d] = Arithmetic.d(u64ToDouble(r[a])); return n; };
                    default -> throw new IllegalArgumentException("unsupported conversion from " + from);
                };
            }
            // integer to integer: sign- or zero-extend, or truncate
            int toBits = 8 * to.size();
            int fromBits = 8 * from.size();
            boolean signedFrom = from.isSigned();
            if (toBits == 64 && fromBits == 32) {
                return signedFrom ? (r, t) -> { r[d] = (int) r[a]; return n; }
                        : (r, t) -> { r[d] = r[a] & 0xFFFFFFFFL; return n; };
            }
            if (toBits == 32) {
                return (r, t) -> { r[d] = r[a] & 0xFFFFFFFFL; return n; };
            }
            return (r, t) -> { r[d] = r[a]; return n; };
        }

        static long toU64(double x) {
            if (x != x || x <= 0) {
                return 0;
            }
            if (x >= TWO_64) {
                return -1L;
            }
            return x >= TWO_63 ? (long) (x - TWO_63) + Long.MIN_VALUE : (long) x;
        }

        static double u64ToDouble(long v) {
            if (v >= 0) {
                return v;
            }
            // halve keeping the lost bit sticky, convert (one rounding), double again
            double h = (double) ((v >>> 1) | (v & 1));
            return h * 2;
        }

        static float u64ToFloat(long v) {
            if (v >= 0) {
                return v;
            }
            float h = (float) ((v >>> 1) | (v & 1));
            return h * 2;
        }
    }

    /** A one-line summary for logs: the module's entries and instruction counts. */
    static String describe(Program p) {
        StringBuilder sb = new StringBuilder();
        p.functions.values().stream().sorted(java.util.Comparator.comparing(f -> f.name)).forEach(f -> sb
                .append(f.entry ? ".entry " : ".func ").append(f.name).append(" (").append(f.code.length - 1)
                .append(" instructions) "));
        return sb.toString().trim().toLowerCase(Locale.ROOT);
    }
}
