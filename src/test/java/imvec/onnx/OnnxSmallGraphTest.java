package imvec.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import imvec.model.LayerInfo;
import imvec.model.Tensor;
import imvec.onnx.proto.OnnxProto.AttributeProto;
import imvec.onnx.proto.OnnxProto.GraphProto;
import imvec.onnx.proto.OnnxProto.ModelProto;
import imvec.onnx.proto.OnnxProto.NodeProto;
import imvec.onnx.proto.OnnxProto.OperatorSetIdProto;
import imvec.onnx.proto.OnnxProto.StringStringEntryProto;
import imvec.onnx.proto.OnnxProto.TensorProto;
import imvec.onnx.proto.OnnxProto.TensorShapeProto;
import imvec.onnx.proto.OnnxProto.TypeProto;
import imvec.onnx.proto.OnnxProto.ValueInfoProto;
import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Edge cases on graphs small enough to check by hand, built here with the protobuf classes. */
class OnnxSmallGraphTest {
    private static final int FLOAT = 1;
    /** Two 3-channel 2×2 images, channel-first; negative values so Relu matters. */
    private static final float[] TWO_IMAGES = new float[24];

    static {
        for (int i = 0; i < TWO_IMAGES.length; i++) TWO_IMAGES[i] = i % 5 - 2;
    }

    @TempDir
    Path dir;

    /** x → Shape; x → Relu → Neg → Mul by a Constant 2. */
    private static ModelProto shapeReluNegMul() {
        TensorProto two = TensorProto.newBuilder().addDims(1).setDataType(FLOAT).addFloatData(2f).build();
        return model(GraphProto.newBuilder()
                .addInput(input("x", -1, 3, 2, 2))
                .addNode(node("Shape", "x", "x_shape"))
                .addNode(node("Relu", "x", "r"))
                .addNode(node("Neg", "r", "y"))
                .addNode(node("Constant", List.of(), "c").toBuilder().addAttribute(AttributeProto.newBuilder()
                        .setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(two)))
                .addNode(NodeProto.newBuilder().setOpType("Mul").addInput("y").addInput("c").addOutput("z"))
                .addOutput(ValueInfoProto.newBuilder().setName("z")));
    }

    @Test
    void layersSkipConstantsAndKnowInferredShapes() {
        try (OnnxBackbone b = OnnxBackbone.open(write("small.onnx", shapeReluNegMul()), null)) {
            assertThat(b.layers()).extracting(LayerInfo::name).containsExactly("x", "x_shape", "r", "y", "z");
            assertThat(b.layers()).extracting(LayerInfo::opType).containsExactly("Input", "Shape", "Relu", "Neg", "Mul");
            assertThat(b.layers().get(1).shape()).containsExactly(4);
            assertThat(b.layers().get(4).shape()).containsExactly(-1, 3, 2, 2);
        }
    }

    @Test
    void integerOutputsComeBackAsFloats() {
        try (OnnxBackbone b = OnnxBackbone.open(write("small.onnx", shapeReluNegMul()), null)) {
            Tensor shape = b.forward(TWO_IMAGES, 2, List.of("x_shape")).get("x_shape");
            assertThat(shape.shape()).containsExactly(4);
            assertThat(shape.data()).containsExactly(2, 3, 2, 2);
        }
    }

    @Test
    void evictedSessionsAreRebuiltAndAnswersStayRight() {
        try (OnnxBackbone b = OnnxBackbone.builder().setModel(write("small.onnx", shapeReluNegMul()))
                .optSessionCacheSize(1).build()) {
            for (int round = 0; round < 2; round++) {
                for (String layer : List.of("r", "z", "y")) {
                    float[] got = b.forward(TWO_IMAGES, 2, List.of(layer)).get(layer).data();
                    for (int i = 0; i < got.length; i++) {
                        float relu = Math.max(0, TWO_IMAGES[i]);
                        float want = switch (layer) {
                            case "r" -> relu;
                            case "y" -> -relu;
                            default -> -2 * relu;
                        };
                        assertThat(got[i]).isEqualTo(want);
                    }
                }
            }
        }
    }

    @Test
    void theCardBesideTheModelIsReadAndItsGapsFilled() throws Exception {
        Path model = write("small.onnx", shapeReluNegMul());
        Files.writeString(OnnxBackbone.cardPath(model), """
                {"mean": [0.5, 0.4, 0.3], "std": [0.2, 0.2, 0.2], "classes": ["a", "b", "c"], "output_layer": "z"}""");
        try (OnnxBackbone b = OnnxBackbone.open(model, null)) {
            assertThat(OnnxBackbone.cardPath(model).getFileName()).hasToString("small.onnx.json");
            assertThat(b.card().mean()).containsExactly(0.5f, 0.4f, 0.3f);
            assertThat(b.card().classes()).containsExactly("a", "b", "c");
            assertThat(b.card().input()).isEqualTo("x");
            assertThat(List.of(b.card().channels(), b.card().height(), b.card().width())).containsExactly(3, 2, 2);
            assertThat(b.card().resize()).isEqualTo("stretch");
        }
        Files.writeString(OnnxBackbone.cardPath(model), "{\"input\": \"pixels\"}");
        assertThatThrownBy(() -> OnnxBackbone.open(model, null)).isInstanceOf(UserError.class)
                .hasMessageContaining("names input 'pixels' but the model's input is 'x'");
        Files.writeString(OnnxBackbone.cardPath(model), "{\"mean\": [0.5,");
        assertThatThrownBy(() -> OnnxBackbone.open(model, null)).isInstanceOf(UserError.class)
                .hasMessageContaining("small.onnx.json is not valid card JSON");
    }

