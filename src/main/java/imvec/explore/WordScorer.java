package imvec.explore;

import java.util.List;

/**
 * A word ranks a run's images: one score per row, higher meaning more of the word. The spatial
 * visual-semantic model answers any word zero-shot; without it {@link ClassNameScorer} answers
 * words that name the run's classes.
 */
public interface WordScorer {
    /** The scores of {@code word}; throws {@link imvec.util.UserError} when this scorer cannot score it. */
    Scores score(String word);

    /** One line saying how words are scored, shown in the page. */
    String describe();

    /** Scores per row; {@code matched} says which names the word was taken as, {@code method} how they were scored. */
    record Scores(String word, float[] scores, List<String> matched, String method) {
    }
}
