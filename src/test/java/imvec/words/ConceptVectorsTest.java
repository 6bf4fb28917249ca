package imvec.words;

import imvec.util.UserError;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ConceptVectorsTest {
    @TempDir
    Path dir;

    /** Each word gets a distinct one-hot-like vector so averages are easy to check by hand. */
    static WordVectors vocab(String... words) {
        Map<String, float[]> m = new HashMap<>();
        for (int i = 0; i < words.length; i++) {
            float[] v = new float[words.length];
            v[i] = 1;
            v[(i + 1) % words.length] += 0.5f;
            m.put(words[i], v);
        }
        return WordVectors.of(m, "test");
    }

    static float[] mean(WordVectors v, String... words) {
        float[] out = new float[v.dims()];
        for (int d = 0; d < out.length; d++) {
            double s = 0;
            for (String w : words) s += v.get(w)[d];
            out[d] = (float) (s / words.length);
        }
        return out;
    }

    static ConceptVectors.Entry only(ConceptVectors.Coverage c) {
        assertThat(c.entries()).hasSize(1);
        return c.entries().get(0);
    }

    @Test
    void multiWordNamesAverageTheirLowerCasedTokens() {
        WordVectors v = vocab("ankle", "boot", "top", "t-shirt", "shirt", "t");
        ConceptVectors cv = ConceptVectors.builder().build();
        ConceptVectors.Entry e = only(cv.resolve(List.of("Ankle boot"), v));
        assertThat(e.words()).containsExactly("ankle", "boot");
        assertThat(e.vector()).containsExactly(mean(v, "ankle", "boot"));
        assertThat(only(cv.resolve(List.of("T-shirt/top"), v)).words()).containsExactly("t-shirt", "top");
        // Without the hyphenated word the token falls back to its parts.
        WordVectors parts = vocab("t", "shirt", "top");
        assertThat(only(cv.resolve(List.of("T-shirt/top"), parts)).words()).containsExactly("t", "shirt", "top");
        assertThat(only(cv.resolve(List.of("great_white_shark"), vocab("great", "white", "shark"))).words())
                .containsExactly("great", "white", "shark");
    }

    @Test
    void theFirstFullyCoveredSynonymIsUsed() {
        WordVectors v = vocab("white", "shark", "man", "eater");
        ConceptVectors.Entry e = only(ConceptVectors.builder().build()
                .resolve(List.of("great white shark, white shark, man-eater"), v));
        assertThat(e.used()).isEqualTo("white shark");
        assertThat(e.words()).containsExactly("white", "shark");
        ConceptVectors.Entry first = only(ConceptVectors.builder().build()
                .resolve(List.of("great white shark, white shark"), vocab("great", "white", "shark")));
        assertThat(first.used()).isEqualTo("great white shark");
    }

    @Test
    void synsetsTakeTheirNamesFromTheNamesFileAndTheMappingOverridesAll() throws IOException {
        Path names = Files.writeString(dir.resolve("names.tsv"),
                "index\tsynset\tnames\n0\tn01440764\ttench, Tinca tinca\n1\tn01443537\tgoldfish, Carassius auratus\n");
        Map<String, String> byId = ConceptNames.readNames(names);
        assertThat(byId).containsEntry("n01440764", "tench, Tinca tinca");
        Path plain = Files.writeString(dir.resolve("plain.tsv"), "n01440764\ttench, Tinca tinca\n");
        assertThat(ConceptNames.readNames(plain)).containsEntry("n01440764", "tench, Tinca tinca");

        WordVectors v = vocab("tinca", "goldfish", "carp", "fish");
        Path mapping = Files.writeString(dir.resolve("map.tsv"), "n01443537\tcarp fish\n");
        ConceptVectors cv = ConceptVectors.builder().optNames(byId).optMapping(ConceptNames.readMapping(mapping)).build();
        ConceptVectors.Coverage c = cv.resolve(List.of("n01440764", "n01443537", "n99999999"), v);
        ConceptVectors.Entry tench = c.entries().get(0);
        assertThat(tench.source()).isEqualTo(ConceptVectors.Source.NAMES);
        assertThat(tench.used()).isEqualTo("Tinca tinca");
        assertThat(tench.vector()).containsExactly(v.get("tinca"));
        ConceptVectors.Entry gold = c.entries().get(1);
        assertThat(gold.source()).isEqualTo(ConceptVectors.Source.MAPPING);
        assertThat(gold.words()).containsExactly("carp", "fish");
        ConceptVectors.Entry unknown = c.entries().get(2);
        assertThat(unknown.covered()).isFalse();
        assertThat(unknown.source()).isEqualTo(ConceptVectors.Source.CLASS_NAME);
        assertThat(unknown.missing()).containsExactly("n99999999");
        assertThat(c.covered()).hasSize(2);
        assertThat(c.matrix()).hasDimensions(2, v.dims());
        assertThatThrownBy(c::requireAll).isInstanceOf(UserError.class).hasMessageContaining("'n99999999'");
    }

    @Test
    void droppedConceptsNameTheirMissingTokens() {
        ConceptVectors.Entry e = only(ConceptVectors.builder().build().resolve(List.of("tiger shark, Galeocerdo cuvieri"), vocab("shark")));
        assertThat(e.covered()).isFalse();
        assertThat(e.missing()).containsExactly("tiger");
    }

    @Test
    void loadingOnlyTheWantedWordsResolvesLikeLoadingAll() throws IOException {
        StringBuilder b = new StringBuilder();
        String[] words = {"the", "tench", "tinca", "t-shirt", "top", "jack", "o", "lantern", "potter", "wheel", "ankle", "boot"};
        for (int i = 0; i < words.length; i++) b.append(words[i]).append(' ').append(i).append(' ').append(i * 0.5f).append('\n');
        Path file = Files.writeString(dir.resolve("v.txt"), b.toString());
        List<String> concepts = List.of("n1", "T-shirt/top", "jack-o'-lantern", "potter's wheel", "Ankle boot");
        ConceptVectors cv = ConceptVectors.builder().optNames(Map.of("n1", "tench, Tinca tinca")).build();
        ConceptVectors.Coverage streamed = cv.resolve(concepts, file);
        ConceptVectors.Coverage full = cv.resolve(concepts, WordVectorFormats.read(file));
        assertThat(streamed.covered()).hasSize(concepts.size());
        for (int i = 0; i < concepts.size(); i++) {
            assertThat(streamed.entries().get(i).words()).isEqualTo(full.entries().get(i).words());
            assertThat(streamed.entries().get(i).vector()).containsExactly(full.entries().get(i).vector());
        }
        assertThat(streamed.entries().get(2).words()).containsExactly("jack", "o", "lantern");
        assertThat(streamed.entries().get(3).words()).containsExactly("potter", "wheel");
    }

    @Test
    void badNameAndMappingFilesAreUserErrors() throws IOException {
        Path noTab = Files.writeString(dir.resolve("bad.tsv"), "n01440764 tench\n");
        assertThatThrownBy(() -> ConceptNames.readNames(noTab)).isInstanceOf(UserError.class).hasMessageContaining("line 1");
        Path twice = Files.writeString(dir.resolve("twice.tsv"), "a\tb\na\tc\n");
        assertThatThrownBy(() -> ConceptNames.readMapping(twice)).isInstanceOf(UserError.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> ConceptNames.readNames(dir.resolve("none.tsv"))).isInstanceOf(UserError.class).hasMessageContaining("cannot read");
    }

    @Test
    void imagenetNamesAgainstTheGloveSubset() {
        Path vectors = Path.of("../shared/data/glove-6b-100d-subset/vectors.txt");
        Path names = Path.of("../shared/data/imagenet-labels/imagenet1k_sorted_order.tsv");
        Assumptions.assumeTrue(Files.isRegularFile(vectors) && Files.isRegularFile(names),
                "real data absent: ../shared/data/glove-6b-100d-subset and imagenet-labels");
        Map<String, String> byId = ConceptNames.readNames(names);
        List<String> synsets = byId.keySet().stream().filter(s -> s.matches("n\\d{8}")).toList();
        assertThat(synsets).hasSize(1000);
        ConceptVectors.Coverage c = ConceptVectors.builder().optNames(byId).build().resolve(synsets, vectors);
        assertThat(c.dims()).isEqualTo(100);
        // The subset was cut to hold these names' tokens; only Latin-only and odd names drop out.
        assertThat(c.covered().size()).isGreaterThan(950);
        ConceptVectors.Entry tench = c.entries().get(0);
        assertThat(tench.used()).isEqualTo("tench");
        ConceptVectors.Entry shark = c.entries().stream().filter(e -> e.concept().equals("n01484850")).findFirst().orElseThrow();
        assertThat(shark.words()).containsExactly("great", "white", "shark");
        // The vector is the plain mean of the three GloVe vectors.
        WordVectors v = WordVectorFormats.read(vectors, java.util.Set.of("great", "white", "shark"));
        assertThat(shark.vector()[0]).isCloseTo((v.get("great")[0] + v.get("white")[0] + v.get("shark")[0]) / 3f, within(1e-6f));
    }
}
