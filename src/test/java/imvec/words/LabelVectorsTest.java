package imvec.words;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LabelVectorsTest {
    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += x * x;
        return Math.sqrt(s);
    }

    @Test
    void phrasesAverageToUnitVectorsAndMissingLabelsAreListed() {
        WordVectors words = WordVectors.of(Map.of(
                "great", new float[] {3, 0, 0},
                "shark", new float[] {0, 4, 0},
                "tinca", new float[] {0, 0, 2},
                "dog", new float[] {1, 1, 1}), "test vectors");
        LabelVectors r = LabelVectors.resolve(List.of("great_white_shark", "great_shark", "n01440764", "dog", "zebra"), words,
                Map.of("n01440764", "tench, Tinca tinca"), Map.of());
        assertThat(r.names()).containsExactly("great_shark", "n01440764", "dog");
        // great_shark: mean (1.5, 2, 0), length 2.5.
        assertThat(r.unit()[0]).containsExactly(new float[] {0.6f, 0.8f, 0f}, within(1e-6f));
        // The synset takes its second synonym, the first whose every word has a vector.
        assertThat(r.unit()[1]).containsExactly(new float[] {0, 0, 1}, within(1e-6f));
        for (float[] v : r.unit()) assertThat(norm(v)).isCloseTo(1.0, within(1e-6));
        assertThat(r.dropped()).extracting(LabelVectors.Dropped::label).containsExactly("great_white_shark", "zebra");
        assertThat(r.dropped().get(0).missing()).containsExactly("white");
        assertThat(r.droppedSentence()).startsWith("2 of 5 labels have no word vector in test vectors").contains("'zebra'");
    }

    @Test
    void imagenetSynsetsGetTheirWordsFromTheNamesTable() {
        Path shared = Path.of("/work/shared/data");
        if (System.getProperty("imvec.shared") != null) shared = Path.of(System.getProperty("imvec.shared"), "data");
        Path names = shared.resolve("imagenet-labels/imagenet1k_sorted_order.tsv");
        Path glove = shared.resolve("glove-6b-100d-subset/vectors.txt");
        Assumptions.assumeTrue(Files.exists(names) && Files.exists(glove), "ImageNet names or the GloVe subset is missing; skipping");
        // The header line reads as a class called "synset"; only real synsets count.
        List<String> synsets = ConceptNames.readNames(names).keySet().stream().filter(s -> s.matches("n\\d+")).toList();
        LabelVectors r = LabelVectors.resolve(synsets, glove, names, null);
        assertThat(r.names().size() + r.dropped().size()).isEqualTo(1000);
        assertThat(r.names().size()).isGreaterThan(500);
        assertThat(r.dims()).isEqualTo(100);
        int tench = r.names().indexOf("n01440764");
        int goldfish = r.names().indexOf("n01443537");
        Assumptions.assumeTrue(tench >= 0 && goldfish >= 0);
        assertThat(norm(r.unit()[tench])).isCloseTo(1.0, within(1e-5));
    }
}
