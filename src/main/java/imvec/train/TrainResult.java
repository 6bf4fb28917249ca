package imvec.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import imvec.model.EpochStats;

import java.util.List;

/**
 * The outcome of {@link Training#train}: one entry per epoch plus the sizes trained and tested on.
 *
 * @param epochs      per-epoch statistics in order
 * @param trainImages images per training epoch
 * @param testImages  images in the test set (0 when none was given)
 * @param threads     PyTorch intra-op threads used
 */
public record TrainResult(
        @JsonProperty("epochs") List<EpochStats> epochs,
        @JsonProperty("train_images") int trainImages,
        @JsonProperty("test_images") int testImages,
        @JsonProperty("threads") int threads) {

    public TrainResult {
        epochs = List.copyOf(epochs);
    }

    /** Test accuracy after the last epoch, NaN when there was no test set or no epoch. */
    public double finalTestAccuracy() {
        return epochs.isEmpty() ? Double.NaN : epochs.getLast().testAccuracy();
    }

    /** Training time summed over epochs, without evaluation. */
    public double trainingSeconds() {
        return epochs.stream().mapToDouble(EpochStats::seconds).sum();
    }
}
