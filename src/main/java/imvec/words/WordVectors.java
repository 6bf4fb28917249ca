package imvec.words;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Word vectors keyed by lower-cased word. When a file holds several casings of a word, the first
 * one in the file wins: files are in frequency order, so that is the usual sense.
 */
public final class WordVectors {
    private final Map<String, float[]> vectors;
    private final int dims;
    private final String source;
    private final String format;
    private final long scanned;

    WordVectors(Map<String, float[]> vectors, int dims, String source, String format, long scanned) {
        this.vectors = Collections.unmodifiableMap(vectors);
        this.dims = dims;
        this.source = source;
        this.format = format;
        this.scanned = scanned;
    }

    /** Vectors given directly, e.g. from a test or another library. */
    public static WordVectors of(Map<String, float[]> vectors, String source) {
        Sink s = new Sink(source);
        vectors.forEach(s::add);
        return s.done("memory", vectors.size());
    }

    /** The vector of {@code word} (lower-cased before lookup), or null. */
    public float[] get(String word) {
        return vectors.get(Words.lower(word));
    }

    public boolean contains(String word) {
        return vectors.containsKey(Words.lower(word));
    }

    public int dims() {
        return dims;
    }

    /** Loaded words (all of the file's, or the wanted ones found). */
    public int size() {
        return vectors.size();
    }

    public Set<String> words() {
        return vectors.keySet();
    }

    /** The file read (for provenance). */
    public String source() {
        return source;
    }

    public String format() {
        return format;
    }

    /** Words the file holds, wanted or not. */
    public long scanned() {
        return scanned;
    }

    /** Collects vectors while a reader streams, checking that every vector has the same length. */
    static final class Sink {
        private final Map<String, float[]> map = new LinkedHashMap<>();
        private final String source;
        private int dims = -1;

        Sink(String source) {
            this.source = source;
        }

        void add(String word, float[] v) {
            if (dims < 0) dims = v.length;
            if (v.length != dims) {
                throw new imvec.util.UserError(source + ": the vector of '" + word + "' has " + v.length
                        + " values but earlier vectors have " + dims + ".");
            }
            map.putIfAbsent(Words.lower(word), v);
        }

        WordVectors done(String format, long scanned) {
            return new WordVectors(new LinkedHashMap<>(map), Math.max(dims, 0), source, format, scanned);
        }
    }
}
