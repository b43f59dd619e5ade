package dev.flynn;

import dev.flynn.ir.BinaryOp;
import dev.flynn.ir.CompareOp;
import dev.flynn.ir.UnaryOp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An operator-precedence parser for kernel expressions. It keeps pending operators and open
 * parentheses on explicit stacks rather than recursing, so any nesting depth parses, on any thread.
 * Grammar, loosest binding first:
 * <pre>
 *   program := ('let' name '=' expr (',' name '=' expr)* 'in')? expr
 *   expr    := or
 *   or      := xor ('|' xor)*            also 'or'
 *   xor     := and ('^' and)*
 *   and     := cmp ('&amp;' cmp)*           also 'and'
 *   cmp     := shift (('&lt;'|'&lt;='|'&gt;'|'&gt;='|'=='|'!=') shift)?
 *   shift   := add (('&lt;&lt;'|'&gt;&gt;'|'&gt;&gt;&gt;') add)*
 *   add     := mul (('+'|'-') mul)*
 *   mul     := unary (('*'|'/'|'%') unary)*
 *   unary   := ('-'|'+'|'!'|'~'|'not') unary | power
 *   power   := atom ('**' unary)?          right-associative, binds tighter than unary minus on its left
 *   atom    := number | name | name '(' args ')' | '(' expr ')'
 * </pre>
 * Numbers: {@code 2}, {@code 2.5}, {@code 1e-3}, {@code inf}, {@code nan}, {@code pi}, {@code e}.
 * Integer literals are I32 where they fit, else I64, up to {@code 9223372036854775807};
 * {@code -9223372036854775808} is allowed as in Java, its digits directly after a unary minus.
 * Functions: every op ({@code exp}, {@code atan2}, {@code fma}, {@code where}/{@code select},
 * {@code min}, ...) and casts {@code f32(x)}, {@code f64(x)}, {@code i32(x)}, {@code i64(x)}.
 * Every error names the problem and points at it with a caret.
 */
final class ExpressionParser {
    private final String src;
    private int pos;
    private final Map<String, Integer> known;
    private final List<String> names;
    private final List<DType> types;
    private final DType inferredType;
    private final boolean inferNames;
    /** Whether a one-argument {@code max(e)}, {@code sum(e)}, ... may reduce over the row ({@link RowKernel}). */
    private final boolean rows;
    private final List<Expr> inputs = new ArrayList<>();
    /** Names bound with {@code let}: the same value wherever the name is used. */
    private final Map<String, Expr> bound = new java.util.HashMap<>();

