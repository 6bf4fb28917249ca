package imvec.spatial;

import imvec.util.Suggestions;
import imvec.util.UserError;
import imvec.words.ConceptVectors;
import imvec.words.WordVectorFormats;
import imvec.words.WordVectors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Label names to unit word vectors through {@link ConceptVectors} (phrases averaged; synsets via a names table). */
public final class LabelWords {
    /** The covered labels and the names of those with no vector, listed, never dropped silently. */
    public record Resolved(LabelVectors vectors, List<String> dropped) {
    }

    private LabelWords() {
    }

    public static Resolved resolve(List<String> labels, Path wordsFile, Map<String, String> names) {
        ConceptVectors.Coverage c = ConceptVectors.builder().optNames(names).build().resolve(labels, wordsFile);
        List<String> covered = c.covered().stream().map(ConceptVectors.Entry::concept).toList();
        List<String> dropped = c.dropped().stream().map(ConceptVectors.Entry::concept).toList();
        return new Resolved(new LabelVectors(covered, c.matrix()), dropped);
    }

    /**
     * Every label must have a vector: a single unknown word gets a did-you-mean from the whole
     * vocabulary; several are listed.
     */
    public static LabelVectors require(List<String> labels, Path wordsFile, Map<String, String> names) {
        Resolved r = resolve(labels, wordsFile, names);
        if (r.dropped().isEmpty()) return r.vectors();
        if (r.dropped().size() == 1) {
            String w = r.dropped().get(0);
            WordVectors all = WordVectorFormats.read(wordsFile);
            List<String> close = Suggestions.closest(w.toLowerCase(java.util.Locale.ROOT), new ArrayList<>(all.words()), 3);
            throw new UserError("the label '" + w + "' has no word vector in " + wordsFile.getFileName()
                    + (close.isEmpty() ? "." : "; did you mean " + String.join(", ", close) + "?"));
        }
        throw new UserError(r.dropped().size() + " labels have no word vector in " + wordsFile.getFileName() + ": "
                + String.join(", ", r.dropped()) + ".");
    }
}
