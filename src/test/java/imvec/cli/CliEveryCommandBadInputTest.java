package imvec.cli;

import imvec.store.Npy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Every subcommand of the CLI, found in the command tree itself (so a new command is covered the
 * day it is added), given three kinds of bad input: a file that does not exist, a file of the wrong
 * kind (a JPEG photo where a model, run, CSV, JSON or .npy is expected), and a number out of range.
 * Each must end in a short "imvec: …" refusal with a non-zero exit, never an internal error or a
 * stack trace, and must leave no output behind.
 */
class CliEveryCommandBadInputTest {
    /** Numbers no option of imvec takes as meaningful: a count, size, rate or port below its range. */
    private static final String OUT_OF_RANGE = "-7";
    /** Options whose every integer is a valid value (a seed), so no number is out of their range. */
    private static final Set<String> ANY_NUMBER = Set.of("--seed");

    @TempDir
    static Path dir;
    private static Path missing;
    private static Path photo;
    private static Path embeddings;
    private static Path labels;
    private static int serial;

    @BeforeAll
    static void fixtures() throws IOException {
        missing = dir.resolve("no-such-file.npy");
        photo = dir.resolve("photo.jpg");
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(5);
        for (int y = 0; y < 16; y++) for (int x = 0; x < 16; x++) img.setRGB(x, y, random.nextInt(1 << 24));
        ImageIO.write(img, "jpg", photo.toFile());
        float[][] rows = new float[12][3];
        int[] classes = new int[12];
        for (int i = 0; i < rows.length; i++) {
            classes[i] = i % 3;
            for (int j = 0; j < 3; j++) rows[i][j] = (float) random.nextGaussian() + classes[i];
        }
        embeddings = dir.resolve("x.npy");
        labels = dir.resolve("y.npy");
        Npy.write(embeddings, rows);
        Npy.write(labels, classes, classes.length);
    }

    /** Help is the way out of every bad input, so it must work on every command, nested ones too. */
    @TestFactory
    Stream<DynamicTest> helpWorksOnEveryCommand() {
        return leaves().map(c -> DynamicTest.dynamicTest(c.qualifiedName() + " --help", () -> {
            List<String> args = new ArrayList<>(List.of(c.qualifiedName().split(" ")).subList(1, c.qualifiedName().split(" ").length));
            args.add("--help");
            Cli.Outcome o = Cli.run(args.toArray(String[]::new));
            assertThat(o.exit()).as(o.err()).isZero();
            assertThat(o.out()).startsWith("Usage: " + c.qualifiedName());
            assertThat(o.err()).isEmpty();
        }));
    }

    @TestFactory
    Stream<DynamicTest> aMissingFileIsOneSentence() {
        return leaves().filter(CliEveryCommandBadInputTest::readsFiles).map(c -> bad(c, "a missing file", o -> fileValue(o, missing.toString()), null));
    }

    @TestFactory
    Stream<DynamicTest> aPhotoWhereADataFileBelongsIsOneSentence() {
        return leaves().filter(CliEveryCommandBadInputTest::readsFiles).map(c -> bad(c, "a JPEG for every file", o -> fileValue(o, photo.toString()), null));
    }

    /** Each number option of each command in turn, the rest of the command as for a missing file. */
    @TestFactory
    Stream<DynamicTest> aNumberOutOfRangeIsOneSentence() {
        return leaves().flatMap(c -> c.options().stream().filter(CliEveryCommandBadInputTest::isNumber)
                .filter(o -> !ANY_NUMBER.contains(o.longestName()))
                .map(n -> bad(c, n.longestName() + " " + OUT_OF_RANGE, o -> o == n ? OUT_OF_RANGE : fileValue(o, missing.toString()), n)));
    }

    /**
     * The same numbers where the command takes real rows ({@code --embeddings}/{@code --labels}),
     * so the number, not a missing file, is what it must refuse.
     */
    @TestFactory
    Stream<DynamicTest> aNumberOutOfRangeOnRealRowsIsOneSentence() {
        return leaves().filter(c -> c.optionsMap().containsKey("--embeddings"))
                .flatMap(c -> c.options().stream().filter(CliEveryCommandBadInputTest::isNumber)
                        .filter(o -> !ANY_NUMBER.contains(o.longestName()))
                        .map(n -> bad(c, n.longestName() + " " + OUT_OF_RANGE + " on real rows", o -> switch (o.longestName()) {
                            case "--embeddings" -> embeddings.toString();
                            case "--labels" -> labels.toString();
                            default -> o == n ? OUT_OF_RANGE : null;
                        }, n)));
    }

