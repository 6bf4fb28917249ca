package imvec.finetune;

import imvec.data.Preprocess;
import imvec.onnx.OnnxBackbone;
import imvec.onnx.OnnxFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The imported MobileNet against ONNX Runtime on real ImageNet sample images (skips without the shared data). */
class OnnxImportMobileNetTest {
    private static final int IMAGES = 6;
    private static Path model;
    private static float[] batch;

    @BeforeAll
    static void load() throws Exception {
        model = OnnxFixtures.data(OnnxFixtures.MOBILENET);
        List<Path> all = OnnxFixtures.sampleImages();
        // Spread over the class range (the files are in synset order), not the first few classes.
        List<Path> picked = java.util.stream.IntStream.range(0, IMAGES).mapToObj(i -> all.get(i * all.size() / IMAGES + 7)).toList();
        batch = OnnxFixtures.batch(picked, OnnxFixtures.mobilenetPreprocess(Preprocess.Sampling.ASYMMETRIC));
    }

    @Test
    void importingFromTheInputReproducesTheWholeModel() {
        try (OnnxBackbone onnx = OnnxBackbone.open(model, OnnxFixtures.mobilenetCard())) {
            ImportCheck.Result r = ImportCheck.run(onnx, "input", List.of("probabilities", "logits"), batch, IMAGES);
            ImportCheck.Output probabilities = r.outputs().get(0);
            assertThat(probabilities.maxAbsDiff()).isLessThanOrEqualTo(1e-4);
            assertThat(probabilities.sameTop1()).isEqualTo(IMAGES);
            // Every Conv, BatchNorm, Clip, pooling and Gemm of the network was imported, none skipped.
            assertThat(r.nodes()).isGreaterThan(80);
        }
    }

    @Test
    void importingFromTheLastBlocksGivesTheSameFeaturesAndProbabilities() {
        try (OnnxBackbone onnx = OnnxBackbone.open(model, OnnxFixtures.mobilenetCard())) {
            ImportCheck.Result r = ImportCheck.run(onnx, "conv_pw_12_relu", null, batch, IMAGES);
            assertThat(r.outputs()).extracting(ImportCheck.Output::name)
                    .contains("conv_pw_13_relu", "global_average_pooling2d_1", "logits", "probabilities")
                    .doesNotContain("conv1_relu", "conv_pw_12_relu");
            assertThat(r.maxAbsDiff()).isLessThan(1e-3);
            assertThat(ImportCheck.differences(r).get("probabilities")).isLessThanOrEqualTo(1e-4);
        }
    }
}
