package dev.flynn.cli;

import java.util.Locale;

/** Element counts written the way people write them: {@code 1000}, {@code 4K} (4096), {@code 16M} (16777216). */
final class Sizes {
    /** The largest Java array the JVM allocates reliably. */
    static final int MAX = Integer.MAX_VALUE - 8;

    private Sizes() {
    }

    /** Parses a count; K, M and G are powers of two (1024, 1024^2, 1024^3), in either case. */
    static int parse(String text) {
        String s = text.strip().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'K' -> unit = 1L << 10;
                case 'M' -> unit = 1L << 20;
                case 'G' -> unit = 1L << 30;
                default -> {
                }
            }
        }
        String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
        if (!digits.matches("[0-9]{1,10}")) {
            throw new IllegalArgumentException(malformed(text));
        }
        long n = Long.parseLong(digits) * unit;
        if (n < 1 || n > MAX) {
            throw new IllegalArgumentException("size '" + text + "' is out of range; use 1 to " + MAX + " elements");
        }
        return (int) n;
    }

    /** The shortest exact form: {@code 1G}, {@code 16M}, {@code 4K}, {@code 1000}. */
    static String format(long n) {
        if (n >= 1L << 30 && n % (1L << 30) == 0) {
            return n / (1L << 30) + "G";
        }
        if (n >= 1L << 20 && n % (1L << 20) == 0) {
            return n / (1L << 20) + "M";
        }
        if (n >= 1L << 10 && n % (1L << 10) == 0) {
            return n / (1L << 10) + "K";
        }
        return Long.toString(n);
    }

    private static String malformed(String text) {
        return "malformed size '" + text + "'; valid: a count such as 1000, or with K (x1024), M (x1048576) or G (x1073741824): 4K, 16M, 1G";
    }
}
