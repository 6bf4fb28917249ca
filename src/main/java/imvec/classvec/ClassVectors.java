package imvec.classvec;

import imvec.util.UserError;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One vector per class (or per word), in the order of {@code names}. All three methods of this
 * package (Im2Vec, confusion skip-gram, centroids) produce these, and word-vector files read
 * into the same form, so they can be compared with {@link CosineTable} and {@link CosineRsa}.
 */
public record ClassVectors(List<String> names, float[][] vectors, String source) {
    public ClassVectors {
        names = List.copyOf(names);
        if (names.size() != vectors.length) {
            throw new UserError(source + " has " + names.size() + " names but " + vectors.length + " vectors.");
        }
        if (vectors.length == 0) throw new UserError(source + " holds no vectors.");
        int d = vectors[0].length;
        if (d == 0) throw new UserError(source + " has vectors of dimension 0.");
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != d) {
                throw new UserError(source + ": vector '" + names.get(i) + "' has " + vectors[i].length + " values, not " + d + ".");
            }
            for (float v : vectors[i]) {
                if (!Float.isFinite(v)) throw new UserError(source + ": vector '" + names.get(i) + "' holds a non-finite value.");
            }
        }
    }

    public int size() {
        return vectors.length;
    }

    public int dims() {
        return vectors[0].length;
    }

    /** Index of each name; two names differing only in case are kept apart. */
    public Map<String, Integer> index() {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < names.size(); i++) m.putIfAbsent(names.get(i), i);
        return m;
    }

    /** The vectors of {@code keep} (indices), in that order. */
    public ClassVectors select(int[] keep, String newSource) {
        List<String> n = new ArrayList<>();
        float[][] v = new float[keep.length][];
        for (int i = 0; i < keep.length; i++) {
            n.add(names.get(keep[i]));
            v[i] = vectors[keep[i]].clone();
        }
        return new ClassVectors(n, v, newSource);
    }

    /** Class names as word2vec tokens: whitespace inside a name becomes '_' so readers split lines correctly. */
    public static String token(String name) {
        String t = name.strip().replaceAll("\\s+", "_");
        return t.isEmpty() ? "_" : t;
    }
}
