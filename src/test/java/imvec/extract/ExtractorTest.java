package imvec.extract;

import imvec.store.Manifest;
import imvec.store.Npy;
import imvec.store.NumpyCheck;
import imvec.store.Synthetic;
import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ExtractorTest {
    @TempDir
    Path tmp;

    private static final List<String> OUTPUTS = List.of("manifest.json", "labels.npy", "ids.txt", "classes.txt",
            "layers/input.npy", "layers/maps.npy", "layers/probabilities.npy", "topk_indices.npy", "topk_probs.npy");

    @Test
    void writesTheRunLayout() throws IOException {
        Path run = tmp.resolve("run");
        var r = Synthetic.extractor(Synthetic.images(50, Set.of(5)), Synthetic.model(0)).build().run(run);
        assertThat(r.rows()).isEqualTo(49);
        for (String f : OUTPUTS) assertThat(run.resolve(f)).exists();
        assertThat(run.resolve(".partial")).doesNotExist();
        Manifest m = Manifest.read(run);
        assertThat(m.n()).isEqualTo(49);
        assertThat(m.skipped()).extracting(Manifest.Skipped::id).containsExactly("img-5");
        assertThat(m.layer("maps").shape()).containsExactly(49, 2);
        assertThat(m.layer("input").shape()).containsExactly(49, 48);
        assertThat(m.layer("input").pool()).isEqualTo("flatten");
        assertThat(m.topk().space()).isEqualTo("dataset");

        float[][] input = Npy.readMatrix(run.resolve("layers/input.npy"));
        float[][] maps = Npy.readMatrix(run.resolve("layers/maps.npy"));
        int[] labels = Npy.readInts(run.resolve("labels.npy"));
        List<String> ids = Files.readAllLines(run.resolve("ids.txt"));
        assertThat(ids).hasSize(49).doesNotContain("img-5").startsWith("img-0", "img-1", "img-2", "img-3", "img-4", "img-6");
        assertThat(labels[5]).isEqualTo(6 % 3);
        // The avg-pooled map of channel 0 is twice the mean of the red input plane.
        for (int i = 0; i < 49; i++) {
            double red = 0;
            for (int k = 0; k < 16; k++) red += input[i][k];
            assertThat(maps[i][0]).isCloseTo((float) (2 * red / 16), within(1e-5f));
        }
        Npy.Array topk = Npy.read(run.resolve("topk_indices.npy"));
        float[][] probs = Npy.readMatrix(run.resolve("layers/probabilities.npy"));
        float[][] topProbs = Npy.readMatrix(run.resolve("topk_probs.npy"));
        for (int i = 0; i < 49; i++) {
            int best = topk.ints()[i * 2];
            for (float p : probs[i]) assertThat(probs[i][best]).isGreaterThanOrEqualTo(p);
            assertThat(topProbs[i][0]).isGreaterThanOrEqualTo(topProbs[i][1]);
        }
    }

    @Test
    void batchArraysRefilledAfterInferenceGiveEachImagesOwnRows() throws IOException {
        // Without the input layer the batch arrays go back to the decoding threads; the stored maps
        // must still be each image's own, as in a run that keeps the input (and so never reuses them).
        var data = Synthetic.images(70, Set.of(5, 33));
        var maps = List.of(LayerRequest.parse("maps", Pool.FLATTEN));
        var both = List.of(LayerRequest.parse("input", Pool.FLATTEN), LayerRequest.parse("maps", Pool.FLATTEN));
        Synthetic.extractor(data, Synthetic.model(0)).setLayers(maps).optTopK(0).optDecodeThreads(3).build().run(tmp.resolve("reused"));
        Synthetic.extractor(data, Synthetic.model(0)).setLayers(both).optTopK(0).optDecodeThreads(3).build().run(tmp.resolve("kept"));
        float[][] reused = Npy.readMatrix(tmp.resolve("reused/layers/maps.npy"));
        float[][] kept = Npy.readMatrix(tmp.resolve("kept/layers/maps.npy"));
        float[][] input = Npy.readMatrix(tmp.resolve("kept/layers/input.npy"));
        assertThat(reused).hasNumberOfRows(68);
        assertThat(reused).isDeepEqualTo(kept);
        List<String> ids = Files.readAllLines(tmp.resolve("reused/ids.txt"));
        for (int i = 0; i < 68; i++) {
            int image = Integer.parseInt(ids.get(i).substring("img-".length()));
            float[] alone = Synthetic.model(0).forward(input[i], 1, List.of("maps")).get("maps").data();
            assertThat(reused[i]).as(ids.get(i)).isEqualTo(alone);
            assertThat(input[i][0]).isEqualTo(imvec.data.Preprocess.builder().setSize(4, 4).build()
                    .apply(data.read(image))[0]);
        }
    }

    @Test
    void anInterruptedRunResumesToTheSameBytes() throws IOException {
        Path whole = tmp.resolve("whole");
        Synthetic.extractor(Synthetic.images(70, Set.of(5)), Synthetic.model(0)).build().run(whole);

        Path broken = tmp.resolve("broken");
        RuntimeException crash = new RuntimeException("simulated crash");
        assertThatThrownBy(() -> Synthetic.extractor(Synthetic.images(70, Set.of(5)), Synthetic.model(0))
                .optListener((done, total) -> { if (done >= 40) throw crash; }).build().run(broken)).isSameAs(crash);
        assertThat(broken.resolve("manifest.json")).doesNotExist();
        var resumed = Synthetic.extractor(Synthetic.images(70, Set.of(5)), Synthetic.model(0)).build().run(broken);
        assertThat(resumed.resumedChunks()).isGreaterThan(0);
        assertSameRun(whole, broken);
    }

    @Test
    void killMinus9AndRerunGivesExactlyNRows() throws Exception {
        Path whole = tmp.resolve("whole");
        Synthetic.extractor(Synthetic.images(120, Set.of(5)), Synthetic.model(0)).build().run(whole);

        Path killed = tmp.resolve("killed");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Synthetic.class.getName(), killed.toString(), "120", "150")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (chunks(killed) < 2 && System.nanoTime() < deadline && p.isAlive()) Thread.sleep(20);
        assertThat(p.isAlive()).as("child still extracting when killed").isTrue();
        p.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks, no clean-up
        assertThat(killed.resolve("manifest.json")).doesNotExist();
        assertThat(chunks(killed)).isBetween(2, 7);

        Synthetic.extractor(Synthetic.images(120, Set.of(5)), Synthetic.model(0)).build().run(killed);
        assertThat(Manifest.read(killed).n()).isEqualTo(119);
        assertSameRun(whole, killed);
    }

    @Test
    void rerunningAFinishedRunIsANoOpAndOtherSettingsNeedForce() throws IOException {
        Path run = tmp.resolve("run");
        Synthetic.extractor(Synthetic.images(20, Set.of()), Synthetic.model(0)).build().run(run);
        var again = Synthetic.extractor(Synthetic.images(20, Set.of()), Synthetic.model(0)).build().run(run);
        assertThat(again.alreadyComplete()).isTrue();
        assertThatThrownBy(() -> Synthetic.extractor(Synthetic.images(20, Set.of()), Synthetic.model(0)).optTopK(1).build().run(run))
                .isInstanceOf(UserError.class).hasMessageContaining("--force");
        var forced = Synthetic.extractor(Synthetic.images(20, Set.of()), Synthetic.model(0)).optTopK(1).optForce(true).build().run(run);
        assertThat(forced.alreadyComplete()).isFalse();
        assertThat(Manifest.read(run).topk().k()).isEqualTo(1);
    }

    @Test
    void badRequestsAreOneSentenceErrors() {
        var data = Synthetic.images(10, Set.of());
        assertThatThrownBy(() -> Synthetic.extractor(data, Synthetic.model(0))
                .setLayers(List.of(new LayerRequest("mapz", Pool.AVG))).build().run(tmp.resolve("a")))
                .isInstanceOf(UserError.class).hasMessageContaining("unknown layer 'mapz'").hasMessageContaining("did you mean maps");
        assertThatThrownBy(() -> Synthetic.extractor(Synthetic.images(0, Set.of()), Synthetic.model(0)).build().run(tmp.resolve("b")))
                .isInstanceOf(UserError.class).hasMessageContaining("holds no images");
        assertThatThrownBy(() -> Synthetic.extractor(Synthetic.images(10, Set.of(3)), Synthetic.model(0)).optStrict(true).build().run(tmp.resolve("c")))
                .isInstanceOf(UserError.class).hasMessageContaining("img-3").hasMessageContaining("--strict");
        assertThatThrownBy(() -> Synthetic.extractor(data, Synthetic.model(0)).optTopK(4).build().run(tmp.resolve("d")))
                .isInstanceOf(UserError.class).hasMessageContaining("larger than the 3 classes");
        assertThat(tmp.resolve("c/manifest.json")).doesNotExist();
    }

    @Test
    void keptMapsHaveTheFullShapeAndNumpyReadsEverything() throws Exception {
        Path run = tmp.resolve("run");
        Synthetic.extractor(Synthetic.images(30, Set.of()), Synthetic.model(0)).optKeepMaps(true).build().run(run);
        Npy.Array maps = Npy.read(run.resolve("maps/maps.npy"));
        assertThat(maps.shape()).containsExactly(30, 2, 4, 4);
        NumpyCheck.assumeNumpy();
        String out = NumpyCheck.run("import numpy as np, json, sys\n"
                + "d=sys.argv[1]\n"
                + "m=json.load(open(d+'/manifest.json'))\n"
                + "for l in m['layers']:\n"
                + "  a=np.load(d+'/'+l['file']); assert a.dtype==np.float32 and list(a.shape)==l['shape'], l\n"
                + "mp=np.load(d+'/maps/maps.npy'); pooled=np.load(d+'/layers/maps.npy')\n"
                + "assert np.allclose(mp.mean(axis=(2,3)), pooled, atol=1e-6)\n"
                + "lab=np.load(d+'/labels.npy'); assert lab.dtype==np.int32 and lab.shape==(30,)\n"
                + "ti=np.load(d+'/topk_indices.npy'); assert ti.dtype==np.int32 and ti.shape==(30,2)\n"
                + "print('ok', int(lab.sum()))\n", run.toString());
        int sum = 0;
        for (int l : Npy.readInts(run.resolve("labels.npy"))) sum += l;
        assertThat(out.trim()).isEqualTo("ok " + sum);
    }

    private static int chunks(Path run) throws IOException {
        Path p = run.resolve(".partial");
        if (!Files.isDirectory(p)) return 0;
        try (Stream<Path> s = Files.list(p)) {
            return (int) s.filter(q -> q.getFileName().toString().matches("chunk-\\d+")).count();
        }
    }

    private static void assertSameRun(Path a, Path b) throws IOException {
        for (String f : OUTPUTS) {
            if (f.equals("manifest.json")) continue;
            assertThat(Files.readAllBytes(b.resolve(f))).as(f).isEqualTo(Files.readAllBytes(a.resolve(f)));
        }
        assertThat(Manifest.read(b).skipped()).isEqualTo(Manifest.read(a).skipped());
        assertThat(b.resolve(".partial")).doesNotExist();
    }
}
