package imvec.words;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How a name becomes words: lower-cased, underscores read as spaces (folder names such as
 * {@code great_white_shark}); the whole name if the vocabulary has it, else its tokens split at
 * spaces and slashes ({@code T-shirt/top} → {@code t-shirt}, {@code top}). A token missing from
 * the vocabulary is tried without surrounding punctuation and a final {@code 's}, then as its
 * hyphen parts ({@code jack-o'-lantern} → {@code jack}, {@code o}, {@code lantern}).
 */
final class Phrases {
    private Phrases() {
    }

    /** What a lookup needs: a yes/no per lower-case word. */
    interface Vocabulary {
        boolean has(String word);
    }

    /** The synonyms of a name: comma-separated parts (ImageNet style), trimmed, non-empty. */
    static List<String> synonyms(String names) {
        List<String> out = new ArrayList<>();
        for (String s : names.split(",")) {
            String t = s.trim();
            if (!t.isEmpty()) out.add(t);
        }
        return out;
    }

    static String normalise(String name) {
        return Words.lower(name).replace('_', ' ').trim().replaceAll("\\s+", " ");
    }

    /** The words a name resolves to, or null when some token has no vector. */
    static List<String> words(String name, Vocabulary v) {
        String n = normalise(name);
        if (n.isEmpty()) return null;
        if (v.has(n)) return List.of(n);
        List<String> out = new ArrayList<>();
        for (String token : tokens(n)) {
            List<String> w = token(token, v);
            if (w == null) return null;
            out.addAll(w);
        }
        return out.isEmpty() ? null : out;
    }

    /** The tokens of a name that have no vector (for the coverage report). */
    static List<String> missing(String name, Vocabulary v) {
        String n = normalise(name);
        List<String> out = new ArrayList<>();
        if (v.has(n)) return out;
        for (String token : tokens(n)) if (token(token, v) == null) out.add(token);
        return out;
    }

    /** Every string {@link #words} might look up for this name, to load only those from a big file. */
    static Set<String> lookups(String name) {
        Set<String> out = new LinkedHashSet<>();
        String n = normalise(name);
        out.add(n);
        for (String t : tokens(n)) {
            out.addAll(variants(t));
            for (String p : parts(t)) out.addAll(variants(p));
        }
        return out;
    }

    private static List<String> tokens(String n) {
        List<String> out = new ArrayList<>();
        for (String t : n.split("[\\s/]+")) if (!t.isEmpty()) out.add(t);
        return out;
    }

    private static List<String> token(String t, Vocabulary v) {
        for (String c : variants(t)) if (v.has(c)) return List.of(c);
        List<String> parts = parts(t);
        if (parts.size() < 2) return null;
        List<String> out = new ArrayList<>();
        for (String p : parts) {
            String hit = null;
            for (String c : variants(p)) {
                if (v.has(c)) {
                    hit = c;
                    break;
                }
            }
            if (hit == null) return null;
            out.add(hit);
        }
        return out;
    }

    /** The token; without leading/trailing punctuation; without a final 's. */
    private static List<String> variants(String t) {
        Set<String> out = new LinkedHashSet<>();
        out.add(t);
        String s = t.replaceAll("^[^\\p{L}\\p{N}]+|[^\\p{L}\\p{N}]+$", "");
        if (!s.isEmpty()) out.add(s);
        for (String x : List.copyOf(out)) {
            if (x.endsWith("'s") && x.length() > 2) out.add(x.substring(0, x.length() - 2));
        }
        return List.copyOf(out);
    }

    private static List<String> parts(String t) {
        List<String> out = new ArrayList<>();
        for (String p : t.split("[-'.]+")) if (!p.isEmpty()) out.add(p);
        return out;
    }
}
