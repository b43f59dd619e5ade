package dev.flynn.gpu.emulator;

import dev.flynn.gpu.emulator.PtxInterpreter.Function;
import dev.flynn.gpu.emulator.PtxInterpreter.Op;
import dev.flynn.gpu.emulator.PtxInterpreter.Program;
import dev.flynn.gpu.ptx.PtxCmp;
import dev.flynn.gpu.ptx.PtxOp;
import dev.flynn.gpu.ptx.PtxType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.flynn.gpu.emulator.PtxInterpreter.RESERVED;
import static dev.flynn.gpu.emulator.PtxInterpreter.RET;

/**
 * Reads a module as the generator writes it: its functions, its {@code .const} and {@code .shared}
 * arrays, and each instruction decoded into {@link PtxOp}, {@link PtxCmp} and {@link PtxType} and
 * compiled by {@link PtxInstructionSet} into an {@link PtxInterpreter.Op}. Anything outside that subset
 * is rejected with the statement quoted.
 */
final class PtxParser {
    private static final Pattern HEADER = Pattern.compile(
            "(?:\\.visible\\s+)?\\.(entry|func)\\s*(?:\\(([^)]*)\\))?\\s*([A-Za-z_$][\\w$]*)\\s*\\(([^)]*)\\)",
            Pattern.DOTALL);
    private static final Pattern ARRAY_DECL = Pattern.compile(
            "\\.(const|shared)\\s+(?:\\.align\\s+(\\d+)\\s+)?\\.(\\w+)\\s+([A-Za-z_$][\\w$]*)\\[(\\d+)\\](?:\\s*=\\s*\\{(.*)\\})?",
            Pattern.DOTALL);
    private static final Pattern LABEL = Pattern.compile("^([A-Za-z_$][\\w$]*):\\s*");

    private PtxParser() {
    }

    /** Parses a module as the generator writes it; anything else is rejected with the statement quoted. */
    static Program parse(String ptx) {
        Program p = new Program();
        // functions are compiled once all are known, so that a call resolves its callee directly
        List<Runnable> links = new ArrayList<>();
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
                links.add(() -> compile(p, f, body.subList(1, body.size() - 1)));
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
        links.forEach(Runnable::run);
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

    /**
     * Compiles a function's body: slots for its parameters, labels resolved to instruction indices, and
     * each instruction decoded and turned into an {@link Op} by {@link PtxInstructionSet}, wrapped in
     * its guard where it has one. A function falls off its end into a return.
     */
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
                op = new PtxInstructionSet(p, f, labels, pc + 1).compile(decode(in.mnemonic()), in.operands());
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
    record Mnemonic(PtxOp op, Optional<PtxCmp> cmp, List<PtxType> types) {
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
}
