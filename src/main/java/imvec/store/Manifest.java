package imvec.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import imvec.util.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json} of a run directory: what was extracted, from which model and data, and
 * how. It is written last, so its presence marks a finished run.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(
        @JsonProperty("imvec_version") String imvecVersion,
        @JsonProperty("created") String created,
        @JsonProperty("n") int n,
        @JsonProperty("layers") List<Layer> layers,
        @JsonProperty("labels") String labels,
        @JsonProperty("classes") String classes,
        @JsonProperty("class_names") List<String> classNames,
        @JsonProperty("ids") String ids,
        @JsonProperty("model") Model model,
        @JsonProperty("data") Data data,
        @JsonProperty("seed") long seed,
        @JsonProperty("topk") TopK topk,
        @JsonProperty("skipped") List<Skipped> skipped,
        @JsonProperty("extraction") Map<String, Object> extraction) {

    public static final String FILE = "manifest.json";

    /** One stored layer: {@code shape} is the stored array's, {@code source_shape} the model's. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Layer(@JsonProperty("name") String name, @JsonProperty("file") String file,
                        @JsonProperty("shape") long[] shape, @JsonProperty("pool") String pool,
                        @JsonProperty("source_shape") long[] sourceShape, @JsonProperty("maps") String maps) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Model(@JsonProperty("path") String path, @JsonProperty("sha256") String sha256,
                        @JsonProperty("kind") String kind, @JsonProperty("card") Object card) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Data(@JsonProperty("spec") String spec, @JsonProperty("size") int size,
                       @JsonProperty("labels_file") String labelsFile, @JsonProperty("preprocess") String preprocess) {
    }

    /**
     * Top-k predictions. {@code space} is {@code dataset} when indices are dataset class indices
     * (−1 where the model's class is not one of the dataset's), else {@code model}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TopK(@JsonProperty("k") int k, @JsonProperty("layer") String layer,
                       @JsonProperty("indices") String indices, @JsonProperty("probs") String probs,
                       @JsonProperty("model_indices") String modelIndices, @JsonProperty("space") String space,
                       @JsonProperty("model_classes") List<String> modelClasses) {
    }

    public record Skipped(@JsonProperty("id") String id, @JsonProperty("reason") String reason) {
    }

    public static ObjectMapper json() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    public void write(Path runDir) throws IOException {
        AtomicFiles.writeString(runDir.resolve(FILE), json().writeValueAsString(this) + "\n");
    }

    public static Manifest read(Path runDir) {
        Path f = runDir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            throw new UserError(runDir + " is not a finished imvec run (no " + FILE + "); run `imvec extract` first.");
        }
        try {
            return json().readValue(f.toFile(), Manifest.class);
        } catch (IOException e) {
            throw new UserError(f + " is not a valid run manifest: " + e.getMessage(), e);
        }
    }

    public Layer layer(String name) {
        for (Layer l : layers) if (l.name().equals(name)) return l;
        throw new UserError("run has no layer '" + name + "'; it has " + layers.stream().map(Layer::name).toList() + ".");
    }
}
