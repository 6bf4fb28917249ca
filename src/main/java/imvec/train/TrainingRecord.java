package imvec.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Provenance of a trained model, stored as {@code training.json} in its directory: how it was
 * trained, on what, and what came out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrainingRecord(
        @JsonProperty("architecture") String architecture,
        @JsonProperty("data_spec") String dataSpec,
        @JsonProperty("test_spec") String testSpec,
        @JsonProperty("seed") int seed,
        @JsonProperty("epochs") int epochs,
        @JsonProperty("batch_size") int batchSize,
        @JsonProperty("optimizer") String optimizer,
        @JsonProperty("learning_rate") float learningRate,
        @JsonProperty("augmentation") String augmentation,
        @JsonProperty("result") TrainResult result,
        @JsonProperty("imvec_version") String imvecVersion,
        @JsonProperty("engine") String engine,
        @JsonProperty("djl_version") String djlVersion,
        @JsonProperty("finished_at") String finishedAt) {
}
