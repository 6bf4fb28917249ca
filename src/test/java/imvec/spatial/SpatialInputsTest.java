package imvec.spatial;

import imvec.data.TestData;
import imvec.onnx.OnnxBackbone;
import imvec.util.UserError;
import imvec.words.LabelVectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpatialInputsTest {
    private static Path glove() {
        return TestData.sharedData("glove-6b-100d-subset/vectors.txt");
    }

    @Test
    void anUnknownWordGetsADidYouMean() {
        assertThatThrownBy(() -> LabelVectors.require(List.of("dog", "zebraa"), glove(), Map.of()))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("'zebraa' has no word vector")
                .hasMessageContaining("did you mean").hasMessageContaining("zebra");
    }

    @Test
    void labelsWithNoVectorAreAllListed() {
        assertThatThrownBy(() -> LabelVectors.require(List.of("dog", "qqxqz", "zzvvkk"), glove(), Map.of()))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("2 labels have no word vector").hasMessageContaining("qqxqz").hasMessageContaining("zzvvkk");
        LabelVectors r = LabelVectors.resolve(List.of("dog", "qqxqz", "cat"), glove(), Map.of(), Map.of());
        assertThat(r.names()).containsExactly("dog", "cat");
        assertThat(r.droppedLabels()).containsExactly("qqxqz");
        assertThat(r.dims()).isEqualTo(100);
    }

    @Test
    void aTapWithNoSpatialDimsIsRefusedInOneSentence() {
        Path model = TestData.sharedData("imagenet-models/mobilenet-v1-0.75-224.onnx");
        try (OnnxBackbone b = OnnxBackbone.open(model, null)) {
            assertThatThrownBy(() -> BackboneMaps.requireSpatial(b, "probabilities"))
                    .isInstanceOf(UserError.class).hasMessageContaining("no spatial dims");
            BackboneMaps.requireSpatial(b, "conv_pw_13_relu");
        }
    }

    @Test
    void freeInputSizeGivesA14By14MapFor448Mosaics() {
        Path model = TestData.sharedData("imagenet-models/mobilenet-v1-0.75-224.onnx");
        SpatialJob.Tap tap = new SpatialJob.Tap(model, "conv_pw_13_relu", 448);
        try (var b = tap.open()) {
            var t = b.forward(new float[3 * 448 * 448], 1, List.of("conv_pw_13_relu")).get("conv_pw_13_relu");
            assertThat(t.shape()).containsExactly(1, 768, 14, 14);
        }
    }

    @Test
    void scoresDirectoryHoldsEveryFileAndNothingHalfWritten(@TempDir Path dir) throws Exception {
        Scores s = new Scores(List.of("a", "b"), List.of("dog", "cat", "sky"), 2, 3, new float[6], new float[36]);
        Path out = dir.resolve("scores");
        ScoresDirectory.write(out, s, Map.of("model", "m"));
        assertThat(Files.readAllLines(out.resolve("labels.txt"))).containsExactly("dog", "cat", "sky");
        assertThat(Files.readAllLines(out.resolve("ids.txt"))).containsExactly("a", "b");
        assertThat(imvec.store.Npy.read(out.resolve("maps.npy")).shape()).containsExactly(2, 3, 2, 3);
        assertThat(imvec.store.Npy.read(out.resolve("scores.npy")).shape()).containsExactly(2, 3);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("scores");
        }
    }
}
