package imvec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.store.Manifest;
import imvec.store.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code imvec probe} end to end on small embedding files. */
class ProbeCommandTest {
    @TempDir
    Path dir;

    private void writeBlobs(int n) throws Exception {
        Random r = new Random(1);
        float[][] x = new float[n][4];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            for (int j = 0; j < 4; j++) x[i][j] = (float) r.nextGaussian();
            x[i][y[i]] += 8;
        }
        Npy.write(dir.resolve("x.npy"), x);
        Npy.write(dir.resolve("y.npy"), y, n);
        Files.writeString(dir.resolve("classes.txt"), "cat\ndog\n");
    }

    @Test
    void writesProvenanceJsonAndAConfusionPng() throws Exception {
        writeBlobs(60);
        Path out = dir.resolve("probe");
        int code = Cli.exit("probe", "--embeddings", dir.resolve("x.npy").toString(), "--labels", dir.resolve("y.npy").toString(),
                "--classes", dir.resolve("classes.txt").toString(), "--linear", "--epochs", "10", "--seed", "3",
                "--test-fraction", "0.25", "--out", out.toString());
        assertThat(code).isZero();
        JsonNode j = new ObjectMapper().readTree(out.resolve("probe.json").toFile());
        assertThat(j.get("test_accuracy").asDouble()).isEqualTo(1.0);
        assertThat(j.get("test_rows").asInt()).isEqualTo(16);
        assertThat(j.get("train_rows").asInt()).isEqualTo(44);
        assertThat(j.get("per_class_accuracy").has("dog")).isTrue();
        assertThat(j.get("options").get("seed").asLong()).isEqualTo(3);
        assertThat(j.get("inputs").get("split").get("kind").asText()).isEqualTo("stratified");
        assertThat(j.get("imvec_version").asText()).isNotBlank();
        // Perfect predictions: both diagonal cells are the darkest shade, the others white.
        BufferedImage png = ImageIO.read(out.resolve("confusion.png").toFile());
        assertThat(png.getWidth()).isGreaterThan(100);
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .containsExactlyInAnyOrder("probe.json", "confusion.png");
        }
    }

    /** A run directory as `imvec extract` leaves it: manifest, one layer, labels. */
    private Path run(String name, int n, long seed, List<String> classes) throws Exception {
        Path dir = this.dir.resolve(name);
        Files.createDirectories(dir.resolve("layers"));
        Random r = new Random(seed);
        float[][] x = new float[n][3];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            for (int j = 0; j < 3; j++) x[i][j] = (float) r.nextGaussian();
            x[i][y[i]] += 8;
        }
        Npy.write(dir.resolve("layers/feat.npy"), x);
        Npy.write(dir.resolve("labels.npy"), y, n);
        new Manifest("test", "now", n, List.of(new Manifest.Layer("feat", "layers/feat.npy", new long[] {n, 3}, "avg", null, null)),
                "labels.npy", null, classes, null, new Manifest.Model("m.onnx", "ab".repeat(32), "onnx", null),
                new Manifest.Data("synthetic:" + name, n, null, null), 0, null, null, null).write(dir);
        return dir;
    }

    @Test
    void trainsOnOneRunAndTestsOnAnother() throws Exception {
        Path train = run("train", 80, 1, List.of("cat", "dog"));
        Path test = run("test", 30, 2, List.of("cat", "dog"));
        Path out = dir.resolve("probe");
        assertThat(Cli.exit("probe", "--run", train.toString(), "--layer", "feat", "--test-run", test.toString(),
                "--linear", "--epochs", "15", "--out", out.toString())).isZero();
        JsonNode j = new ObjectMapper().readTree(out.resolve("probe.json").toFile());
        assertThat(j.get("train_rows").asInt()).isEqualTo(80);
        assertThat(j.get("test_rows").asInt()).isEqualTo(30);
        assertThat(j.get("test_accuracy").asDouble()).isEqualTo(1.0);
        assertThat(j.get("inputs").get("test_run").get("path").asText()).isEqualTo(test.toString());
        assertThat(j.get("inputs").get("run").get("model_sha256").asText()).isEqualTo("ab".repeat(32));

        Path other = run("other", 30, 3, List.of("dog", "cat"));
        assertThat(Cli.exit("probe", "--run", train.toString(), "--layer", "feat", "--test-run", other.toString()))
                .as("classes in another order").isEqualTo(1);
    }

    @Test
    void contradictoryOrMissingInputsFailWithExitOne() throws Exception {
        writeBlobs(20);
        assertThat(Cli.exit("probe", "--run", dir.toString(), "--layer", "x", "--test-run", dir.toString(),
                "--test-fraction", "0.3")).isEqualTo(1);
        assertThat(Cli.exit("probe", "--embeddings", dir.resolve("x.npy").toString())).isEqualTo(1);
        assertThat(Cli.exit("probe", "--embeddings", dir.resolve("x.npy").toString(), "--labels",
                dir.resolve("y.npy").toString(), "--test-fraction", "1.5")).isEqualTo(1);
    }
}
