package imvec.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Keeps the whole suite's CLI runs checked for "internal error": a test that ran the CLI past
 * {@link Cli} would let an internal error pass unseen, so its source is refused here.
 */
class CliRunsTest {
    /** A direct in-process run of the command tree. */
    private static final Pattern DIRECT = Pattern.compile("\\b(Main|SparkMain)\\.(run|execute|main)\\(|new Main\\(\\)|commandLine\\(\\)\\s*\\.execute\\(");
    /** A run of the CLI in a child JVM or through the launcher script. */
    private static final Pattern CHILD = Pattern.compile("\"imvec\\.cli\\.\\w*Main\"|\"\\./imvec\"");

    @Test
    void everyInProcessRunGoesThroughTheCheckingHelper() {
        List<String> offenders = testSources().filter(f -> !f.getFileName().toString().equals("Cli.java"))
                .filter(f -> DIRECT.matcher(read(f)).find()).map(Path::toString).toList();
        assertThat(offenders).as("tests that run the CLI without imvec.cli.Cli (use Cli.run or Cli.exit)").isEmpty();
    }

    @Test
    void everyRunInAChildProcessChecksItsOutput() {
        List<String> unchecked = testSources().filter(f -> {
            String s = read(f);
            return CHILD.matcher(s).find() && !s.contains(Cli.INTERNAL_ERROR);
        }).map(Path::toString).toList();
        assertThat(unchecked).as("tests that start imvec in a child JVM without checking its output for \"%s\"",
                Cli.INTERNAL_ERROR).isEmpty();
    }

    @Test
    void anInternalErrorFailsTheTestThatReachedIt() {
        assertThatThrownBy(() -> Cli.check("extract", new Cli.Outcome(70, "", "imvec: internal error: java.lang.NullPointerException")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("internal error");
        assertThatThrownBy(() -> Cli.check("pca", new Cli.Outcome(1, "", "imvec: internal error: x")))
                .isInstanceOf(AssertionError.class);
        Cli.check("pca", new Cli.Outcome(1, "", "imvec: --dims must be at least 1."));
    }

    @Test
    void aRealRunIsRecorded() {
        Cli.Outcome o = Cli.run("pca", "--dims", "0", "--run", "/nonexistent-run", "--layer", "x");
        assertThat(o.exit()).isNotZero();
        assertThat(o.err()).startsWith("imvec: ");
    }

    private static Stream<Path> testSources() {
        return Stream.of(Path.of("src/test/java"), Path.of("spark/src/test/java")).filter(Files::isDirectory).flatMap(root -> {
            try (Stream<Path> s = Files.walk(root)) {
                return s.filter(p -> p.toString().endsWith(".java")).toList().stream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
