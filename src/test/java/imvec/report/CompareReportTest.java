package imvec.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.cli.Cli;
import imvec.model.ModelCard;
import imvec.onnx.proto.OnnxProto.GraphProto;
import imvec.onnx.proto.OnnxProto.ModelProto;
import imvec.onnx.proto.OnnxProto.NodeProto;
import imvec.onnx.proto.OnnxProto.OperatorSetIdProto;
import imvec.onnx.proto.OnnxProto.TensorProto;
import imvec.onnx.proto.OnnxProto.ValueInfoProto;
import imvec.store.Manifest;
import imvec.store.Npy;
import imvec.train.TrainedNet;
import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/** {@code imvec compare} on small synthetic runs written with the store. */
class CompareReportTest {
    private static final List<String> CLASSES = List.of("a", "b", "c");
    private static final int N = 60;

    @TempDir
    Path dir;

    /** An ONNX file whose initializers hold 2·3 + 5 values (the graph itself is an Add). */
    private Path onnx() throws IOException {
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(1).addDims(2).addDims(3)
                .addAllFloatData(List.of(1f, 2f, 3f, 4f, 5f, 6f)).build();
        TensorProto b = TensorProto.newBuilder().setName("b").setDataType(1).addDims(5)
                .addAllFloatData(List.of(1f, 2f, 3f, 4f, 5f)).build();
        GraphProto g = GraphProto.newBuilder().setName("g").addInitializer(w).addInitializer(b)
                .addInput(ValueInfoProto.newBuilder().setName("x"))
                .addNode(NodeProto.newBuilder().setOpType("Add").addInput("x").addInput("w").addOutput("y"))
                .addOutput(ValueInfoProto.newBuilder().setName("y")).build();
        ModelProto m = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build();
        return Files.write(dir.resolve("tiny.onnx"), m.toByteArray());
    }

    /** A run with layers "blobs" (classes {@code spread} apart) and "noise" (no class structure). */
    private Path run(String name, String model, double spread, long seed) throws IOException {
        Random r = new Random(seed);
        int d = 10;
        float[] blobs = new float[N * d];
        float[] noise = new float[N * d];
        int[] labels = new int[N];
        for (int i = 0; i < N; i++) {
            labels[i] = i % 3;
            for (int j = 0; j < d; j++) {
                blobs[i * d + j] = (float) (r.nextGaussian() + (j == labels[i] ? spread : 0));
                noise[i * d + j] = (float) r.nextGaussian();
            }
        }
        Path run = Files.createDirectories(dir.resolve(name).resolve("layers")).getParent();
        Npy.write(run.resolve("layers/blobs.npy"), blobs, N, d);
        Npy.write(run.resolve("layers/noise.npy"), noise, N, d);
        Npy.write(run.resolve("labels.npy"), labels, N);
        List<Manifest.Layer> layers = List.of(
                new Manifest.Layer("blobs", "layers/blobs.npy", new long[] {N, d}, "flatten", new long[] {-1, d}, null),
                new Manifest.Layer("noise", "layers/noise.npy", new long[] {N, d}, "flatten", new long[] {-1, d}, null));
        new Manifest("test", "now", N, layers, "labels.npy", null, CLASSES, null,
                new Manifest.Model(model, "0", "test", null), new Manifest.Data("synthetic", N, null, null),
                0, null, List.of(), null).write(run);
        return run;
    }

    private static CompareReport.Builder fast() {
        return CompareReport.builder().optProbeEpochs(10).optTsneIterations(250).optSeed(3);
    }

