package imvec.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import imvec.data.Preprocess;
import imvec.model.LayerInfo;
import imvec.model.ModelCard;
import imvec.model.Tensor;
import imvec.onnx.proto.OnnxProto.ModelProto;
import imvec.onnx.proto.OnnxProto.TensorProto;
import imvec.util.UserError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Tapping the real ImageNet MobileNet v1 α0.75 on real sample images. */
class OnnxBackboneTest {
    private static final int N = 4;
    private static Path model;
    private static OnnxBackbone mobilenet;
    private static float[] images;

    @BeforeAll
    static void open() throws Exception {
        model = OnnxFixtures.data(OnnxFixtures.MOBILENET);
        mobilenet = OnnxBackbone.open(model, OnnxFixtures.mobilenetCard());
        List<Path> all = OnnxFixtures.sampleImages();
        // Spread over the class list: fish, birds, dogs, objects.
        List<Path> some = List.of(all.get(0), all.get(130), all.get(250), all.get(900));
        images = OnnxFixtures.batch(some, OnnxFixtures.mobilenetPreprocess(Preprocess.Sampling.ASYMMETRIC));
    }

    @AfterAll
    static void close() {
        if (mobilenet != null) mobilenet.close();
    }

    @Test
    void layersListInputThenEveryNodeOutputWithOpTypeAndShape() {
        List<LayerInfo> layers = mobilenet.layers();
        Map<String, LayerInfo> byName = new java.util.HashMap<>();
        layers.forEach(l -> byName.put(l.name(), l));

        assertThat(layers.get(0).name()).isEqualTo("input");
        assertThat(layers.get(0).shape()).containsExactly(-1, 3, 224, 224);
        assertThat(byName.get("conv_pw_13_relu").opType()).isEqualTo("Clip");
        assertThat(byName.get("conv_pw_13_relu").shape()).containsExactly(-1, 768, 7, 7);
        // Not a graph output of the file: the shape must come from ONNX Runtime's inference.
        assertThat(byName.get("conv_pw_13_bn").opType()).isEqualTo("BatchNormalization");
        assertThat(byName.get("conv_pw_13_bn").shape()).containsExactly(-1, 768, 7, 7);
        assertThat(byName.get("conv1").opType()).isEqualTo("Conv");
        assertThat(byName.get("conv_dw_1").shape()).containsExactly(-1, 24, 112, 112);
        assertThat(byName.get("probabilities").shape()).containsExactly(-1, 1000);
        // 86 nodes with one output each, plus the input; weights are not layers.
        assertThat(layers).hasSize(87);
        assertThat(byName).doesNotContainKeys("conv1/W", "relu6_min", "conv_preds/B");
        assertThat(names(layers).indexOf("conv1")).isLessThan(names(layers).indexOf("conv1_bn"));
    }

    @Test
    void listLayersNeedsNoCard() {
        assertThat(names(OnnxBackbone.listLayers(model))).isEqualTo(names(mobilenet.layers()));
    }

    @Test
    void globalPoolingIsTheSpatialMeanOfTheLastFeatureMap() {
        Map<String, Tensor> out = mobilenet.forward(images, N,
                List.of("conv_pw_13_relu", "global_average_pooling2d_1", "probabilities"));
        Tensor map = out.get("conv_pw_13_relu");
        Tensor pooled = out.get("global_average_pooling2d_1");
        assertThat(map.shape()).containsExactly(N, 768, 7, 7);
        assertThat(pooled.shape()).containsExactly(N, 768);
        for (int i = 0; i < N * 768; i++) {
            double sum = 0;
            for (int p = 0; p < 49; p++) sum += map.data()[i * 49 + p];
            assertThat(sum / 49).as("channel %d", i).isCloseTo(pooled.data()[i], within(1e-4));
        }
    }

    @Test
    void probabilitiesSumToOnePerImage() {
        Tensor p = mobilenet.forward(images, N, List.of("probabilities")).get("probabilities");
        assertThat(p.shape()).containsExactly(N, 1000);
        for (int i = 0; i < N; i++) {
            double sum = 0;
            for (int k = 0; k < 1000; k++) sum += p.data()[i * 1000 + k];
            assertThat(sum).isCloseTo(1.0, within(1e-4));
        }
    }

    @Test
    void innerBatchNormOutputIsTappableAndClipsToTheRelu6() {
        Map<String, Tensor> out = mobilenet.forward(images, N, List.of("conv_pw_13_bn", "conv_pw_13_relu"));
        Tensor bn = out.get("conv_pw_13_bn");
        Tensor relu6 = out.get("conv_pw_13_relu");
        assertThat(bn.shape()).containsExactly(N, 768, 7, 7);
        // Tapping must not fuse the batch norm away: it must hold negative and above-6 values
        // that the Clip then bounds.
        assertThat(min(bn.data())).isNegative();
        for (int i = 0; i < bn.data().length; i++) {
            assertThat(relu6.data()[i]).isCloseTo(Math.min(6f, Math.max(0f, bn.data()[i])), within(1e-5f));
        }
    }

