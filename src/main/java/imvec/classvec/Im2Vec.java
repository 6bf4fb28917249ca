package imvec.classvec;

import imvec.model.EpochStats;
import imvec.util.UserError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Im2Vec (Lee, Jung &amp; Bansal): a two-layer linear network, flattened pixels → H hidden units →
 * n class scores, no activation in between, trained with softmax cross-entropy. The class vector of
 * class c is W2⁻¹ e_c, the hidden vector the output layer maps to exactly class c's one-hot
 * (see {@link WeightInverse}; a pseudo-inverse when H ≠ n).
 *
 * <p>Defaults are the paper's: H = n, SGD with learning rate 0.01, momentum 0.2, weight decay
 * 0.01, batch 512, 500 epochs. SGD follows PyTorch's {@code torch.optim.SGD} (decay added to the
 * gradient, momentum buffer without dampening, decay on biases too); layers start as PyTorch's
 * {@code nn.Linear}, uniform in ±1/√fan_in.
 *
 * <p>The net is so small that it is trained here in plain Java rather than through DJL: one row
 * is read once per step for both the forward dot products and the weight-gradient updates, so the
 * cost is memory bandwidth, and there is no native copy per batch. A batch is cut into fixed
 * chunks whose gradients are summed in chunk order, so results do not depend on the thread count.
 */
public final class Im2Vec {
    /** Rows per gradient chunk; fixed so the summation order never depends on threads. */
    static final int CHUNK = 64;

    public record EpochStats(int epoch, double trainLoss, double trainAccuracy, double testLoss,
                             double testAccuracy, double seconds, double imagesPerSecond) {
    }

    /** The trained weights, PyTorch layout: W1 is H × D, W2 is n × H, both row-major. */
    public record Weights(int inputs, int hidden, int classes, float[] w1, float[] b1, float[] w2, float[] b2) {
        public double[][] w2Matrix() {
            double[][] m = new double[classes][hidden];
            for (int c = 0; c < classes; c++) for (int h = 0; h < hidden; h++) m[c][h] = w2[c * hidden + h];
            return m;
        }

        /** Writes {@code w1.npy} (H × D), {@code b1.npy}, {@code w2.npy} (n × H) and {@code b2.npy}. */
        public List<java.nio.file.Path> save(java.nio.file.Path dir) throws java.io.IOException {
            List<java.nio.file.Path> files = List.of(dir.resolve("w1.npy"), dir.resolve("b1.npy"), dir.resolve("w2.npy"), dir.resolve("b2.npy"));
            imvec.store.Npy.write(files.get(0), w1, hidden, inputs);
            imvec.store.Npy.write(files.get(1), b1, hidden);
            imvec.store.Npy.write(files.get(2), w2, classes, hidden);
            imvec.store.Npy.write(files.get(3), b2, classes);
            return files;
        }
    }

    public record Result(ClassVectors vectors, Weights weights, WeightInverse.Result inverse, List<EpochStats> epochs,
                         double trainAccuracy, double testAccuracy, int threads) {
    }

    private final int hidden;
    private final int epochs;
    private final float learningRate;
    private final float momentum;
    private final float weightDecay;
    private final int batchSize;
    private final long seed;
    private final int threads;
    private final WeightInverse.Mode inverse;
    private final double rcond;
    private final Consumer<EpochStats> listener;

