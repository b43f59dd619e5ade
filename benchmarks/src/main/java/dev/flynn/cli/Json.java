package dev.flynn.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Map;

/**
 * A writer for the flat JSON this command emits. Numbers that do not apply (NaN) are {@code null};
 * infinities, which JSON cannot write, are the string {@code "inf"}.
 */
final class Json {
    private static final MathContext DIGITS = new MathContext(5);

    private Json() {
    }

    /** One row as an object with the fields of {@link Row#FIELDS}, on one line. */
    static String row(Row row) {
        StringBuilder sb = new StringBuilder("{");
        List<Object> values = row.values();
        for (int i = 0; i < Row.FIELDS.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(string(Row.FIELDS.get(i))).append(": ").append(value(values.get(i)));
        }
        return sb.append('}').toString();
    }

    /** Strings, longs, doubles, lists and maps with string keys. */
    static String value(Object v) {
        return switch (v) {
            case String s -> string(s);
            case Long l -> Long.toString(l);
            case Integer i -> Integer.toString(i);
            case Double d -> number(d);
            case Boolean b -> b.toString();
            case List<?> list -> {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < list.size(); i++) {
                    sb.append(i > 0 ? ",\n" : "\n").append(value(list.get(i)));
                }
                yield sb.append(list.isEmpty() ? "]" : "\n]").toString();
            }
            case Map<?, ?> map -> {
                StringBuilder sb = new StringBuilder("{");
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    sb.append(first ? "" : ", ").append(string((String) e.getKey())).append(": ").append(value(e.getValue()));
                    first = false;
                }
                yield sb.append('}').toString();
            }
            case Row r -> row(r);
            default -> throw new IllegalArgumentException("no JSON form for " + v.getClass().getSimpleName());
        };
    }

    /** Five significant digits; whole numbers and large times without a fraction. */
    static String number(double d) {
        if (Double.isNaN(d)) {
            return "null";
        }
        if (Double.isInfinite(d)) {
            return "\"inf\"";
        }
        if (Math.abs(d) < 1e15 && (d == Math.rint(d) || Math.abs(d) >= 1e5)) {
            return Long.toString(Math.round(d));
        }
        return new BigDecimal(d).round(DIGITS).stripTrailingZeros().toString();
    }

    static String string(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                // keeps "</script>" in a string from closing the report's script element
                case '<' -> sb.append("\\u003c");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