    @Test
    void channelsLastModelsAreFedFromChannelFirstBatches() {
        ModelProto m = model(GraphProto.newBuilder().addInput(input("img", -1, 2, 2, 3))
                .addNode(node("Identity", "img", "same")).addOutput(ValueInfoProto.newBuilder().setName("same")));
        try (OnnxBackbone b = OnnxBackbone.open(write("nhwc.onnx", m), null)) {
            assertThat(List.of(b.card().channels(), b.card().height(), b.card().width())).containsExactly(3, 2, 2);
            Tensor same = b.forward(TWO_IMAGES, 2, List.of("same")).get("same");
            assertThat(same.shape()).containsExactly(2, 2, 2, 3);
            // Image 1, row 0, column 1, channel 2: NCHW index 1*12 + 2*4 + 0*2 + 1.
            assertThat(same.data()[((1 * 2 + 0) * 2 + 1) * 3 + 2]).isEqualTo(TWO_IMAGES[12 + 8 + 1]);
        }
    }

    @Test
    void weightsInAnExternalFileBesideTheModelAreFound() throws Exception {
        ByteBuffer w = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(10).putFloat(20).putFloat(30);
        Files.write(dir.resolve("small.weights"), w.array());
        TensorProto external = TensorProto.newBuilder().setName("w").addDims(1).addDims(3).addDims(1).addDims(1)
                .setDataType(FLOAT).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", "small.weights")).addExternalData(entry("length", "12")).build();
        ModelProto m = model(GraphProto.newBuilder().addInput(input("x", -1, 3, 1, 1)).addInitializer(external)
                .addNode(NodeProto.newBuilder().setOpType("Add").addInput("x").addInput("w").addOutput("y"))
                .addOutput(ValueInfoProto.newBuilder().setName("y")));
        try (OnnxBackbone b = OnnxBackbone.open(write("external.onnx", m), null)) {
            assertThat(b.forward(new float[] {1, 2, 3}, 1, List.of("y")).get("y").data()).containsExactly(11, 22, 33);
        }
    }

    @Test
    void anOpOnnxRuntimeLacksIsReportedAsAModelProblem() {
        ModelProto m = model(GraphProto.newBuilder().addInput(input("x", -1, 3, 2, 2))
                .addNode(node("NoSuchOp", "x", "y")).addOutput(ValueInfoProto.newBuilder().setName("y")));
        try (OnnxBackbone b = OnnxBackbone.open(write("odd.onnx", m), null)) {
            assertThatThrownBy(() -> b.forward(TWO_IMAGES, 2, List.of("y"))).isInstanceOf(UserError.class)
                    .hasMessageStartingWith("ONNX Runtime cannot load " + dir.resolve("odd.onnx"));
        }
    }

    @Test
    void fieldsOutsideOurSchemaSurviveTheEdit() throws Exception {
        // metadata_props (ModelProto field 14) is not in our subset of the schema.
        byte[] metadata = StringStringEntryProto.newBuilder().setKey("author").setValue("someone").build().toByteArray();
        ModelProto withMetadata = shapeReluNegMul().toBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(14, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFrom(metadata)).build())
                .build()).build();
        OnnxGraph graph = OnnxGraph.parse(write("meta.onnx", withMetadata), withMetadata.toByteArray());
        ModelProto edited = ModelProto.parseFrom(graph.withOutputs(List.of("r", "y")));
        assertThat(edited.getUnknownFields().getField(14).getLengthDelimitedList()).containsExactly(ByteString.copyFrom(metadata));
        assertThat(edited.getGraph().getOutputList()).extracting(ValueInfoProto::getName).containsExactly("r", "y");
        assertThat(edited.getGraph().getNodeList()).isEqualTo(withMetadata.getGraph().getNodeList());
    }

    @Test
    void aProtobufWithoutAGraphIsNotAnOnnxModel() {
        ModelProto noGraph = ModelProto.newBuilder().setIrVersion(8).setProducerName("nobody").build();
        assertThatThrownBy(() -> OnnxBackbone.open(write("nograph.onnx", noGraph), null))
                .isInstanceOf(UserError.class).hasMessageEndingWith("is not an ONNX model: it has no graph nodes.");
    }

    @Test
    void aWrongBatchLengthIsAProgrammingError() {
        try (OnnxBackbone b = OnnxBackbone.open(write("small.onnx", shapeReluNegMul()), null)) {
            assertThatThrownBy(() -> b.forward(new float[23], 2, List.of("r")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 24 values, got 23");
        }
    }

    private Path write(String name, ModelProto model) {
        try {
            return Files.write(dir.resolve(name), model.toByteArray());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ModelProto model(GraphProto.Builder graph) {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("imvec-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph.setName("small")).build();
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

    private static NodeProto node(String op, String in, String out) {
        return node(op, List.of(in), out);
    }

    private static NodeProto node(String op, List<String> in, String out) {
        return NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(in).addOutput(out).build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
