package imvec.zoo;

import imvec.data.Downloader;
import imvec.data.Image;
import imvec.data.ImageSet;
import imvec.data.LocalHttpServer;
import imvec.model.ModelCard;
import imvec.model.Tensor;
import imvec.onnx.OnnxBackbone;
import imvec.onnx.OnnxGraph;
import imvec.onnx.proto.OnnxProto.GraphProto;
import imvec.onnx.proto.OnnxProto.ModelProto;
import imvec.onnx.proto.OnnxProto.NodeProto;
import imvec.onnx.proto.OnnxProto.OperatorSetIdProto;
import imvec.onnx.proto.OnnxProto.TensorProto;
import imvec.onnx.proto.OnnxProto.TensorShapeProto;
import imvec.onnx.proto.OnnxProto.TypeProto;
import imvec.onnx.proto.OnnxProto.ValueInfoProto;
import imvec.util.UserError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Model cards, the zoo's download path (against a server on 127.0.0.1) and the model table. */
class ModelZooTest {
    private static final int FLOAT = 1;
    private static final int CLASSES = 5;
    private static final int FEATURES = 4;

    @TempDir
    Path dir;

    private LocalHttpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = new LocalHttpServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private URI uri(String path) {
        return server.uri(path);
    }

    /** x[N,3,8,8] → Conv 1×1 (4 filters) → Relu → GlobalAveragePool → Flatten → Gemm(5) → Softmax. */
    static ModelProto tinyClassifier(long batch) {
        Random r = new Random(7);
        GraphProto.Builder g = GraphProto.newBuilder().setName("tiny")
                .addInput(input("x", batch, 3, 8, 8))
                .addInitializer(weights("conv_w", r, FEATURES, 3, 1, 1))
                .addInitializer(weights("conv_b", r, FEATURES))
                .addInitializer(weights("fc_w", r, FEATURES, CLASSES))
                .addInitializer(weights("fc_b", r, CLASSES))
                .addNode(node("Conv", List.of("x", "conv_w", "conv_b"), "conv"))
                .addNode(node("Relu", List.of("conv"), "relu"))
                .addNode(node("GlobalAveragePool", List.of("relu"), "pool"))
                .addNode(node("Flatten", List.of("pool"), "flat"))
                .addNode(node("Gemm", List.of("flat", "fc_w", "fc_b"), "logits"))
                .addNode(node("Softmax", List.of("logits"), "prob"))
                .addOutput(ValueInfoProto.newBuilder().setName("prob"));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("imvec-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
    }

    private static TensorProto weights(String name, Random r, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(FLOAT);
        long n = 1;
        for (long d : dims) {
            t.addDims(d);
            n *= d;
        }
        for (long i = 0; i < n; i++) t.addFloatData((float) r.nextGaussian());
        return t.build();
    }

    private static ValueInfoProto input(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d > 0 ? TensorShapeProto.Dimension.newBuilder().setDimValue(d)
                    : TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(shape))).build();
    }

    private static NodeProto node(String op, List<String> in, String out) {
        return NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(in).addOutput(out).build();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private ModelZoo.Entry entry(URI url, String sha) {
        return new ModelZoo.Entry("tiny", "tiny test classifier", url, sha, 0, "CC0", "stretch",
                new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f}, "five made-up classes", "test");
    }

    @Test
    void pullDownloadsVerifiesAndWritesACardFromTheGraph() throws Exception {
        byte[] model = tinyClassifier(-1).toByteArray();
        server.serve("/zoo/tiny.onnx", model);
        ModelZoo.Pulled p = ModelZoo.pull(entry(uri("/zoo/tiny.onnx"), sha256(model)), dir, new Downloader(),
                Downloader.Progress.NONE);

        assertThat(p.model()).isEqualTo(dir.resolve("tiny.onnx")).hasBinaryContent(model);
        assertThat(p.cardFile()).isEqualTo(dir.resolve("tiny.onnx.json")).exists();
        ModelCard card = Backbones.readCard(p.cardFile());
        assertThat(card.input()).isEqualTo("x");
        assertThat(new int[] {card.channels(), card.height(), card.width()}).containsExactly(3, 8, 8);
        assertThat(card.featureLayer()).as("the tensor the final Gemm reads").isEqualTo("flat");
        assertThat(card.outputLayer()).isEqualTo("prob");
        assertThat(card.sha256()).isEqualTo(sha256(model));
        assertThat(card.url()).isEqualTo(uri("/zoo/tiny.onnx").toString());
        assertThat(card.licence()).isEqualTo("CC0");
        assertThat(card.mean()).containsExactly(0.5f, 0.5f, 0.5f);
        assertThat(card.classOrder()).isEqualTo("five made-up classes");

        // A second pull finds the verified file and does not download again.
        int before = server.requests();
        ModelZoo.pull(entry(uri("/zoo/tiny.onnx"), sha256(model)), dir, new Downloader(), Downloader.Progress.NONE);
        assertThat(server.requests()).isEqualTo(before);
        // And the catalogue lists it.
        assertThat(ModelCatalog.list(List.of(dir))).singleElement()
                .satisfies(f -> assertThat(f.modelPresent()).isTrue())
                .satisfies(f -> assertThat(f.card().featureLayer()).isEqualTo("flat"));
        assertThat(ModelCatalog.resolve("tiny", List.of(dir))).isEqualTo(dir.resolve("tiny.onnx"));
    }

    @Test
    void aShaMismatchLeavesNoModelAndNoCard() throws Exception {
        byte[] model = tinyClassifier(-1).toByteArray();
        server.serve("/zoo/tiny.onnx", model);
        String wrong = sha256("something else".getBytes());
        assertThatThrownBy(() -> ModelZoo.pull(entry(uri("/zoo/tiny.onnx"), wrong), dir, new Downloader(),
                Downloader.Progress.NONE))
                .isInstanceOf(UserError.class).hasMessageContaining("SHA-256").hasMessageContaining(wrong);
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).as("no model, no card, no partial file").isEmpty();
        }
    }

    @Test
    void offlinePullFailsWithOneSentence() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort + "/tiny.onnx");
        assertThatThrownBy(() -> ModelZoo.pull(entry(nowhere, "0".repeat(64)), dir,
                new Downloader(Duration.ofSeconds(2), Duration.ofSeconds(2)), Downloader.Progress.NONE))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("could not download " + nowhere)
                .hasMessageContaining("internet access")
                .hasMessageNotContaining("\n");
    }

    @Test
    void unknownModelNameIsAUserErrorThatSuggests() {
        assertThatThrownBy(() -> ModelZoo.get("resnet5"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("no known model is called 'resnet5'")
                .hasMessageContaining("resnet50");
        assertThatThrownBy(() -> ModelZoo.get("vgg16")).isInstanceOf(UserError.class).hasMessageContaining("known:");
    }

    @Test
    void everyZooEntryHasAPinnedUrlAndAFullHash() {
        assertThat(ModelZoo.entries()).extracting(ModelZoo.Entry::name)
                .contains("mobilenetv2", "resnet18", "resnet50", "squeezenet", "densenet121", "efficientnet-lite4");
        for (ModelZoo.Entry e : ModelZoo.entries()) {
            assertThat(e.sha256()).matches("[0-9a-f]{64}");
            assertThat(e.url().toString()).matches("https://github\\.com/onnx/models/raw/[0-9a-f]{40}/.+\\.onnx");
            assertThat(e.fileName()).endsWith(".onnx");
        }
    }

    @Test
    void aCardNamingAMissingClassFileSaysSo() throws IOException {
        Path card = dir.resolve("m.onnx.json");
        Files.writeString(card, "{\"height\": 8, \"width\": 8, \"classes_file\": \"labels/none.txt\"}");
        assertThatThrownBy(() -> Backbones.readCard(card))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("labels/none.txt")
                .hasMessageContaining("does not exist");
        // The catalogue lists the broken card with its problem instead of failing.
        assertThat(ModelCatalog.list(List.of(dir))).singleElement()
                .satisfies(f -> assertThat(f.problem()).contains("does not exist"));
    }

    @Test
    void aCardWhoseSizeContradictsTheGraphIsRejected() throws IOException {
        Path model = dir.resolve("tiny.onnx");
        Files.write(model, tinyClassifier(-1).toByteArray());
        Files.writeString(OnnxBackbone.cardPath(model), "{\"height\": 224, \"width\": 224}");
        assertThatThrownBy(() -> OnnxBackbone.open(model, null))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("224×224").hasMessageContaining("8×8");
        Files.writeString(OnnxBackbone.cardPath(model), "{\"channels\": 1}");
        assertThatThrownBy(() -> OnnxBackbone.open(model, null))
                .isInstanceOf(UserError.class).hasMessageContaining("1 input channels");
    }

    @Test
    void parameterCountSumsTheInitializers() {
        OnnxGraph g = OnnxGraph.parse(dir.resolve("tiny.onnx"), tinyClassifier(-1).toByteArray());
        assertThat(g.parameterCount()).isEqualTo(FEATURES * 3 + FEATURES + FEATURES * CLASSES + CLASSES);
    }

    @Test
    void tableMeasuresSizeParametersFeaturesAndTime() throws IOException {
        // Batch fixed at 1, as many zoo exports declare: the table must still run batches of 4.
        Path model = dir.resolve("tiny.onnx");
        byte[] bytes = tinyClassifier(1).toByteArray();
        Files.write(model, bytes);
        ModelTable.Row row = ModelTable.builder().optImages(10).optBatch(4).build()
                .measure(model, null, "relu", images(10), b -> b.card().preprocessing().build());
        assertThat(row.fileBytes()).isEqualTo(bytes.length);
        assertThat(row.parameters()).isEqualTo(FEATURES * 3 + FEATURES + FEATURES * CLASSES + CLASSES);
        assertThat(row.layerShape()).containsExactly(FEATURES, 8, 8);
        assertThat(row.features()).isEqualTo(FEATURES * 64);
        assertThat(row.images()).isEqualTo(10);
        assertThat(row.msPerImage()).isPositive();
    }

    @Test
    void fixedBatchOfOneModelsRunImageByImageWithTheSameResult() {
        Path one = dir.resolve("one.onnx");
        Path open = dir.resolve("open.onnx");
        try {
            Files.write(one, tinyClassifier(1).toByteArray());
            Files.write(open, tinyClassifier(-1).toByteArray());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        float[] x = new float[3 * 3 * 64];
        Random r = new Random(3);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        try (OnnxBackbone a = OnnxBackbone.open(one, null); OnnxBackbone b = OnnxBackbone.open(open, null)) {
            Tensor ta = a.forward(x, 3, List.of("prob")).get("prob");
            Tensor tb = b.forward(x, 3, List.of("prob")).get("prob");
            assertThat(ta.shape()).containsExactly(3, CLASSES);
            assertThat(ta.data()).containsExactly(tb.data(), org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    private static ImageSet images(int n) {
        return new ImageSet() {
            public String spec() { return "synthetic:" + n; }
            public int size() { return n; }
            public List<String> classes() { return List.of("a", "b"); }
            public int label(int i) { return i % 2; }
            public String id(int i) { return "img-" + i; }
            public Image read(int i) {
                byte[] px = new byte[8 * 8 * 3];
                new Random(i).nextBytes(px);
                return new Image(8, 8, 3, px);
            }
        };
    }
}
