package imvec.util;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * "Did you mean …?" for names the user mistyped (layers, classes, words). Names that contain
 * what was typed (or are contained in it) come first, because users usually type a prefix or
 * drop a suffix such as {@code _relu}; then names within a small edit distance.
 */
public final class Suggestions {
    private Suggestions() {
    }

    /** Up to {@code max} names close to {@code wanted}, best first; empty when nothing is close. */
    public static List<String> closest(String wanted, List<String> names, int max) {
        String w = wanted.toLowerCase(Locale.ROOT);
        int tolerance = Math.max(2, w.length() / 3);
        List<Scored> scored = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String n = name.toLowerCase(Locale.ROOT);
            if (n.contains(w) || (n.length() >= 3 && w.contains(n))) {
                scored.add(new Scored(name, 0, Math.abs(n.length() - w.length()), i));
            } else {
                int d = levenshtein(w, n, tolerance);
                // Among equally close names prefer those that keep every typed character
                // (the user dropped one, e.g. "conv_pw13" for "conv_pw_13").
                if (d <= tolerance) scored.add(new Scored(name, isSubsequence(w, n) ? 1 : 2, d, i));
            }
        }
        scored.sort(Comparator.comparingInt((Scored s) -> s.kind == 0 ? 0 : 1).thenComparingInt(Scored::distance)
                .thenComparingInt(Scored::kind).thenComparingInt(Scored::order));
        return scored.stream().limit(max).map(Scored::name).toList();
    }

    /** {@code "; did you mean a, b?"} for an error sentence, or an empty string when nothing is close. */
    public static String didYouMean(String wanted, java.util.Collection<String> names) {
        List<String> close = closest(wanted, List.copyOf(names), 5);
        return close.isEmpty() ? "" : "; did you mean " + String.join(", ", close) + "?";
    }

    private static boolean isSubsequence(String typed, String name) {
        int at = 0;
        for (int i = 0; i < name.length() && at < typed.length(); i++) {
            if (name.charAt(i) == typed.charAt(at)) at++;
        }
        return at == typed.length();
    }

    /** Edit distance, giving up (returning {@code limit + 1}) once it must exceed {@code limit}. */
    static int levenshtein(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) > limit) return limit + 1;
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            int rowMin = cur[0];
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
                rowMin = Math.min(rowMin, cur[j]);
            }
            if (rowMin > limit) return limit + 1;
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private record Scored(String name, int kind, int distance, int order) {
    }
}
