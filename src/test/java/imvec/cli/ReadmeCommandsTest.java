package imvec.cli;

import imvec.store.Npy;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every {@code ./imvec …} command of README.md's shell blocks, parsed from the README itself,
 * in the README's order (later commands read what earlier ones wrote). Inputs are made small:
 * every {@code --data}/{@code --test} spec gets a {@code [spread N]} suffix and image counts are
 * capped, so the whole README runs in about a minute. Only the commands in {@link #SKIPPED} are
 * left out, each for the reason given there.
 */
class ReadmeCommandsTest {
    /** Commands (by their start) that need a network or a long time, with the reason. */
    static final Map<String, String> SKIPPED = new LinkedHashMap<>();

    static {
        SKIPPED.put("./imvec demo", "the whole demo trains on 60,000 images and fetches GloVe with npm: minutes, run by hand on a fresh clone before each stop");
        SKIPPED.put("./imvec models pull resnet18", "downloads a model from the ONNX model zoo: needs the network (ModelZooTest covers pull against a 127.0.0.1 server)");
        SKIPPED.put("./imvec models table", "times models that `models pull` downloads: needs the network");
        SKIPPED.put("./imvec im2vec     --data cifar100-binary:DIR", "CIFAR-100 is not on this machine and downloading it needs the network (ClassVecCommandsTest runs --superclass on a file in the official format)");
        SKIPPED.put("./imvec bench tsne", "t-SNE of 10,000 rows beside scikit-learn: minutes");
        SKIPPED.put("./imvec bench silhouette", "silhouette of 70,000 × 784 beside scikit-learn: minutes");
        SKIPPED.put("./imvec explore", "serves the explorer until Ctrl-C (ExploreServerTest and ExploreBrowserTest run it on a real run)");
        SKIPPED.put("./imvec bench explore", "drives headless Chromium over 70,000 thumbnails and 1M points: minutes");
        SKIPPED.put("./imvec bench spark", "a command of the imvec-spark module, which the launcher runs on that module's classpath; SparkExtractTest and scripts/spark-cluster-test run the Spark path");
        SKIPPED.put("./imvec bench im2vec", "Im2Vec epochs on all 50,000 CIFAR-10 images beside DJL: minutes");
        SKIPPED.put("./imvec bench spatial", "trains the spatial head and scores 10,000 synthetic 768×14×14 scenes against 100 words: minutes on 2 cores (SpatialScoringTest checks the scoring it times)");
    }

    private static final int SPREAD = 100;
    private static final int MOST_IMAGES = 48;
    private static final Path README = Path.of("README.md");
    private static final Path FASHION_MNIST = imvec.data.FashionMnist.DEBIAN_DIR;

    @TempDir
    static Path work;

    /** One README command: its text as written and the arguments after {@code ./imvec}. */
    record Command(String text, List<String> args) {
    }

    @Test
    void theReadmeHasCommandsAndEverySkippedOneIsStillThere() throws IOException {
        List<Command> commands = commands(Files.readString(README));
        assertThat(commands).hasSizeGreaterThan(30);
        for (String skipped : SKIPPED.keySet()) {
            assertThat(commands).as("README still has a command starting with '%s'", skipped)
                    .anyMatch(c -> c.text().startsWith(skipped));
        }
    }

    @Test
    void continuationLinesQuotesAndCommentsAreParsedAsAShellWould() {
        String md = "text\n```bash\n./imvec a --x \"b c\" \\\n   --y 'd e'   # a comment\n./scripts/test\n```\n"
                + "```\n./imvec not-bash\n```\n";
        List<Command> commands = commands(md);
        assertThat(commands).hasSize(1);
        assertThat(commands.get(0).args()).containsExactly("a", "--x", "b c", "--y", "d e");
    }

    @TestFactory
    Stream<DynamicTest> everyReadmeCommandRuns() throws IOException {
        Path shared = sharedFolder();
        writeUserMatrices();
        List<String> skippedOutputs = new ArrayList<>();
        return commands(Files.readString(README)).stream()
                .map(c -> DynamicTest.dynamicTest(c.text(), () -> run(c, shared, skippedOutputs)));
    }

    /**
     * Runs one command, or skips it (recording its --out, so that commands reading that output
     * skip too) when it is listed, needs data that is absent, or reads a skipped command's output.
     */
    private static void run(Command c, Path shared, List<String> skippedOutputs) throws IOException {
        String reason = SKIPPED.entrySet().stream().filter(e -> c.text().startsWith(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(null);
        if (reason == null && shared == null && c.text().contains("../shared/")) reason = "../shared is absent";
        if (reason == null && c.text().contains("fashion-mnist:") && !Files.isDirectory(FASHION_MNIST)) {
            reason = "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist; ./scripts/test does it as root)";
        }
        if (reason == null) {
            reason = skippedOutputs.stream().filter(o -> c.args().stream().anyMatch(a -> a.contains(o))).findFirst()
                    .map(o -> "reads " + o + ", which a skipped command writes").orElse(null);
        }
        if (reason != null) {
            int out = c.args().indexOf("--out");
            if (out >= 0 && out + 1 < c.args().size()) skippedOutputs.add(c.args().get(out + 1));
            Assumptions.abort("skipped: " + reason);
        }
        String[] args = small(c.args(), shared).toArray(String[]::new);
        writeQueryFor(args);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = Cli.exit(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        assertThat(exit).as("exit of imvec %s%nstderr: %s", String.join(" ", args), err.toString(StandardCharsets.UTF_8))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).as("what `%s` printed", c.text()).isNotBlank();
    }

    /** The commands of every ```bash block, continuation lines joined and comments dropped. */
    static List<Command> commands(String markdown) {
        List<Command> out = new ArrayList<>();
        Matcher block = Pattern.compile("(?ms)^```bash\\n(.*?)^```").matcher(markdown);
        while (block.find()) {
            StringBuilder line = new StringBuilder();
            for (String raw : block.group(1).split("\n")) {
                String text = withoutComment(raw).strip();
                boolean continues = text.endsWith("\\");
                if (continues) text = text.substring(0, text.length() - 1).strip();
                if (!text.isEmpty()) line.append(line.isEmpty() ? "" : " ").append(text);
                if (continues) continue;
                String command = line.toString();
                line.setLength(0);
                if (command.startsWith("./imvec ")) {
                    List<String> words = words(command);
                    out.add(new Command(command, words.subList(1, words.size())));
                }
            }
        }
        return out;
    }

    /** The line up to a {@code #} that starts a shell comment (after white space, outside quotes). */
    private static String withoutComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quote != 0) {
                if (ch == quote) quote = 0;
            } else if (ch == '"' || ch == '\'') {
                quote = ch;
            } else if (ch == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** Shell words: split on white space, with single and double quotes grouping. */
    private static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (char ch : command.toCharArray()) {
            if (quote != 0) {
                if (ch == quote) quote = 0;
                else word.append(ch);
            } else if (ch == '"' || ch == '\'') {
                quote = ch;
                inWord = true;
            } else if (Character.isWhitespace(ch)) {
                if (inWord) words.add(word.toString());
                word.setLength(0);
                inWord = false;
            } else {
                word.append(ch);
                inWord = true;
            }
        }
        if (inWord) words.add(word.toString());
        return words;
    }

    /**
     * The command on small inputs and in the test's folder: data specs spread over {@link #SPREAD}
     * images, image counts capped, paths under runs/ and models/ (and the user's X.npy, y.npy) moved
     * to a temporary folder, ../shared to wherever the shared data is.
     */
    private static List<String> small(List<String> args, Path shared) {
        List<String> out = new ArrayList<>();
        String previous = "";
        for (String arg : args) {
            String a = arg;
            if (shared != null) a = a.replaceAll("(^|[=:,])\\.\\./shared/", "$1" + Matcher.quoteReplacement(shared + "/"));
            a = a.replaceAll("(^|[=:,])(runs|models)/", "$1" + Matcher.quoteReplacement(work + "/") + "$2/");
            if (a.equals("X.npy") || a.equals("y.npy")) a = work.resolve(a).toString();
            if ((previous.equals("--data") || previous.equals("--test")) && !a.endsWith("]") && !a.startsWith("multilabel:")) {
                a = a + "[spread " + SPREAD + "]";
            }
            if (previous.matches("--(images|train-images|test-images|scenes)")) a = String.valueOf(Math.min(Integer.parseInt(a), MOST_IMAGES));
            if (a.equals("query.json")) a = work.resolve(a).toString();
            out.add(a);
            previous = arg;
        }
        return out;
    }

    /**
     * The user's painted query of the README's map search: its first scored label on the right
     * half of the image and not on the left, written before the command that reads it.
     */
    private static void writeQueryFor(String[] args) throws IOException {
        List<String> a = List.of(args);
        int query = a.indexOf("--query"), scores = a.indexOf("--scores");
        if (query < 0 || scores < 0) return;
        Path labels = Path.of(a.get(scores + 1)).resolve("labels.txt");
        if (!Files.isRegularFile(labels)) return; // the command then says which scores directory is missing
        String label = Files.readAllLines(labels).get(0).strip();
        Files.writeString(Path.of(a.get(query + 1)), "{\"" + label + "\": [[-1, 1], [-1, 1]]}\n");
    }

    /** The "your own rows" of the README: three separated blobs of 20 rows in 5 dimensions. */
    private static void writeUserMatrices() throws IOException {
        Random random = new Random(7);
        float[][] x = new float[60][5];
        int[] y = new int[60];
        for (int i = 0; i < 60; i++) {
            y[i] = i / 20;
            for (int d = 0; d < 5; d++) x[i][d] = (float) (random.nextGaussian() + (d == y[i] ? 6 : 0));
        }
        Npy.write(work.resolve("X.npy"), x);
        Npy.write(work.resolve("y.npy"), y, y.length);
    }

    private static Path sharedFolder() {
        for (Path p : List.of(Path.of("..", "shared"), Path.of("/work/shared"))) {
            if (Files.isDirectory(p.resolve("data"))) return p.toAbsolutePath().normalize();
        }
        return null;
    }
}