    @Test
    void aTappedConvOutputIsNotFusedWithItsBatchNorm() throws Exception {
        // Full optimisation folds BatchNormalization into the preceding Conv unless the Conv's
        // output is a graph output; tapping it must give the raw convolution.
        Map<String, Tensor> out = mobilenet.forward(images, N, List.of("conv_pw_13", "conv_pw_13_bn"));
        float[] conv = out.get("conv_pw_13").data();
        float[] bn = out.get("conv_pw_13_bn").data();
        ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(model));
        float[] gamma = initializer(proto, "conv_pw_13_bn/gamma"), beta = initializer(proto, "conv_pw_13_bn/beta");
        float[] mean = initializer(proto, "conv_pw_13_bn/moving_mean"), var = initializer(proto, "conv_pw_13_bn/moving_variance");
        for (int i = 0; i < conv.length; i++) {
            int c = (i / 49) % 768;
            double expected = gamma[c] * (conv[i] - mean[c]) / Math.sqrt(var[c] + 1e-3) + beta[c];
            assertThat((double) bn[i]).isCloseTo(expected, within(1e-3));
        }
    }

    @Test
    void answersInTheRequestedOrderAndTheInputItself() {
        Map<String, Tensor> out = mobilenet.forward(images, N, List.of("probabilities", "input", "conv1"));
        assertThat(out.keySet()).containsExactly("probabilities", "input", "conv1");
        assertThat(out.get("input").data()).isEqualTo(images);
        assertThat(out.get("conv1").shape()).containsExactly(N, 24, 112, 112);
    }

    @Test
    void unknownLayerNamesTheModelAndSuggestsCloseNames() {
        assertThatThrownBy(() -> mobilenet.forward(images, N, List.of("conv_pw13_relu")))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("unknown layer 'conv_pw13_relu' in mobilenet-v1-0.75-224.onnx; did you mean conv_pw_13_relu");
        assertThatThrownBy(() -> mobilenet.forward(images, N, List.of("pw_13")))
                .hasMessageContaining("did you mean conv_pw_13, conv_pw_13_bn, conv_pw_13_relu?");
    }

    @Test
    void aTextFileIsNotAnOnnxModel(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("notes.onnx");
        Files.writeString(text, "these are my notes, not a model\n");
        assertThatThrownBy(() -> OnnxBackbone.open(text, null))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith(text + " is not an ONNX model: ");
        Path empty = Files.createFile(dir.resolve("empty.onnx"));
        assertThatThrownBy(() -> OnnxBackbone.listLayers(empty)).hasMessageContaining("is not an ONNX model");
    }

    @Test
    void parseAndSerialiseKeepsTheWholeModel() throws Exception {
        byte[] original = Files.readAllBytes(model);
        byte[] again = OnnxGraph.parse(model, original).serialise();
        // Not byte-identical: this file packs repeated ints (tensor dims) where protobuf writes
        // them unpacked; both encodings decode to the same message.
        assertThat(ModelProto.parseFrom(again)).isEqualTo(ModelProto.parseFrom(original));
        assertThat(probabilities(again)).isEqualTo(probabilities(original));
    }

    @Test
    void sha256IsTheFilesDigest() {
        assertThat(mobilenet.sha256()).isEqualTo("70ad9cb79d64f66b0952b2b409738b4878465029b306ed0e8d11b0e83cd09463");
    }

    @Test
    void withoutACardTheGraphGivesSizeAndTheDefaultsAreNeutral() {
        ModelCard card = CardCompletion.complete(null, OnnxGraph.read(model), false);
        assertThat(card.input()).isEqualTo("input");
        assertThat(List.of(card.channels(), card.height(), card.width())).containsExactly(3, 224, 224);
        assertThat(card.mean()).containsExactly(0f, 0f, 0f);
        assertThat(card.std()).containsExactly(1f, 1f, 1f);
        assertThat(card.resize()).isEqualTo("stretch");
        assertThat(card.outputLayer()).isEqualTo("probabilities");
    }

    /** Runs the model straight from bytes with plain ONNX Runtime, one thread, no edits. */
    private static float[] probabilities(byte[] bytes) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(bytes, options);
                 OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(images), new long[] {N, 3, 224, 224});
                 OrtSession.Result r = session.run(Map.of("input", x), java.util.Set.of("probabilities"))) {
                return ((OnnxTensor) r.get("probabilities").orElseThrow()).getFloatBuffer().array();
            }
        }
    }

    private static float[] initializer(ModelProto proto, String name) {
        TensorProto t = proto.getGraph().getInitializerList().stream().filter(i -> i.getName().equals(name))
                .findFirst().orElseThrow();
        if (t.getFloatDataCount() > 0) {
            float[] out = new float[t.getFloatDataCount()];
            for (int i = 0; i < out.length; i++) out[i] = t.getFloatData(i);
            return out;
        }
        FloatBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] out = new float[raw.remaining()];
        raw.get(out);
        return out;
    }

    private static List<String> names(List<LayerInfo> layers) {
        return layers.stream().map(LayerInfo::name).toList();
    }

    private static float min(float[] v) {
        float m = Float.POSITIVE_INFINITY;
        for (float x : v) m = Math.min(m, x);
        return m;
    }
}
