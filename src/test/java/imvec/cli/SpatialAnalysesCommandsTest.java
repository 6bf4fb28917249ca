package imvec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.data.FashionMnist;
import imvec.data.TestData;
import imvec.store.Npy;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `imvec spatial diversity|cluster|pca` end to end on 40 Fashion-MNIST test images through
 * MobileNet's conv map, with a spatial head trained here for one epoch, and their bad inputs:
 * one sentence, exit ≠ 0, nothing written.
 */
class SpatialAnalysesCommandsTest {
    private static final String DATA = "fashion-mnist:test[spread 40]";
    private static final int IMAGES = 40;

    @TempDir
    static Path dir;
    private static Path model;
    private static Path words;

    /** What the latest {@link #run} printed and returned. */
    private Cli.Outcome last;

    @BeforeAll
    static void trainASpatialHead() {
        Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR), "Fashion-MNIST is not installed; skipping");
        Path backbone = TestData.sharedData("imagenet-models/mobilenet-v1-0.75-224.onnx");
        words = TestData.sharedData("glove-6b-100d-subset/vectors.txt");
        model = dir.resolve("model");
        int exit = Cli.exit("spatial", "train", "--data", DATA, "--backbone", backbone.toString(), "--words", words.toString(),
                "--blocks", "2", "--epochs", "1", "--seed", "3", "--out", model.toString());
        assertThat(exit).isZero();
    }

    private int run(String... args) {
        last = Cli.run(args);
        return last.exit();
    }

    private JsonNode json() throws Exception {
        return new ObjectMapper().readTree(last.out());
    }

    private void assertOneSentence(int exit, String mention) {
        String e = last.err();
        assertThat(exit).as(e).isNotZero();
        List<String> lines = e.lines().filter(l -> !l.isBlank()).filter(l -> !l.contains("NNPACK")).toList();
        assertThat(lines).as(e).hasSize(1);
        assertThat(lines.get(0)).startsWith("imvec: ").contains(mention).doesNotContain("Exception");
    }

    @Test
    void diversityIsAScoreInZeroToOnePerImageAndAnAxisAgainstAWord() throws Exception {
        Path o = dir.resolve("diversity");
        assertThat(run("spatial", "diversity", "--model", model.toString(), "--data", DATA, "--words", words.toString(),
                "--word", "trouser", "--json", "--out", o.toString())).as(last.err()).isZero();
        List<String> rows = Files.readAllLines(o.resolve("diversity.csv"));
        assertThat(rows.get(0)).isEqualTo("id,diversity,trouser");
        assertThat(rows).hasSize(IMAGES + 1);
        double sum = 0;
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            assertThat(Double.parseDouble(f[1])).isBetween(0.0, 1.0);
            assertThat(Double.parseDouble(f[2])).isBetween(0.0, 1.0);
            sum += Double.parseDouble(f[1]);
        }
        assertThat(json().get("mean_diversity").asDouble()).isCloseTo(sum / IMAGES, org.assertj.core.api.Assertions.within(1e-5));
        assertThat(o.resolve("diversity.png")).isNotEmptyFile();
        JsonNode manifest = new ObjectMapper().readTree(o.resolve("manifest.json").toFile());
        assertThat(manifest.get("model").asText()).isEqualTo(model.toAbsolutePath().toString());
        assertThat(manifest.get("data").asText()).isEqualTo(DATA);
        assertThat(manifest.get("words").get(0).asText()).isEqualTo("trouser");
        assertThat(manifest.has("seed") && manifest.has("version")).isTrue();
        // Without a word: a strip, and no word vectors needed; the same diversities.
        Path strip = dir.resolve("diversity-strip");
        assertThat(run("spatial", "diversity", "--model", model.toString(), "--data", DATA, "--out", strip.toString()))
                .as(last.err()).isZero();
        List<String> plain = Files.readAllLines(strip.resolve("diversity.csv"));
        assertThat(plain.get(0)).isEqualTo("id,diversity");
        assertThat(plain.get(7)).isEqualTo(rows.get(7).substring(0, rows.get(7).lastIndexOf(',')));
    }

    @Test
    void projectionStillDrawsItsStripThroughTheSharedThumbnailDrawing() throws Exception {
        Path o = dir.resolve("project");
        assertThat(run("spatial", "project", "--model", model.toString(), "--data", DATA, "--words", words.toString(),
                "--word", "bag", "--out", o.toString())).as(last.err()).isZero();
        assertThat(javax.imageio.ImageIO.read(o.resolve("projection.png").toFile()).getHeight()).isEqualTo(500);
        assertThat(Files.readAllLines(o.resolve("scores.csv"))).hasSize(IMAGES + 1);
    }

    @Test
    void everyImageGoesToTheWordItScoresHighestOn() throws Exception {
        Path o = dir.resolve("clusters");
        assertThat(run("spatial", "cluster", "--model", model.toString(), "--data", DATA, "--words", words.toString(),
                "--word", "trouser", "--word", "bag", "--word", "sneaker", "--json", "--out", o.toString())).as(last.err()).isZero();
        List<String> scores = Files.readAllLines(o.resolve("scores.csv")), clusters = Files.readAllLines(o.resolve("clusters.csv"));
        assertThat(scores.get(0)).isEqualTo("id,trouser,bag,sneaker");
        assertThat(clusters.get(0)).isEqualTo("id,cluster,score");
        assertThat(clusters).hasSize(IMAGES + 1);
        Map<String, Integer> counted = new HashMap<>();
        for (int i = 1; i <= IMAGES; i++) {
            String[] s = scores.get(i).split(","), c = clusters.get(i).split(",");
            assertThat(c[0]).isEqualTo(s[0]);
            int best = 1;
            for (int j = 2; j < s.length; j++) if (Double.parseDouble(s[j]) > Double.parseDouble(s[best])) best = j;
            assertThat(c[1]).as("cluster of %s", c[0]).isEqualTo(scores.get(0).split(",")[best]);
            assertThat(c[2]).isEqualTo(s[best]);
            counted.merge(c[1], 1, Integer::sum);
        }
        JsonNode counts = json().get("counts");
        for (String w : List.of("trouser", "bag", "sneaker")) {
            assertThat(counts.get(w).asInt()).isEqualTo(counted.getOrDefault(w, 0));
            if (counted.containsKey(w)) {
                try (var files = Files.list(o)) {
                    assertThat(files.map(p -> p.getFileName().toString())).anyMatch(f -> f.startsWith("cluster-") && f.endsWith("-" + w + ".png"));
                }
            }
        }
        // Above every image's best score, all go to "none".
        Path none = dir.resolve("clusters-none");
        assertThat(run("spatial", "cluster", "--model", model.toString(), "--data", DATA, "--words", words.toString(),
                "--word", "trouser", "--word", "bag", "--min-score", "1", "--json", "--out", none.toString())).as(last.err()).isZero();
        assertThat(json().get("counts").get("none").asInt()).isEqualTo(IMAGES);
    }

    @Test
    void regionPcaWritesEveryLocationWithItsIdRowAndColumn() throws Exception {
        Path o = dir.resolve("pca");
        assertThat(run("spatial", "pca", "--model", model.toString(), "--data", DATA, "--dims", "3", "--json", "--out", o.toString()))
                .as(last.err()).isZero();
        Npy.Array points = Npy.read(o.resolve("points.npy"));
        assertThat(points.shape()).containsExactly(IMAGES * 49, 3); // MobileNet at 224: a 7×7 map
        List<String> csv = Files.readAllLines(o.resolve("points.csv"));
        assertThat(csv.get(0)).isEqualTo("id,row,col,pc1,pc2,pc3,label");
        assertThat(csv).hasSize(IMAGES * 49 + 1);
        String[] tenth = csv.get(10).split(",");
        assertThat(tenth[1] + "," + tenth[2]).isEqualTo("1,2"); // location 9 of the first image
        assertThat(Double.parseDouble(tenth[3])).isCloseTo(points.floats()[9 * 3], org.assertj.core.api.Assertions.within(1e-5));
        double total = 0;
        for (JsonNode r : json().get("explained_variance_ratio")) {
            assertThat(r.asDouble()).isPositive();
            total += r.asDouble();
        }
        assertThat(total).isLessThanOrEqualTo(1.0);
        assertThat(Files.readAllLines(o.resolve("explained-variance.csv"))).hasSize(4);
        for (String f : List.of("pca-pc1-pc2.png", "pca-pc1-pc3.png", "pca-pc2-pc3.png", "manifest.json")) assertThat(o.resolve(f)).isNotEmptyFile();
        // Coloured by the strongest word's map instead: every label is one of the words.
        Path byWord = dir.resolve("pca-words");
        assertThat(run("spatial", "pca", "--model", model.toString(), "--data", DATA, "--words", words.toString(),
                "--word", "trouser", "--word", "shoe", "--out", byWord.toString())).as(last.err()).isZero();
        assertThat(Files.readAllLines(byWord.resolve("points.csv")).stream().skip(1).map(l -> l.substring(l.lastIndexOf(',') + 1)))
                .allMatch(l -> l.equals("trouser") || l.equals("shoe"));
    }

    @Test
    void badInputsAreOneSentenceAndWriteNothing() throws Exception {
        Path o = dir.resolve("bad");
        assertOneSentence(run("spatial", "cluster", "--model", model.toString(), "--data", DATA, "--words", words.toString(),
                "--word", "trousr", "--word", "bag", "--out", o.toString()), "did you mean");
        assertOneSentence(run("spatial", "diversity", "--model", model.toString(), "--data", DATA, "--word", "trouser",
                "--out", o.toString()), "--words");
        assertOneSentence(run("spatial", "pca", "--model", model.toString(), "--data", DATA, "--dims", "4", "--out", o.toString()),
                "--dims must be 2 or 3");
        assertOneSentence(run("spatial", "cluster", "--model", model.toString(), "--data", DATA, "--words", words.toString(),
                "--word", "trouser", "--word", "bag", "--min-score", "1.5", "--out", o.toString()), "between 0 and 1");
        assertOneSentence(run("spatial", "cluster", "--model", model.toString(), "--data", DATA, "--words", words.toString(),
                "--word", "trouser", "--out", o.toString()), "at least twice");
        Files.createDirectories(dir.resolve("empty"));
        Files.writeString(dir.resolve("empty/labels.csv"), "path,labels\n");
        assertOneSentence(run("spatial", "pca", "--model", model.toString(), "--data", "multilabel:" + dir.resolve("empty/labels.csv") + "#masks=none",
                "--out", o.toString()), "no images");
        // A pooled head: its model directory says so.
        Path pooled = dir.resolve("pooled");
        Files.createDirectories(pooled.resolve("params"));
        imvec.spatial.PooledHead head = imvec.spatial.PooledHead.create(768, 100, 1);
        Map<String, Object> info = new ObjectMapper().readValue(model.resolve("head.json").toFile(), Map.class);
        info.put("kind", "pooled");
        new imvec.spatial.SpatialRun(head, info).save(pooled);
        assertOneSentence(run("spatial", "diversity", "--model", pooled.toString(), "--data", DATA, "--out", o.toString()),
                "need a spatial head");
        assertThat(o).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.contains("staging"));
        }
    }
}
