package imvec.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What one training epoch did.
 *
 * @param epoch           1-based
 * @param trainLoss       mean cross-entropy over the epoch's training batches (with dropout on)
 * @param testAccuracy    top-1 accuracy on the test set after the epoch, NaN without a test set
 * @param testLoss        mean cross-entropy on the test set, NaN without a test set
 * @param seconds         wall-clock time of the epoch's training batches (not the evaluation)
 * @param imagesPerSecond training images per second over the epoch
 */
public record EpochStats(
        @JsonProperty("epoch") int epoch,
        @JsonProperty("train_loss") double trainLoss,
        @JsonProperty("test_accuracy") double testAccuracy,
        @JsonProperty("test_loss") double testLoss,
        @JsonProperty("seconds") double seconds,
        @JsonProperty("images_per_second") double imagesPerSecond) {
}
