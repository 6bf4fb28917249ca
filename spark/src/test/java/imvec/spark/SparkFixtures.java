package imvec.spark;

import imvec.data.FolderSet;
import imvec.data.Preprocess;
import imvec.extract.Extractor;
import imvec.extract.LayerRequest;
import imvec.extract.Pool;
import imvec.model.ModelCard;
import imvec.model.ModelCards;
import imvec.onnx.OnnxBackbone;
import imvec.store.Manifest;
import imvec.store.Npy;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Real data for the Spark tests: ImageNet sample images, the MobileNet and its card. */
final class SparkFixtures {
    static final List<LayerRequest> LAYERS = List.of(new LayerRequest("conv_pw_13_relu", Pool.AVG),
            new LayerRequest("conv_pw_1_relu", Pool.MAX), new LayerRequest("global_average_pooling2d_1", Pool.AVG));
    static final int TOPK = 5;

    private SparkFixtures() {
    }

    /** {@code -Dimvec.shared}, else {@code ../../shared} (from spark/ in a worktree), {@code ../shared}, {@code /work/shared}. */
    static Path shared(String relative) {
        List<Path> candidates = new ArrayList<>();
        String property = System.getProperty("imvec.shared");
        if (property != null && !property.isBlank()) candidates.add(Path.of(property));
        candidates.add(Path.of("..", "..", "shared").toAbsolutePath().normalize());
        candidates.add(Path.of("..", "shared").toAbsolutePath().normalize());
        candidates.add(Path.of("/work/shared"));
        for (Path c : candidates) {
            Path p = c.resolve("data").resolve(relative);
            if (Files.exists(p)) return p;
        }
        Assumptions.abort("shared data " + relative + " not found under " + candidates + "; set -Dimvec.shared=DIR to run this test");
        throw new AssertionError("unreachable");
    }

    static Path model() {
        return shared("imagenet-models/mobilenet-v1-0.75-224.onnx");
    }

    static ModelCard card() {
        Path card = Path.of("..", "cards", "mobilenet-v1-0.75-224.json");
        Assumptions.assumeTrue(Files.isRegularFile(card), "the MobileNet card is not at " + card.toAbsolutePath());
        shared("imagenet-labels/imagenet1k_sorted_order.tsv");
        return ModelCards.read(card);
    }

    static Preprocess preprocess() {
        return card().preprocessing().build();
    }

    /**
     * {@code count} sample images laid out as a folder: the first half in class folders {@code a/}
     * and {@code b/}, the rest at the root (labelled by their synset prefix), plus one file with
     * a JPEG name that is not an image, a hidden file and a text file, which must be left out.
     */
    static Path imageFolder(Path dir, int count) throws IOException {
        Path samples = shared("imagenet-sample-images");
        List<Path> jpegs;
        try (Stream<Path> s = Files.list(samples)) {
            jpegs = s.filter(p -> p.getFileName().toString().endsWith(".JPEG")).sorted().limit(count).toList();
        }
        Assumptions.assumeTrue(jpegs.size() == count, "fewer than " + count + " sample images");
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        for (int i = 0; i < count; i++) {
            Path to = i < count / 4 ? dir.resolve("a") : i < count / 2 ? dir.resolve("b") : dir;
            Files.copy(jpegs.get(i), to.resolve(jpegs.get(i).getFileName()));
        }
        Files.write(dir.resolve("b").resolve("n99999999_broken.jpg"), "not a JPEG at all".getBytes());
        Files.copy(jpegs.get(0), dir.resolve("a").resolve(".hidden.jpg"));
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        return dir;
    }

    /** {@code imvec extract} on the same folder, model and settings. */
    static Manifest extract(Path folder, Path labelsCsv, Path out) throws IOException {
        try (OnnxBackbone b = OnnxBackbone.open(model(), card())) {
            return Extractor.builder().setData(FolderSet.open(folder, labelsCsv)).setBackbone(b).setPreprocess(preprocess())
                    .setLayers(LAYERS).optTopK(TOPK).optLabelsFile(labelsCsv == null ? null : labelsCsv.toString())
                    .build().run(out).manifest();
        }
    }

    static SparkExtract.Builder sparkJob(Path folder) {
        return SparkExtract.builder().setData("folder:" + folder).setModel(model()).optCard(card())
                .setPreprocess(preprocess()).setLayers(LAYERS).optTopK(TOPK).optBatchSize(4);
    }

    static SparkSession local2() {
        return SparkSession.builder().master("local[2]").appName("imvec-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4").getOrCreate();
    }

    /** Two run directories hold the same rows: ids, labels, classes exactly; every array to 1e-6. */
    static void assertSameRun(Path expected, Path actual) throws IOException {
        Manifest e = Manifest.read(expected), a = Manifest.read(actual);
        assertThat(a.n()).isEqualTo(e.n());
        assertThat(a.classNames()).isEqualTo(e.classNames());
        assertThat(Files.readAllLines(actual.resolve("ids.txt"))).isEqualTo(Files.readAllLines(expected.resolve("ids.txt")));
        assertThat(Npy.read(actual.resolve("labels.npy")).ints()).isEqualTo(Npy.read(expected.resolve("labels.npy")).ints());
        assertThat(a.skipped().stream().map(Manifest.Skipped::id).toList())
                .isEqualTo(e.skipped().stream().map(Manifest.Skipped::id).toList());
        assertThat(a.layers()).hasSameSizeAs(e.layers());
        for (int i = 0; i < e.layers().size(); i++) {
            Manifest.Layer le = e.layers().get(i), la = a.layers().get(i);
            assertThat(la.name()).isEqualTo(le.name());
            assertThat(la.shape()).isEqualTo(le.shape());
            assertThat(la.sourceShape()).isEqualTo(le.sourceShape());
            assertClose(Npy.read(actual.resolve(la.file())), Npy.read(expected.resolve(le.file())));
        }
        if (e.topk() != null) {
            assertThat(a.topk().space()).isEqualTo(e.topk().space());
            assertThat(Npy.read(actual.resolve(a.topk().indices())).ints()).isEqualTo(Npy.read(expected.resolve(e.topk().indices())).ints());
            assertClose(Npy.read(actual.resolve(a.topk().probs())), Npy.read(expected.resolve(e.topk().probs())));
        }
    }

    private static void assertClose(Npy.Array actual, Npy.Array expected) {
        assertThat(actual.shape()).isEqualTo(expected.shape());
        float[] x = actual.floats(), y = expected.floats();
        for (int i = 0; i < y.length; i++) assertThat(x[i]).as("value %d", i).isCloseTo(y[i], within(1e-6f));
    }
}
