package dev.flynn.gpu.emulator;

import dev.flynn.gpu.emulator.PtxInterpreter.Function;
import dev.flynn.gpu.emulator.PtxInterpreter.Op;
import dev.flynn.gpu.emulator.PtxInterpreter.Program;
import dev.flynn.gpu.emulator.PtxInterpreter.Region;
import dev.flynn.gpu.emulator.PtxInterpreter.Trap;
import dev.flynn.gpu.ptx.PtxOp;
import dev.flynn.gpu.ptx.PtxSreg;
import dev.flynn.gpu.ptx.PtxType;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.flynn.gpu.emulator.PtxInterpreter.BAR;
import static dev.flynn.gpu.emulator.PtxInterpreter.CTAID;
import static dev.flynn.gpu.emulator.PtxInterpreter.ILLEGAL_ADDRESS;
import static dev.flynn.gpu.emulator.PtxInterpreter.ILLEGAL_INSTRUCTION;
import static dev.flynn.gpu.emulator.PtxInterpreter.LANEID;
import static dev.flynn.gpu.emulator.PtxInterpreter.LAUNCH_FAILED;
import static dev.flynn.gpu.emulator.PtxInterpreter.NCTAID;
import static dev.flynn.gpu.emulator.PtxInterpreter.NTID;
import static dev.flynn.gpu.emulator.PtxInterpreter.RESERVED;
import static dev.flynn.gpu.emulator.PtxInterpreter.RET;
import static dev.flynn.gpu.emulator.PtxInterpreter.SHFL;
import static dev.flynn.gpu.emulator.PtxMemoryChecker.global;
import static dev.flynn.gpu.emulator.PtxMemoryChecker.read;
import static dev.flynn.gpu.emulator.PtxMemoryChecker.sharedAccess;
import static dev.flynn.gpu.emulator.PtxMemoryChecker.write;
import static dev.flynn.gpu.emulator.PtxInterpreter.TID;

/**
 * Turns one decoded instruction of a function into an {@link PtxInterpreter.Op}: control flow, calls,
 * shuffles, barriers, moves, loads and stores here; arithmetic, comparisons and conversions in
 * {@link PtxArithmetic} and {@link PtxConversions}. Operands are resolved to register slots once.
 */
final class PtxInstructionSet {
    private static final Pattern ADDRESS = Pattern.compile("\\[\\s*([%\\w$.]+)\\s*(?:\\+\\s*(-?\\d+))?\\s*\\]");

    private final Program p;
    private final Function f;
    private final Map<String, Integer> labels;
    private final int next;

    PtxInstructionSet(Program p, Function f, Map<String, Integer> labels, int next) {
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
        return f.constant(PtxParser.immediate(s, type));
    }

    int dst(String s) {
        if (!s.startsWith("%")) {
            throw new IllegalArgumentException("destination is not a register: " + s);
        }
        return f.slot(s);
    }

    Op compile(PtxParser.Mnemonic m, List<String> o) {
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
                yield PtxConversions.cvt(m.op(), type, from, dst(o.get(0)), src(o.get(1), from), n);
            }
            case SETP -> PtxArithmetic.setp(m.cmp().orElseThrow(), type, dst(o.get(0)), src(o.get(1), type),
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
                yield PtxArithmetic.compile(m.op(), type, d, s, n);
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


    private static Matcher address(String operand) {
        Matcher m = ADDRESS.matcher(operand);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad address " + operand);
        }
        return m;
    }
}