    // ---- the cases ----------------------------------------------------------------------------

    /**
     * One run of {@code command} with the value {@code valueOf} gives each option (null leaves an
     * optional option out; a required one always gets a value) and {@code forced} always set.
     */
    private static DynamicTest bad(CommandSpec command, String what, Function<OptionSpec, String> valueOf, OptionSpec forced) {
        String name = command.qualifiedName() + " with " + what;
        return DynamicTest.dynamicTest(name, () -> {
            Path out = dir.resolve("out-" + serial++);
            List<String> args = new ArrayList<>(List.of(command.qualifiedName().split(" ")).subList(1, command.qualifiedName().split(" ").length));
            for (OptionSpec o : command.options()) {
                if (!o.required() && o != forced && !isFileOption(o)) continue;
                String v = o.longestName().equals("--out") ? out.toString() : valueOf.apply(o);
                if (v == null && !o.required()) continue;
                args.add(o.longestName());
                args.add(v == null ? "x" : v);
            }
            for (PositionalParamSpec p : command.positionalParameters()) args.add(isPath(p.type()) || p.type() == List.class ? missing.toString() : "no-such-name");
            // A bad number a command does not refuse may start minutes of real work: that is a finding too.
            Cli.Outcome o = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> Cli.run(args.toArray(String[]::new)),
                    () -> "imvec " + String.join(" ", args) + " did not refuse its input");
            assertThat(o.exit()).as("exit of imvec %s; stderr: %s", String.join(" ", args), o.err()).isIn(1, 2);
            List<String> lines = o.err().lines().filter(l -> !l.isBlank()).toList();
            assertThat(lines).as("stderr of imvec %s", String.join(" ", args)).isNotEmpty();
            assertThat(lines.getFirst()).as("stderr of imvec %s", String.join(" ", args)).startsWith("imvec: ");
            assertThat(o.err()).as("stderr of imvec %s", String.join(" ", args)).doesNotContain("\tat ", "Exception:");
            assertThat(out).as("output of a refused imvec %s", String.join(" ", args)).doesNotExist();
        });
    }

    /** Every command that runs (not only groups others), except help. */
    private static Stream<CommandSpec> leaves() {
        List<CommandSpec> all = new ArrayList<>();
        collect(Main.commandLine(), all);
        return all.stream();
    }

    private static void collect(CommandLine cl, List<CommandSpec> into) {
        Object command = cl.getCommandSpec().userObject();
        boolean runs = command instanceof Runnable || command instanceof java.util.concurrent.Callable;
        // An alias (localise/localize) maps to the same command: test it once.
        boolean seen = into.stream().anyMatch(c -> c == cl.getCommandSpec());
        if (runs && !seen && cl.getParent() != null && !cl.getCommandName().equals("help")) into.add(cl.getCommandSpec());
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getParent() == cl && !sub.getCommandName().equals("help")) collect(sub, into);
        }
    }

    /** An option that names a file or a data source: it gets {@code file} (a data source made of it). */
    private static String fileValue(OptionSpec o, String file) {
        if (isNumber(o) || o.type() == boolean.class || o.type() == Boolean.class) return null;
        String n = o.longestName();
        if (n.equals("--data") || n.equals("--test")) return "folder:" + file;
        if (isFileOption(o)) return file;
        return null;
    }

    /** A command with an input to get wrong (a command of only numbers would just run). */
    private static boolean readsFiles(CommandSpec c) {
        return c.options().stream().anyMatch(o -> isFileOption(o) && !o.longestName().equals("--out"))
                || c.positionalParameters().stream().anyMatch(p -> isPath(p.type()) || p.type() == List.class);
    }

    private static boolean isFileOption(OptionSpec o) {
        // By name only when the value is text: `bench spatial --words` is a count of words, not a file.
        boolean number = o.type().isPrimitive() || Number.class.isAssignableFrom(o.type());
        return isPath(o.type()) || !number && o.longestName().matches("--(data|test|runs|words|vectors|scores|query|dir|models)");
    }

    private static boolean isPath(Class<?> type) {
        return type == Path.class || type == java.io.File.class;
    }

    private static boolean isNumber(OptionSpec o) {
        Class<?> t = o.type();
        return t == int.class || t == long.class || t == float.class || t == double.class
                || t == Integer.class || t == Long.class || t == Float.class || t == Double.class;
    }
}
