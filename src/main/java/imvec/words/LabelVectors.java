package imvec.words;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Label names to unit word vectors, the label side of a visual-semantic model. Each label's words
 * come from {@link ConceptVectors} (a user mapping, then a names table such as ImageNet's
 * synset → "tench, Tinca tinca", then the label itself; multi-word names average their words),
 * and the mean is scaled to unit length, so a cosine is a dot product. Labels without a vector are
 * kept in {@link Result#dropped()} with the words that were missing: callers list them, never
 * drop them silently.
 */
public final class LabelVectors {
    private LabelVectors() {
    }

    /** A label that has no vector, the names tried, and the tokens with no vector. */
    public record Dropped(String label, String names, List<String> missing) {
    }

    /** The labels kept (in the given order) with their unit vectors, and the labels dropped. */
    public record Result(List<String> labels, float[][] vectors, List<Dropped> dropped, int dims, String source) {
        /** One sentence naming the dropped labels (up to ten), or an empty string when none is. */
        public String droppedSentence() {
            if (dropped.isEmpty()) return "";
            List<String> shown = new ArrayList<>();
            for (Dropped d : dropped.subList(0, Math.min(10, dropped.size()))) {
                shown.add("'" + d.label() + "'" + (d.missing().isEmpty() ? "" : " (no vector for " + String.join(", ", d.missing()) + ")"));
            }
            return String.format(Locale.ROOT, "%d of %d labels have no word vector in %s and are dropped: %s%s",
                    dropped.size(), dropped.size() + labels.size(), source, String.join(", ", shown), dropped.size() > 10 ? ", …" : "");
        }
    }

    /** Resolves against vectors already loaded; {@code names} and {@code mapping} may be empty. */
    public static Result resolve(List<String> labels, WordVectors vectors, Map<String, String> names, Map<String, String> mapping) {
        ConceptVectors concepts = ConceptVectors.builder().optNames(names).optMapping(mapping).build();
        return unit(concepts.resolve(labels, vectors));
    }

    /**
     * Reads only the words the labels need from {@code words} (format detected); {@code namesFile}
     * (a class id, a tab, its names) and {@code mappingFile} (label, tab, words) may be null.
     */
    public static Result resolve(List<String> labels, Path words, Path namesFile, Path mappingFile) {
        ConceptVectors concepts = ConceptVectors.builder()
                .optNames(namesFile == null ? Map.of() : ConceptNames.readNames(namesFile))
                .optMapping(mappingFile == null ? Map.of() : ConceptNames.readMapping(mappingFile)).build();
        return unit(concepts.resolve(labels, words));
    }

    private static Result unit(ConceptVectors.Coverage coverage) {
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
        return new Result(List.copyOf(kept), vectors.toArray(float[][]::new), List.copyOf(dropped), coverage.dims(), coverage.vectorsSource());
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
