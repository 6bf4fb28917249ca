package imvec.explore;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClassNameScorerTest {
    static final List<String> FASHION = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
            "Sneaker", "Bag", "Ankle boot");

    @TempDir
    Path dir;

    @Test
    void aWordMatchesWholeNamesTheirWordsAndPlurals() {
        assertThat(ClassNameScorer.matches("boot", FASHION)).containsExactly(9);
        assertThat(ClassNameScorer.matches("boots", FASHION)).containsExactly(9);
        assertThat(ClassNameScorer.matches("ankle boot", FASHION)).containsExactly(9);
        assertThat(ClassNameScorer.matches("shirt", FASHION)).containsExactly(0, 6);
        assertThat(ClassNameScorer.matches("trousers", FASHION)).containsExactly(1);
        assertThat(ClassNameScorer.matches("dresses", FASHION)).containsExactly(3);
        assertThat(ClassNameScorer.matches("t-shirt/top", FASHION)).containsExactly(0);
        assertThat(ClassNameScorer.matches("sky", FASHION)).isEmpty();
    }

    @Test
    void withoutPredictionsTheCentroidRanksTheClassFirst() throws Exception {
        Path run = ExploreFixture.build(dir);
        // Drop the top-k so the scorer falls back to the layer's class centroids.
        String m = Files.readString(run.resolve("manifest.json")).replaceAll("(?s),\\s*\"topk\"\\s*:\\s*\\{[^}]*}", "");
        Files.writeString(run.resolve("manifest.json"), m);
        ExploreRun r = ExploreRun.open(run, null);
        assertThat(r.predictions()).isNull();
        WordScorer.Scores s = new ClassNameScorer(r).score("greens");
        assertThat(s.method()).contains("centroid");
        float minGreen = Float.MAX_VALUE, maxOther = -Float.MAX_VALUE;
        for (int i = 0; i < r.n(); i++) {
            if (r.label(i) == 1) minGreen = Math.min(minGreen, s.scores()[i]);
            else maxOther = Math.max(maxOther, s.scores()[i]);
        }
        assertThat(minGreen).isGreaterThan(maxOther);
        assertThatThrownBy(() -> new ClassNameScorer(r).score("grean")).isInstanceOf(UserError.class).hasMessageContaining("did you mean green");
    }

    @Test
    void aDataSetThatIsGoneStopsTheAtlasWithOneSentence() throws Exception {
        Path run = ExploreFixture.build(dir);
        Files.writeString(run.resolve("manifest.json"), Files.readString(run.resolve("manifest.json"))
                .replace(dir.resolve("images").toString(), dir.resolve("gone").toString()));
        ExploreRun r = ExploreRun.open(run, null);
        assertThatThrownBy(() -> ThumbnailAtlas.open(r, 32, d -> { })).isInstanceOf(UserError.class);
        assertThat(run.resolve("explore/atlas-32/atlas.json")).doesNotExist();
    }
}
