package dev.flynn.cli;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean": the valid value nearest a mistyped one, by edit distance. */
final class Suggest {
    private Suggest() {
    }

    /**
     * The candidate closest to {@code typed}, if one is near: within a third of its length in
     * insertions, deletions, substitutions and swaps of neighbours (at least one edit), or starting
     * with it.
     */
    static Optional<String> nearest(String typed, Collection<String> candidates) {
        String t = typed.strip().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
            return Optional.empty();
        }
        int limit = Math.max(1, t.length() / 3);
        return candidates.stream()
                .filter(c -> distance(t, c.toLowerCase(Locale.ROOT)) <= limit || c.toLowerCase(Locale.ROOT).startsWith(t))
                .min(Comparator.comparingInt(c -> distance(t, c.toLowerCase(Locale.ROOT))));
    }

    /** {@code " (did you mean 'x'?)"}, or nothing. */
    static String didYouMean(String typed, Collection<String> candidates) {
        return nearest(typed, candidates).map(c -> " (did you mean '" + c + "'?)").orElse("");
    }

    /** Optimal string alignment distance: Levenshtein plus swaps of adjacent characters. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
