package imvec.finetune;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.google.protobuf.ByteString;
import imvec.model.Tensor;
import imvec.onnx.OnnxBackbone;
import imvec.onnx.proto.OnnxProto.AttributeProto;
import imvec.onnx.proto.OnnxProto.GraphProto;
import imvec.onnx.proto.OnnxProto.ModelProto;
import imvec.onnx.proto.OnnxProto.NodeProto;
import imvec.onnx.proto.OnnxProto.OperatorSetIdProto;
import imvec.onnx.proto.OnnxProto.TensorProto;
import imvec.onnx.proto.OnnxProto.TensorShapeProto;
import imvec.onnx.proto.OnnxProto.TypeProto;
import imvec.onnx.proto.OnnxProto.ValueInfoProto;
import imvec.train.TrainedNet;
import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
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

/**
 * Every supported op on a graph built here with the protobuf classes, run by ONNX Runtime and by
 * the imported DJL block on the same input; the two must agree to float rounding.
 */
class OnnxImportTest {
    private static final int FLOAT = 1;
    private static final int INT64 = 7;
    /** Two 4-channel 6×6 maps (4 channels so the input is not mistaken for channels-last). */
    private static final long[] X = {2, 4, 6, 6};

    @TempDir
    Path dir;

    /** A named graph: nodes after input {@code x}, the tensor to import from, and the outputs to compare. */
    record Case(String name, GraphProto.Builder graph, String from, List<String> outputs) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                chain("Conv 3x3 pads 1 with bias", conv("x", "y", 5, 4, 3, 1, "pads", ints(1, 1, 1, 1), true)),
                chain("Conv stride 2 SAME_UPPER no bias", conv("x", "y", 3, 4, 3, 2, "auto_pad", "SAME_UPPER", false)),
                chain("Conv dilated", conv("x", "y", 3, 4, 3, 1, "dilations", ints(2, 2), true)),
                chain("Conv depthwise stride 2 SAME_UPPER", depthwise("x", "y", 4, 2)),
                chain("Conv group 2 uneven pads", grouped("x", "y")),
                chain("BatchNormalization", batchNorm("x", "y", 4)),
                chain("Relu", List.of(node("Relu", "x", "y")), List.of()),
                chain("LeakyRelu", List.of(node("LeakyRelu", "x", "y").toBuilder().addAttribute(real("alpha", 0.2f)).build()), List.of()),
                chain("Clip as ReLU6", List.of(NodeProto.newBuilder().setOpType("Clip").setName("y").addInput("x")
                        .addInput("lo").addInput("hi").addOutput("y").build()), List.of(scalar("lo", 0), scalar("hi", 6))),
                chain("MaxPool 3x3 stride 2 SAME_UPPER", pool("MaxPool", 3, 2, "auto_pad", "SAME_UPPER")),
                chain("MaxPool 2x2 stride 2", pool("MaxPool", 2, 2, "pads", ints(0, 0, 0, 0))),
                chain("AveragePool 3x3 pads 1", pool("AveragePool", 3, 1, "pads", ints(1, 1, 1, 1))),
                chain("AveragePool 3x3 pads 1 counting pads", List.of(((NodeProto) pool("AveragePool", 3, 1, "pads",
                        ints(1, 1, 1, 1)).get(0)).toBuilder().addAttribute(integer("count_include_pad", 1)).build()), List.of()),
                chain("AveragePool stride 2 SAME_UPPER", pool("AveragePool", 3, 2, "auto_pad", "SAME_UPPER")),
                classifierHead(),
                reshapeMatMulAdd(),
                residualBranches());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void importedOpsMatchOnnxRuntime(Case c) {
        Path model = write(c.name().replaceAll("\\W", "_") + ".onnx", c.graph());
        float[] x = input(X, 7, 8f);
        List<String> fetch = new ArrayList<>(c.outputs());
        if (!c.from().equals("x")) fetch.add(0, c.from());
        Map<String, Tensor> ort;
        try (OnnxBackbone onnx = OnnxBackbone.open(model, null)) {
            ort = onnx.forward(x, (int) X[0], fetch);
        }
        Tensor start = c.from().equals("x") ? new Tensor(X, x) : ort.get(c.from());
        ImportedBlock block = OnnxImport.builder().setModel(model).setFrom(c.from()).optOutputs(c.outputs()).build();
        try (ImportedNet net = ImportedNet.of(block, Arrays.copyOfRange(start.shape(), 1, start.shape().length))) {
            Map<String, Tensor> got = net.forward(start);
            for (String out : c.outputs()) {
                assertThat(got.get(out).shape()).as(out).containsExactly(ort.get(out).shape());
                assertThat(maxAbsDiff(got.get(out).data(), ort.get(out).data())).as(out).isLessThan(1e-4);
            }
        }
    }

    /** Opset 10: Clip takes its bounds as attributes, Softmax normalises everything after the axis at once. */
    @Test
    void olderOpsetsClipAndSoftmaxTheirOwnWay() {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addNode(node("Clip", "x", "c").toBuilder().addAttribute(real("min", -1f)).addAttribute(real("max", 2f)))
                .addNode(node("Softmax", "c", "y").toBuilder().addAttribute(integer("axis", 1)))
                .addOutput(output("y"));
        Path model = writeModel(dir, "opset10.onnx", g, X, 10);
        float[] x = input(X, 12, 3f);
        Tensor ort;
        try (OnnxBackbone onnx = OnnxBackbone.open(model, null)) {
            ort = onnx.forward(x, (int) X[0], List.of("y")).get("y");
        }
        ImportedBlock block = OnnxImport.builder().setModel(model).setFrom("x").build();
        try (ImportedNet net = ImportedNet.of(block, Arrays.copyOfRange(X, 1, X.length))) {
            Tensor got = net.forward(new Tensor(X, x)).get("y");
            assertThat(maxAbsDiff(got.data(), ort.data())).isLessThan(1e-6);
            // One distribution per image over all 144 values, not one per position.
            double sum = 0;
            for (int i = 0; i < 144; i++) sum += got.data()[i];
            assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void theDefaultOutputsAreTheDeclaredOnesComputedFromTheStart() {
        Path model = write("residual.onnx", residualBranches().graph());
        ImportedBlock fromT = OnnxImport.builder().setModel(model).setFrom("t").build();
        assertThat(fromT.outputs()).containsExactly("w", "z");
        assertThat(fromT.nodes()).containsKeys("u", "v", "w", "d", "z").doesNotContainKeys("c", "t");
    }

    @Test
    void anUnsupportedOpIsOneErrorNamingOpAndNode() {
        Path model = write("erf.onnx", GraphProto.newBuilder().addNode(node("Relu", "x", "r"))
                .addNode(node("Erf", "r", "odd_node")).addNode(node("Relu", "odd_node", "y")).addOutput(output("y")));
        assertThatThrownBy(() -> OnnxImport.builder().setModel(model).setFrom("r").build())
                .isInstanceOf(UserError.class)
                .hasMessageContaining("node 'odd_node'").hasMessageContaining("op Erf is not supported");
        // From after the odd node there is nothing unsupported left.
        assertThat(OnnxImport.builder().setModel(model).setFrom("odd_node").build().nodes()).containsOnlyKeys("y");
    }

    @Test
    void aSkipConnectionFromBeforeTheStartIsRefused() {
        Path model = write("skip.onnx", residualBranches().graph());
        assertThatThrownBy(() -> OnnxImport.builder().setModel(model).setFrom("u").optOutputs(List.of("v")).build())
                .isInstanceOf(UserError.class).hasMessageContaining("also reads tensor 't'")
                .hasMessageContaining("import from an earlier tensor");
        assertThatThrownBy(() -> OnnxImport.builder().setModel(model).setFrom("tt").build())
                .isInstanceOf(UserError.class).hasMessageContaining("there is no tensor 'tt'").hasMessageContaining("did you mean");
    }

    @Test
    void aGradientStepLowersTheLossOnAFixedBatch() {
        Path model = write("head.onnx", classifierHead().graph());
        ImportedBlock block = OnnxImport.builder().setModel(model).setFrom("x").optOutputs(List.of("logits")).build();
        float[] x = input(X, 11, 3f);
        long[] labels = {1, 2};
        try (Model m = Model.newInstance("step", Device.cpu(), "PyTorch")) {
            m.setBlock(block);
            Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).build();
            try (Trainer trainer = m.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(sgd))) {
                trainer.initialize(new Shape(X));
                float before = loss(trainer, x, labels);
                float[] weightBefore = block.getParameters().get("w_fc").getArray().toFloatArray();
                try (NDManager batch = trainer.getManager().newSubManager(); GradientCollector g = trainer.newGradientCollector()) {
                    NDArray loss = trainer.getLoss().evaluate(new NDList(batch.create(labels)),
                            trainer.forward(new NDList(batch.create(x, new Shape(X)))));
                    g.backward(loss);
                }
                trainer.step();
                float after = loss(trainer, x, labels);
                assertThat(after).isLessThan(before);
                assertThat(block.getParameters().get("w_fc").getArray().toFloatArray()).isNotEqualTo(weightBefore);
            }
        }
    }

    @Test
    void frozenBatchNormKeepsItsScaleAndShift() {
        Path model = write("bn.onnx", classifierHead().graph());
        ImportedBlock block = OnnxImport.builder().setModel(model).setFrom("x").optOutputs(List.of("logits")).build();
        long all = block.trainableValues();
        block.freezeBatchNorm();
        // The head's BatchNorm over 3 channels has 3 scales and 3 shifts; its statistics never train.
        assertThat(all - block.trainableValues()).isEqualTo(6);
    }

    private static float loss(Trainer trainer, float[] x, long[] labels) {
        try (NDManager batch = trainer.getManager().newSubManager()) {
            NDList logits = TrainedNet.withoutGradients(() -> trainer.evaluate(new NDList(batch.create(x, new Shape(X)))));
            return trainer.getLoss().evaluate(new NDList(batch.create(labels)), logits).getFloat();
        }
    }

    // ---- graphs ---------------------------------------------------------------------------

    private static Case chain(String name, List<Object> nodesAndWeights) {
        return chain(name, nodes(nodesAndWeights), weights(nodesAndWeights));
    }

    private static Case chain(String name, List<NodeProto> nodes, List<TensorProto> weights) {
        GraphProto.Builder g = GraphProto.newBuilder().addAllNode(nodes).addAllInitializer(weights).addOutput(output("y"));
        return new Case(name, g, "x", List.of("y"));
    }

    static List<NodeProto> nodes(List<Object> items) {
        return items.stream().filter(NodeProto.class::isInstance).map(NodeProto.class::cast).toList();
    }

    static List<TensorProto> weights(List<Object> items) {
        return items.stream().filter(TensorProto.class::isInstance).map(TensorProto.class::cast).toList();
    }

    static List<Object> conv(String in, String out, int filters, int channels, int k, int stride,
                                     String padKey, Object padValue, boolean bias) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType("Conv").setName(out).addInput(in).addInput(out + "_w")
                .addOutput(out).addAttribute(ints("strides", stride, stride)).addAttribute(ints("kernel_shape", k, k));
        n.addAttribute(padValue instanceof String s ? string(padKey, s) : ((AttributeProto.Builder) padValue).setName(padKey).build());
        List<Object> items = new ArrayList<>();
        items.add(weight(out + "_w", 31, filters, channels, k, k));
        if (bias) {
            n.addInput(out + "_b");
            items.add(weight(out + "_b", 32, filters));
        }
        items.add(0, n.build());
        return items;
    }

    private static List<Object> depthwise(String in, String out, int channels, int stride) {
        NodeProto n = NodeProto.newBuilder().setOpType("Conv").setName(out).addInput(in).addInput("dw").addInput("dw_b")
                .addOutput(out).addAttribute(ints("strides", stride, stride)).addAttribute(string("auto_pad", "SAME_UPPER"))
                .addAttribute(integer("group", channels)).build();
        return List.of(n, weight("dw", 33, channels, 1, 3, 3), weight("dw_b", 34, channels));
    }

    private static List<Object> grouped(String in, String out) {
        NodeProto n = NodeProto.newBuilder().setOpType("Conv").setName(out).addInput(in).addInput("gw").addOutput(out)
                .addAttribute(ints("pads", 0, 1, 1, 0)).addAttribute(integer("group", 2)).build();
        return List.of(n, weight("gw", 35, 6, 2, 2, 2));
    }

    private static List<Object> batchNorm(String in, String out, int channels) {
        NodeProto n = NodeProto.newBuilder().setOpType("BatchNormalization").setName(out).addInput(in)
                .addInput(out + "_scale").addInput(out + "_bias").addInput(out + "_mean").addInput(out + "_var")
                .addOutput(out).addAttribute(real("epsilon", 1e-3f)).build();
        float[] var = values(36, channels, 1f);
        for (int i = 0; i < var.length; i++) var[i] = Math.abs(var[i]) + 0.1f;
        return List.of(n, weight(out + "_scale", 37, channels), weight(out + "_bias", 38, channels),
                weight(out + "_mean", 39, channels), tensor(out + "_var", var, channels));
    }

    private static List<Object> pool(String op, int k, int stride, String padKey, Object padValue) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName("y").addInput("x").addOutput("y")
                .addAttribute(ints("kernel_shape", k, k)).addAttribute(ints("strides", stride, stride));
        n.addAttribute(padValue instanceof String s ? string(padKey, s) : ((AttributeProto.Builder) padValue).setName(padKey).build());
        return List.of(n.build());
    }

    /** Conv → BatchNorm → Relu → GlobalAveragePool → Flatten → Gemm (transB) → Softmax. */
    static Case classifierHead() {
        List<Object> items = new ArrayList<>(conv("x", "c", 3, 4, 3, 1, "pads", ints(1, 1, 1, 1), true));
        items.addAll(batchNorm("c", "bn", 3));
        items.add(node("Relu", "bn", "r"));
        items.add(node("GlobalAveragePool", "r", "gap"));
        items.add(node("Flatten", "gap", "flat"));
        items.add(NodeProto.newBuilder().setOpType("Gemm").setName("logits").addInput("flat").addInput("w_fc").addInput("b_fc")
                .addOutput("logits").addAttribute(integer("transB", 1)).build());
        items.add(weight("w_fc", 40, 5, 3));
        items.add(weight("b_fc", 41, 5));
        items.add(NodeProto.newBuilder().setOpType("Softmax").setName("probabilities").addInput("logits")
                .addOutput("probabilities").addAttribute(integer("axis", 1)).build());
        GraphProto.Builder g = GraphProto.newBuilder().addAllNode(nodes(items)).addAllInitializer(weights(items))
                .addOutput(output("probabilities")).addOutput(output("logits"));
        return new Case("Conv BN Relu GAP Flatten Gemm Softmax", g, "x", List.of("logits", "probabilities"));
    }

    /** Reshape (constant shape with a copied axis) → MatMul → Add: a dense layer written the long way. */
    private static Case reshapeMatMulAdd() {
        TensorProto shape = TensorProto.newBuilder().setName("shape").setDataType(INT64).addDims(2)
                .addInt64Data(0).addInt64Data(-1).build();
        GraphProto.Builder g = GraphProto.newBuilder()
                .addNode(NodeProto.newBuilder().setOpType("Reshape").setName("flat").addInput("x").addInput("shape").addOutput("flat"))
                .addNode(NodeProto.newBuilder().setOpType("MatMul").setName("mm").addInput("flat").addInput("w").addOutput("mm"))
                .addNode(NodeProto.newBuilder().setOpType("Add").setName("y").addInput("mm").addInput("b").addOutput("y"))
                .addInitializer(shape).addInitializer(weight("w", 42, 144, 7)).addInitializer(weight("b", 43, 7))
                .addOutput(output("y"));
        return new Case("Reshape MatMul Add", g, "x", List.of("y"));
    }

    /**
     * x → Conv c → Relu t; t → Conv u; v = u + t (residual); w = Concat(v, t); d = Dropout(w);
     * z = Identity(d). Imported from the middle tensor t, so both branches start there.
     */
    private static Case residualBranches() {
        List<Object> items = new ArrayList<>(conv("x", "c", 4, 4, 3, 1, "pads", ints(1, 1, 1, 1), true));
        items.add(node("Relu", "c", "t"));
        items.addAll(conv("t", "u", 4, 4, 3, 1, "auto_pad", "SAME_UPPER", true));
        items.add(NodeProto.newBuilder().setOpType("Add").setName("v").addInput("u").addInput("t").addOutput("v").build());
        items.add(NodeProto.newBuilder().setOpType("Concat").setName("w").addInput("v").addInput("t").addOutput("w")
                .addAttribute(integer("axis", 1)).build());
        items.add(node("Dropout", "w", "d"));
        items.add(node("Identity", "d", "z"));
        GraphProto.Builder g = GraphProto.newBuilder().addAllNode(nodes(items)).addAllInitializer(weights(items))
                .addOutput(output("w")).addOutput(output("z"));
        return new Case("residual Add, Concat, Dropout, Identity from a middle tensor", g, "t", List.of("w", "z"));
    }

    // ---- protobuf helpers -----------------------------------------------------------------

    private Path write(String name, GraphProto.Builder graph) {
        return writeModel(dir, name, graph);
    }

    /** The graph with input x of shape {@link #X} (batch open), opset 13, written to {@code dir/name}. */
    static Path writeModel(Path dir, String name, GraphProto.Builder graph) {
        return writeModel(dir, name, graph, X);
    }

    static Path writeModel(Path dir, String name, GraphProto.Builder graph, long[] inputShape) {
        return writeModel(dir, name, graph, inputShape, 13);
    }

    static Path writeModel(Path dir, String name, GraphProto.Builder graph, long[] inputShape, int opset) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (int i = 1; i < inputShape.length; i++) shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(inputShape[i]));
        ValueInfoProto x = ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(shape))).build();
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setProducerName("imvec-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph.clone().addInput(0, x).setName("g")).build();
        try {
            return Files.write(dir.resolve(name), m.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ValueInfoProto output(String name) {
        return ValueInfoProto.newBuilder().setName(name).build();
    }

    static NodeProto node(String op, String in, String out) {
        return NodeProto.newBuilder().setOpType(op).setName(out).addInput(in).addOutput(out).build();
    }

    static AttributeProto.Builder ints(long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setType(AttributeProto.AttributeType.INTS);
        for (long v : values) a.addInts(v);
        return a;
    }

    private static AttributeProto ints(String name, long... values) {
        return ints(values).setName(name).build();
    }

    static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto real(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    private static AttributeProto string(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    static TensorProto weight(String name, int seed, long... dims) {
        long n = 1;
        for (long d : dims) n *= d;
        return tensor(name, values(seed, (int) n, 0.5f), dims);
    }

    private static TensorProto scalar(String name, float value) {
        return TensorProto.newBuilder().setName(name).setDataType(FLOAT).addFloatData(value).build();
    }

    private static TensorProto tensor(String name, float[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(FLOAT);
        for (long d : dims) t.addDims(d);
        // Raw little-endian bytes, the form exporters write, so the reader's main path is tested.
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * values.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return t.setRawData(ByteString.copyFrom(b.array())).build();
    }

    private static float[] values(int seed, int n, float scale) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian() * scale;
        return v;
    }

    private static float[] input(long[] shape, int seed, float range) {
        long n = 1;
        for (long d : shape) n *= d;
        Random r = new Random(seed);
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = (r.nextFloat() * 2 - 1) * range;
        return v;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs((double) a[i] - b[i]));
        return max;
    }
}
