package imvec.explore;

import imvec.util.Suggestions;
import imvec.util.UserError;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Ranks images by a word that names classes, without a spatial model. A word matches a class
 * when it is the class name or one of its words ({@code boot} matches {@code Ankle boot},
 * {@code shirt} matches {@code T-shirt/top}), plurals included. With top-k predictions an
 * image scores the probability the model gave the matched classes; without them, the cosine of
 * its row to the matched classes' centroid in the layer.
 */
public final class ClassNameScorer implements WordScorer {
    private final ExploreRun run;

    public ClassNameScorer(ExploreRun run) {
        this.run = run;
    }

    @Override
    public String describe() {
        return run.predictions() != null
                ? "a word naming a class ranks images by the probability the model gave that class"
                : "a word naming a class ranks images by cosine to that class's centroid in " + run.layer();
    }

    @Override
    public Scores score(String word) {
        String w = norm(word);
        if (w.isEmpty()) throw new UserError("type a word to search for.");
        ExploreRun.Predictions p = run.predictions();
        if (p != null) {
            List<Integer> matched = matches(w, p.classes());
            if (!matched.isEmpty()) return byProbability(word, p, matched);
        }
        List<Integer> matched = matches(w, run.classes());
        if (matched.isEmpty()) {
            List<String> names = new ArrayList<>(run.classes());
            if (p != null) names.addAll(p.classes());
            throw new UserError("no class is named '" + word + "' (searching any word needs the spatial model)"
                    + Suggestions.didYouMean(w, vocabulary(names)));
        }
        return byCentroid(word, matched);
    }

    private Scores byProbability(String word, ExploreRun.Predictions p, List<Integer> matched) {
        Set<Integer> want = Set.copyOf(matched);
        float[] s = new float[run.n()];
        for (int i = 0; i < s.length; i++) {
            for (int j = 0; j < p.k(); j++) if (want.contains(p.indices()[i][j])) s[i] += p.probs()[i][j];
        }
        return new Scores(word, s, names(p.classes(), matched), "top-" + p.k() + " probability");
    }

    private Scores byCentroid(String word, List<Integer> matched) {
        float[][] unit = run.unitRows();
        int d = unit[0].length;
        double[] c = new double[d];
        Set<Integer> want = Set.copyOf(matched);
        for (int i = 0; i < unit.length; i++) {
            if (!want.contains(run.label(i))) continue;
            for (int j = 0; j < d; j++) c[j] += unit[i][j];
        }
        float[] s = new float[unit.length];
        double norm = 0;
        for (double v : c) norm += v * v;
        norm = Math.sqrt(norm);
        if (norm > 0) {
            for (int i = 0; i < unit.length; i++) {
                double dot = 0;
                for (int j = 0; j < d; j++) dot += unit[i][j] * c[j];
                s[i] = (float) (dot / norm);
            }
        }
        return new Scores(word, s, names(run.classes(), matched), "cosine to the class centroid in " + run.layer());
    }

    private static List<String> names(List<String> classes, List<Integer> idx) {
        return idx.stream().map(classes::get).toList();
    }

    /** Classes the word names: the whole name or one of its words, singular or plural. */
    static List<Integer> matches(String word, List<String> classes) {
        List<Integer> out = new ArrayList<>();
        Set<String> forms = forms(word);
        for (int c = 0; c < classes.size(); c++) {
            String name = norm(classes.get(c));
            boolean hit = forms.contains(name) || forms.contains(name.replace('_', ' '));
            for (String token : name.split("[^\\p{L}\\p{N}]+")) hit |= !token.isEmpty() && forms.contains(token);
            // Multi-word queries ("ankle boot") match the name with any separators.
            hit |= word.contains(" ") && name.replaceAll("[^\\p{L}\\p{N}]+", " ").strip().equals(word);
            if (hit) out.add(c);
        }
        return out;
    }

    private static Set<String> forms(String w) {
        Set<String> f = new LinkedHashSet<>(List.of(w));
        if (w.endsWith("ies") && w.length() > 3) f.add(w.substring(0, w.length() - 3) + "y");
        if (w.endsWith("es") && w.length() > 2) f.add(w.substring(0, w.length() - 2));
        if (w.endsWith("s") && w.length() > 1) f.add(w.substring(0, w.length() - 1));
        f.add(w + "s");
        f.add(w + "es");
        return f;
    }

    private static List<String> vocabulary(List<String> names) {
        Set<String> v = new LinkedHashSet<>();
        for (String n : names) {
            v.add(norm(n));
            for (String t : norm(n).split("[^\\p{L}\\p{N}]+")) if (t.length() > 1) v.add(t);
        }
        return new ArrayList<>(v);
    }

    static String norm(String s) {
        return s == null ? "" : s.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    }
}
