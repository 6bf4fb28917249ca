package imvec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.data.FashionMnist;
import imvec.data.TestData;
import imvec.finetune.TunedBackbone;
import imvec.model.Tensor;
import imvec.onnx.OnnxBackbone;
import imvec.spatial.SpatialJob;
import imvec.spatial.SpatialRun;
import imvec.store.Npy;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `imvec spatial train --tune-from` end to end on 40 Fashion-MNIST test images through MobileNet,
 * tuning its last pointwise block with the head for one epoch: what the model records, that the
 * saved model's maps come from the tuned tail, that it scores like any model; and the bad inputs,
 * one sentence each, exit ≠ 0, nothing written.
 */
class SpatialTuneCommandTest {
    private static final String DATA = "fashion-mnist:test[spread 40]";
    private static final String FROM = "conv_dw_13_relu", TAP = "conv_pw_13_relu";

    @TempDir
    static Path dir;
    private static Path model, backbone, words;
    private static Cli.Outcome trained;

    private Cli.Outcome last;

    @BeforeAll
    static void trainATunedModel() {
        Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR), "Fashion-MNIST is not installed; skipping");
        backbone = TestData.sharedData("imagenet-models/mobilenet-v1-0.75-224.onnx");
        words = TestData.sharedData("glove-6b-100d-subset/vectors.txt");
        model = dir.resolve("model");
        trained = Cli.run("spatial", "train", "--data", DATA, "--backbone", backbone.toString(), "--words", words.toString(),
                "--blocks", "2", "--epochs", "1", "--seed", "3", "--tune-from", FROM, "--tune-lr", "1e-3", "--json",
                "--out", model.toString());
        assertThat(trained.exit()).as(trained.err()).isZero();
    }

    @Test
    void theModelRecordsWhatWasTunedAndHowFast() throws Exception {
        JsonNode head = new ObjectMapper().readTree(model.resolve(SpatialRun.FILE).toFile());
        assertThat(head.get("tune_from").asText()).isEqualTo(FROM);
        assertThat(head.get("tune_learning_rate").asDouble()).isEqualTo(1e-3);
        assertThat(head.get("tuned_parameters")).extracting(JsonNode::asText)
                .containsExactly("conv_pw_13/W", "conv_pw_13_bn/gamma", "conv_pw_13_bn/beta");
        assertThat(head.get("tuned_values").asLong()).isEqualTo(768L * 768 + 2 * 768);
        assertThat(head.get("backbone").asText()).isEqualTo(backbone.toAbsolutePath().toString());
        assertThat(head.get("channels").asInt()).isEqualTo(768);
        assertThat(head.get("seed").asInt()).isEqualTo(3);
        assertThat(new ObjectMapper().readTree(trained.out()).get("tune_from").asText()).isEqualTo(FROM);
        assertThat(model.resolve(SpatialRun.TUNED_DIR).resolve("tuned.json")).isRegularFile();
    }

    @Test
    void theSavedModelsMapsComeFromTheTunedTail() throws Exception {
        SpatialRun run = SpatialRun.load(model);
        SpatialJob.Tap tap = SpatialJob.Tap.of(run);
        assertThat(tap.model()).isEqualTo(model.toAbsolutePath().resolve(SpatialRun.TUNED_DIR));
        Random r = new Random(1);
        float[] x = new float[2 * 3 * 224 * 224];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        Map<String, Tensor> frozen, tuned;
        try (OnnxBackbone b = OnnxBackbone.open(backbone, null)) {
            frozen = b.forward(x, 2, List.of(FROM, TAP));
        }
        try (TunedBackbone b = TunedBackbone.load(tap.model())) {
            tuned = b.forward(x, 2, List.of(FROM, TAP));
        }
        // Before the tuned tensor nothing changed; after it, training moved the tap.
        assertThat(tuned.get(FROM).data()).containsExactly(frozen.get(FROM).data());
        double diff = 0;
        for (int i = 0; i < tuned.get(TAP).data().length; i++) diff = Math.max(diff, Math.abs(tuned.get(TAP).data()[i] - frozen.get(TAP).data()[i]));
        assertThat(diff).isGreaterThan(1e-3);
    }

    @Test
    void theTunedModelScoresAnyWordsLikeAnyModel() throws Exception {
        Path out = dir.resolve("scores"), labels = Files.writeString(dir.resolve("labels.txt"), "trouser\nbag\nsneaker\n");
        last = Cli.run("spatial", "score", "--model", model.toString(), "--data", DATA, "--labels", labels.toString(),
                "--words", words.toString(), "--out", out.toString());
        assertThat(last.exit()).as(last.err()).isZero();
        Npy.Array s = Npy.read(out.resolve("scores.npy"));
        assertThat(s.shape()).containsExactly(40, 3);
        for (float v : s.floats()) assertThat(v).isBetween(0f, 1f);
    }

    private void assertOneSentence(String mention, String... args) {
        assertOneSentence(backbone, mention, args);
    }

    private void assertOneSentence(Path backbone, String mention, String... args) {
        Path out = dir.resolve("bad-" + Math.abs(String.join(" ", args).hashCode()));
        String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("spatial", "train", "--data", DATA,
                "--backbone", backbone.toString(), "--words", words.toString(), "--epochs", "1", "--out", out.toString()),
                java.util.Arrays.stream(args)).toArray(String[]::new);
        last = Cli.run(all);
        String e = last.err();
        assertThat(last.exit()).as(e).isNotZero();
        List<String> lines = e.lines().filter(l -> !l.isBlank()).filter(l -> !l.contains("NNPACK")).toList();
        assertThat(lines).as(e).hasSize(1);
        assertThat(lines.get(0)).startsWith("imvec: ").contains(mention).doesNotContain("Exception");
        assertThat(out).doesNotExist();
    }

    @Test
    void badTuningInputsAreOneSentenceAndWriteNothing() {
        assertOneSentence("did you mean conv_dw_13_relu", "--tune-from", "conv_dw_13_rel");
        assertOneSentence("'logits' does not come before the tap 'conv_pw_13_relu'", "--tune-from", "logits");
        assertOneSentence("does not come before the tap", "--tune-from", TAP);
        assertOneSentence("ConSE trains nothing", "--head", "conse", "--tune-from", FROM);
        assertOneSentence(model.resolve(SpatialRun.TUNED_DIR), "tunes ONNX backbones only", "--tune-from", FROM);
        assertOneSentence("must be positive", "--tune-from", FROM, "--tune-lr", "0");
    }
}
