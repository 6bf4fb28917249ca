package imvec.cli;

import imvec.onnx.proto.OnnxProto.GraphProto;
import imvec.onnx.proto.OnnxProto.ModelProto;
import imvec.onnx.proto.OnnxProto.NodeProto;
import imvec.onnx.proto.OnnxProto.OperatorSetIdProto;
import imvec.onnx.proto.OnnxProto.TensorShapeProto;
import imvec.onnx.proto.OnnxProto.TypeProto;
import imvec.onnx.proto.OnnxProto.ValueInfoProto;
import imvec.store.Manifest;
import imvec.store.Npy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every bad input the CLI promises to handle, run through {@link Main#run} in this JVM: exit code
 * ≠ 0, one sentence on stderr and no stack trace. The model is a tiny ONNX graph built here, the
 * images are PNGs written here, so the class runs in seconds.
 */
class CliBadInputTest {
    private static final int FLOAT = 1;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;
    /** Everything every run of the test printed: no bad input may reach "internal error". */
    private final StringBuilder printed = new StringBuilder();

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
        assertThat(printed.toString()).as("output of every CLI run in this test").doesNotContain("internal error");
    }

    /** What one run printed and returned. */
    private record Outcome(int exit, String stdout, String stderr) {
    }

    private Outcome run(String... args) {
        out.reset();
        err.reset();
        int exit = Cli.exit(args);
        System.out.flush();
        System.err.flush();
        Outcome o = new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        printed.append(o.stdout()).append(o.stderr());
        return o;
    }

    /** Exit ≠ 0 and exactly one line, an "imvec: …" sentence, with no trace of a Java exception. */
    private static void assertOneSentenceFailure(Outcome o, String mustMention) {
        assertThat(o.exit()).as("exit code; stderr was: %s", o.stderr()).isNotZero();
        List<String> lines = o.stderr().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("stderr lines").hasSize(1);
        String line = lines.getFirst();
        assertThat(line).startsWith("imvec: ").doesNotContain("internal error").contains(mustMention);
        assertThat(line.strip()).matches(".*[.?!]$");
        assertThat(o.stderr()).doesNotContain("\tat ", "Exception", "Error:");
    }

    // ---- fixtures ---------------------------------------------------------------------------

    /** x [N,3,4,4] → Relu → GlobalAveragePool → Flatten → Softmax: a classifier with 3 classes. */
    private Path tinyOnnx() throws IOException {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (long d : new long[] {3, 4, 4}) shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        return onnx("tiny.onnx", shape);
    }

    /** The same graph taking x [N,C,H,W] with every size symbolic, as exporters write fully convolutional nets. */
    private Path freeSizeOnnx() throws IOException {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (String d : new String[] {"N", "C", "H", "W"}) shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(d));
        return onnx("free.onnx", shape);
    }

    private Path onnx(String name, TensorShapeProto.Builder shape) throws IOException {
        ValueInfoProto input = ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(shape))).build();
        GraphProto.Builder g = GraphProto.newBuilder().setName("tiny").addInput(input)
                .addNode(node("Relu", "x", "relu"))
                .addNode(node("GlobalAveragePool", "relu", "gap"))
                .addNode(node("Flatten", "gap", "features"))
                .addNode(node("Softmax", "features", "probabilities"))
                .addOutput(ValueInfoProto.newBuilder().setName("probabilities"));
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setProducerName("imvec-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
        return Files.write(dir.resolve(name), m.toByteArray());
    }

    private static NodeProto node(String op, String in, String out) {
        return NodeProto.newBuilder().setOpType(op).setName(out).addInput(in).addOutput(out).build();
    }

    /** A folder of 6 random 5×5 PNGs in two class folders, plus {@code broken} files that are not images. */
    private Path imageFolder(String... broken) throws IOException {
        Path root = dir.resolve("images");
        Random random = new Random(3);
        for (int i = 0; i < 6; i++) {
            Path cls = Files.createDirectories(root.resolve(i % 2 == 0 ? "cat" : "dog"));
            BufferedImage img = new BufferedImage(5, 5, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 5; y++) for (int x = 0; x < 5; x++) img.setRGB(x, y, random.nextInt(1 << 24));
            ImageIO.write(img, "png", cls.resolve("img" + i + ".png").toFile());
        }
        for (String name : broken) Files.writeString(root.resolve("dog").resolve(name), "this is not a PNG");
        return root;
    }

    private static byte[] idx(int magic, int[] dims, int dataBytes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(bytes);
        data.writeInt(magic);
        for (int d : dims) data.writeInt(d);
        data.write(new byte[dataBytes]);
        return bytes.toByteArray();
    }

    private Path idxImages(String name, int magic, int count, int dataBytes) throws IOException {
        return Files.write(dir.resolve(name), idx(magic, new int[] {count, 6, 6}, dataBytes));
    }

    private Path idxLabels(String name, int count) throws IOException {
        byte[] raw = idx(0x0801, new int[] {count}, 0);
        byte[] all = Arrays.copyOf(raw, raw.length + count);
        for (int i = 0; i < count; i++) all[raw.length + i] = (byte) (i % 2);
        return Files.write(dir.resolve(name), all);
    }

    private Path embeddings(String name, float[][] rows) throws IOException {
        Path p = dir.resolve(name);
        Npy.write(p, rows);
        return p;
    }

    private Path labels(String name, int... values) throws IOException {
        Path p = dir.resolve(name);
        Npy.write(p, values, values.length);
        return p;
    }

    private static float[][] randomRows(int n, int d, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[n][d];
        for (float[] row : x) for (int j = 0; j < d; j++) row[j] = (float) r.nextGaussian();
        return x;
    }

    // ---- the bad inputs ---------------------------------------------------------------------

    @Test
    void unknownLayerNamesTheCloseOnes() throws IOException {
        Outcome o = run("extract", "--model", tinyOnnx().toString(), "--data", "folder:" + imageFolder(),
                "--layers", "reluu", "--out", dir.resolve("run").toString());
        assertOneSentenceFailure(o, "reluu");
        assertThat(o.stderr()).contains("did you mean relu");
        assertThat(dir.resolve("run").resolve("manifest.json")).doesNotExist();
    }

    @Test
    void unknownLayerOfAStoredRunNamesTheCloseOnes() throws IOException {
        Path run = dir.resolve("run");
        assertThat(run("extract", "--model", tinyOnnx().toString(), "--data", "folder:" + imageFolder(),
                "--layers", "features,relu", "--out", run.toString()).exit()).isZero();
        Outcome o = run("silhouette", "--run", run.toString(), "--layer", "featurse");
        assertOneSentenceFailure(o, "featurse");
        assertThat(o.stderr()).contains("features");
    }

    @Test
    void wrongMagicIdxIsOneSentence() throws IOException {
        Path images = idxImages("images.idx", 0x12345678, 4, 4 * 36);
        Path labelFile = idxLabels("labels.idx", 4);
        Outcome o = run("extract", "--model", tinyOnnx().toString(), "--data", "idx:" + images + "," + labelFile,
                "--layers", "features", "--out", dir.resolve("run").toString());
        assertOneSentenceFailure(o, "images.idx");
    }

    @Test
    void truncatedIdxIsOneSentence() throws IOException {
        Path images = idxImages("images.idx", 0x0803, 4, 2 * 36 + 5);
        Path labelFile = idxLabels("labels.idx", 4);
        Outcome o = run("train", "--data", "idx:" + images + "," + labelFile, "--test", "idx:" + images + "," + labelFile,
                "--out", dir.resolve("model").toString());
        assertOneSentenceFailure(o, "images.idx");
        assertThat(o.stderr()).contains("truncated");
    }

    @Test
    void idxWithMoreLabelsThanImagesIsOneSentence() throws IOException {
        Path images = idxImages("images.idx", 0x0803, 4, 4 * 36);
        Path labelFile = idxLabels("labels.idx", 5);
        Outcome o = run("extract", "--model", tinyOnnx().toString(), "--data", "idx:" + images + "," + labelFile,
                "--layers", "features", "--out", dir.resolve("run").toString());
        assertOneSentenceFailure(o, "labels.idx");
    }

    @Test
    void aFileThatIsNotOnnxIsOneSentence() throws IOException {
        Path junk = Files.writeString(dir.resolve("model.onnx"), "certainly not a protobuf model\n");
        assertOneSentenceFailure(run("layers", "--model", junk.toString()), "model.onnx");
        Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
        assertOneSentenceFailure(run("layers", "--model", empty.toString()), "empty.onnx");
        assertOneSentenceFailure(run("layers", "--model", dir.resolve("missing.onnx").toString()), "missing.onnx");
    }

    @Test
    void mismatchedLabelCountIsOneSentence() throws IOException {
        Path x = embeddings("x.npy", randomRows(6, 3, 1));
        Path y = labels("y.npy", 0, 1, 0, 1, 0);
        assertOneSentenceFailure(run("silhouette", "--embeddings", x.toString(), "--labels", y.toString()), "y.npy");
        assertOneSentenceFailure(run("pca", "--embeddings", x.toString(), "--labels", y.toString()), "y.npy");
    }

    @Test
    void emptyDatasetIsOneSentence() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("nothing-here"));
        Outcome o = run("extract", "--model", tinyOnnx().toString(), "--data", "folder:" + empty,
                "--layers", "features", "--out", dir.resolve("run").toString());
        assertOneSentenceFailure(o, "nothing-here");
        Outcome idx = run("extract", "--model", tinyOnnx().toString(),
                "--data", "idx:" + idxImages("none.idx", 0x0803, 0, 0) + "," + idxLabels("none-labels.idx", 0),
                "--layers", "features", "--out", dir.resolve("run").toString());
        assertOneSentenceFailure(idx, "none");
    }

    @Test
    void oneClassOnlyIsOneSentenceForSilhouette() throws IOException {
        Path x = embeddings("x.npy", randomRows(5, 3, 2));
        Path y = labels("y.npy", 4, 4, 4, 4, 4);
        assertOneSentenceFailure(run("silhouette", "--embeddings", x.toString(), "--labels", y.toString()), "class");
    }

    @Test
    void nanInEmbeddingsIsOneSentence() throws IOException {
        float[][] rows = randomRows(6, 3, 3);
        rows[4][1] = Float.NaN;
        Path x = embeddings("x.npy", rows);
        Path y = labels("y.npy", 0, 1, 0, 1, 0, 1);
        assertOneSentenceFailure(run("silhouette", "--embeddings", x.toString(), "--labels", y.toString()), "x.npy");
        assertOneSentenceFailure(run("pca", "--embeddings", x.toString(), "--labels", y.toString()), "x.npy");
        rows[4][1] = Float.POSITIVE_INFINITY;
        embeddings("x.npy", rows);
        assertOneSentenceFailure(run("pca", "--embeddings", x.toString(), "--labels", y.toString()), "x.npy");
    }

    @Test
    void unreadableImagesAreSkippedWarnedAndListedUnlessStrict() throws IOException {
        Path model = tinyOnnx();
        Path images = imageFolder("broken.png");
        Path run = dir.resolve("run");
        Outcome lenient = run("extract", "--model", model.toString(), "--data", "folder:" + images,
                "--layers", "features", "--out", run.toString());
        assertThat(lenient.exit()).as(lenient.stderr()).isZero();
        assertThat(lenient.stderr()).contains("warning").contains("broken.png").doesNotContain("\tat ");
        Manifest m = Manifest.read(run);
        assertThat(m.n()).isEqualTo(6);
        assertThat(m.skipped()).hasSize(1);
        assertThat(m.skipped().getFirst().toString()).contains("broken.png");
        assertThat(Files.readAllLines(run.resolve("ids.txt"))).hasSize(6).noneMatch(l -> l.contains("broken"));

        Path strictRun = dir.resolve("strict");
        Outcome strict = run("extract", "--model", model.toString(), "--data", "folder:" + images,
                "--layers", "features", "--strict", "--out", strictRun.toString());
        assertOneSentenceFailure(strict, "broken.png");
        assertThat(strictRun.resolve("manifest.json")).doesNotExist();
    }

    @Test
    void unknownArchitectureAndBadOptionValuesAreOneSentence() throws IOException {
        Path images = idxImages("images.idx", 0x0803, 4, 4 * 36);
        Path labelFile = idxLabels("labels.idx", 4);
        assertOneSentenceFailure(run("train", "--data", "idx:" + images + "," + labelFile, "--arch", "resnet9000",
                "--out", dir.resolve("m").toString()), "resnet9000");
        assertOneSentenceFailure(run("extract", "--model", tinyOnnx().toString(), "--data", "nosuchkind:abc",
                "--layers", "features", "--out", dir.resolve("run").toString()), "nosuchkind");
        assertOneSentenceFailure(run("silhouette", "--embeddings", embeddings("x.npy", randomRows(4, 2, 1)).toString(),
                "--labels", labels("y.npy", 0, 1, 0, 1).toString(), "--metric", "manhattan"), "manhattan");
    }

    // ---- robustness (issue 16) --------------------------------------------------------------

    @Test
    void aModelWithAFreeInputSizeRunsOnSizeAndChannelsAlone() throws IOException {
        Path model = freeSizeOnnx();
        Path images = imageFolder();
        Path run = dir.resolve("free");
        Outcome ok = run("extract", "--model", model.toString(), "--size", "8", "--channels", "3", "--data", "folder:" + images,
                "--layers", "features", "--out", run.toString());
        assertThat(ok.exit()).as(ok.stderr()).isZero();
        assertThat(Manifest.read(run).layer("features").shape()).containsExactly(6, 3);
        assertThat(Manifest.read(run).model().card().toString()).contains("height=8");

        assertOneSentenceFailure(run("extract", "--model", model.toString(), "--data", "folder:" + images,
                "--layers", "features", "--out", dir.resolve("nosize").toString()), "--size");
        assertOneSentenceFailure(run("extract", "--model", model.toString(), "--size", "8", "--data", "folder:" + images,
                "--layers", "features", "--out", dir.resolve("nochannels").toString()), "--channels");
        // A size the graph fixes cannot be overridden into one it does not take.
        assertOneSentenceFailure(run("extract", "--model", tinyOnnx().toString(), "--size", "8", "--data", "folder:" + images,
                "--layers", "features", "--out", dir.resolve("wrong").toString()), "--size 8x8");
    }

    @Test
    void aRunDirectoryAnotherWriterHoldsIsOneSentenceNamingIt() throws IOException {
        Path run = dir.resolve("held");
        try (imvec.store.RunLock held = imvec.store.RunLock.acquire(run)) {
            Outcome o = run("extract", "--model", tinyOnnx().toString(), "--data", "folder:" + imageFolder(),
                    "--layers", "features", "--out", run.toString());
            assertOneSentenceFailure(o, "process " + ProcessHandle.current().pid());
            assertThat(o.stderr()).contains(run.toString());
        }
        assertThat(run.resolve("manifest.json")).doesNotExist();
        assertThat(run.resolve(".partial")).doesNotExist();
    }

    @Test
    void aTruncatedJpegIsSkippedFatalUnderStrictAndKeptWithAllowTruncated() throws IOException {
        Path images = imageFolder();
        BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(5);
        for (int y = 0; y < 40; y++) for (int x = 0; x < 40; x++) img.setRGB(x, y, random.nextInt(1 << 24));
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", jpeg);
        Files.write(images.resolve("cat").resolve("cut.jpg"), Arrays.copyOf(jpeg.toByteArray(), jpeg.size() / 2));
        Path model = tinyOnnx();

        Outcome lenient = run("extract", "--model", model.toString(), "--data", "folder:" + images,
                "--layers", "features", "--out", dir.resolve("lenient").toString());
        assertThat(lenient.exit()).as(lenient.stderr()).isZero();
        assertThat(lenient.stderr()).contains("cut.jpg").contains("ends early");
        assertThat(Manifest.read(dir.resolve("lenient")).n()).isEqualTo(6);

        assertOneSentenceFailure(run("extract", "--model", model.toString(), "--data", "folder:" + images,
                "--layers", "features", "--strict", "--out", dir.resolve("strict").toString()), "--allow-truncated");

        Outcome kept = run("extract", "--model", model.toString(), "--data", "folder:" + images,
                "--layers", "features", "--allow-truncated", "--out", dir.resolve("kept").toString());
        assertThat(kept.exit()).as(kept.stderr()).isZero();
        assertThat(Manifest.read(dir.resolve("kept")).n()).isEqualTo(7);
    }

    @Test
    void aFullDiskIsOneSentenceAndTheSameCommandResumes() throws Exception {
        Path images = imageFolder();
        Path model = tinyOnnx();
        Path mnt = Files.createDirectories(dir.resolve("small-disk"));
        org.junit.jupiter.api.Assumptions.assumeTrue(exec("mount", "-t", "tmpfs", "-o", "size=12k", "tmpfs", mnt.toString()) == 0,
                "skipped: cannot mount a small tmpfs here (needs root and mount rights), so no real full disk to test on");
        try {
            String[] args = {"extract", "--model", model.toString(), "--data", "folder:" + images, "--layers", "input,features",
                    "--chunk", "2", "--batch", "2", "--out", mnt.resolve("run").toString()};
            assertOneSentenceFailure(run(args), "run the same command again");
            assertThat(exec("mount", "-o", "remount,size=4m", mnt.toString())).isZero();
            Outcome resumed = run(args);
            assertThat(resumed.exit()).as(resumed.stderr()).isZero();
            assertThat(Manifest.read(mnt.resolve("run")).n()).isEqualTo(6);
        } finally {
            exec("umount", mnt.toString());
        }
    }

    @Test
    void aRunLeftOnlyToAssembleDoesNotReportASpeed() throws IOException {
        Path run = dir.resolve("assemble");
        Files.createDirectories(run);
        Files.writeString(run.resolve("layers"), "in the way");
        String[] args = {"extract", "--model", tinyOnnx().toString(), "--data", "folder:" + imageFolder(),
                "--layers", "features", "--out", run.toString()};
        assertThat(run(args).exit()).isNotZero();
        Files.delete(run.resolve("layers"));
        Outcome o = run(args);
        assertThat(o.exit()).as(o.stderr()).isZero();
        assertThat(o.stdout()).contains("already extracted").doesNotContain("images/s");
    }

    private static int exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "5", "NaN"})
    void benchExploreRefusesALevelOfDetailCellOutOfRange(String cell) {
        assertOneSentenceFailure(run("bench", "explore", "--lod-cell", cell, "--synthetic", "0"), "--lod-cell");
    }

    // ---- help on every command --------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"", "demo", "train", "layers", "extract", "pca", "silhouette", "bench", "bench extract",
            "bench train"})
    void helpWorksOnEveryCommand(String command) {
        for (String flag : List.of("-h", "--help")) {
            String[] args = (command.isEmpty() ? flag : command + " " + flag).split(" ");
            Outcome o = run(args);
            assertThat(o.exit()).as("%s: %s", String.join(" ", args), o.stderr()).isZero();
            assertThat(o.stdout()).contains("Usage: imvec" + (command.isEmpty() ? "" : " " + command));
            assertThat(o.stderr()).isEmpty();
        }
        String[] version = (command.isEmpty() ? "-V" : command + " -V").split(" ");
        Outcome v = run(version);
        assertThat(v.exit()).isZero();
        assertThat(v.stdout()).startsWith("imvec ");
    }

    @Test
    void unknownOptionIsTwoLinesOfUsageNotATrace() {
        Outcome o = run("pca", "--dimz", "2");
        assertThat(o.exit()).isNotZero();
        assertThat(o.stderr()).contains("--dimz").contains("imvec pca --help").doesNotContain("\tat ");
    }
}
