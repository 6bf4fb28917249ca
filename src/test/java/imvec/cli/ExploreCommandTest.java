package imvec.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input to {@code imvec explore}: one sentence, exit 1, no server left running. */
class ExploreCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(savedErr);
    }

    private String oneSentence() {
        String e = err.toString(StandardCharsets.UTF_8).strip();
        assertThat(e).startsWith("imvec: ").doesNotContain("Exception").doesNotContain("\tat ");
        return e;
    }

    @Test
    void aMissingRunIsOneSentence() {
        assertThat(Cli.exit("explore", "--run", dir.resolve("nope").toString(), "--no-browser")).isEqualTo(1);
        assertThat(oneSentence()).contains("is not a directory");
    }

    @Test
    void anUnfinishedRunIsOneSentence() throws Exception {
        Files.createDirectories(dir.resolve("run"));
        assertThat(Cli.exit("explore", "--run", dir.resolve("run").toString(), "--no-browser")).isEqualTo(1);
        assertThat(oneSentence()).contains("not a finished imvec run");
    }

    @Test
    void aBadPortIsOneSentence() throws Exception {
        assertThat(Cli.exit("explore", "--run", dir.toString(), "--port", "70000", "--no-browser")).isEqualTo(1);
        assertThat(oneSentence()).contains("--port must be 0 to 65535");
    }

    @Test
    void wordsWithoutASpatialModelIsOneSentence() {
        assertThat(Cli.exit("explore", "--run", dir.toString(), "--words", dir.resolve("w.txt").toString(), "--no-browser")).isEqualTo(1);
        assertThat(oneSentence()).contains("--words and --names go with --spatial MODEL_DIR");
    }
}