    private Im2Vec(Builder b) {
        this.hidden = b.hidden;
        this.epochs = b.epochs;
        this.learningRate = b.learningRate;
        this.momentum = b.momentum;
        this.weightDecay = b.weightDecay;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.threads = b.threads > 0 ? b.threads : Runtime.getRuntime().availableProcessors();
        this.inverse = b.inverse;
        this.rcond = b.rcond;
        this.listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int hidden = 0;
        private int epochs = 500;
        private float learningRate = 0.01f;
        private float momentum = 0.2f;
        private float weightDecay = 0.01f;
        private int batchSize = 512;
        private long seed = 1;
        private int threads = 0;
        private WeightInverse.Mode inverse = WeightInverse.Mode.AUTO;
        private double rcond = 0;
        private Consumer<EpochStats> listener = e -> { };

        private Builder() {
        }

        /** Hidden units H; 0 (default) means H = n, as in the paper. */
        public Builder optHidden(int h) {
            if (h < 0) throw new UserError("--hidden must be positive, not " + h + ".");
            this.hidden = h;
            return this;
        }

        /** Epochs (default 500, the paper's for CIFAR-10; 1000 for CIFAR-100). */
        public Builder optEpochs(int e) {
            if (e < 1) throw new UserError("--epochs must be at least 1, not " + e + ".");
            this.epochs = e;
            return this;
        }

        public Builder optLearningRate(float lr) {
            if (!(lr > 0)) throw new UserError("--lr must be positive, not " + lr + ".");
            this.learningRate = lr;
            return this;
        }

        public Builder optMomentum(float m) {
            if (!(m >= 0 && m < 1)) throw new UserError("--momentum must be in [0, 1), not " + m + ".");
            this.momentum = m;
            return this;
        }

        public Builder optWeightDecay(float wd) {
            if (!(wd >= 0)) throw new UserError("--weight-decay must be non-negative, not " + wd + ".");
            this.weightDecay = wd;
            return this;
        }

        public Builder optBatchSize(int b) {
            if (b < 1) throw new UserError("--batch must be at least 1, not " + b + ".");
            this.batchSize = b;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Worker threads; 0 (default) means all cores. Results do not depend on it. */
        public Builder optThreads(int t) {
            this.threads = t;
            return this;
        }

        /** How W2 is inverted (default {@link WeightInverse.Mode#AUTO}). */
        public Builder optInverse(WeightInverse.Mode mode) {
            this.inverse = mode;
            return this;
        }

        /** Relative cut-off for small singular values of W2 (default 0: the paper's plain inverse); see {@link WeightInverse#of(double[][], WeightInverse.Mode, double)}. */
        public Builder optRcond(double rcond) {
            if (!(rcond >= 0 && rcond < 1)) throw new UserError("--rcond must be in [0, 1), not " + rcond + ".");
            this.rcond = rcond;
            return this;
        }

        /** Told after every epoch. */
        public Builder optListener(Consumer<EpochStats> l) {
            this.listener = l;
            return this;
        }

        public Im2Vec build() {
            return new Im2Vec(this);
        }
    }

    public int epochs() {
        return epochs;
    }

    public int batchSize() {
        return batchSize;
    }

    public float learningRate() {
        return learningRate;
    }

    public float momentum() {
        return momentum;
    }

    public float weightDecay() {
        return weightDecay;
    }

    public long seed() {
        return seed;
    }

    public int threads() {
        return threads;
    }

    /** Hidden units used for {@code classes} classes. */
    public int hidden(int classes) {
        return hidden > 0 ? hidden : classes;
    }

    /**
     * Trains on {@code n} rows of {@code d} inputs and returns the class vectors.
     *
     * @param x       row-major n × d inputs (already scaled as wanted)
     * @param y       labels in 0 … classes.size() − 1
     * @param testX   test rows in the same form, or null
     */
    public Result fit(float[] x, int[] y, int n, int d, List<String> classes, float[] testX, int[] testY, int testN) {
        int k = classes.size();
        if (k < 2) throw new UserError("Im2Vec needs at least 2 classes; the data has " + k + ".");
        check(x, y, n, d, k, "training");
        if (testX != null) check(testX, testY, testN, d, k, "test");
        // Decide the inverse before spending the epochs: a non-square exact request fails now.
        int h = hidden(k);
        if (inverse == WeightInverse.Mode.EXACT && (h != k || rcond > 0)) WeightInverse.of(new double[k][h], inverse, rcond);
        Net net = new Net(d, h, k, seed);
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            List<EpochStats> stats = new ArrayList<>();
            Random order = new Random(seed);
            for (int e = 1; e <= epochs; e++) {
                long t0 = System.nanoTime();
                Pass train = pool.submit(() -> net.epoch(x, y, n, order, batchSize, learningRate, momentum, weightDecay)).join();
                double secs = (System.nanoTime() - t0) / 1e9;
                Pass test = testX == null ? null : pool.submit(() -> net.evaluate(testX, testY, testN)).join();
                EpochStats s = new EpochStats(e, train.loss(), train.accuracy(), test == null ? Double.NaN : test.loss(),
                        test == null ? Double.NaN : test.accuracy(), secs, n / secs);
                stats.add(s);
                listener.accept(s);
            }
            double trainAcc = pool.submit(() -> net.evaluate(x, y, n)).join().accuracy();
            double testAcc = stats.isEmpty() ? Double.NaN : stats.get(stats.size() - 1).testAccuracy();
            Weights w = net.weights();
            WeightInverse.Result inv = WeightInverse.of(w.w2Matrix(), inverse, rcond);
            float[][] vectors = new float[k][];
            for (int c = 0; c < k; c++) {
                double[] v = inv.classVector(c);
                vectors[c] = new float[v.length];
                for (int j = 0; j < v.length; j++) vectors[c][j] = (float) v[j];
            }
            String source = "Im2Vec (" + d + " → " + h + " → " + k + ", " + epochs + " epochs, " + inv.method() + ")";
            return new Result(new ClassVectors(classes, vectors, source), w, inv, stats, trainAcc, testAcc, threads);
        } finally {
            pool.shutdown();
        }
    }

