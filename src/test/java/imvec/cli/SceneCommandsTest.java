package imvec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.store.Npy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** `imvec scenes …` end to end on a tiny image folder, and its bad inputs: one sentence, exit ≠ 0, nothing written. */
class SceneCommandsTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return Cli.exit(args);
    }

    private void assertOneSentence(int exit, String mention) {
        String e = err.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(e).isNotZero();
        List<String> lines = e.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(e).hasSize(1);
        assertThat(lines.get(0)).startsWith("imvec: ").contains(mention).doesNotContain("Exception");
    }

    /** Three classes of solid-colour photos, mosaicked, with planted scores for every scene. */
    private Path scenesAndScores() throws Exception {
        Color[] colours = {Color.RED, Color.GREEN, Color.BLUE};
        String[] names = {"dog", "cat", "sky"};
        for (int k = 0; k < 3; k++) {
            Files.createDirectories(dir.resolve("photos/" + names[k]));
            for (int i = 0; i < 2; i++) {
                BufferedImage img = new BufferedImage(20, 16, BufferedImage.TYPE_3BYTE_BGR);
                var g = img.createGraphics();
                g.setColor(colours[k]);
                g.fillRect(0, 0, 20, 16);
                g.dispose();
                ImageIO.write(img, "png", dir.resolve("photos/" + names[k] + "/" + i + ".png").toFile());
            }
        }
        assertThat(run("scenes", "mosaic", "--data", "folder:" + dir.resolve("photos"), "--cell", "16", "--scenes", "12",
                "--seed", "2", "--out", dir.resolve("scenes").toString())).as(err.toString()).isZero();
        List<String> lines = Files.readAllLines(dir.resolve("scenes/labels.csv"));
        int n = lines.size() - 1;
        Path scores = Files.createDirectories(dir.resolve("scores"));
        Files.write(scores.resolve("labels.txt"), List.of("cat", "dog", "sky"));
        Files.write(scores.resolve("ids.txt"), lines.subList(1, lines.size()).stream().map(l -> l.split(",")[0]).toList());
        float[] s = new float[n * 3];
        for (int i = 0; i < n; i++) for (int k = 0; k < 3; k++) s[i * 3 + k] = lines.get(i + 1).contains(List.of("cat", "dog", "sky").get(k)) ? 0.9f : 0.1f;
        Npy.write(scores.resolve("scores.npy"), s, n, 3);
        Npy.write(scores.resolve("maps.npy"), new float[n * 3 * 2 * 2], n, 3, 2, 2);
        return scores;
    }

    @Test
    void mosaicEvalAndSearchRunEndToEnd() throws Exception {
        Path scores = scenesAndScores();
        String data = "multilabel:" + dir.resolve("scenes/labels.csv");
        assertThat(run("scenes", "eval", "--scores", scores.toString(), "--data", data, "--json", "--out", dir.resolve("eval").toString()))
                .as(err.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(json.get("map").asDouble()).isEqualTo(1.0);
        assertThat(json.get("localisation").get("miou").asDouble()).isBetween(0.0, 1.0);
        assertThat(json.get("localisation").get("scale").asText()).isEqualTo("image-range");
        for (String f : new String[] {"eval.md", "eval.json", "ap.csv", "localisation-curve.csv", "localisation-curve.png"}) {
            assertThat(dir.resolve("eval").resolve(f)).isNotEmptyFile();
        }
        assertThat(Files.readAllLines(dir.resolve("eval/localisation-curve.csv"))).hasSize(20);
        Files.writeString(dir.resolve("q.json"), "{\"dog\": [[1, 0], [0, -1]]}");
        assertThat(run("scenes", "search", "--scores", scores.toString(), "--query", dir.resolve("q.json").toString(), "--top", "3"))
                .as(err.toString()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines().count()).isEqualTo(4);
        assertThat(run("scenes", "search", "--scores", scores.toString(), "--query", dir.resolve("q.json").toString(), "--top", "3",
                "--data", data, "--out", dir.resolve("search").toString())).as(err.toString()).isZero();
        assertThat(Files.readString(dir.resolve("search/search.html"))).contains("thumbs/001.png").contains("dog");
        assertThat(dir.resolve("search/thumbs/003.png")).isNotEmptyFile();
        assertThat(new ObjectMapper().readTree(dir.resolve("search/search.json").toFile()).get("hits")).hasSize(3);
        assertThat(run("scenes", "split", "--data", "folder:" + dir.resolve("photos"), "--unseen", "1", "--out", dir.resolve("split").toString())).isZero();
        assertThat(Files.readAllLines(dir.resolve("split/unseen.txt"))).hasSize(1);
    }

    @Test
    void badInputsAreOneSentenceAndWriteNothing() throws Exception {
        Path scores = scenesAndScores();
        String data = "multilabel:" + dir.resolve("scenes/labels.csv");
        Path evalOut = dir.resolve("eval-bad");
        assertOneSentence(run("scenes", "eval", "--scores", scores.toString(), "--data", data, "--threshold", "1.5",
                "--out", evalOut.toString()), "--threshold must be between 0 and 1");
        assertThat(evalOut).doesNotExist();
        assertOneSentence(run("scenes", "eval", "--scores", scores.toString(), "--data", data, "--normalise", "softmax",
                "--out", evalOut.toString()), "--normalise must be image-range or sigmoid");
        assertThat(evalOut).doesNotExist();
        Files.writeString(dir.resolve("ragged.json"), "{\"dog\": [[1, 0], [0]]}");
        assertOneSentence(run("scenes", "search", "--scores", scores.toString(), "--query", dir.resolve("ragged.json").toString()),
                "not rectangular");
        Files.writeString(dir.resolve("typo.json"), "{\"dgo\": [[1]]}");
        assertOneSentence(run("scenes", "search", "--scores", scores.toString(), "--query", dir.resolve("typo.json").toString()),
                "did you mean dog");
        Files.writeString(dir.resolve("value.json"), "{\"dog\": [[2]]}");
        assertOneSentence(run("scenes", "search", "--scores", scores.toString(), "--query", dir.resolve("value.json").toString()),
                "cells must be 1, -1 or 0");
        Files.writeString(dir.resolve("unseen.txt"), "dgo\n");
        assertOneSentence(run("scenes", "eval", "--scores", scores.toString(), "--data", data, "--labels", dir.resolve("unseen.txt").toString(),
                "--out", evalOut.toString()), "did you mean dog");
        assertThat(evalOut).doesNotExist();
        Files.writeString(dir.resolve("seen.txt"), "dgo\n");
        Path mosaicOut = dir.resolve("mosaic-bad");
        assertOneSentence(run("scenes", "mosaic", "--data", "folder:" + dir.resolve("photos"), "--classes", dir.resolve("seen.txt").toString(),
                "--out", mosaicOut.toString()), "did you mean dog");
        assertThat(mosaicOut).doesNotExist();
        Npy.write(scores.resolve("maps.npy"), new float[5 * 3 * 2 * 2], 5, 3, 2, 2);
        assertOneSentence(run("scenes", "eval", "--scores", scores.toString(), "--data", data), "must be float32 [");
        Files.delete(scores.resolve("maps.npy"));
        Files.write(scores.resolve("ids.txt"), Files.readAllLines(scores.resolve("ids.txt")).stream().map(id -> "x/" + id).toList());
        assertOneSentence(run("scenes", "eval", "--scores", scores.toString(), "--data", data), "scored images are not in");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(name -> name.contains("staging"));
        }
    }
}
