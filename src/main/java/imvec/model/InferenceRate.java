package imvec.model;

import java.util.Locale;

/**
 * How fast a backbone runs on tensors already in memory: no decoding, no preprocessing, so it
 * is the ceiling an end-to-end extraction can reach.
 *
 * @param batch   images per run
 * @param batches timed runs (after warm-up)
 * @param threads intra-op threads the engine used
 * @param seconds wall-clock time of the timed runs
 */
public record InferenceRate(int batch, int batches, int threads, double seconds) {
    public double imagesPerSecond() {
        return batch * (double) batches / seconds;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.1f images/s (batch %d × %d runs in %.2f s, %d threads)",
                imagesPerSecond(), batch, batches, seconds, threads);
    }
}
