package imvec.analysis;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import imvec.util.Matrices;
import imvec.util.UserError;

import java.util.Arrays;
import java.util.List;

/**
 * How well features separate classes, measured the way the image-embedding studies tabulate it:
 * a transfer head ({@link LinearProbe}) trained on some rows and scored on others, and the
 * silhouette of the scored rows on the full features, on their first principal components and on
 * a t-SNE embedding of the same dimension (3 by default), with the time each reduction took.
 *
 * <p>The reduced silhouettes answer whether a picture of the features (PCA or t-SNE to 3-D) shows
 * the separation the full space has; t-SNE can inflate or hide it, so both are reported.
 */
public final class Separation {
    private final LinearProbe probe;
    private final int dims;
    private final double perplexity;
    private final int tsneIterations;
    private final long seed;

    private Separation(Builder b) {
        this.probe = b.probe.optSeed(b.seed).build();
        this.dims = b.dims;
        this.perplexity = b.perplexity;
        this.tsneIterations = b.tsneIterations;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * One row of the table. The coordinates are kept for plots but left out of JSON.
     *
     * @param perplexity the t-SNE perplexity used: the asked one, lowered to (N−1)/3 for few rows
     */
    public record Result(@JsonProperty("probe_head") String probeHead,
                         @JsonProperty("probe_train_rows") int probeTrainRows,
                         @JsonProperty("probe_test_rows") int probeTestRows,
                         @JsonProperty("probe_accuracy") double probeAccuracy,
                         @JsonProperty("probe_loss") double probeLoss,
                         @JsonProperty("rows") int rows,
                         @JsonProperty("features") int features,
                         @JsonProperty("silhouette") double silhouette,
                         @JsonProperty("reduced_dims") int reducedDims,
                         @JsonProperty("silhouette_pca") double silhouettePca,
                         @JsonProperty("pca_explained_variance_ratio") double pcaExplained,
                         @JsonProperty("pca_seconds") double pcaSeconds,
                         @JsonProperty("silhouette_tsne") double silhouetteTsne,
                         @JsonProperty("tsne_kl_divergence") double tsneKl,
                         @JsonProperty("tsne_perplexity") double tsnePerplexity,
                         @JsonProperty("tsne_seconds") double tsneSeconds,
                         @JsonProperty("seed") long seed,
                         @JsonIgnore double[][] pcaCoordinates,
                         @JsonIgnore double[][] tsneCoordinates,
                         @JsonIgnore LinearProbe.Result probe) {
    }

    /**
     * Probe trained on a seeded stratified split of {@code x} ({@code testFraction} held out);
     * silhouettes over all rows.
     */
    public Result measure(float[][] x, int[] y, List<String> classes, double testFraction) {
        LinearProbe.Split split = LinearProbe.split(y, testFraction, seed);
        LinearProbe.Result p = probe.fit(x, y, split, classes);
        return geometry(p, x, y);
    }

    /** Probe trained on {@code (trainX, trainY)} and scored on {@code (x, y)}; silhouettes over {@code x}. */
    public Result measure(float[][] trainX, int[] trainY, float[][] x, int[] y, List<String> classes) {
        LinearProbe.Result p = probe.fit(trainX, trainY, x, y, classes);
        return geometry(p, x, y);
    }

    private Result geometry(LinearProbe.Result p, float[][] x, int[] y) {
        int d = Inputs.checkMatrix(x, "the feature matrix", "class separation");
        if (Arrays.stream(y).distinct().count() < 2) throw new UserError("class separation needs rows of at least two classes.");
        double full = Silhouette.score(x, y);
        int k = Math.min(dims, Math.min(x.length, d));
        long t0 = System.nanoTime();
        Pca.Result pca = Pca.builder().optComponents(k).optSeed(seed).build().fit(x);
        double pcaSeconds = (System.nanoTime() - t0) / 1e9;
        double pcaSil = Silhouette.score(Matrices.toFloat(pca.coordinates()), y);
        double explained = Arrays.stream(pca.explainedVarianceRatio()).sum();
        // t-SNE needs perplexity < N; a few rows (tests, tiny sets) get a proportionally smaller one.
        double used = Math.min(perplexity, (x.length - 1) / 3.0);
        Tsne.Result t = Tsne.builder().optDimensions(dims).optPerplexity(used).optIterations(tsneIterations)
                .optSeed(seed).build().fit(x);
        double tsneSil = Silhouette.score(Matrices.toFloat(t.embedding()), y);
        return new Result(p.head(), p.trainRows(), p.testRows(), p.testAccuracy(), p.testLoss(), x.length, d,
                full, k, pcaSil, explained, pcaSeconds, tsneSil, t.klDivergence(), used, t.seconds().total(), seed,
                pca.coordinates(), t.embedding(), p);
    }

    /** Defaults: the transfer head as {@link LinearProbe} builds it, 3 dimensions, t-SNE perplexity 30 for 1,000 iterations, seed 1. */
    public static final class Builder {
        private LinearProbe.Builder probe = LinearProbe.builder();
        private int dims = 3;
        private double perplexity = 30;
        private int tsneIterations = 1000;
        private long seed = 1;

        private Builder() {
        }

        /** The probe's options; its seed is replaced by this builder's. */
        public Builder optProbe(LinearProbe.Builder probe) {
            this.probe = probe;
            return this;
        }

        /** Dimensions PCA and t-SNE reduce to: 2 or 3 (default 3). */
        public Builder optDimensions(int dims) {
            if (dims != 2 && dims != 3) throw new UserError("the reduced silhouettes use 2 or 3 dimensions, not " + dims + ".");
            this.dims = dims;
            return this;
        }

        public Builder optPerplexity(double perplexity) {
            this.perplexity = Tsne.checkPerplexity(perplexity);
            return this;
        }

        public Builder optTsneIterations(int iterations) {
            this.tsneIterations = Tsne.checkIterations(iterations);
            return this;
        }

        /** Seed of the probe, its split, PCA's solver and t-SNE. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Separation build() {
            return new Separation(this);
        }
    }
}
