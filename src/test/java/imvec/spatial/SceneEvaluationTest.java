package imvec.spatial;

import imvec.data.Image;
import imvec.data.ImageSet;
import imvec.data.MosaicScenes;
import imvec.data.MultiLabelSet;
import imvec.data.MultiLabelSpecs;
import imvec.store.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The evaluation on mosaic scenes whose scores are planted from the masks: a perfect model, and the same maps shuffled. */
class SceneEvaluationTest {
    @TempDir
    Path dir;

    /** Eight classes of solid grey levels. */
    static ImageSet solid(int classes) {
        return new ImageSet() {
            public String spec() {
                return "solid";
            }

            public int size() {
                return classes * 3;
            }

            public List<String> classes() {
                return IntStream.range(0, classes).mapToObj(k -> "word" + k).toList();
            }

            public int label(int index) {
                return index % classes;
            }

            public String id(int index) {
                return "i" + index;
            }

            public Image read(int index) {
                byte[] px = new byte[8 * 8];
                java.util.Arrays.fill(px, (byte) (20 + 25 * label(index)));
                return new Image(8, 8, 1, px);
            }
        };
    }

    /** Mosaics of 2×2 cells of 28 px and a scores directory whose 4×4 maps are +6 where a label's tile is and −6 elsewhere. */
    static MultiLabelSet scenesWithPlantedScores(Path dir, boolean shuffleMaps) throws IOException {
        return scenesWithPlantedScores(dir, shuffleMaps, 0f, shuffleMaps ? "shuffled" : "scores");
    }

