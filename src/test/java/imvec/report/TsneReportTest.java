package imvec.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.analysis.Tsne;
import imvec.store.LabelledMatrix;
import imvec.store.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class TsneReportTest {
    @TempDir
    Path dir;

    private static LabelledMatrix blobs() {
        Random r = new Random(1);
        float[][] x = new float[90][5];
        int[] y = new int[90];
        for (int i = 0; i < 90; i++) {
            y[i] = i % 3;
            for (int k = 0; k < 5; k++) x[i][k] = (float) (r.nextGaussian() + 6 * (k == y[i] ? 1 : 0));
        }
        return new LabelledMatrix(x, y, List.of("sandal", "sneaker", "ankle boot"), "blobs");
    }

    @Test
    void twoDimensionsWriteCoordinatesPlotsAndProvenance() throws Exception {
        TsneReport.Summary s = TsneReport.run(blobs(), Tsne.builder().optPerplexity(10).optIterations(300), dir);
        assertThat(Npy.read(dir.resolve("tsne.npy")).shape()).containsExactly(90, 2);
        assertThat(dir.resolve("tsne.png")).exists();
        assertThat(Files.readString(dir.resolve("tsne.svg"))).contains("sneaker");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("tsne.json").toFile());
        assertThat(json.get("kl_divergence").asDouble()).isEqualTo(s.result().klDivergence());
        assertThat(json.get("kl_method").asText()).isEqualTo("exact");
        assertThat(json.get("seed").asLong()).isEqualTo(42);
        assertThat(json.get("source").asText()).isEqualTo("blobs");
        assertThat(json.has("imvec_version")).isTrue();
    }

    @Test
    void threeDimensionsWriteASelfContainedRotatablePage() throws Exception {
        TsneReport.run(blobs(), Tsne.builder().optDimensions(3).optPerplexity(10).optIterations(300), dir);
        assertThat(Npy.read(dir.resolve("tsne.npy")).shape()).containsExactly(90, 3);
        String html = Files.readString(dir.resolve("tsne-3d.html"));
        assertThat(html).contains("<canvas", "ankle boot", "\"labels\":[0,1,2,0").doesNotContain("http://", "https://", "<script src");
        assertThat(dir.resolve("tsne.png")).doesNotExist();
    }
}
