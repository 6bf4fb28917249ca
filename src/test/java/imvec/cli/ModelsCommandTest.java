package imvec.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ModelsCommandTest {
    @TempDir
    Path dir;

    private String stdout(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            assertThat(Cli.exit(args)).isZero();
        } finally {
            System.setOut(saved);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void pullOfAnUnknownNameExitsOne() {
        assertThat(Cli.exit("models", "pull", "alexnet-9000", "--dir", dir.toString())).isEqualTo(1);
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void listShowsGoodAndBrokenCards() throws Exception {
        Files.writeString(dir.resolve("a.onnx.json"), "{\"input\": \"x\", \"height\": 32, \"width\": 32, \"channels\": 3,"
                + " \"feature_layer\": \"pool\", \"licence\": \"CC0\", \"classes\": [\"cat\", \"dog\"]}");
        Files.writeString(dir.resolve("b.onnx.json"), "{\"height\": 8, \"width\": 8, \"classes_file\": \"missing.txt\"}");
        String out = stdout("models", "--dir", dir.toString());
        assertThat(out).contains("a.onnx  (model file missing)").contains("features pool").contains("licence CC0");
        assertThat(out).contains("b.onnx").contains("problem:").contains("missing.txt");
    }

    @Test
    void zooListNamesTheSixModels() {
        assertThat(stdout("models", "pull", "list"))
                .contains("mobilenetv2", "resnet18", "resnet50", "squeezenet", "densenet121", "efficientnet-lite4");
    }
}