    /** As above with every map logit moved by {@code offset}, into {@code dir/name}. */
    static MultiLabelSet scenesWithPlantedScores(Path dir, boolean shuffleMaps, float offset, String name) throws IOException {
        Path scenes = dir.resolve("scenes");
        if (!Files.exists(scenes)) MosaicScenes.builder().setSource(solid(8)).optCell(28).optScenes(60).optSeed(5).optImageFormat("png").build().write(scenes, (d, t) -> { });
        MultiLabelSet set = MultiLabelSpecs.open("multilabel:" + scenes.resolve("labels.csv"));
        int n = set.size(), l = set.classes().size(), h = 4, w = 4;
        float[] maps = new float[n * l * h * w];
        float[] scores = new float[n * l];
        Random random = new Random(1);
        for (int i = 0; i < n; i++) {
            MultiLabelSet.Mask mask = set.mask(i);
            int source = shuffleMaps ? (i + 7) % n : i;
            MultiLabelSet.Mask planted = set.mask(source);
            for (int k = 0; k < l; k++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        // Each map location reads the class at its centre in the mask.
                        int cls = planted.classAt(y * mask.height() / h + mask.height() / (2 * h), x * mask.width() / w + mask.width() / (2 * w));
                        maps[((i * l + k) * h + y) * w + x] = (cls == k ? 6f : -6f) + offset + (float) random.nextGaussian() * 0.3f;
                    }
                }
                final int kk = k;
                boolean present = IntStream.of(set.labels(source)).anyMatch(c -> c == kk);
                scores[i * l + k] = present ? 0.9f + random.nextFloat() * 0.05f : random.nextFloat() * 0.5f;
            }
        }
        Path out = dir.resolve(name);
        Files.createDirectories(out);
        Files.write(out.resolve("labels.txt"), set.classes());
        Files.write(out.resolve("ids.txt"), IntStream.range(0, n).mapToObj(set::id).toList());
        Npy.write(out.resolve("scores.npy"), scores, n, l);
        Npy.write(out.resolve("maps.npy"), maps, n, l, h, w);
        Files.writeString(out.resolve("manifest.json"), "{\"model\": \"planted\"}");
        return set;
    }

    @Test
    void plantedScoresScorePerfectlyAndShuffledOnesDoNot() throws Exception {
        MultiLabelSet set = scenesWithPlantedScores(dir, false);
        scenesWithPlantedScores(dir, true);
        SceneEvaluation.Result good = SceneEvaluation.builder().setScores(ScoresDirectory.open(dir.resolve("scores"))).setData(set)
                .optScale(SceneEvaluation.MapScale.SIGMOID).optQueries(40).build().run((d, t) -> { });
        assertThat(good.map().mean()).isEqualTo(1.0);
        assertThat(good.hitAt1()).isNull();
        // Bilinear upsampling blurs a band along cell edges, so not every pixel is right.
        assertThat(good.localisation().miou()).isGreaterThan(0.75);
        assertThat(good.localisation().bestMiou()).isGreaterThanOrEqualTo(good.localisation().miou());
        assertThat(good.localisation().thresholds()).hasSize(19).contains(0.8);
        assertThat(good.segmentation().meanBestIou()).isGreaterThan(0.6);
        assertThat(good.search().precisionAt10()).isEqualTo(1.0);

        SceneEvaluation.Result bad = SceneEvaluation.builder().setScores(ScoresDirectory.open(dir.resolve("shuffled"))).setData(set)
                .optScale(SceneEvaluation.MapScale.SIGMOID).optQueries(40).build().run((d, t) -> { });
        assertThat(bad.map().mean()).isLessThan(0.8);
        assertThat(bad.localisation().miou()).isLessThan(good.localisation().miou() - 0.2);
        assertThat(bad.search().precisionAt10()).isLessThan(0.7);
    }

    /** Maps that rank locations well but whose logits all sit below zero, as unseen words' do. */
    @Test
    void theImageRangeScaleFindsObjectsWhereSigmoidAtTheDefaultThresholdMarksNothing() throws Exception {
        MultiLabelSet set = scenesWithPlantedScores(dir, false, -10f, "low");
        ScoresDirectory low = ScoresDirectory.open(dir.resolve("low"));
        SceneEvaluation.Result sigmoid = SceneEvaluation.builder().setScores(low).setData(set).optScale(SceneEvaluation.MapScale.SIGMOID)
                .optQueries(0).optSegments(0).build().run((d, t) -> { });
        SceneEvaluation.Result range = SceneEvaluation.builder().setScores(low).setData(set)
                .optQueries(0).optSegments(0).build().run((d, t) -> { });
        assertThat(sigmoid.localisation().scale()).isEqualTo(SceneEvaluation.MapScale.SIGMOID);
        assertThat(sigmoid.localisation().miouForeground()).isZero();
        assertThat(range.localisation().scale()).isEqualTo(SceneEvaluation.MapScale.IMAGE_RANGE);
        // 0.8 of the range is +3.6 on the planted ±6 logits, so the bilinear band along cell edges is wider than at sigmoid's 0.
        assertThat(range.localisation().miou()).isGreaterThan(0.6);
        assertThat(range.localisation().bestMiou()).isGreaterThan(0.75);
        // The same maps without the offset (same noise: same seed) scale to the same values.
        scenesWithPlantedScores(dir, false);
        SceneEvaluation.Result plain = SceneEvaluation.builder().setScores(ScoresDirectory.open(dir.resolve("scores"))).setData(set)
                .optQueries(0).optSegments(0).build().run((d, t) -> { });
        assertThat(range.localisation().miouCurve()).containsExactly(plain.localisation().miouCurve(), org.assertj.core.data.Offset.offset(1e-3));
    }

    @Test
    void aLabelListRestrictsTheEvaluationAndPixelsOfOtherClassesAreIgnored() throws Exception {
        MultiLabelSet set = scenesWithPlantedScores(dir, false);
        SceneEvaluation.Result r = SceneEvaluation.builder().setScores(ScoresDirectory.open(dir.resolve("scores"))).setData(set)
                .optLabels(List.of("word2", "word5"), "test list").optQueries(0).optSegments(0).build().run((d, t) -> { });
        assertThat(r.labels()).containsExactly("word2", "word5");
        assertThat(r.map().perLabel()).hasSize(2);
        assertThat(r.localisation().ignoredPixels()).isPositive();
        assertThat(r.search()).isNull();
        assertThat(r.segmentation()).isNull();
    }

    @Test
    void mapSearchFindsAPlantedScene() throws Exception {
        MultiLabelSet set = scenesWithPlantedScores(dir, false);
        ScoresDirectory scores = ScoresDirectory.open(dir.resolve("scores"));
        // Find a scene with word3 filling the top-left cell and nothing in the top-right one.
        MapQuery q = MapQuery.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"word3\": [[1, -1], [0, 0]]}"), "test");
        List<MapSearcher.Hit> hits = MapSearcher.search(scores, q, 5);
        MultiLabelSet.Mask top = set.mask(hits.get(0).image());
        assertThat(top.classAt(10, 10)).isEqualTo(3);
        assertThat(top.classAt(10, 45)).isNotEqualTo(3);
        assertThat(hits.get(0).score()).isGreaterThan(hits.get(4).score() - 1e-9);
    }
}
