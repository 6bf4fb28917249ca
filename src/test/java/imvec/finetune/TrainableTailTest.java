package imvec.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import imvec.model.LayerInfo;
import imvec.model.Tensor;
import imvec.onnx.OnnxBackbone;
import imvec.onnx.proto.OnnxProto.GraphProto;
import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static imvec.finetune.OnnxImportTest.conv;
import static imvec.finetune.OnnxImportTest.ints;
import static imvec.finetune.OnnxImportTest.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A trainable tail between two tensors of a small ONNX graph: its weights changed, written as a
 * head-less tuned model, and opened again by {@link TunedBackbone} (at the export's size and at a
 * freed larger one); and the inputs it refuses, one sentence each.
 */
class TrainableTailTest {
    private static final long[] INPUT = {-1, 3, 8, 8};

    @TempDir
    Path dir;

    /** x → Conv c1 → Relu r1 → Conv c2 → Relu r2 → GlobalAveragePool gap. */
    private Path model(boolean odd) {
        List<Object> items = new ArrayList<>(conv("x", "c1", 4, 3, 3, 1, "pads", ints(1, 1, 1, 1), true));
        items.add(node("Relu", "c1", "r1"));
        if (odd) items.add(node("Erf", "r1", "e"));
        items.addAll(conv(odd ? "e" : "r1", "c2", 5, 4, 1, 1, "pads", ints(0, 0, 0, 0), true));
        items.add(node("Relu", "c2", "r2"));
        items.add(node("GlobalAveragePool", "r2", "gap"));
        GraphProto.Builder g = GraphProto.newBuilder().addAllNode(OnnxImportTest.nodes(items))
                .addAllInitializer(OnnxImportTest.weights(items)).addOutput(OnnxImportTest.output("gap"));
        return OnnxImportTest.writeModel(dir, odd ? "odd.onnx" : "tiny.onnx", g, INPUT);
    }

    private static float[] pixels(int n, int size) {
        Random r = new Random(4);
        float[] x = new float[n * 3 * size * size];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    @Test
    void aChangedTailSavedHeadlessOpensAsABackboneWithItsWeights() throws Exception {
        Path onnx = model(false);
        Path tuned = dir.resolve("tuned");
        float[] x = pixels(2, 8);
        Tensor r1, r2;
        float[] expected;
        try (OnnxBackbone base = OnnxBackbone.open(onnx, null); TrainableTail tail = TrainableTail.of(base, "r1", "r2");
             NDManager m = NDManager.newBaseManager("PyTorch")) {
            assertThat(tail.startItem()).containsExactly(4, 8, 8);
            assertThat(tail.outputItem()).containsExactly(5, 8, 8);
            assertThat(tail.trainableParameters()).containsExactly("c2_w", "c2_b");
            Map2 onnxOut = new Map2(base.forward(x, 2, List.of("r1", "r2")));
            r1 = onnxOut.a;
            r2 = onnxOut.b;
            // The imported tail gives ONNX Runtime's values before any change.
            NDArray start = m.create(r1.data(), new Shape(r1.shape()));
            assertThat(OnnxImportTest.maxAbsDiff(tail.forward(m, start).toFloatArray(), r2.data())).isLessThan(1e-5);
            float[] w = tail.weights().get(0);
            for (int i = 0; i < w.length; i++) w[i] = -1.5f * w[i] + 0.05f;
            tail.set(0, w);
            expected = tail.forward(m, start).toFloatArray();
            TrainableTail.write(tuned, tail.card("test pixels"), tail.parameters());
        }
        assertThat(OnnxImportTest.maxAbsDiff(expected, r2.data())).isGreaterThan(0.1);
        try (TunedBackbone b = TunedBackbone.load(tuned)) {
            assertThat(b.layers()).extracting(LayerInfo::name).contains("r1", "r2").doesNotContain("logits", "probabilities", "gap");
            assertThat(b.card().classes()).isNull();
            java.util.Map<String, Tensor> out = b.forward(x, 2, List.of("r1", "r2"));
            assertThat(OnnxImportTest.maxAbsDiff(out.get("r1").data(), r1.data())).isZero();
            assertThat(OnnxImportTest.maxAbsDiff(out.get("r2").data(), expected)).isLessThan(1e-5);
        }
        // At a freed input size of 16 the maps are 16×16, as the spatial head's mosaics need.
        try (TunedBackbone b = TunedBackbone.load(tuned, 16)) {
            assertThat(b.forward(pixels(1, 16), 1, List.of("r2")).get("r2").shape()).containsExactly(1, 5, 16, 16);
        }
    }

    private record Map2(Tensor a, Tensor b) {
        Map2(java.util.Map<String, Tensor> m) {
            this(m.get("r1"), m.get("r2"));
        }
    }

    @Test
    void anUnknownTensorATensorAfterTheTapAndAnUnsupportedOpAreOneSentenceEach() {
        try (OnnxBackbone base = OnnxBackbone.open(model(false), null)) {
            assertThatThrownBy(() -> TrainableTail.of(base, "r11", "r2")).isInstanceOf(UserError.class)
                    .hasMessageContaining("no tensor 'r11'").hasMessageContaining("did you mean r1");
            assertThatThrownBy(() -> TrainableTail.of(base, "r2", "r1")).isInstanceOf(UserError.class)
                    .hasMessageContaining("'r2' does not come before the tap 'r1'");
            assertThatThrownBy(() -> TrainableTail.of(base, "r2", "r2")).isInstanceOf(UserError.class)
                    .hasMessageContaining("does not come before");
        }
        try (OnnxBackbone base = OnnxBackbone.open(model(true), null)) {
            assertThatThrownBy(() -> TrainableTail.of(base, "r1", "r2")).isInstanceOf(UserError.class)
                    .hasMessageContaining("op Erf is not supported");
            // After the odd node the tail imports.
            try (TrainableTail tail = TrainableTail.of(base, "e", "r2")) {
                assertThat(tail.trainableParameters()).containsExactly("c2_w", "c2_b");
            }
        }
    }
}
