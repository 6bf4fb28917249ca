package imvec.words;

import imvec.util.Suggestions;
import imvec.util.UserError;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Label names and their unit word vectors, one row each in the same order: the label side of a
 * visual-semantic model. {@link #resolve} finds each label's words through {@link ConceptVectors}
 * (a user mapping, then a names table such as ImageNet's synset → "tench, Tinca tinca", then the
 * label itself; multi-word names average their words) and scales the mean to unit length, so a
 * cosine is a dot product. Labels without a vector are kept in {@link #dropped()} with the words
 * that were missing: callers list them, never drop them silently.
 *
 * @param names   the labels kept, in the given order
 * @param unit    their vectors, each scaled to length 1 (a zero vector stays zero)
 * @param dims    the word dimension (known even when no label is kept)
 * @param dropped the labels that have no vector
 * @param source  the vector set, for messages
 */
public record LabelVectors(List<String> names, float[][] unit, int dims, List<Dropped> dropped, String source) {
    /** A label that has no vector, the names tried, and the tokens with no vector. */
    public record Dropped(String label, String names, List<String> missing) {
    }

    public LabelVectors {
        if (names.size() != unit.length) throw new IllegalArgumentException(names.size() + " names for " + unit.length + " vectors");
        names = List.copyOf(names);
        float[][] copy = new float[unit.length][];
        for (int i = 0; i < unit.length; i++) {
            if (unit[i].length != dims) throw new IllegalArgumentException("vector " + i + " has " + unit[i].length + " dims, not " + dims);
            float[] u = normalised(unit[i]);
            copy[i] = u == null ? unit[i].clone() : u;
        }
        unit = copy;
        dropped = List.copyOf(dropped);
    }

    /** Given vectors (scaled to unit length here), none dropped. */
    public LabelVectors(List<String> names, float[][] vectors) {
        this(names, vectors, vectors.length == 0 ? 0 : vectors[0].length, List.of(), "given vectors");
    }

    public int size() {
        return names.size();
    }

    /** The labels that have no vector, by name. */
    public List<String> droppedLabels() {
        return dropped.stream().map(Dropped::label).toList();
    }

    /** One sentence naming the dropped labels (up to ten), or an empty string when none is. */
    public String droppedSentence() {
        if (dropped.isEmpty()) return "";
        List<String> shown = new ArrayList<>();
        for (Dropped d : dropped.subList(0, Math.min(10, dropped.size()))) {
            shown.add("'" + d.label() + "'" + (d.missing().isEmpty() ? "" : " (no vector for " + String.join(", ", d.missing()) + ")"));
        }
        return String.format(Locale.ROOT, "%d of %d labels have no word vector in %s and are dropped: %s%s",
                dropped.size(), dropped.size() + names.size(), source, String.join(", ", shown), dropped.size() > 10 ? ", …" : "");
    }

    /** Resolves against vectors already loaded; {@code names} and {@code mapping} may be empty. */
    public static LabelVectors resolve(List<String> labels, WordVectors vectors, Map<String, String> names, Map<String, String> mapping) {
        ConceptVectors concepts = ConceptVectors.builder().optNames(names).optMapping(mapping).build();
        return unit(concepts.resolve(labels, vectors));
    }

    /**
     * Reads only the words the labels need from {@code words} (format detected); {@code namesFile}
     * (a class id, a tab, its names) and {@code mappingFile} (label, tab, words) may be null.
     */
    public static LabelVectors resolve(List<String> labels, Path words, Path namesFile, Path mappingFile) {
        return resolve(labels, words, namesFile == null ? Map.of() : ConceptNames.readNames(namesFile),
                mappingFile == null ? Map.of() : ConceptNames.readMapping(mappingFile));
    }

    /** As {@link #resolve(List, Path, Path, Path)} with the names table and mapping already read. */
    public static LabelVectors resolve(List<String> labels, Path words, Map<String, String> names, Map<String, String> mapping) {
        return unit(ConceptVectors.builder().optNames(names).optMapping(mapping).build().resolve(labels, words));
    }

    /**
     * Every label must have a vector: a single unknown word gets a did-you-mean from the whole
     * vocabulary; several are listed.
     */
    public static LabelVectors require(List<String> labels, Path words, Map<String, String> names) {
        LabelVectors r = resolve(labels, words, names, Map.of());
        if (r.dropped().isEmpty()) return r;
        if (r.dropped().size() == 1) {
            String w = r.dropped().get(0).label();
            WordVectors all = WordVectorFormats.read(words);
            List<String> close = Suggestions.closest(w.toLowerCase(Locale.ROOT), new ArrayList<>(all.words()), 3);
            throw new UserError("the label '" + w + "' has no word vector in " + words.getFileName()
                    + (close.isEmpty() ? "." : "; did you mean " + String.join(", ", close) + "?"));
        }
        throw new UserError(r.dropped().size() + " labels have no word vector in " + words.getFileName() + ": "
                + String.join(", ", r.droppedLabels()) + ".");
    }

    private static LabelVectors unit(ConceptVectors.Coverage coverage) {
        List<String> kept = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        List<Dropped> dropped = new ArrayList<>();
        for (ConceptVectors.Entry e : coverage.entries()) {
            float[] v = e.covered() ? normalised(e.vector()) : null;
            if (v == null) {
                List<String> missing = e.covered() ? List.of("(the words average to zero)") : e.missing();
                dropped.add(new Dropped(e.concept(), e.names(), missing));
            } else {
                kept.add(e.concept());
                vectors.add(v);
            }
        }
        return new LabelVectors(kept, vectors.toArray(float[][]::new), coverage.dims(), dropped, coverage.vectorsSource());
    }

    /** The vector scaled to length 1, or null for a zero vector (no direction to compare with). */
    private static float[] normalised(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        if (!(s > 0)) return null;
        double inv = 1 / Math.sqrt(s);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (float) (v[i] * inv);
        return out;
    }
}