    @Test
    void tablesPlotsAndProvenanceForEveryRunAndLayer() throws IOException {
        Path model = onnx();
        Path a = run("a", model.toString(), 5, 1);
        Path b = run("b", "trained-cnn", 2, 2);
        Path out = dir.resolve("out");
        CompareReport.Summary s = fast().addRun("A", a, "blobs").addRun("A", a, "noise").addRun("B", b, "blobs").build().run(out);

        assertThat(s.rows()).extracting(CompareReport.Row::label).containsExactly("A · blobs", "A · noise", "B · blobs");
        CompareReport.Row blobs = s.rows().get(0), noise = s.rows().get(1), other = s.rows().get(2);
        assertThat(blobs.parameters()).isEqualTo(11);
        assertThat(blobs.modelBytes()).isEqualTo(Files.size(model));
        assertThat(other.parameters()).isNull();
        assertThat(other.modelBytes()).isNull();

        float[][] x = Npy.readMatrix(a.resolve("layers/blobs.npy"));
        int[] y = Npy.readInts(a.resolve("labels.npy"));
        assertThat(blobs.separation().silhouette()).isCloseTo(imvec.analysis.ReferenceSilhouette.of(x, y), offset(1e-5));
        assertThat(blobs.separation().features()).isEqualTo(10);
        // Stratified 20%: 4 of each class's 20 rows.
        assertThat(blobs.separation().probeTestRows()).isEqualTo(12);
        assertThat(blobs.separation().probeAccuracy()).isGreaterThan(noise.separation().probeAccuracy());
        assertThat(blobs.separation().probeAccuracy()).isGreaterThanOrEqualTo(0.9);
        assertThat(blobs.separation().silhouette()).isGreaterThan(noise.separation().silhouette() + 0.2);
        assertThat(blobs.separation().silhouetteTsne()).isGreaterThan(noise.separation().silhouetteTsne());
        assertThat(blobs.separation().silhouette()).isGreaterThan(other.separation().silhouette());

        String md = Files.readString(s.markdown());
        assertThat(md).contains("Table I", "Table II", "Table III", "A · blobs", "A · noise", "B · blobs", "| 11 |");
        String html = Files.readString(s.html());
        for (CompareReport.Row r : s.rows()) {
            assertThat(r.plots()).anyMatch(f -> f.endsWith("tsne.png")).anyMatch(f -> f.endsWith("pca.png"))
                    .anyMatch(f -> f.endsWith("tsne-3d.html")).anyMatch(f -> f.endsWith("pca-3d.html"));
            for (String f : r.plots()) {
                assertThat(out.resolve(f)).isNotEmptyFile();
                if (f.endsWith(".png") || f.endsWith(".html")) assertThat(html).contains(f);
            }
        }
        JsonNode json = new ObjectMapper().readTree(s.json().toFile());
        assertThat(json.path("rows")).hasSize(3);
        assertThat(json.path("seed").asLong()).isEqualTo(3);
        assertThat(json.path("imvec_version").isTextual()).isTrue();
        assertThat(json.path("rows").get(0).path("separation").path("silhouette_tsne").asDouble())
                .isEqualTo(blobs.separation().silhouetteTsne());
    }

    @Test
    void aTrainedCnnReportsItsWeightsFileAndParameterCount() throws IOException {
        Path model = dir.resolve("cnn");
        ModelCard card = TrainedNet.cardFor("fm-cnn", CLASSES, new float[] {0f}, new float[] {1f}, "test");
        try (TrainedNet net = TrainedNet.create("fm-cnn", card, 1)) {
            net.save(model);
        }
        Path a = run("a", model.toString(), 3, 1);
        CompareReport.Row r = fast().optPlots(false).addRun("A", a, "blobs").build().run(dir.resolve("out")).rows().getFirst();
        long bytes = Files.size(model.resolve(TrainedNet.PARAMS_FILE));
        assertThat(r.modelBytes()).isEqualTo(bytes);
        // float32 values plus the parameter file's names and shapes: two independent views of the size.
        assertThat(r.parameters()).isPositive().isBetween((bytes - 16_384) / 4, bytes / 4);
        assertThat(r.plots()).isEmpty();
    }

    @Test
    void aMissingLayerOrRunFailsBeforeAnythingIsWritten() throws IOException {
        Path a = run("a", "m", 3, 1);
        Path out = dir.resolve("out");
        assertThatThrownBy(() -> fast().addRun("A", a, "blobs").addRun("A", a, "fc9").build().run(out))
                .isInstanceOf(UserError.class).hasMessageContaining("fc9");
        assertThat(out.resolve(CompareReport.MARKDOWN)).doesNotExist();
        assertThatThrownBy(() -> fast().addRun("X", dir.resolve("nope"), "blobs").build().run(out))
                .isInstanceOf(UserError.class).hasMessageContaining("not a finished imvec run");
    }

    @Test
    void theCommandNeedsALayerForARunWithSeveralAndRejectsUnknownRunNames() throws IOException {
        Path a = run("a", "m", 3, 1);
        PrintStream savedErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = Cli.exit("compare", "--runs", a.toString(), "--out", dir.resolve("o").toString());
            assertThat(exit).isNotZero();
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("--layer-of").doesNotContain("Exception");
            err.reset();
            exit = Cli.exit("compare", "--runs", a.toString(), "--layer-of", "zz=blobs", "--out", dir.resolve("o").toString());
            assertThat(exit).isNotZero();
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("'zz'");
        } finally {
            System.setErr(savedErr);
        }
    }
}
