package imvec.spatial;

import imvec.util.UserError;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A collection clustered around given words: each image goes to the word it scores highest on
 * (the first of the given words on a tie), or to {@link #NONE} when even that score is below
 * {@code minScore}. {@code cluster[i]} is the word's index, −1 for none; {@code best[i]} and
 * {@code score[i]} are the image's best word and score either way, so a user sees how far below
 * the bar it fell and which word came closest.
 */
public record WordClusters(List<String> ids, List<String> words, double minScore, int[] cluster, int[] best, float[] score) {
    public static final String NONE = "none";

    /** Clusters the images of {@code s} around all its labels; {@code minScore} in [0, 1] (0 puts every image in a word's cluster). */
    public static WordClusters assign(Scores s, double minScore) {
        if (!(minScore >= 0 && minScore <= 1)) throw new UserError("--min-score must be between 0 and 1; got " + minScore + ".");
        int n = s.ids().size(), l = s.labels().size();
        if (l == 0) throw new IllegalArgumentException("no words to cluster around");
        int[] cluster = new int[n], bestWord = new int[n];
        float[] best = new float[n];
        for (int i = 0; i < n; i++) {
            int arg = 0;
            for (int j = 1; j < l; j++) if (s.score(i, j) > s.score(i, arg)) arg = j;
            best[i] = s.score(i, arg);
            bestWord[i] = arg;
            cluster[i] = best[i] >= minScore ? arg : -1;
        }
        return new WordClusters(s.ids(), s.labels(), minScore, cluster, bestWord, best);
    }

    /** The cluster's name of image {@code i}: its word, or {@link #NONE}. */
    public String name(int i) {
        return cluster[i] < 0 ? NONE : words.get(cluster[i]);
    }

    /** Images per cluster, in the order of the words, then {@link #NONE} (when a minimum score was set). */
    public Map<String, Integer> counts() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String w : words) out.put(w, 0);
        if (minScore > 0) out.put(NONE, 0);
        for (int i = 0; i < cluster.length; i++) out.merge(name(i), 1, Integer::sum);
        return out;
    }
}