    private ExpressionParser(String src, List<String> names, List<DType> types, DType inferredType, boolean rows) {
        this.src = src;
        this.rows = rows;
        this.inferNames = inferredType != null;
        this.names = new ArrayList<>(names);
        this.types = new ArrayList<>(types);
        this.inferredType = inferredType;
        this.known = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (!n.matches("[A-Za-z_][A-Za-z_0-9]*") || isReserved(n)) {
                throw new IllegalArgumentException("'" + n + "' cannot name an input: use letters, digits and _,"
                        + " not a function or constant name");
            }
            if (known.put(n, i) != null) {
                throw new IllegalArgumentException("input name '" + n + "' appears twice");
            }
        }
    }

    /** A parsed expression: the inputs' names and types, in the kernel's order, and the body. */
    record Parsed(List<String> names, List<DType> types, Expr body) {
    }

    static Kernel parse(String src, Optional<List<List<?>>> namesAndTypes, DType inferredType) {
        Parsed p = parse(src, namesAndTypes, inferredType, false);
        try {
            return KernelBuilder.fromExpr(p.names(), p.types(), p.body());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "\n  in: " + src, e);
        }
    }

    /**
     * Parses {@code src}; with {@code rows}, a one-argument call of a reduction ({@link Row#names()})
     * is that reduction over the row.
     */
    @SuppressWarnings("unchecked")
    static Parsed parse(String src, Optional<List<List<?>>> namesAndTypes, DType inferredType, boolean rows) {
        List<String> names = namesAndTypes.map(l -> (List<String>) l.get(0)).orElse(List.of());
        List<DType> types = namesAndTypes.map(l -> (List<DType>) l.get(1)).orElse(List.of());
        ExpressionParser p = new ExpressionParser(src, names, types, inferredType, rows);
        if (!p.inferNames) {
            // every input exists up front, so unused ones still count and keep their position
            p.inputs.addAll(KernelBuilder.inputs(p.names, p.types));
        }
        p.skipSpace();
        if (p.pos >= src.length()) {
            throw p.error("empty expression", 0);
        }
        Expr body = p.program();
        p.skipSpace();
        if (p.pos < src.length()) {
            throw p.error("unexpected '" + src.charAt(p.pos) + "'", p.pos);
        }
        if (p.names.isEmpty()) {
            throw p.error("the expression has no inputs", 0);
        }
        return new Parsed(List.copyOf(p.names), List.copyOf(p.types), body);
    }

    private static boolean isReserved(String n) {
        String l = n.toLowerCase(Locale.ROOT);
        return FUNCTIONS.containsKey(l) || l.equals("inf") || l.equals("nan") || l.equals("pi") || l.equals("e")
                || l.equals("and") || l.equals("or") || l.equals("not") || l.equals("true") || l.equals("false")
                || l.equals("let") || l.equals("in");
    }

    // ---- grammar ---------------------------------------------------------------------------------

    /** {@code let a = e1, b = e2 in body}, or a plain expression. */
    private Expr program() {
        if (!eatWord("let")) {
            return expr();
        }
        String last;
        do {
            int at = peekAt();
            if (pos >= src.length() || !(Character.isLetter(src.charAt(pos)) || src.charAt(pos) == '_')) {
                throw error("expected a name to bind after 'let'", at);
            }
            last = word();
            if (isReserved(last)) {
                throw error("'" + last + "' is reserved and cannot be bound", at);
            }
            if (bound.containsKey(last)) {
                throw error("'" + last + "' is bound twice", at);
            }
            if (peek("==") || !eat("=")) {
                throw error("expected '=' after the name " + last, peekAt());
            }
            Expr value = expr();
            if (known.containsKey(last)) {
                throw error("'" + last + "' names an input; bind another name", at);
            }
            bound.put(last, value);
        } while (eat(","));
        if (!eatWord("in")) {
            throw error("expected ',' or 'in' after the binding of " + last, peekAt());
        }
        return expr();
    }

    /** What waits on the operator stack: an operator for its right operand, or an open parenthesis or call. */
    private enum Kind { BINARY, COMPARE, NEG, NOT, POW, PAREN, CALL }

    private record Pending(Kind kind, int prec, BinaryOp binary, CompareOp compare, String function, List<Expr> args,
                           int at) {
        static Pending of(Kind kind, int prec, int at) {
            return new Pending(kind, prec, null, null, null, null, at);
        }

        boolean barrier() {
            return kind == Kind.PAREN || kind == Kind.CALL;
        }
    }

    // binding strength: 1 or, 2 xor, 3 and, 4 compare, 5 shift, 6 additive, 7 multiplicative, 8 prefix, 9 power
    private static final int PREFIX = 8;
    private static final int POWER = 9;

    /**
     * One expression, up to the first token that cannot continue it. Operator precedence with
     * explicit stacks instead of recursion, so nesting depth is bounded by memory only, not by the
     * thread's stack.
     */
    private Expr expr() {
        List<Expr> values = new ArrayList<>();
        List<Pending> ops = new ArrayList<>();
        while (true) {
            // a value, after any prefix operators and open parentheses
            int at = peekAt();
            if (pos >= src.length()) {
                throw error("expected a value, found the end of the expression", pos);
            }
            char ch = src.charAt(pos);
            if (ch == '-') {
                pos++;
                skipSpace();
                if (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '.')
                        && !followedByPower()) {
                    values.add(number(true, at));
                } else {
                    ops.add(Pending.of(Kind.NEG, PREFIX, at));
                    continue;
                }
            } else if (ch == '+') {
                pos++;
                continue;
            } else if (eat("!") || eat("~") || eatWord("not")) {
                ops.add(Pending.of(Kind.NOT, PREFIX, at));
                continue;
            } else if (Character.isDigit(ch) || ch == '.') {
                values.add(number(false, at));
            } else if (eat("(")) {
                ops.add(Pending.of(Kind.PAREN, 0, at));
                continue;
            } else if (Character.isLetter(ch) || ch == '_') {
                String word = word();
                skipSpace();
                if (eat("(")) {
                    if (eat(")")) {
                        values.add(call(word, List.of(), at));
                    } else {
                        ops.add(new Pending(Kind.CALL, 0, null, null, word, new ArrayList<>(), at));
                        continue;
                    }
                } else {
                    values.add(name(word, at));
                }
            } else {
                throw error("unexpected '" + ch + "'", pos);
            }
            // after a value: an infix operator, a closing parenthesis or comma, or the end of this expression
            while (true) {
                int opAt = peekAt();
                if (eat("**")) {
                    // right-associative and tighter than a prefix on its left: nothing to reduce yet
                    ops.add(Pending.of(Kind.POW, POWER, opAt));
                    break;
                }
                Pending infix = infix(opAt);
                if (infix != null) {
                    if (reduce(values, ops, infix.prec()) && infix.kind() == Kind.COMPARE) {
                        throw error("comparisons do not chain; combine them with & (and)", opAt);
                    }
                    ops.add(infix);
                    break;
                }
                int open = openBarrier(ops);
                if (open >= 0 && (peek(")") || peek(","))) {
                    reduce(values, ops, 1);
                    Pending barrier = ops.get(open);
                    if (barrier.kind() == Kind.PAREN && peek(",")) {
                        throw error("expected ')' to close the '(' at " + barrier.at() + ", found ','", opAt);
                    }
                    if (barrier.kind() == Kind.CALL) {
                        barrier.args().add(values.removeLast());
                    }
                    if (eat(",")) {
                        break;
                    }
                    eat(")");
                    ops.removeLast();
                    if (barrier.kind() == Kind.CALL) {
                        values.add(call(barrier.function(), barrier.args(), barrier.at()));
                    }
                    continue;
                }
                if (open >= 0) {
                    Pending barrier = ops.get(open);
                    String what = barrier.kind() == Kind.PAREN ? "to close the '(' at " + barrier.at()
                            : "to close the call of " + barrier.function();
                    throw error("expected ')' " + what + (opAt < src.length() ? ", found '" + src.charAt(opAt) + "'"
                            : ", found the end of the expression"), opAt);
                }
                reduce(values, ops, 1);
                return values.removeLast();
            }
        }
    }

    /** The infix operator at {@code at} (consumed), or null. */
    private Pending infix(int at) {
        if (peek("**")) {
            return null;
        }
        BinaryOp b = null;
        int prec = 0;
        if (eat("*")) { b = BinaryOp.MUL; prec = 7; }
        else if (eat("/")) { b = BinaryOp.DIV; prec = 7; }
        else if (eat("%")) { b = BinaryOp.REM; prec = 7; }
        else if (eat("+")) { b = BinaryOp.ADD; prec = 6; }
        else if (eat("-")) { b = BinaryOp.SUB; prec = 6; }
        else if (eat(">>>")) { b = BinaryOp.USHR; prec = 5; }
        else if (eat("<<")) { b = BinaryOp.SHL; prec = 5; }
        else if (eat(">>")) { b = BinaryOp.SHR; prec = 5; }
        else if (eat("&&") || eat("&") || eatWord("and")) { b = BinaryOp.AND; prec = 3; }
        else if (eat("^")) { b = BinaryOp.XOR; prec = 2; }
        else if (eat("||") || eat("|") || eatWord("or")) { b = BinaryOp.OR; prec = 1; }
        if (b != null) {
            return new Pending(Kind.BINARY, prec, b, null, null, null, at);
        }
        CompareOp c = eat("<=") ? CompareOp.LE : eat(">=") ? CompareOp.GE : eat("==") ? CompareOp.EQ
                : eat("!=") ? CompareOp.NE : eat("<") ? CompareOp.LT : eat(">") ? CompareOp.GT : null;
        return c == null ? null : new Pending(Kind.COMPARE, 4, null, c, null, null, at);
    }

    private static int openBarrier(List<Pending> ops) {
        for (int i = ops.size() - 1; i >= 0; i--) {
            if (ops.get(i).barrier()) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Applies the pending operators that bind at least as tightly as {@code prec}, down to the
     * nearest open parenthesis or call. Returns whether one of them was a comparison.
     */
    private boolean reduce(List<Expr> values, List<Pending> ops, int prec) {
        boolean compared = false;
        while (!ops.isEmpty() && !ops.getLast().barrier() && ops.getLast().prec() >= prec) {
            Pending p = ops.removeLast();
            Expr right = values.removeLast();
            Expr r = switch (p.kind()) {
                case NEG -> guard(p.at(), right::neg);
                case NOT -> guard(p.at(), right::not);
                case POW -> {
                    Expr base = values.removeLast();
                    yield guard(p.at(), () -> ExprTyping.binary(BinaryOp.POW, base, right));
                }
                case BINARY -> op(p.at(), values.removeLast(), right, p.binary());
                case COMPARE -> {
                    compared = true;
                    Expr left = values.removeLast();
                    yield guard(p.at(), () -> ExprTyping.compare(p.compare(), left, right));
                }
                case PAREN, CALL -> throw new IllegalStateException("barriers are not reduced");
            };
            values.add(r);
        }
        return compared;
    }

    /** Whether the number at {@code pos} is followed by {@code **}: then {@code -2**2} is {@code -(2**2)}. */
    private boolean followedByPower() {
        int save = pos;
        scanNumber();
        skipSpace();
        boolean power = peek("**");
        pos = save;
        return power;
    }

    private Expr name(String word, int at) {
        switch (word.toLowerCase(Locale.ROOT)) {
            case "inf", "infinity" -> {
                return Expr.lit(Double.POSITIVE_INFINITY);
            }
            case "nan" -> {
                return Expr.lit(Double.NaN);
            }
            case "pi" -> {
                return Expr.lit(Math.PI);
            }
            case "e" -> {
                return Expr.lit(Math.E);
            }
            default -> {
            }
        }
        Expr let = bound.get(word);
        if (let != null) {
            return let;
        }
        Integer i = known.get(word);
        if (i == null) {
            if (FUNCTIONS.containsKey(word.toLowerCase(Locale.ROOT))) {
                throw error("'" + word + "' is a function: call it as " + word + "(...)", at);
            }
            if (!inferNames) {
                throw error("unknown input '" + word + "'; the inputs are " + names, at);
            }
            i = names.size();
            known.put(word, i);
            names.add(word);
            types.add(inferredType);
            inputs.add(null);
        }
        if (inputs.get(i) == null) {
            inputs.set(i, KernelBuilder.inputs(names, types).get(i));
        }
        return inputs.get(i);
    }

    /**
     * Parses the number at {@code pos}. An integer's magnitude may be 2^63 only when {@code negative}:
     * as in Java (JLS 3.10.1), {@code -9223372036854775808} is Long.MIN_VALUE, the literal right after
     * a unary minus, while the same digits anywhere else overflow.
     */
    private Expr number(boolean negative, int at) {
        skipSpace();
        int start = scanNumber();
        String text = src.substring(start, pos);
        if (pos < src.length() && (Character.isLetter(src.charAt(pos)) || src.charAt(pos) == '_')) {
            throw error("malformed number '" + text + src.charAt(pos) + "'", start);
        }
        boolean floating = text.contains(".") || text.contains("e") || text.contains("E");
        try {
            if (floating) {
                double v = Double.parseDouble(text);
                return Expr.lit(negative ? -v : v);
            }
            long v = Long.parseLong(negative ? "-" + text : text);
            return Expr.lit(v);
        } catch (NumberFormatException e) {
            if (!floating && text.chars().allMatch(Character::isDigit)) {
                throw error("integer literal " + text + " is too large: integer literals go up to "
                        + Long.MAX_VALUE + " (I64), and " + Long.MIN_VALUE + " written with its minus sign;"
                        + " write " + text + ".0 for a floating-point value", start);
            }
            throw error("malformed number '" + text + "'", start);
        }
    }

    /** Moves {@code pos} past a number's digits, point and exponent; returns where the number starts. */
    private int scanNumber() {
        int start = pos;
        while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '.')) {
            pos++;
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int save = pos;
            pos++;
            if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
                pos++;
            }
            if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                    pos++;
                }
            } else {
                pos = save;
            }
        }
        return start;
    }

    private Expr call(String name, List<Expr> a, int at) {
        String f = name.toLowerCase(Locale.ROOT);
        Optional<Reduction> overRow = a.size() == 1 ? Row.named(f) : Optional.empty();
        if (overRow.isPresent()) {
            if (!rows) {
                throw error(f + "(...) with one argument reduces over the row, which a Kernel cannot: parse this"
                        + " with RowKernel.parse, or reduce a map with Kernel.reduce", at);
            }
            return guard(at, () -> Row.over(overRow.get(), a.getFirst()));
        }
        Integer arity = FUNCTIONS.get(f);
        if (arity == null) {
            throw error("unknown function '" + name + "'; known: " + String.join(", ", FUNCTIONS.keySet())
                    + (rows ? "; over the row, with one argument: " + String.join(", ", Row.names()) : ""), at);
        }
        if (arity != a.size()) {
            throw error(name + " takes " + arity + " argument" + (arity == 1 ? "" : "s") + ", got " + a.size(), at);
        }
        return guard(at, () -> switch (f) {
            case "f32" -> a.get(0).to(DType.F32);
            case "f64" -> a.get(0).to(DType.F64);
            case "i32" -> a.get(0).to(DType.I32);
            case "i64" -> a.get(0).to(DType.I64);
            case "where", "select" -> Expr.select(a.get(0), a.get(1), a.get(2));
            case "fma" -> Expr.fma(a.get(0), a.get(1), a.get(2));
            case "lt" -> ExprTyping.compare(CompareOp.LT, a.get(0), a.get(1));
            case "le" -> ExprTyping.compare(CompareOp.LE, a.get(0), a.get(1));
            case "gt" -> ExprTyping.compare(CompareOp.GT, a.get(0), a.get(1));
            case "ge" -> ExprTyping.compare(CompareOp.GE, a.get(0), a.get(1));
            case "eq" -> ExprTyping.compare(CompareOp.EQ, a.get(0), a.get(1));
            case "ne" -> ExprTyping.compare(CompareOp.NE, a.get(0), a.get(1));
            default -> {
                for (UnaryOp u : UnaryOp.values()) {
                    if (u.symbol().equals(f)) {
                        yield ExprTyping.unary(u, a.get(0));
                    }
                }
                for (BinaryOp b : BinaryOp.values()) {
                    if (b.symbol().equals(f)) {
                        yield ExprTyping.binary(b, a.get(0), a.get(1));
                    }
                }
                throw new IllegalStateException(f);
            }
        });
    }

    static final Map<String, Integer> FUNCTIONS = functions();

    private static Map<String, Integer> functions() {
        Map<String, Integer> m = new java.util.TreeMap<>();
        for (UnaryOp u : UnaryOp.values()) {
            m.put(u.symbol(), 1);
        }
        for (BinaryOp b : BinaryOp.values()) {
            m.put(b.symbol(), 2);
        }
        for (CompareOp c : CompareOp.values()) {
            m.put(c.symbol(), 2);
        }
        m.put("fma", 3);
        m.put("where", 3);
        m.put("select", 3);
        for (DType t : DType.values()) {
            if (t.isNumeric()) {
                m.put(t.label(), 1);
            }
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    // ---- lexing helpers ----------------------------------------------------------------------------

    private Expr op(int at, Expr a, Expr b, BinaryOp op) {
        return guard(at, () -> ExprTyping.binary(op, a, b));
    }

    private Expr guard(int at, java.util.function.Supplier<Expr> f) {
        try {
            return f.get();
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage().lines().findFirst().orElse("type error"), at);
        }
    }

    private void skipSpace() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            pos++;
        }
    }

    private int peekAt() {
        skipSpace();
        return pos;
    }

    private boolean peek(String s) {
        skipSpace();
        return src.startsWith(s, pos);
    }

    private boolean eat(String s) {
        if (peek(s)) {
            pos += s.length();
            return true;
        }
        return false;
    }

    private boolean eatWord(String w) {
        skipSpace();
        if (src.regionMatches(true, pos, w, 0, w.length())) {
            int end = pos + w.length();
            if (end >= src.length() || !(Character.isLetterOrDigit(src.charAt(end)) || src.charAt(end) == '_')) {
                pos = end;
                return true;
            }
        }
        return false;
    }

    private String word() {
        int start = pos;
        while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
            pos++;
        }
        return src.substring(start, pos);
    }

    private void expect(String s, String why) {
        int at = peekAt();
        if (!eat(s)) {
            throw error("expected '" + s + "' " + why + (at < src.length() ? ", found '" + src.charAt(at) + "'"
                    : ", found the end of the expression"), at);
        }
    }

    private IllegalArgumentException error(String why, int at) {
        return new IllegalArgumentException(why + " at position " + at + "\n  " + src + "\n  " + " ".repeat(at) + "^");
    }
}
