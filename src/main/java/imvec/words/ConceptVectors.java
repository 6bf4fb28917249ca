package imvec.words;

import imvec.util.UserError;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns class names (concepts) into word vectors and reports what each one used. In order of
 * precedence a concept's words come from the user mapping, then {@code --names} (for class ids
 * such as ImageNet synsets), then the class name itself. A source may list comma-separated
 * synonyms; the first one whose every token has a vector is used, and multi-word names average
 * their tokens' vectors (see {@link Phrases}).
 */
public final class ConceptVectors {
    /** Where a concept's words came from. */
    public enum Source { MAPPING, NAMES, CLASS_NAME }

    /**
     * What one concept resolved to. {@code used} is the synonym whose words were averaged and
     * {@code vector} their mean; both are null for a dropped concept, whose {@code missing} lists
     * the tokens of the first synonym that had no vector.
     */
    public record Entry(String concept, Source source, String names, String used, List<String> words,
                        List<String> missing, float[] vector) {
        public boolean covered() {
            return vector != null;
        }
    }

    /** The concepts in their given order, covered or not, and the vector set they came from. */
    public record Coverage(List<Entry> entries, int dims, String vectorsSource, String format) {
        public List<Entry> covered() {
            return entries.stream().filter(Entry::covered).toList();
        }

        public List<Entry> dropped() {
            return entries.stream().filter(e -> !e.covered()).toList();
        }

        /** Vectors of the covered concepts in order, one row each. */
        public float[][] matrix() {
            return covered().stream().map(Entry::vector).toArray(float[][]::new);
        }

        /** Throws a user error naming the dropped concepts, for --strict. */
        public Coverage requireAll() {
            List<Entry> d = dropped();
            if (!d.isEmpty()) {
                throw new UserError(d.size() + " concept(s) have no word vector in " + vectorsSource + " ("
                        + String.join(", ", d.stream().limit(10).map(e -> "'" + e.concept() + "'").toList())
                        + (d.size() > 10 ? ", …" : "") + "); add them to a --mapping file or drop --strict.");
            }
            return this;
        }
    }

    private final Map<String, String> names;
    private final Map<String, String> mapping;

    private ConceptVectors(Builder b) {
        this.names = b.names;
        this.mapping = b.mapping;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Map<String, String> names = Map.of();
        private Map<String, String> mapping = Map.of();

        private Builder() {
        }

        /** Class id → comma-separated names, e.g. from {@link ConceptNames#readNames}. */
        public Builder optNames(Map<String, String> names) {
            this.names = Map.copyOf(names);
            return this;
        }

        /** Concept → words, overriding everything else. */
        public Builder optMapping(Map<String, String> mapping) {
            this.mapping = Map.copyOf(mapping);
            return this;
        }

        public ConceptVectors build() {
            return new ConceptVectors(this);
        }
    }

    /** Every lower-case word resolution might need, so a reader can skip the rest of a big file. */
    public Set<String> wantedWords(List<String> concepts) {
        Set<String> out = new LinkedHashSet<>();
        for (String c : concepts) {
            for (String syn : Phrases.synonyms(namesOf(c))) out.addAll(Phrases.lookups(syn));
        }
        return out;
    }

    /** Reads only the needed words of {@code file} (format detected) and resolves the concepts. */
    public Coverage resolve(List<String> concepts, Path file) {
        return resolve(concepts, WordVectorFormats.read(file, wantedWords(concepts)));
    }

    public Coverage resolve(List<String> concepts, WordVectors vectors) {
        Phrases.Vocabulary vocab = vectors::contains;
        List<Entry> out = new ArrayList<>(concepts.size());
        for (String c : concepts) {
            Source src = sourceOf(c);
            String all = namesOf(c);
            List<String> syns = Phrases.synonyms(all);
            Entry e = null;
            for (String syn : syns) {
                List<String> w = Phrases.words(syn, vocab);
                if (w != null) {
                    e = new Entry(c, src, all, syn, w, List.of(), mean(w, vectors));
                    break;
                }
            }
            if (e == null) {
                List<String> miss = syns.isEmpty() ? List.of(c) : Phrases.missing(syns.get(0), vocab);
                e = new Entry(c, src, all, null, List.of(), miss, null);
            }
            out.add(e);
        }
        return new Coverage(List.copyOf(out), vectors.dims(), vectors.source(), vectors.format());
    }

    private Source sourceOf(String concept) {
        if (mapping.containsKey(concept)) return Source.MAPPING;
        if (names.containsKey(concept)) return Source.NAMES;
        return Source.CLASS_NAME;
    }

    private String namesOf(String concept) {
        return switch (sourceOf(concept)) {
            case MAPPING -> mapping.get(concept);
            case NAMES -> names.get(concept);
            case CLASS_NAME -> concept;
        };
    }

    private static float[] mean(List<String> words, WordVectors v) {
        int d = v.dims();
        double[] s = new double[d];
        for (String w : words) {
            float[] x = v.get(w);
            for (int i = 0; i < d; i++) s[i] += x[i];
        }
        float[] out = new float[d];
        for (int i = 0; i < d; i++) out[i] = (float) (s[i] / words.size());
        return out;
    }
}
