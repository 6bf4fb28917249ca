package imvec.finetune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.data.Image;
import imvec.data.ImageSet;
import imvec.data.IndexedSubset;
import imvec.data.Preprocess;
import imvec.model.Backbone;
import imvec.model.LayerInfo;
import imvec.model.ModelCard;
import imvec.model.Tensor;
import imvec.onnx.OnnxBackbone;
import imvec.onnx.proto.OnnxProto.GraphProto;
import imvec.onnx.proto.OnnxProto.NodeProto;
import imvec.zoo.Backbones;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static imvec.finetune.OnnxImportTest.conv;
import static imvec.finetune.OnnxImportTest.ints;
import static imvec.finetune.OnnxImportTest.node;
import static org.assertj.core.api.Assertions.assertThat;

/** The whole finetune job on a tiny model and in-memory images, then the tuned directory opened as a backbone. */
class TunedBackboneTest {
    private static final long[] INPUT = {-1, 3, 8, 8};

    @TempDir
    Path dir;

    /** x → Conv c1 → Relu r1 → Conv c2 → Relu r2 → GlobalAveragePool → Flatten flat → Gemm old_logits → Softmax. */
    private Path model() {
        List<Object> items = new ArrayList<>(conv("x", "c1", 4, 3, 3, 1, "pads", ints(1, 1, 1, 1), true));
        items.add(node("Relu", "c1", "r1"));
        items.addAll(conv("r1", "c2", 5, 4, 3, 1, "auto_pad", "SAME_UPPER", true));
        items.add(node("Relu", "c2", "r2"));
        items.add(node("GlobalAveragePool", "r2", "gap"));
        items.add(node("Flatten", "gap", "flat"));
        items.add(NodeProto.newBuilder().setOpType("Gemm").setName("old_logits").addInput("flat").addInput("w_old")
                .addOutput("old_logits").addAttribute(OnnxImportTest.integer("transB", 1)).build());
        items.add(OnnxImportTest.weight("w_old", 50, 7, 5));
        items.add(node("Softmax", "old_logits", "old_probabilities"));
        GraphProto.Builder g = GraphProto.newBuilder().addAllNode(OnnxImportTest.nodes(items))
                .addAllInitializer(OnnxImportTest.weights(items)).addOutput(OnnxImportTest.output("old_probabilities"));
        return OnnxImportTest.writeModel(dir, "tiny.onnx", g, INPUT);
    }

    /** 40 images; class k has its k-th colour channel bright. */
    private static ImageSet images() {
        Random r = new Random(9);
        List<Image> list = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            byte[] px = new byte[8 * 8 * 3];
            for (int p = 0; p < 64; p++) {
                for (int c = 0; c < 3; c++) px[p * 3 + c] = (byte) ((c == i % 3 ? 150 : 40) + r.nextInt(60));
            }
            list.add(new Image(8, 8, 3, px));
        }
        return new ImageSet() {
            public String spec() { return "memory:colours"; }
            public int size() { return list.size(); }
            public List<String> classes() { return List.of("red", "green", "blue"); }
            public int label(int index) { return index % 3; }
            public String id(int index) { return "img" + index; }
            public Image read(int index) { return list.get(index); }
        };
    }

    private static ModelCard card() {
        return new ModelCard("x", 3, 8, 8, "stretch", new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f},
                null, null, "old_probabilities", "flat", null, null, null);
    }

    @Test
    void theTunedDirectoryOpensAsABackboneThatReproducesTheReportedAccuracy() throws Exception {
        Path out = dir.resolve("tuned");
        Preprocess pre = card().preprocessing().build();
        FineTuneJob.Result job;
        try (OnnxBackbone onnx = OnnxBackbone.open(model(), card())) {
            job = FineTuneJob.builder().setModel(onnx).setPreprocess(pre).setTrain(images()).setFrom("r1")
                    .optEpochs(2).optHeadEpochs(3).optLearningRate(1e-2f).optBatchSize(8).optThreads(1)
                    .optProbeEpochs(3).optTsneIterations(100).build().run(out);
        }
        assertThat(out.resolve(FineTuneJob.PARAMS_FILE)).exists();
        assertThat(Files.readString(out.resolve(FineTuneJob.TABLE_FILE))).contains("| head accuracy |");
        JsonNode report = new ObjectMapper().readTree(out.resolve(FineTuneJob.REPORT_FILE).toFile());
        assertThat(report.path("from").asText()).isEqualTo("r1");
        assertThat(report.path("result").path("after").path("separation").path("silhouette_tsne").isNumber()).isTrue();
        assertThat(report.path("to").asText()).isEqualTo("flat");

        ImageSet test = IndexedSubset.holdout(images(), 5)[1];
        float[] x = new float[test.size() * pre.size()];
        for (int i = 0; i < test.size(); i++) pre.apply(test.read(i), x, i * pre.size());
        try (Backbone tuned = Backbones.open(out, null); OnnxBackbone base = OnnxBackbone.open(model(), card())) {
            assertThat(tuned).isInstanceOf(TunedBackbone.class);
            assertThat(tuned.layers()).extracting(LayerInfo::name)
                    .containsExactly("x", "c1", "r1", "c2", "r2", "gap", "flat", "logits", "probabilities");
            assertThat(tuned.card().classes()).containsExactly("red", "green", "blue");
            Map<String, Tensor> got = tuned.forward(x, test.size(), List.of("r1", "flat", "probabilities"));
            Map<String, Tensor> untuned = base.forward(x, test.size(), List.of("r1", "flat"));
            // Before the start tensor nothing was tuned; after it the weights moved.
            assertThat(got.get("r1").data()).containsExactly(untuned.get("r1").data());
            assertThat(got.get("flat").data()).isNotEqualTo(untuned.get("flat").data());
            Tensor p = got.get("probabilities");
            assertThat(p.shape()).containsExactly(test.size(), 3);
            int correct = 0;
            for (int i = 0; i < test.size(); i++) {
                if (ImportCheck.argMax(p.data(), i * 3, 3) == test.label(i)) correct++;
            }
            assertThat((double) correct / test.size()).isEqualTo(job.tuning().after().accuracy());
        }
    }
}
