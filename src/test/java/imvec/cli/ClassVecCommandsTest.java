package imvec.cli;

import imvec.classvec.ClassVectors;
import imvec.classvec.Word2VecText;
import imvec.extract.TopK;
import imvec.store.Manifest;
import imvec.store.Npy;
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

/** The class-vector commands end to end on small synthetic runs and a synthetic CIFAR-100. */
class ClassVecCommandsTest {
    @TempDir
    Path temp;

    record Outcome(int code, String out, String err) {
    }

    static synchronized Outcome run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Cli.exit(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static void assertOneLineError(Outcome o, String... fragments) {
        assertThat(o.code()).as(o.err()).isEqualTo(1);
        assertThat(o.err().strip().lines()).as(o.err()).hasSize(1);
        assertThat(o.err()).startsWith("imvec: ").doesNotContain("Exception");
        for (String f : fragments) assertThat(o.err()).contains(f);
    }

    /** A finished run: 4 classes, a 6-d layer, and top-3 predictions where A and B are confused. */
    Path syntheticRun(boolean withTopK) throws IOException {
        Path run = Files.createDirectories(temp.resolve(withTopK ? "run-topk" : "run"));
        List<String> classes = List.of("A", "B", "C", "D");
        int n = 200;
        Random r = new Random(1);
        int[] labels = new int[n], topk = new int[n * 3];
        float[] layer = new float[n * 6];
        for (int i = 0; i < n; i++) {
            int t = i % 4;
            labels[i] = t;
            topk[i * 3] = t;
            topk[i * 3 + 1] = t == 0 ? 1 : t == 1 ? 0 : (t == 2 ? 3 : 2);
            topk[i * 3 + 2] = t < 2 ? 2 + r.nextInt(2) : r.nextInt(2);
            for (int k = 0; k < 6; k++) layer[i * 6 + k] = (float) (r.nextGaussian() + (k == t ? 3 : 0));
        }
        Files.createDirectories(run.resolve("layers"));
        Npy.write(run.resolve("layers/fc.npy"), layer, n, 6);
        Npy.write(run.resolve("labels.npy"), labels, n);
        Manifest.TopK tk = null;
        if (withTopK) {
            Npy.write(run.resolve("topk_indices.npy"), topk, n, 3);
            tk = new Manifest.TopK(3, "fc", "topk_indices.npy", null, null, "dataset", null);
        }
        new Manifest("test", "now", n, List.of(new Manifest.Layer("fc", "layers/fc.npy", new long[]{n, 6}, null, null, null)),
                "labels.npy", null, classes, null, null, null, 1, tk, null, null).write(run);
        return run;
    }

    @Test
    void confusionCentroidsCosineAndRsaEndToEnd() throws IOException {
        Path run = syntheticRun(true);
        Outcome c = run("confusion", "--run", run.toString(), "--out", temp.resolve("conf").toString());
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(c.out()).contains("| A | B (");
        for (String f : List.of("vectors.txt", "vectors.npy", "cosine.md", "cosine.csv", "cosine.png", "pca-raw.png",
                "pca-normalised.png", "confusion.json")) {
            assertThat(temp.resolve("conf").resolve(f)).isNotEmptyFile();
        }
        ClassVectors v = Word2VecText.read(temp.resolve("conf/vectors.txt"));
        assertThat(v.names()).containsExactly("A", "B", "C", "D");
        assertThat(v.dims()).isEqualTo(5);

        Outcome cen = run("centroids", "--run", run.toString(), "--layer", "fc", "--normalise", "--out", temp.resolve("cen").toString());
        assertThat(cen.code()).as(cen.err()).isZero();
        assertThat(Word2VecText.read(temp.resolve("cen/vectors.txt")).dims()).isEqualTo(6);

        Outcome cos = run("cosine", "--vectors", temp.resolve("conf/vectors.txt").toString(), "--json");
        assertThat(cos.code()).as(cos.err()).isZero();
        assertThat(cos.out()).contains("\"ranked\"");
        Outcome groups = run("cosine", "--vectors", temp.resolve("conf/vectors.txt").toString(), "--groups", "ab=A,B;cd=C,D");
        assertThat(groups.code()).as(groups.err()).isZero();
        assertThat(groups.out()).contains("| mean cosine | ab | cd |").contains("| ab (A, B) |");

        Outcome same = run("rsa", "--a", temp.resolve("conf/vectors.txt").toString(), "--b", temp.resolve("conf/vectors.txt").toString(), "--json");
        assertThat(same.code()).as(same.err()).isZero();
        assertThat(same.out()).contains("\"spearman\" : 1.0");
        Outcome rsa = run("rsa", "--a", temp.resolve("conf/vectors.txt").toString(), "--b", temp.resolve("cen/vectors.txt").toString());
        assertThat(rsa.code()).as(rsa.err()).isZero();
        assertThat(rsa.out()).contains("over 4 shared names (6 pairs)");
    }

    @Test
    void badInputsGiveOneClearSentence() throws IOException {
        Path plain = syntheticRun(false);
        assertOneLineError(run("confusion", "--run", plain.toString(), "--out", temp.resolve("x").toString()),
                "has no top-k predictions", "--topk 3");
        Path withTopK = syntheticRun(true);
        assertOneLineError(run("confusion", "--run", withTopK.toString(), "--top", "5", "--out", temp.resolve("x").toString()),
                "--top 5 is more than the 3 predictions");
        assertOneLineError(run("confusion", "--run", temp.resolve("nothing").toString(), "--out", temp.resolve("x").toString()),
                "is not a finished imvec run");
        assertOneLineError(run("cosine", "--vectors", temp.resolve("none.txt").toString()), "does not exist");
        Path conf = temp.resolve("conf-bad");
        assertThat(run("confusion", "--run", withTopK.toString(), "--out", conf.toString()).code()).isZero();
        assertOneLineError(run("cosine", "--vectors", conf.resolve("vectors.txt").toString(), "--groups", "ab=A,Q"),
                "'Q' in group ab is not a class here");
        assertOneLineError(run("train", "--data", "fashion-mnist:test", "--augment", "rotate", "--out", temp.resolve("x").toString()),
                "unknown augmentation 'rotate'");
        assertOneLineError(run("centroids", "--run", plain.toString(), "--layer", "conv9", "--out", temp.resolve("x").toString()),
                "no layer 'conv9'");
        assertThat(temp.resolve("x")).doesNotExist();
    }

    /** cifar-100-binary rows: (coarse, fine) label bytes then 3072 pixel bytes. */
    Path syntheticCifar100() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("cifar-100-binary"));
        // large_carnivores (8): bear 3, leopard 42, lion 43, tiger 88, wolf 97; plus fish (1): aquarium_fish 1.
        int[][] pairs = {{8, 3}, {8, 42}, {8, 43}, {8, 88}, {8, 97}, {1, 1}};
        Random r = new Random(2);
        for (String split : List.of("train", "test")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < 60; i++) {
                int[] p = pairs[i % pairs.length];
                out.write(p[0]);
                out.write(p[1]);
                for (int k = 0; k < 3072; k++) out.write((k % 6 == i % 6 ? 200 : 30) + r.nextInt(40));
            }
            Files.write(dir.resolve(split + ".bin"), out.toByteArray());
        }
        return dir;
    }

    @Test
    void im2vecOnOneCifar100SuperclassAndItsErrors() throws IOException {
        Path data = syntheticCifar100();
        String spec = "cifar100-binary:" + data;
        Outcome o = run("im2vec", "--data", spec, "--superclass", "large carnivores", "--epochs", "3", "--out", temp.resolve("im").toString());
        assertThat(o.code()).as(o.err()).isZero();
        ClassVectors v = Word2VecText.read(temp.resolve("im/vectors.txt"));
        assertThat(v.names()).containsExactly("bear", "leopard", "lion", "tiger", "wolf");
        // The saved W2 maps each written class vector to its one-hot (read back from the files, not from memory).
        float[][] w2 = imvec.store.Npy.readMatrix(temp.resolve("im/w2.npy"));
        for (int c = 0; c < 5; c++) {
            for (int i = 0; i < 5; i++) {
                double s = 0;
                for (int h = 0; h < 5; h++) s += w2[i][h] * (double) v.vectors()[c][h];
                assertThat(s).isCloseTo(i == c ? 1 : 0, org.assertj.core.api.Assertions.within(1e-3));
            }
        }
        assertThat(Files.readString(temp.resolve("im/im2vec.json"))).contains("\"inverse\" : \"inverse\"")
                .contains("\"superclass\" : \"large_carnivores\"").contains("\"test_images\" : 50");

        Outcome all = run("im2vec", "--data", spec, "--superclass", "all", "--epochs", "1", "--json", "--out", temp.resolve("all").toString());
        assertThat(all.code()).as(all.err()).isZero();
        assertThat(Word2VecText.read(temp.resolve("all/large_carnivores/vectors.txt")).size()).isEqualTo(5);
        assertThat(temp.resolve("all/fish")).doesNotExist(); // one fine class only: Im2Vec needs two
        assertThat(temp.resolve("all/trees")).doesNotExist(); // no images
        assertThat(all.err()).contains("0 fine classes of superclass trees; skipped").contains("1 fine class of superclass fish; skipped");

        assertOneLineError(run("im2vec", "--data", spec, "--superclass", "large carnivors", "--out", temp.resolve("y").toString()),
                "'large carnivors' is not a CIFAR-100 superclass", "large_carnivores");
        assertOneLineError(run("im2vec", "--data", spec, "--superclass", "large_carnivores", "--hidden", "3", "--inverse", "exact",
                "--out", temp.resolve("y").toString()), "not square");
        assertOneLineError(run("im2vec", "--data", "cifar10-binary:" + temp.resolve("none"), "--superclass", "fish",
                "--out", temp.resolve("y").toString()), "does not exist");
        assertThat(temp.resolve("y")).doesNotExist();
    }
}