    private static void check(float[] x, int[] y, int n, int d, int k, String what) {
        if (n < 1) throw new UserError("the " + what + " set holds no images.");
        if ((long) n * d != x.length || y.length < n) {
            throw new UserError("the " + what + " set has " + x.length + " values and " + y.length + " labels for " + n + " rows of " + d + ".");
        }
        for (int i = 0; i < n; i++) {
            if (y[i] < 0 || y[i] >= k) throw new UserError("the " + what + " set's row " + i + " has label " + y[i] + ", outside the " + k + " classes.");
        }
    }

    /** Mean cross-entropy and top-1 accuracy over a pass. */
    record Pass(double loss, double accuracy) {
    }

    /** The parameters, their momentum buffers and the training step. */
    static final class Net {
        final int d, h, k;
        final float[] w1, b1, w2, b2;
        private final float[] m1, mb1, m2, mb2;
        private boolean started;

        Net(int d, int h, int k, long seed) {
            this.d = d;
            this.h = h;
            this.k = k;
            Random r = new Random(seed);
            w1 = uniform(r, h * d, d);
            b1 = uniform(r, h, d);
            w2 = uniform(r, k * h, h);
            b2 = uniform(r, k, h);
            m1 = new float[w1.length];
            mb1 = new float[h];
            m2 = new float[w2.length];
            mb2 = new float[k];
        }

