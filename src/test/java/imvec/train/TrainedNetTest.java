package imvec.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.model.Backbone;
import imvec.model.LayerInfo;
import imvec.model.ModelCard;
import imvec.model.ProgressListener;
import imvec.model.Tensor;
import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TrainedNetTest {
    private static final List<String> TEN = IntStream.range(0, 10).mapToObj(i -> "class" + i).toList();
    private static final List<String> FM_LAYERS = List.of("conv1", "conv1_bn", "conv1_relu", "pool1",
            "conv2", "conv2_bn", "conv2_relu", "pool2", "flatten", "fc1", "fc1_relu", "dropout", "logits",
            "probabilities");

    @TempDir
    Path tmp;

    private static TrainedNet freshFmCnn(int seed) {
        return Training.builder().optSeed(seed).build().newNet(TEN);
    }

    private static List<String> names(Backbone net) {
        return net.layers().stream().map(LayerInfo::name).toList();
    }

    @Test
    void fmCnnListsEveryLayerWithItsShape() {
        try (TrainedNet net = freshFmCnn(1)) {
            assertThat(names(net)).containsExactlyElementsOf(FM_LAYERS);
            Map<String, long[]> shapes = new java.util.HashMap<>();
            net.layers().forEach(l -> shapes.put(l.name(), l.shape()));
            assertThat(shapes.get("conv1")).containsExactly(-1, 32, 28, 28);
            assertThat(shapes.get("pool1")).containsExactly(-1, 32, 14, 14);
            assertThat(shapes.get("conv2_relu")).containsExactly(-1, 64, 14, 14);
            assertThat(shapes.get("pool2")).containsExactly(-1, 64, 7, 7);
            assertThat(shapes.get("flatten")).containsExactly(-1, 64 * 7 * 7);
            assertThat(shapes.get("fc1_relu")).containsExactly(-1, 128);
            assertThat(shapes.get("logits")).containsExactly(-1, 10);
            assertThat(shapes.get("probabilities")).containsExactly(-1, 10);
            assertThat(net.layers().get(0).opType()).isEqualTo("Conv");
            assertThat(net.layers().getLast().opType()).isEqualTo("Softmax");
        }
    }

    @Test
    void atALargerInputOnlyTheConvolutionalLayersAreTappedAndTheyMatchTheNativeSizeAwayFromTheSeam() {
        try (TrainedNet net = freshFmCnn(3)) {
            Backbone wide = net.atInputSize(56, 56);
            assertThat(names(wide)).containsExactlyElementsOf(FM_LAYERS.subList(0, 8));
            assertThat(wide.layers().get(7).shape()).containsExactly(-1, 64, 14, 14);
            assertThat(wide.card().height()).isEqualTo(56);
            float[] one = SyntheticImages.bands(1, 10, 1, 28, 28, 7).x();
            float[] mosaic = new float[56 * 56]; // the image in the top-left cell, zeros elsewhere
            for (int y = 0; y < 28; y++) System.arraycopy(one, y * 28, mosaic, y * 56, 28);
            float[] small = net.forward(one, 1, List.of("conv1")).get("conv1").data();
            float[] large = wide.forward(mosaic, 1, List.of("conv1")).get("conv1").data();
            // A 3×3 convolution at rows and columns 0..26 reads only pixels 0..27 and the same zero padding.
            for (int c = 0; c < 32; c++) {
                for (int y = 0; y < 27; y++) {
                    for (int x = 0; x < 27; x++) {
                        assertThat(large[(c * 56 + y) * 56 + x]).isCloseTo(small[(c * 28 + y) * 28 + x], within(1e-5f));
                    }
                }
            }
            assertThatThrownBy(() -> wide.forward(mosaic, 1, List.of("fc1"))).isInstanceOf(UserError.class)
                    .hasMessageContaining("only the convolutional layers");
            assertThatThrownBy(() -> net.atInputSize(14, 14)).isInstanceOf(UserError.class).hasMessageContaining("at least 28×28");
        }
    }

    @Test
    void forwardReturnsEveryRequestedLayerWithTheListedShape() {
        try (TrainedNet net = freshFmCnn(1)) {
            SyntheticImages images = SyntheticImages.bands(3, 10, 1, 28, 28, 5);
            Map<String, Tensor> out = net.forward(images.x(), 3, names(net));
            assertThat(out.keySet()).containsExactlyElementsOf(FM_LAYERS);
            for (LayerInfo layer : net.layers()) {
                long[] expected = layer.shape().clone();
                expected[0] = 3;
                assertThat(out.get(layer.name()).shape()).as(layer.name()).containsExactly(expected);
            }
            // Inference mode: dropout passes values through unchanged.
            assertThat(out.get("dropout").data()).containsExactly(out.get("fc1_relu").data());
            float[] relu = out.get("conv1_relu").data();
            float[] bn = out.get("conv1_bn").data();
            for (int i = 0; i < relu.length; i++) {
                assertThat(relu[i]).isEqualTo(Math.max(0f, bn[i]));
            }
        }
    }

    @Test
    void probabilitiesSumToOneAndAgreeWithLogits() {
        try (TrainedNet net = freshFmCnn(3)) {
            int n = 7;
            SyntheticImages images = SyntheticImages.bands(n, 10, 1, 28, 28, 6);
            Map<String, Tensor> out = net.forward(images.x(), n, List.of("probabilities", "logits"));
            float[] p = out.get("probabilities").data();
            float[] z = out.get("logits").data();
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int k = 0; k < 10; k++) {
                    sum += p[i * 10 + k];
                }
                assertThat(sum).as("row %d", i).isCloseTo(1.0, within(1e-5));
                assertThat(argMax(p, i, 10)).as("row %d", i).isEqualTo(argMax(z, i, 10));
            }
        }
    }

    @Test
    void forwardOfOnlyAnEarlyLayerStillMatchesAFullRun() {
        try (TrainedNet net = freshFmCnn(1)) {
            SyntheticImages images = SyntheticImages.bands(2, 10, 1, 28, 28, 7);
            float[] early = net.forward(images.x(), 2, List.of("pool1")).get("pool1").data();
            float[] full = net.forward(images.x(), 2, List.of("probabilities", "pool1")).get("pool1").data();
            assertThat(early).containsExactly(full);
        }
    }

    @Test
    void unknownLayerIsAUserError() {
        try (TrainedNet net = freshFmCnn(1)) {
            assertThatThrownBy(() -> net.forward(new float[784], 1, List.of("conv9")))
                    .isInstanceOf(UserError.class)
                    .hasMessageContaining("conv9").hasMessageContaining("fc1_relu");
        }
    }

    @Test
    void saveThenLoadGivesIdenticalOutputsHashAndCard() throws IOException {
        Training training = Training.builder().optEpochs(1).optBatchSize(32)
                .optNormalisation(new float[] {0.25f}, new float[] {0.5f})
                .optDataLicence("MIT").optDataSpec("synthetic:train", "synthetic:test").build();
        SyntheticImages images = SyntheticImages.bands(64, 10, 1, 28, 28, 8);
        Path dir = tmp.resolve("model");
        Map<String, Tensor> before;
        String shaBefore;
        try (TrainedNet net = training.newNet(TEN)) {
            training.train(net, images.x(), images.y(), 64, images.x(), images.y(), 64, ProgressListener.NONE);
            shaBefore = net.sha256();
            net.save(dir);
            assertThat(net.sha256()).isEqualTo(shaBefore);
            before = net.forward(java.util.Arrays.copyOf(images.x(), 5 * 784), 5, FM_LAYERS);
        }
        assertThat(dir).isDirectory();
        try (var list = Files.list(tmp)) {
            assertThat(list.map(p -> p.getFileName().toString())).containsExactly("model");
        }
        assertThat(sha256(dir.resolve(TrainedNet.PARAMS_FILE))).isEqualTo(shaBefore);

        try (TrainedNet loaded = TrainedNet.load(dir)) {
            assertThat(loaded.sha256()).isEqualTo(shaBefore);
            assertThat(loaded.path()).isEqualTo(dir.toAbsolutePath());
            Map<String, Tensor> after = loaded.forward(java.util.Arrays.copyOf(images.x(), 5 * 784), 5, FM_LAYERS);
            for (String layer : FM_LAYERS) {
                assertThat(after.get(layer).data()).as(layer).containsExactly(before.get(layer).data());
            }
            ModelCard card = loaded.card();
            assertThat(card.classes()).isEqualTo(TEN);
            assertThat(card.mean()).containsExactly(0.25f);
            assertThat(card.std()).containsExactly(0.5f);
            assertThat(card.channels()).isEqualTo(1);
            assertThat(card.height()).isEqualTo(28);
            assertThat(card.resize()).isEqualTo("stretch");
            assertThat(card.outputLayer()).isEqualTo("probabilities");
            assertThat(card.featureLayer()).isEqualTo("fc1_relu");
            assertThat(card.licence()).isEqualTo("MIT");
            assertThat(card.source()).isEqualTo("trained by imvec");
            assertThat(loaded.trainingRecord().seed()).isEqualTo(1);
            assertThat(loaded.trainingRecord().dataSpec()).isEqualTo("synthetic:train");
            assertThat(loaded.trainingRecord().result().epochs()).hasSize(1);
        }
        JsonNode training0 = new ObjectMapper().readTree(dir.resolve(TrainedNet.TRAINING_FILE).toFile());
        assertThat(training0.at("/result/epochs/0/test_accuracy").isNumber()).isTrue();
        assertThat(training0.at("/architecture").asText()).isEqualTo("fm-cnn");
    }

    @Test
    void savingOverAModelReplacesItButNeverOverAnUnrelatedDirectory() throws IOException {
        Path dir = tmp.resolve("model");
        String second;
        try (TrainedNet first = freshFmCnn(1); TrainedNet other = freshFmCnn(2)) {
            first.save(dir);
            other.save(dir);
            second = other.sha256();
        }
        assertThat(sha256(dir.resolve(TrainedNet.PARAMS_FILE))).isEqualTo(second);
        try (var list = Files.list(tmp)) {
            assertThat(list).hasSize(1);
        }
        Path unrelated = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(unrelated.resolve("cat.jpg"), "not really");
        try (TrainedNet net = freshFmCnn(1)) {
            assertThatThrownBy(() -> net.save(unrelated)).isInstanceOf(UserError.class)
                    .hasMessageContaining("photos").hasMessageContaining("not an imvec model");
        }
        assertThat(unrelated.resolve("cat.jpg")).hasContent("not really");
    }

    @Test
    void loadingSomethingThatIsNotAModelIsAOneSentenceUserError() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> TrainedNet.load(empty)).isInstanceOf(UserError.class)
                .hasMessageEndingWith("is not an imvec model directory: it has no arch.json.");
        assertThatThrownBy(() -> TrainedNet.load(tmp.resolve("missing"))).isInstanceOf(UserError.class)
                .hasMessageContaining("no such directory");

        Path broken = tmp.resolve("broken");
        try (TrainedNet net = freshFmCnn(1)) {
            net.save(broken);
        }
        Files.write(broken.resolve(TrainedNet.PARAMS_FILE), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> TrainedNet.load(broken)).isInstanceOf(UserError.class)
                .hasMessageContaining(TrainedNet.PARAMS_FILE);

        Files.writeString(broken.resolve(TrainedNet.ARCH_FILE), "{not json");
        assertThatThrownBy(() -> TrainedNet.load(broken)).isInstanceOf(UserError.class)
                .hasMessageContaining("arch.json is not valid");
    }

    @Test
    void cifarCnnListsItsLayersAndRunsABatch() {
        Training training = Training.builder().optArchitecture("cifar-cnn").build();
        try (TrainedNet net = training.newNet(TEN)) {
            List<String> names = names(net);
            assertThat(names).startsWith("conv1_1", "conv1_1_bn", "conv1_1_relu", "conv1_2", "conv1_2_bn",
                    "conv1_2_relu", "pool1");
            assertThat(names).endsWith("pool3", "flatten", "fc1", "fc1_relu", "dropout", "logits", "probabilities");
            assertThat(net.layers().get(names.indexOf("pool3")).shape()).containsExactly(-1, 128, 4, 4);
            SyntheticImages images = SyntheticImages.bands(4, 10, 3, 32, 32, 9);
            Tensor p = net.forward(images.x(), 4, List.of("probabilities")).get("probabilities");
            assertThat(p.shape()).containsExactly(4, 10);
        }
    }

    static int argMax(float[] values, int row, int width) {
        int best = 0;
        for (int k = 1; k < width; k++) {
            if (values[row * width + k] > values[row * width + best]) {
                best = k;
            }
        }
        return best;
    }

    static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
