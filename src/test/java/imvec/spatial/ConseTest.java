package imvec.spatial;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import imvec.data.MultiLabelSpecs;
import imvec.data.TestData;
import imvec.util.UserError;
import imvec.words.LabelVectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ConseTest {
    /** Seen labels a, b, c, e on the axes of a 4-d space; the classifier also knows d, which is unseen. */
    private static LabelVectors seenAxes() {
        return new LabelVectors(List.of("a", "b", "c", "e"), new float[][] {
                {2, 0, 0, 0}, {0, 3, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 5}});
    }

    private static final List<String> CLASSES = List.of("a", "b", "c", "d", "e");

    @Test
    void theEmbeddingIsTheHandComputedWeightedSumOfTheTopSeenVectors() {
        Conse c = Conse.of(CLASSES, seenAxes(), 2);
        // d is the most probable class but unseen; the top 2 seen are b (0.2) and a (0.1).
        float[] p = {0.1f, 0.2f, 0.05f, 0.6f, 0.05f};
        Conse.Weights w = c.weights(p);
        assertThat(w.seen()).containsExactly(1, 0);
        assertThat(w.weight()).containsExactly(new double[] {2.0 / 3, 1.0 / 3}, within(1e-6));
        assertThat(c.embedding(p)).containsExactly(new float[] {1f / 3, 2f / 3, 0, 0}, within(1e-6f));
        // Cosine with a label (1, 1, 0, 0)/√2: (1/3 + 2/3)/√2 / |(1/3, 2/3)|.
        LabelVectors labels = new LabelVectors(List.of("ab", "d-ish"), new float[][] {{1, 1, 0, 0}, {0, 0, 0, -1}});
        Scores s = c.score(List.of("img"), new float[][] {p}, labels);
        double expected = (1.0 / Math.sqrt(2)) / Math.sqrt(1.0 / 9 + 4.0 / 9);
        assertThat(s.score(0, 0)).isCloseTo((float) expected, within(1e-6f));
        assertThat(s.score(0, 1)).isCloseTo(0f, within(1e-7f));
        assertThat(s.hasMaps()).isFalse();
    }

    @Test
    void logitsGiveTheSameEmbeddingAsTheirSoftmax() {
        Conse c = Conse.of(CLASSES, seenAxes(), 3);
        float[] logits = {1.5f, -0.5f, 3f, 7f, 0.2f};
        double[] e = new double[logits.length];
        double z = 0;
        for (int k = 0; k < e.length; k++) z += e[k] = Math.exp(logits[k]);
        float[] p = new float[e.length];
        for (int k = 0; k < e.length; k++) p[k] = (float) (e[k] / z);
        assertThat(c.embedding(logits)).containsExactly(c.embedding(p), within(1e-6f));
    }

    @Test
    void unseenClassesNeverGetProbabilityMass() {
        Random r = new Random(7);
        LabelVectors seen = seenAxes();
        for (int top = 1; top <= 5; top++) {
            Conse c = Conse.of(CLASSES, seen, top);
            for (int trial = 0; trial < 200; trial++) {
                float[] p = new float[5];
                double sum = 0;
                for (int k = 0; k < 5; k++) sum += p[k] = (float) Math.pow(r.nextDouble(), 3);
                for (int k = 0; k < 5; k++) p[k] /= (float) sum;
                Conse.Weights w = c.weights(p);
                assertThat(w.seen()).hasSize(Math.min(top, 4));
                assertThat(Arrays.stream(w.weight()).sum()).isCloseTo(1.0, within(1e-9));
                // The embedding's 4 axes are the seen labels; d has no axis, so all mass is on seen ones.
                float[] e = c.embedding(p);
                double total = 0;
                for (float v : e) total += v;
                assertThat(total).isCloseTo(1.0, within(1e-5));
            }
        }
    }

    @Test
    void aClassifierThatNamesNoSeenLabelIsRefused() {
        assertThatThrownBy(() -> Conse.of(List.of("x", "y"), seenAxes(), 10))
                .isInstanceOf(UserError.class).hasMessageContaining("matches them by name");
        assertThatThrownBy(() -> Conse.of(CLASSES, seenAxes(), 0)).isInstanceOf(UserError.class).hasMessageContaining("--top");
    }

    /** The repository's MobileNet card with its class list pointed at the shared names table. */
    static Path mobilenetCard(Path dir) throws IOException {
        Path tsv = TestData.sharedData("imagenet-labels/imagenet1k_sorted_order.tsv");
        ObjectNode card = (ObjectNode) new ObjectMapper().readTree(Path.of("cards/mobilenet-v1-0.75-224.json").toFile());
        card.put("classes_file", tsv.toAbsolutePath().toString());
        Path out = dir.resolve("mobilenet.json");
        new ObjectMapper().writeValue(out.toFile(), card);
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void onImageNetSamplesTheUnseenHitAt5IsComputed(@TempDir Path dir) throws IOException {
        Path model = TestData.sharedData("imagenet-models/mobilenet-v1-0.75-224.onnx");
        Path samples = TestData.sharedData("imagenet-sample-images");
        Path words = TestData.sharedData("glove-6b-100d-subset/vectors.txt");
        Path names = TestData.sharedData("imagenet-labels/imagenet1k_sorted_order.tsv");
        Path card = mobilenetCard(dir);
        // Ten unseen classes, one photo each, spread over the collection; all others are seen.
        List<Path> photos;
        try (Stream<Path> files = Files.list(samples)) {
            photos = files.filter(f -> f.getFileName().toString().endsWith(".JPEG")).sorted().toList();
        }
        Path unseenDir = Files.createDirectories(dir.resolve("unseen"));
        List<String> unseen = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Path photo = photos.get(37 + i * 97);
            Files.createSymbolicLink(unseenDir.resolve(photo.getFileName()), photo.toAbsolutePath());
            unseen.add(photo.getFileName().toString().substring(0, photo.getFileName().toString().indexOf('_')));
        }
        SpatialJob.Tap tap = new SpatialJob.Tap(model, null, 0, card);
        Map<String, Object> info = SpatialJob.conse("folder:" + samples, tap, words, names, unseen, Conse.DEFAULT_TOP);
        assertThat(info.get("kind")).isEqualTo("conse");
        assertThat((List<?>) info.get("classes")).hasSize(1000);
        assertThat((List<Object>) info.get("seen")).doesNotContainAnyElementsOf(unseen).hasSizeGreaterThan(500);
        SpatialRun.saveInfo(dir.resolve("conse"), info);

        Scores s = SpatialJob.score(dir.resolve("conse"), "folder:" + unseenDir, words, names, unseen, dir.resolve("scores"), d -> { });
        assertThat(Files.exists(dir.resolve("scores/maps.npy"))).isFalse();
        for (float v : s.scores()) assertThat(v).isBetween(-1f, 1f);
        ScoresDirectory scores = ScoresDirectory.open(dir.resolve("scores"));
        assertThat(scores.hasMaps()).isFalse();
        List<String> scored = scores.labels();
        SceneEvaluation.Result r = SceneEvaluation.builder().setScores(scores).setData(MultiLabelSpecs.open("folder:" + unseenDir))
                .build().run((done, total) -> { });
        assertThat(r.singleImages()).isEqualTo(scored.size());
        assertThat(r.hitAt5()).isBetween(0.0, 1.0);
        assertThat(r.hitAt1()).isLessThanOrEqualTo(r.hitAt5());
        assertThat(r.localisation()).isNull();
        assertThat(r.notes()).anyMatch(n -> n.startsWith("no maps: localisation, segmentation and map search skipped"));
        System.out.printf("ConSE on %d unseen ImageNet samples: hit@1 %.2f, hit@5 %.2f (chance %.2f)%n",
                scored.size(), r.hitAt1(), r.hitAt5(), Math.min(1.0, 5.0 / scored.size()));
    }

    @Test
    void theClassifierSeesImagesAsItsCardSays(@TempDir Path dir) throws IOException {
        // The outputs ConSE weighs are MobileNet's own: top-1 as in the golden file beside the model.
        Path model = TestData.sharedData("imagenet-models/mobilenet-v1-0.75-224.onnx");
        Path golden = TestData.sharedData("imagenet-models/mobilenet-v1-0.75-224.top5-on-imagenet-sample-images.json");
        Path samples = TestData.sharedData("imagenet-sample-images");
        var top5 = new ObjectMapper().readTree(golden.toFile());
        var set = MultiLabelSpecs.open("folder:" + samples + "[spread 6]");
        try (var b = new SpatialJob.Tap(model, null, 0, mobilenetCard(dir)).openNative()) {
            float[][] out = BackboneMaps.classifier(b, b.card().outputLayer(), b.card().preprocessing().build(), set, 4, d -> { });
            for (int i = 0; i < out.length; i++) {
                int best = 0;
                for (int k = 1; k < out[i].length; k++) if (out[i][k] > out[i][best]) best = k;
                String file = Path.of(set.id(i)).getFileName().toString();
                assertThat(b.card().classes().get(best)).as(file).isEqualTo(top5.get(file).get(0).get(0).asText());
            }
        }
    }

    @Test
    void aClassifierWithoutAClassListIsRefusedInOneSentence() {
        Path model = TestData.sharedData("imagenet-models/mobilenet-v1-0.75-224.onnx");
        Path samples = TestData.sharedData("imagenet-sample-images");
        Path words = TestData.sharedData("glove-6b-100d-subset/vectors.txt");
        // No card: the graph alone names no classes.
        assertThatThrownBy(() -> SpatialJob.conse("folder:" + samples, new SpatialJob.Tap(model, null, 0), words, null, List.of(), 10))
                .isInstanceOf(UserError.class).hasMessageContaining("no class list").hasMessageContaining("--card");
    }

    @Test
    void aConseModelHasNoHeadToLoad(@TempDir Path dir) throws IOException {
        SpatialRun.saveInfo(dir, Map.of("kind", Conse.KIND));
        assertThat(SpatialRun.kind(dir)).isEqualTo(Conse.KIND);
        assertThatThrownBy(() -> SpatialRun.load(dir)).isInstanceOf(UserError.class).hasMessageContaining("ConSE model");
    }
}