        /** nn.Linear's default: U(−1/√fan_in, 1/√fan_in) for weights and biases. */
        private static float[] uniform(Random r, int count, int fanIn) {
            float bound = (float) (1 / Math.sqrt(fanIn));
            float[] a = new float[count];
            for (int i = 0; i < count; i++) a[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
            return a;
        }

        Weights weights() {
            return new Weights(d, h, k, w1.clone(), b1.clone(), w2.clone(), b2.clone());
        }

        Pass epoch(float[] x, int[] y, int n, Random order, int batch, float lr, float mom, float wd) {
            int[] perm = permutation(n, order);
            int chunksPerBatch = (batch + CHUNK - 1) / CHUNK;
            Grad[] grads = new Grad[chunksPerBatch];
            for (int i = 0; i < grads.length; i++) grads[i] = new Grad(d, h, k);
            double loss = 0;
            long correct = 0;
            for (int from = 0; from < n; from += batch) {
                int size = Math.min(batch, n - from), start = from;
                int chunks = (size + CHUNK - 1) / CHUNK;
                IntStream.range(0, chunks).parallel().forEach(c -> {
                    grads[c].clear();
                    accumulate(x, y, perm, start + c * CHUNK, start + Math.min(size, (c + 1) * CHUNK), size, grads[c], true);
                });
                for (int c = 1; c < chunks; c++) grads[0].add(grads[c]);
                loss += grads[0].loss;
                correct += grads[0].correct;
                step(grads[0], lr, mom, wd);
            }
            return new Pass(loss / n, (double) correct / n);
        }

        Pass evaluate(float[] x, int[] y, int n) {
            int chunks = (n + CHUNK - 1) / CHUNK;
            double[] loss = new double[chunks];
            long[] correct = new long[chunks];
            IntStream.range(0, chunks).parallel().forEach(c -> {
                Grad g = new Grad(0, h, k);
                accumulate(x, y, null, c * CHUNK, Math.min(n, (c + 1) * CHUNK), 1, g, false);
                loss[c] = g.loss;
                correct[c] = g.correct;
            });
            double l = 0;
            long ok = 0;
            for (int c = 0; c < chunks; c++) {
                l += loss[c];
                ok += correct[c];
            }
            return new Pass(l / n, (double) ok / n);
        }

        /** Forward pass of rows [from, to) (through {@code perm} when given), and their gradients when asked. */
        void accumulate(float[] x, int[] y, int[] perm, int from, int to, int batch, Grad g, boolean backward) {
            float[] hid = new float[h], dh = new float[h];
            double[] z = new double[k];
            float invBatch = 1f / batch;
            for (int r = from; r < to; r++) {
                int row = perm == null ? r : perm[r];
                int off = row * d;
                for (int j = 0; j < h; j++) hid[j] = b1[j] + dot(w1, j * d, x, off, d);
                double max = Double.NEGATIVE_INFINITY;
                int best = 0;
                for (int c = 0; c < k; c++) {
                    double s = b2[c];
                    for (int j = 0; j < h; j++) s += w2[c * h + j] * hid[j];
                    z[c] = s;
                    if (s > max) {
                        max = s;
                        best = c;
                    }
                }
                double sum = 0;
                for (int c = 0; c < k; c++) sum += Math.exp(z[c] - max);
                int label = y[row];
                g.loss += Math.log(sum) + max - z[label];
                if (best == label) g.correct++;
                if (!backward) continue;
                Arrays.fill(dh, 0);
                for (int c = 0; c < k; c++) {
                    float dz = (float) ((Math.exp(z[c] - max) / sum - (c == label ? 1 : 0)) * invBatch);
                    g.b2[c] += dz;
                    for (int j = 0; j < h; j++) {
                        g.w2[c * h + j] += dz * hid[j];
                        dh[j] += w2[c * h + j] * dz;
                    }
                }
                for (int j = 0; j < h; j++) {
                    g.b1[j] += dh[j];
                    axpy(dh[j], x, off, g.w1, j * d, d);
                }
            }
        }

        /** torch.optim.SGD: g ← g + wd·w; buf ← mom·buf + g (buf = g at the first step); w ← w − lr·buf. */
        private void step(Grad g, float lr, float mom, float wd) {
            boolean first = !started;
            started = true;
            update(w1, m1, g.w1, lr, mom, wd, first);
            update(b1, mb1, g.b1, lr, mom, wd, first);
            update(w2, m2, g.w2, lr, mom, wd, first);
            update(b2, mb2, g.b2, lr, mom, wd, first);
        }

        private static void update(float[] w, float[] buf, float[] grad, float lr, float mom, float wd, boolean first) {
            for (int i = 0; i < w.length; i++) {
                float gi = grad[i] + wd * w[i];
                buf[i] = first ? gi : mom * buf[i] + gi;
                w[i] -= lr * buf[i];
            }
        }

        /** Eight partial sums keep the multiply-adds independent, which the JIT cannot do for one sum. */
        static float dot(float[] a, int ao, float[] b, int bo, int len) {
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            int i = 0;
            for (; i + 7 < len; i += 8) {
                s0 += a[ao + i] * b[bo + i];
                s1 += a[ao + i + 1] * b[bo + i + 1];
                s2 += a[ao + i + 2] * b[bo + i + 2];
                s3 += a[ao + i + 3] * b[bo + i + 3];
                s4 += a[ao + i + 4] * b[bo + i + 4];
                s5 += a[ao + i + 5] * b[bo + i + 5];
                s6 += a[ao + i + 6] * b[bo + i + 6];
                s7 += a[ao + i + 7] * b[bo + i + 7];
            }
            for (; i < len; i++) s0 += a[ao + i] * b[bo + i];
            return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        }

        /** {@code y[yo …] += s · x[xo …]}; the JIT vectorises this loop. */
        static void axpy(float s, float[] x, int xo, float[] y, int yo, int len) {
            if (s == 0) return;
            for (int i = 0; i < len; i++) y[yo + i] += s * x[xo + i];
        }

        static int[] permutation(int n, Random random) {
            int[] p = new int[n];
            for (int i = 0; i < n; i++) p[i] = i;
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
            return p;
        }
    }

    /** Gradient sums of one chunk. */
    static final class Grad {
        final float[] w1, b1, w2, b2;
        double loss;
        long correct;

        Grad(int d, int h, int k) {
            w1 = new float[h * d];
            b1 = new float[h];
            w2 = new float[k * h];
            b2 = new float[k];
        }

        void clear() {
            Arrays.fill(w1, 0);
            Arrays.fill(b1, 0);
            Arrays.fill(w2, 0);
            Arrays.fill(b2, 0);
            loss = 0;
            correct = 0;
        }

        void add(Grad o) {
            for (int i = 0; i < w1.length; i++) w1[i] += o.w1[i];
            for (int i = 0; i < b1.length; i++) b1[i] += o.b1[i];
            for (int i = 0; i < w2.length; i++) w2[i] += o.w2[i];
            for (int i = 0; i < b2.length; i++) b2[i] += o.b2[i];
            loss += o.loss;
            correct += o.correct;
        }
    }
}
