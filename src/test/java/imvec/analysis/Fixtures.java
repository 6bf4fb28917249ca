package imvec.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.store.Npy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The scikit-learn reference cases written by scripts/fixtures/make_analysis_fixtures.py. */
final class Fixtures {
    private Fixtures() {
    }

    record Case(String name, int components, boolean normalizeRows, JsonNode meta) {
        float[][] x() {
            return Npy.readMatrix(file("x"));
        }

        int[] labels() {
            return Npy.readInts(file("labels"));
        }

        float[][] matrix(String what) {
            return Npy.readMatrix(file(what));
        }

        float[] vector(String what) {
            return Npy.read(file(what)).floats();
        }

        double score(String metric) {
            return meta.get("silhouette_score").get(metric).asDouble();
        }

        private Path file(String what) {
            return dir().resolve(name + "_" + what + ".npy");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Path dir() {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/analysis/manifest.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Case> cases() {
        try {
            JsonNode root = new ObjectMapper().readTree(dir().resolve("manifest.json").toFile());
            List<Case> out = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                out.add(new Case(c.get("name").asText(), c.get("pca_components").asInt(),
                        c.get("pca_normalize_rows").asBoolean(), c));
            }
            return out.stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
