package imvec.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code manifest.json} read as plain JSON, the way a script in another language reads it: every
 * key the run format promises is there, and what it names agrees with the files beside it.
 */
class ManifestTest {
    @TempDir
    Path tmp;

    private static JsonNode manifestOf(Path run) throws IOException {
        return new ObjectMapper().readTree(run.resolve("manifest.json").toFile());
    }

    @Test
    void holdsEveryPromisedKeyAndTheFilesItNames() throws IOException {
        Path run = tmp.resolve("run");
        Synthetic.extractor(Synthetic.images(20, Set.of(3, 11)), Synthetic.model(0)).optSeed(7).build().run(run);
        JsonNode m = manifestOf(run);

        assertThat(m.fieldNames()).toIterable().contains("layers", "labels", "classes", "ids", "model", "data", "seed",
                "imvec_version", "created", "skipped");
        assertThat(m.get("layers").isArray()).isTrue();
        assertThat(m.get("layers")).extracting(l -> l.get("name").asText())
                .containsExactly("input", "maps", "probabilities");
        for (JsonNode layer : m.get("layers")) {
            assertThat(layer.fieldNames()).toIterable().contains("name", "file", "shape", "pool");
            Npy.Array stored = Npy.read(run.resolve(layer.get("file").asText()));
            assertThat(layer.get("shape")).extracting(JsonNode::asLong).containsExactly(stored.shape()[0], stored.shape()[1]);
            assertThat(layer.get("pool").asText()).isIn("avg", "max", "flatten");
        }
        assertThat(Npy.readInts(run.resolve(m.get("labels").asText()))).hasSize(18);
        assertThat(Files.readAllLines(run.resolve(m.get("classes").asText()))).containsExactly("a", "b", "c");
        assertThat(Files.readAllLines(run.resolve(m.get("ids").asText()))).hasSize(18);

        assertThat(m.get("model").get("path").asText()).endsWith("synthetic.model");
        assertThat(m.get("model").get("sha256").asText()).matches("[0-9a-f]{64}");
        assertThat(m.get("data").get("spec").asText()).isEqualTo("synthetic:20");
        assertThat(m.get("seed").asLong()).isEqualTo(7);
        assertThat(m.get("imvec_version").asText()).isNotBlank();
        assertThat(Instant.parse(m.get("created").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(m.get("skipped")).extracting(s -> s.get("id").asText()).containsExactly("img-3", "img-11");
        assertThat(m.get("skipped")).allSatisfy(s -> assertThat(s.get("reason").asText()).isNotBlank());
    }

    @Test
    void skippedIsAnEmptyListNotAMissingKeyWhenEveryImageReads() throws IOException {
        Path run = tmp.resolve("clean");
        Synthetic.extractor(Synthetic.images(10, Set.of()), Synthetic.model(0)).build().run(run);
        JsonNode skipped = manifestOf(run).get("skipped");
        assertThat(skipped).isNotNull();
        assertThat(skipped.isArray()).isTrue();
        assertThat(skipped).isEmpty();
    }
}
