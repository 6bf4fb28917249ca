package imvec.store;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** "Did you mean" suggestions for mistyped names (layers, classes, words). */
public final class Suggest {
    private Suggest() {
    }

    /** {@code "; did you mean a, b, c?"}, or an empty string when nothing is close. */
    public static String closest(String wanted, Collection<String> names) {
        String w = wanted.toLowerCase(Locale.ROOT);
        List<String> close = names.stream()
                .filter(n -> n.toLowerCase(Locale.ROOT).contains(w) || distance(w, n.toLowerCase(Locale.ROOT)) <= Math.max(2, w.length() / 3))
                .sorted(Comparator.comparingInt((String n) -> distance(w, n.toLowerCase(Locale.ROOT))).thenComparing(n -> n))
                .limit(5).toList();
        return close.isEmpty() ? "" : "; did you mean " + String.join(", ", close) + "?";
    }

    /** Levenshtein edit distance. */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
