package imvec.explore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.data.TestData;
import imvec.model.ProgressListener;
import imvec.spatial.SpatialJob;
import imvec.spatial.SpatialRun;
import imvec.spatial.SpatialTraining;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model trained with {@code --tune-from} (MobileNet's last pointwise block tuned with the head,
 * saved head-less in {@code MODEL/tuned-backbone/}) opened in the explorer beside the same model
 * trained frozen: both give word layouts and localisation maps, the tuned one's region cache is
 * built from the tuned backbone, and its answers differ from the frozen model's.
 */
class ExploreTunedModelTest {
    @TempDir
    static Path dir;
    static ExploreRun run;
    static ExploreServer frozen, tuned;
    static Path tunedModel;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void trainBoth() throws Exception {
        Path mobilenet = TestData.sharedData("imagenet-models/mobilenet-v1-0.75-224.onnx");
        Path words = TestData.sharedData("glove-6b-100d-subset/vectors.txt");
        Path scenes = dir.resolve("scenes");
        SpatialFixture.writeTrainingScenes(scenes, 48, 1);
        String spec = "multilabel:" + scenes.resolve("labels.csv") + "#masks=none";
        SpatialJob.Tap tap = new SpatialJob.Tap(mobilenet, "conv_pw_13_relu", 128);
        SpatialRun f = SpatialJob.train(spec, tap, words, null, List.of(), training(null), d -> { }, ProgressListener.NONE);
        f.save(dir.resolve("frozen"));
        SpatialRun t = SpatialJob.train(spec, tap, words, null, List.of(), training("conv_dw_13_relu"), d -> { }, ProgressListener.NONE);
        tunedModel = dir.resolve("tuned");
        t.save(tunedModel);
        Path images = dir.resolve("images");
        SpatialFixture.writeScenes(images, 8, 5);
        run = ExploreRun.open(ExploreFixture.writeRun(dir, images, -1), null);
        frozen = serve(dir.resolve("frozen"));
        tuned = serve(tunedModel);
    }

    static SpatialTraining training(String tuneFrom) {
        return SpatialTraining.builder().optBlocks(2).optEpochs(1).optBatchSize(16).optLearningRate(1e-2).optSeed(3)
                .optTuneFrom(tuneFrom).optTuneLearningRate(1e-3).build();
    }

    static ExploreServer serve(Path model) {
        SpatialExplorer s = SpatialExplorer.open(run, model, null, null, d -> { });
        return ExploreServer.builder().setRun(run).setAtlas(ThumbnailAtlas.open(run, 32, d -> { })).optSpatial(s).start();
    }

    @AfterAll
    static void stop() {
        if (frozen != null) frozen.close();
        if (tuned != null) tuned.close();
    }

    static Http.Response get(ExploreServer s, String path) throws Exception {
        Http.Response r = Http.send(s.port(), "GET", path + (path.contains("?") ? "&" : "?") + "token=" + s.token(), "127.0.0.1:" + s.port(), null, null);
        assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(200);
        return r;
    }

    static float[] layout(ExploreServer s) throws Exception {
        FloatBuffer f = ExploreSpatialServerTest.floats(get(s, "/api/wordlayout?x=blood"));
        float[] out = new float[f.remaining()];
        f.get(out);
        return out;
    }

    static double[] map(ExploreServer s, int row) throws Exception {
        JsonNode m = JSON.readTree(get(s, "/api/localise/" + row + "?word=blood").body());
        assertThat(m.get("rows").asInt()).isEqualTo(4);
        assertThat(m.get("cols").asInt()).isEqualTo(4);
        double[] v = new double[16];
        for (int i = 0; i < 16; i++) v[i] = m.get("scores").get(i).asDouble();
        return v;
    }

    @Test
    void theTunedModelsRegionCacheComesFromItsTunedBackbone() throws Exception {
        List<Path> caches;
        try (Stream<Path> s = Files.list(run.dir().resolve("explore/spatial"))) {
            caches = s.filter(p -> p.getFileName().toString().startsWith("regions-")).toList();
        }
        assertThat(caches).hasSize(2);
        List<String> backbones = caches.stream().map(c -> {
            try {
                return JSON.readTree(c.resolve("regions.json").toFile()).get("backbone").asText();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
        assertThat(backbones).contains(tunedModel.toAbsolutePath().resolve(SpatialRun.TUNED_DIR).toString());
        assertThat(JSON.readTree(get(tuned, "/api/spatial/progress").body()).get("status").asText()).isEqualTo("ready");
    }

    @Test
    void aWordLayoutComesBackAndDiffersFromTheFrozenModels() throws Exception {
        float[] t = layout(tuned), f = layout(frozen);
        assertThat(t).hasSize(run.n() * 2).hasSameSizeAs(f);
        double most = 0;
        for (int i = 0; i < t.length; i++) {
            assertThat(Math.abs(t[i])).isLessThanOrEqualTo(1.0001f);
            most = Math.max(most, Math.abs(t[i] - f[i]));
        }
        assertThat(most).isGreaterThan(1e-3);
    }

    @Test
    void aLocalisationMapComesBackAndDiffersFromTheFrozenModels() throws Exception {
        double most = 0;
        for (int row = 0; row < run.n(); row++) {
            double[] t = map(tuned, row), f = map(frozen, row);
            for (int i = 0; i < 16; i++) {
                assertThat(t[i]).isBetween(0.0, 1.0);
                most = Math.max(most, Math.abs(t[i] - f[i]));
            }
        }
        assertThat(most).isGreaterThan(1e-4);
    }
}
