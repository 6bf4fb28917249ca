package imvec.report;

import com.fasterxml.jackson.databind.JsonNode;
import imvec.cli.Cli;
import imvec.extract.TopK;
import imvec.store.Manifest;
import imvec.store.Npy;
import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The semantics report on a small run written here: one layer carries word geometry, one is noise. */
class SemanticsReportTest {
    static final List<String> CLASSES = List.of("cat", "dog", "horse", "car", "truck", "ship", "apple", "pear",
            "plum", "chair", "table", "lamp", "zzzunknown");
    static final int PER_CLASS = 3;

    @TempDir
    Path dir;

    Path words;

    /** Writes a run with layers "meaningful" and "noise"; with predictions when {@code topk}. */
    Path run(boolean topk) throws IOException {
        Random r = new Random(5);
        int k = CLASSES.size(), wd = 8, d = 20, n = k * PER_CLASS;
        float[][] vec = new float[k][wd];
        StringBuilder glove = new StringBuilder();
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < wd; j++) vec[c][j] = (float) r.nextGaussian();
            if (c < k - 1) {
                glove.append(CLASSES.get(c));
                for (float v : vec[c]) glove.append(' ').append(v);
                glove.append('\n');
            }
        }
        words = Files.writeString(dir.resolve("vectors.txt"), glove.toString());
        double[][] map = new double[wd][d];
        for (double[] row : map) for (int j = 0; j < d; j++) row[j] = r.nextGaussian();
        float[] meaningful = new float[n * d], noise = new float[n * d];
        int[] labels = new int[n], pred = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % k;
            labels[i] = c;
            // Every fourth image is mistaken for the next class.
            pred[i] = i % 4 == 0 ? (c + 1) % k : c;
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int q = 0; q < wd; q++) s += vec[c][q] * map[q][j];
                meaningful[i * d + j] = (float) (s + 0.5 * r.nextGaussian());
                noise[i * d + j] = (float) r.nextGaussian();
            }
        }
        Path run = dir.resolve(topk ? "run-topk" : "run");
        Files.createDirectories(run.resolve("layers"));
        Npy.write(run.resolve("layers/meaningful.npy"), meaningful, n, d);
        Npy.write(run.resolve("layers/noise.npy"), noise, n, d);
        Npy.write(run.resolve("labels.npy"), labels, n);
        Manifest.TopK t = null;
        if (topk) {
            Npy.write(run.resolve("topk_indices.npy"), pred, n, 1);
            Npy.write(run.resolve("topk_probs.npy"), new float[n], n, 1);
            t = new Manifest.TopK(1, "probabilities", "topk_indices.npy", "topk_probs.npy", null, "dataset", null);
        }
        List<Manifest.Layer> layers = List.of(
                new Manifest.Layer("noise", "layers/noise.npy", new long[]{n, d}, "avg", new long[]{-1, d}, null),
                new Manifest.Layer("meaningful", "layers/meaningful.npy", new long[]{n, d}, "avg", new long[]{-1, d}, null));
        new Manifest("test", "now", n, layers, "labels.npy", "classes.txt", CLASSES, "ids.txt",
                new Manifest.Model("synthetic", "0", "test", null), new Manifest.Data("synthetic", n, null, null),
                0, t, List.of(), null).write(run);
        return run;
    }

    @Test
    void writesTablesFigureAndCoverageAndFindsTheMeaningfulLayer() throws IOException {
        Path run = run(true);
        Path out = dir.resolve("out");
        SemanticsReport.Result r = SemanticsReport.builder().setRun(run).setWords(words).optPermutations(200).optSeed(3).build().run(out, null);
        assertThat(r.groups()).isEqualTo(PER_CLASS);
        assertThat(r.concepts()).isEqualTo(CLASSES.size() - 1);
        assertThat(r.coverage().dropped()).extracting(e -> e.concept()).containsExactly("zzzunknown");
        SemanticsReport.LayerRow noise = r.layers().get(0), meaningful = r.layers().get(1);
        assertThat(meaningful.twoVsTwo()).isGreaterThan(0.85);
        assertThat(meaningful.twoVsTwoP()).isEqualTo(1.0 / 201);
        assertThat(meaningful.rsa()).isGreaterThan(0.3);
        assertThat(noise.twoVsTwo()).isBetween(0.25, 0.75);
        assertThat(meaningful.twoVsTwoGroups()).hasSize(PER_CLASS);
        assertThat(meaningful.oneVsTwoImages()).isPositive();
        for (String f : List.of("semantics.json", "semantics.csv", "semantics.md", "coverage.tsv", "semantics.png", "semantics.svg")) {
            assertThat(out.resolve(f)).isNotEmptyFile();
        }
        JsonNode j = Manifest.json().readTree(out.resolve("semantics.json").toFile());
        assertThat(j.path("seed").asLong()).isEqualTo(3);
        assertThat(j.path("imvec_version").asText()).isNotEmpty();
        assertThat(j.path("layers")).hasSize(2);
        assertThat(j.path("layers").get(1).path("two_vs_two").asDouble()).isEqualTo(meaningful.twoVsTwo());
        assertThat(Files.readString(out.resolve("coverage.tsv"))).contains("zzzunknown\tno\tclass_name");
        assertThat(Files.readAllLines(out.resolve("semantics.csv"))).hasSize(3);
        assertThat(Files.readString(out.resolve("semantics.svg"))).contains("2-vs-2").contains("chance");
        // The same seed gives the same numbers.
        SemanticsReport.Result again = SemanticsReport.builder().setRun(run).setWords(words).optPermutations(200).optSeed(3).build().run(null, null);
        assertThat(again.layers().get(0).twoVsTwoP()).isEqualTo(noise.twoVsTwoP());
        assertThat(again.layers().get(0).rsaP()).isEqualTo(noise.rsaP());

        HtmlReport html = new HtmlReport("test");
        SemanticsReport.addSection(html, r, "out/semantics.png");
        html.write(dir.resolve("report.html"));
        assertThat(Files.readString(dir.resolve("report.html"))).contains("Semantics across layers").contains("meaningful")
                .contains(String.format(java.util.Locale.ROOT, "%.3f", meaningful.twoVsTwo())).contains("out/semantics.png");

        List<Path> overlay = SemanticsOverlay.plot(List.of(out, out), dir.resolve("both.png"));
        assertThat(overlay).allSatisfy(p -> assertThat(p).isNotEmptyFile());
    }

    @Test
    void badRequestsAreUserErrors() throws IOException {
        Path plain = run(false);
        SemanticsReport.Builder b = SemanticsReport.builder().setRun(plain).setWords(words).optPermutations(10);
        assertThatThrownBy(() -> b.optTests(Set.of(SemanticsReport.Test.ONE_VS_TWO)).build().run(null, null))
                .isInstanceOf(UserError.class).hasMessageContaining("no predictions");
        SemanticsReport.Result defaults = SemanticsReport.builder().setRun(plain).setWords(words).optPermutations(10).build().run(null, null);
        assertThat(defaults.note()).contains("1-vs-2 skipped");
        assertThat(defaults.layers().get(0).oneVsTwo()).isNull();
        assertThatThrownBy(() -> SemanticsReport.builder().setRun(plain).setWords(words).optStrict(true).build().run(null, null))
                .isInstanceOf(UserError.class).hasMessageContaining("'zzzunknown'");
        assertThatThrownBy(() -> SemanticsReport.builder().setRun(plain).setWords(words).optGroups(4).build().run(null, null))
                .isInstanceOf(UserError.class).hasMessageContaining("--groups 4");
        assertThatThrownBy(() -> SemanticsReport.builder().setRun(plain).setWords(words).optLayers(List.of("meaningfull")).build().run(null, null))
                .isInstanceOf(UserError.class).hasMessageContaining("did you mean").hasMessageContaining("meaningful");
        // Only two classes have vectors: too few concepts.
        Path two = Files.writeString(dir.resolve("two.txt"), "cat 1 2 3\ndog 3 1 2\n");
        assertThatThrownBy(() -> SemanticsReport.builder().setRun(plain).setWords(two).build().run(null, null))
                .isInstanceOf(UserError.class).hasMessageContaining("at least 3 concepts");
        // Through the CLI: one sentence, exit code 1.
        assertThat(Cli.exit("semantics", "--run", plain.toString(), "--words", words.toString(), "--tests", "1v2",
                "--out", dir.resolve("cli").toString())).isEqualTo(1);
        assertThat(Cli.exit("semantics", "--run", plain.toString(), "--words", words.toString(), "--tests", "3v3",
                "--out", dir.resolve("cli").toString())).isEqualTo(1);
    }
}
