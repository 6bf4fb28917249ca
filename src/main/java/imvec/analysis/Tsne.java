package imvec.analysis;

import imvec.util.Matrices;
import imvec.util.Parallel;
import imvec.util.UserError;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * t-distributed stochastic neighbour embedding (van der Maaten &amp; Hinton 2008) to 2-D or 3-D,
 * with the Barnes–Hut gradient (van der Maaten 2014) and scikit-learn 1.2's defaults: perplexity
 * 30, 1,000 iterations of which the first 250 exaggerate P by 12 with momentum 0.5 (then 0.8),
 * per-coordinate gains, PCA initialisation scaled to standard deviation 1e-4, and the "auto"
 * learning rate max(N / exaggeration / 4, 50) (Belkina et al. 2019's N/12 in the convention whose
 * gradient omits the factor 4; here the gradient is the true one, with the 4).
 *
 * <p>Affinities are exact (every other row a neighbour) up to {@link #EXACT_LIMIT} rows, and over
 * the ⌊3·perplexity⌋+1 nearest neighbours beyond. The output kernel is the Cauchy kernel
 * 1/(1+d²) in 2-D and 3-D alike (scikit-learn uses a Student t with 2 degrees of freedom in 3-D).
 * Work is spread over all cores; results do not depend on the thread count.
 */
public final class Tsne {
    /** Largest row count for which affinities use every other row. */
    public static final int EXACT_LIMIT = 1000;
    /** Largest row count for which the final KL divergence uses the exact normaliser Z. */
    public static final int EXACT_KL_LIMIT = 20_000;
    private static final int BLOCK = 64;
    private static final double MIN_GAIN = 0.01;

    /** How the embedding starts. */
    public enum Init {
        /** The first principal components, scaled to standard deviation 1e-4 (default). */
        PCA,
        /** Gaussian with standard deviation 1e-4, from the seed. */
        RANDOM
    }

    /** Hears about every iteration; {@code kl} is the current estimate every 50 iterations, NaN otherwise. */
    @FunctionalInterface
    public interface Callback {
        void iteration(int done, int total, double kl);
    }

    /** Seconds spent in each stage. */
    public record Timings(double pca, double affinities, double optimisation, double total) {
    }

    /**
     * An embedding. {@code klDivergence} is exact when {@code klExact} (N ≤ {@link #EXACT_KL_LIMIT}),
     * else it uses the Barnes–Hut estimate of Z; {@code klBarnesHut} is always the Barnes–Hut
     * estimate, the number scikit-learn reports as {@code kl_divergence_}.
     */
    public record Result(double[][] embedding, int dims, int inputDims, int pcaDims, double perplexity,
                         String affinities, int neighbours, int affinityNonZeros, double learningRate,
                         int iterations, double theta, double klDivergence, boolean klExact,
                         double klBarnesHut, long seed, Timings seconds) {
        public String describe() {
            return String.format(Locale.ROOT, "t-SNE %d-D, perplexity %.1f, %d iterations, KL %.4f (%s), %.1f s",
                    dims, perplexity, iterations, klDivergence, klExact ? "exact" : "Barnes–Hut estimate", seconds.total);
        }
    }

    private final int dims;
    private final double perplexity;
    private final int iterations;
    private final double exaggeration;
    private final int exaggerationIterations;
    private final double learningRate;
    private final double theta;
    private final long seed;
    private final Init init;
    private final int pcaDims;
    private final int exactLimit;
    private final int threads;
    private final String inputName;
    private final Callback callback;

    private Tsne(Builder b) {
        this.dims = b.dims;
        this.perplexity = b.perplexity;
        this.iterations = b.iterations;
        this.exaggeration = b.exaggeration;
        this.exaggerationIterations = b.exaggerationIterations;
        this.learningRate = b.learningRate;
        this.theta = b.theta;
        this.seed = b.seed;
        this.init = b.init;
        this.pcaDims = b.pcaDims;
        this.exactLimit = b.exactLimit;
        this.threads = b.threads();
        this.inputName = b.inputName();
        this.callback = b.callback;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder extends MatrixOptions<Builder> {
        private int dims = 2;
        private double perplexity = 30;
        private int iterations = 1000;
        private double exaggeration = 12;
        private int exaggerationIterations = 250;
        private double learningRate = Double.NaN;
        private double theta = 0.5;
        private long seed = 42;
        private Init init = Init.PCA;
        private int pcaDims = 0;
        private int exactLimit = EXACT_LIMIT;
        private Callback callback = (done, total, kl) -> {
        };

        private Builder() {
        }

        /** Output dimensions, 2 (default) or 3. */
        public Builder optDimensions(int dims) {
            if (dims != 2 && dims != 3) throw new UserError("t-SNE embeds in 2 or 3 dimensions; got " + dims + ".");
            this.dims = dims;
            return this;
        }

        /** Effective number of neighbours (default 30); must be below the row count. */
        public Builder optPerplexity(double perplexity) {
            this.perplexity = checkPerplexity(perplexity);
            return this;
        }

        /** Total gradient steps, early exaggeration included (default 1,000). */
        public Builder optIterations(int iterations) {
            this.iterations = checkIterations(iterations);
            return this;
        }

        /** Factor on P and the number of iterations it lasts (default 12 for 250). */
        public Builder optEarlyExaggeration(double factor, int iterations) {
            if (!(factor >= 1)) throw new UserError("early exaggeration must be at least 1; got " + factor + ".");
            if (iterations < 0) throw new UserError("early exaggeration iterations must be ≥ 0; got " + iterations + ".");
            this.exaggeration = factor;
            this.exaggerationIterations = iterations;
            return this;
        }

        /** Step size for the true gradient; default max(N / exaggeration / 4, 50). */
        public Builder optLearningRate(double rate) {
            if (!(rate > 0)) throw new UserError("t-SNE learning rate must be positive; got " + rate + ".");
            this.learningRate = rate;
            return this;
        }

        /** Barnes–Hut accuracy (default 0.5); 0 computes the exact O(N²) gradient. */
        public Builder optTheta(double theta) {
            if (!(theta >= 0 && theta <= 1)) throw new UserError("Barnes–Hut theta must be in [0, 1]; got " + theta + ".");
            this.theta = theta;
            return this;
        }

        /** Seed for random initialisation and PCA's iterative solver (default 42). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder optInit(Init init) {
            this.init = init;
            return this;
        }

        /** Reduce the input to this many principal components first; 0 (default) keeps it. */
        public Builder optPcaDimensions(int dims) {
            if (dims < 0) throw new UserError("PCA pre-reduction needs a positive dimension count; got " + dims + ".");
            this.pcaDims = dims;
            return this;
        }

        /** Largest N for exact affinities (default {@link #EXACT_LIMIT}). */
        public Builder optExactLimit(int n) {
            this.exactLimit = n;
            return this;
        }

        public Builder optCallback(Callback callback) {
            this.callback = callback;
            return this;
        }

        public Tsne build() {
            return new Tsne(this);
        }
    }

    /** A perplexity as every t-SNE option takes it: positive. */
    static double checkPerplexity(double perplexity) {
        if (!(perplexity > 0)) throw new UserError("t-SNE perplexity must be positive; got " + perplexity + ".");
        return perplexity;
    }

    static int checkIterations(int iterations) {
        if (iterations < 1) throw new UserError("t-SNE needs at least 1 iteration; got " + iterations + ".");
        return iterations;
    }

    /** Embeds N × D rows. */
    public Result fit(float[][] x) {
        int d = MatrixOptions.checkRows(x, 4, inputName, "t-SNE");
        int n = x.length;
        if (perplexity >= n) {
            throw new UserError(String.format(Locale.ROOT, "t-SNE perplexity (%s) must be less than the number of rows "
                    + "of %s (%d); use a smaller --perplexity.", trim(perplexity), inputName, n));
        }
        return Parallel.call(threads, () -> fitChecked(x, n, d));
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private Result fitChecked(float[][] x, int n, int d) {
        long t0 = System.nanoTime();
        float[][] input = x;
        int reducedTo = 0;
        Pca.Result pca = null;
        if (pcaDims > 0 && pcaDims < Math.min(n, d)) {
            pca = Pca.builder().optComponents(pcaDims).optSeed(seed).optInputName(inputName).build().fit(x);
            input = Matrices.toFloat(pca.coordinates());
            reducedTo = pcaDims;
        }
        double[] y = initialise(input, pca);
        long t1 = System.nanoTime();
        boolean exact = n <= exactLimit;
        int k = Math.min(n - 1, (int) (3 * perplexity + 1));
        Affinities p = exact ? Affinities.exact(input, perplexity) : Affinities.nearestNeighbours(input, perplexity, k);
        long t2 = System.nanoTime();
        double rate = Double.isNaN(learningRate) ? Math.max(n / exaggeration / 4, 50) : learningRate;
        Optimiser opt = new Optimiser(p, y, dims, theta);
        int early = Math.min(exaggerationIterations, iterations);
        opt.run(0, early, exaggeration, 0.5, rate, iterations, callback);
        opt.run(early, iterations, 1, 0.8, rate, iterations, callback);
        double klBh = opt.klDivergence(false);
        boolean klExact = n <= EXACT_KL_LIMIT;
        double kl = klExact ? opt.klDivergence(true) : klBh;
        long t3 = System.nanoTime();
        double[][] embedding = new double[n][dims];
        for (int i = 0; i < n; i++) System.arraycopy(y, i * dims, embedding[i], 0, dims);
        Timings t = new Timings((t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t3 - t0) / 1e9);
        return new Result(embedding, dims, d, reducedTo, perplexity,
                exact ? "exact" : "nearest neighbours", exact ? n - 1 : k, p.nonZeros(), rate, iterations, theta,
                kl, klExact, klBh, seed, t);
    }

    /** Start positions, row-major: PCA scores scaled so the first column has std 1e-4, or Gaussian noise. */
    private double[] initialise(float[][] x, Pca.Result reduced) {
        int n = x.length;
        double[] y = new double[n * dims];
        if (init == Init.RANDOM) {
            Random random = new Random(seed);
            for (int i = 0; i < y.length; i++) y[i] = 1e-4 * random.nextGaussian();
            return y;
        }
        double[][] scores = reduced != null ? reduced.coordinates()
                : Pca.builder().optComponents(Math.min(dims, x[0].length)).optSeed(seed).optInputName(inputName).build().fit(x).coordinates();
        int have = scores[0].length;
        double mean = 0, ss = 0;
        for (double[] s : scores) mean += s[0];
        mean /= n;
        for (double[] s : scores) ss += (s[0] - mean) * (s[0] - mean);
        double std = Math.sqrt(ss / n);
        double scale = std > 0 ? 1e-4 / std : 1;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < Math.min(dims, have); c++) y[i * dims + c] = scores[i][c] * scale;
        }
        return y;
    }

    /**
     * Gradient descent with momentum and per-coordinate gains (Jacobs 1988), as in scikit-learn:
     * a gain grows by 0.2 while the step keeps its direction and shrinks by 0.8 when it flips.
     * Each stage starts with zero update and unit gains.
     */
    static final class Optimiser {
        final Affinities p;
        final double[] y;
        final int dims;
        final int n;
        final double theta;
        final SpaceTree tree;
        final double[] attractive;
        final double[] repulsive;
        final double[] blockZ;
        final double[] blockLog;
        double z;

        Optimiser(Affinities p, double[] y, int dims, double theta) {
            this.p = p;
            this.y = y;
            this.dims = dims;
            this.n = p.n;
            this.theta = theta;
            this.tree = theta > 0 ? new SpaceTree(n, dims) : null;
            this.attractive = new double[n * dims];
            this.repulsive = new double[n * dims];
            int blocks = (n + BLOCK - 1) / BLOCK;
            this.blockZ = new double[blocks];
            this.blockLog = new double[blocks];
        }

        void run(int from, int to, double exaggeration, double momentum, double rate, int total, Callback callback) {
            double[] update = new double[n * dims];
            double[] gains = new double[n * dims];
            Arrays.fill(gains, 1);
            for (int it = from; it < to; it++) {
                boolean check = (it + 1) % 50 == 0 || it == total - 1;
                double logSum = forces(check);
                double invZ = 1 / z;
                for (int e = 0; e < y.length; e++) {
                    double g = 4 * (exaggeration * attractive[e] - repulsive[e] * invZ);
                    double u = update[e];
                    double gain = u * g < 0 ? gains[e] + 0.2 : gains[e] * 0.8;
                    if (gain < MIN_GAIN) gain = MIN_GAIN;
                    gains[e] = gain;
                    u = momentum * u - rate * gain * g;
                    update[e] = u;
                    y[e] += u;
                }
                callback.iteration(it + 1, total, check ? kl(logSum) : Double.NaN);
            }
        }

        private double kl(double logSum) {
            return p.negativeEntropy() + Math.log(z) + logSum;
        }

        /** KL(P‖Q) at the current positions, with the exact Z or the Barnes–Hut one. */
        double klDivergence(boolean exactZ) {
            double logSum = forces(true);
            if (exactZ) z = exactZ();
            return kl(logSum);
        }

        /**
         * Fills the attractive term Σ_j p_ij w_ij (y_i − y_j) and the repulsive term Σ_j w_ij²
         * (y_i − y_j) of every point and the normaliser Z = Σ_{i≠j} w_ij; the gradient is
         * 4 (attractive − repulsive / Z). Returns Σ p_ij log(1 + d_ij²) when asked (for the KL).
         */
        double forces(boolean wantLog) {
            int[] order;
            if (tree != null) {
                tree.build(y);
                order = tree.order();
            } else {
                order = null;
            }
            int blocks = blockZ.length;
            Parallel.forEach(blocks, b -> {
                int from = b * BLOCK, to = Math.min(n, from + BLOCK);
                double zSum = 0, logSum = 0;
                double theta2 = theta * theta;
                for (int m = from; m < to; m++) {
                    int i = order != null ? order[m] : m;
                    zSum += tree != null ? tree.repulsion(i, theta2, repulsive, i * dims) : exactRepulsion(i);
                    logSum += attraction(i, wantLog);
                }
                blockZ[b] = zSum;
                blockLog[b] = logSum;
            });
            // Summing the block totals in a fixed order keeps results independent of threads.
            double zTotal = 0, logTotal = 0;
            for (int b = 0; b < blocks; b++) {
                zTotal += blockZ[b];
                logTotal += blockLog[b];
            }
            z = zTotal;
            return logTotal;
        }

        private double attraction(int i, boolean wantLog) {
            int[] cols = p.columns;
            double[] vals = p.values;
            double logSum = 0;
            if (dims == 2) {
                double px = y[2 * i], py = y[2 * i + 1], fx = 0, fy = 0;
                for (int m = p.rowStart[i]; m < p.rowStart[i + 1]; m++) {
                    int j = cols[m];
                    double dx = px - y[2 * j], dy = py - y[2 * j + 1];
                    double q = 1 + dx * dx + dy * dy;
                    double pw = vals[m] / q;
                    fx += pw * dx;
                    fy += pw * dy;
                    if (wantLog) logSum += vals[m] * Math.log(q);
                }
                attractive[2 * i] = fx;
                attractive[2 * i + 1] = fy;
            } else {
                double px = y[3 * i], py = y[3 * i + 1], pz = y[3 * i + 2], fx = 0, fy = 0, fz = 0;
                for (int m = p.rowStart[i]; m < p.rowStart[i + 1]; m++) {
                    int j = cols[m];
                    double dx = px - y[3 * j], dy = py - y[3 * j + 1], dz = pz - y[3 * j + 2];
                    double q = 1 + dx * dx + dy * dy + dz * dz;
                    double pw = vals[m] / q;
                    fx += pw * dx;
                    fy += pw * dy;
                    fz += pw * dz;
                    if (wantLog) logSum += vals[m] * Math.log(q);
                }
                attractive[3 * i] = fx;
                attractive[3 * i + 1] = fy;
                attractive[3 * i + 2] = fz;
            }
            return logSum;
        }

        /** The repulsive term of point i over every other point, O(N). */
        private double exactRepulsion(int i) {
            double zSum = 0;
            double[] f = new double[dims];
            for (int j = 0; j < n; j++) {
                if (j == i) continue;
                double d2 = 0;
                for (int k = 0; k < dims; k++) {
                    double t = y[i * dims + k] - y[j * dims + k];
                    d2 += t * t;
                }
                double w = 1 / (1 + d2);
                zSum += w;
                double w2 = w * w;
                for (int k = 0; k < dims; k++) f[k] += w2 * (y[i * dims + k] - y[j * dims + k]);
            }
            System.arraycopy(f, 0, repulsive, i * dims, dims);
            return zSum;
        }

        /** Σ_{i≠j} 1/(1 + d_ij²) over all pairs, in blocks summed in a fixed order. */
        private double exactZ() {
            int blocks = blockZ.length;
            Parallel.forEach(blocks, b -> {
                int from = b * BLOCK, to = Math.min(n, from + BLOCK);
                double s = 0;
                for (int i = from; i < to; i++) {
                    for (int j = 0; j < n; j++) {
                        if (j == i) continue;
                        double d2 = 0;
                        for (int k = 0; k < dims; k++) {
                            double t = y[i * dims + k] - y[j * dims + k];
                            d2 += t * t;
                        }
                        s += 1 / (1 + d2);
                    }
                }
                blockZ[b] = s;
            });
            double total = 0;
            for (double s : blockZ) total += s;
            return total;
        }

        /** The gradient at the current positions with P exaggerated by {@code factor}, for tests. */
        double[] gradient(double factor) {
            forces(false);
            double[] g = new double[y.length];
            for (int e = 0; e < y.length; e++) g[e] = 4 * (factor * attractive[e] - repulsive[e] / z);
            return g;
        }
    }

    /** Times one 2-D embedding for benchmarks; the result value is the KL divergence (Barnes–Hut estimate). */
    public static Timing time(float[][] x, int iterations, int threads) {
        Result r = builder().optIterations(iterations).optThreads(threads).build().fit(x);
        return new Timing("tsne 2-D, " + iterations + " iterations", x.length, x[0].length,
                threads > 0 ? threads : Parallel.cores(), r.seconds().total(), r.klBarnesHut());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Tsne{dims=%d, perplexity=%s, iterations=%d, exaggeration=%s for %d, theta=%s}",
                dims, trim(perplexity), iterations, trim(exaggeration), exaggerationIterations, trim(theta));
    }
}
