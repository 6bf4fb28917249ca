package imvec.classvec;

import imvec.util.UserError;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Confusion vectors (Sustek &amp; Zboril): a skip-gram model trained on (true class, predicted class)
 * pairs, centre word t and context word p. Classes a classifier confuses get similar contexts and so
 * similar centre vectors, which are the class vectors.
 *
 * <p>The vocabulary is the class set, so the exact softmax over all contexts is cheap and is the
 * default; word2vec's negative sampling (contexts drawn from the unigram distribution to the power
 * 0.75) is available for large vocabularies. Training follows word2vec: centre vectors start uniform
 * in ±0.5/dim, context vectors at zero, plain SGD with the learning rate falling linearly to
 * 0.0001 × start over all updates, pairs visited in a seeded shuffled order each epoch. Single-threaded,
 * so the same seed gives the same vectors.
 */
public final class ConfusionSkipGram {
    public enum Objective { SOFTMAX, NEGATIVE_SAMPLING }

    public record Result(ClassVectors vectors, double[] epochLoss, int pairs, List<String> unseen) {
    }

    private final int dims;
    private final int epochs;
    private final double learningRate;
    private final Objective objective;
    private final int negatives;
    private final long seed;

    private ConfusionSkipGram(Builder b) {
        this.dims = b.dims;
        this.epochs = b.epochs;
        this.learningRate = b.learningRate;
        this.objective = b.objective;
        this.negatives = b.negatives;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int dims() {
        return dims;
    }

    public int epochs() {
        return epochs;
    }

    public double learningRate() {
        return learningRate;
    }

    public Objective objective() {
        return objective;
    }

    public int negatives() {
        return negatives;
    }

    public long seed() {
        return seed;
    }

    public static final class Builder {
        private int dims = 5;
        private int epochs = 20;
        private double learningRate = 0.025;
        private Objective objective = Objective.SOFTMAX;
        private int negatives = 5;
        private long seed = 1;

        private Builder() {
        }

        /** Vector dimension (default 5, the paper's choice for 10 classes). */
        public Builder optDims(int d) {
            if (d < 1) throw new UserError("--dim must be at least 1, not " + d + ".");
            this.dims = d;
            return this;
        }

        /** Passes over all pairs (default 20). */
        public Builder optEpochs(int e) {
            if (e < 1) throw new UserError("--epochs must be at least 1, not " + e + ".");
            this.epochs = e;
            return this;
        }

        /** Starting learning rate (default 0.025, word2vec's for skip-gram). */
        public Builder optLearningRate(double lr) {
            if (!(lr > 0)) throw new UserError("the learning rate must be positive, not " + lr + ".");
            this.learningRate = lr;
            return this;
        }

        /** Exact softmax over the class vocabulary (default) or negative sampling. */
        public Builder optObjective(Objective o) {
            this.objective = o;
            return this;
        }

        /** Negative samples per pair with {@link Objective#NEGATIVE_SAMPLING} (default 5). */
        public Builder optNegatives(int k) {
            if (k < 1) throw new UserError("negative samples must be at least 1, not " + k + ".");
            this.negatives = k;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public ConfusionSkipGram build() {
            return new ConfusionSkipGram(this);
        }
    }

    public Result train(ConfusionPairs pairs) {
        int vc = pairs.classes().size(), vo = pairs.contextSize(), n = pairs.size();
        Random random = new Random(seed);
        double[][] in = new double[vc][dims];
        for (double[] row : in) for (int k = 0; k < dims; k++) row[k] = (random.nextDouble() - 0.5) / dims;
        double[][] out = new double[vo][dims];
        double[] noise = objective == Objective.NEGATIVE_SAMPLING ? noiseDistribution(pairs.context(), vo) : null;
        double[] epochLoss = new double[epochs];
        long total = (long) epochs * n, done = 0;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        double[] grad = new double[dims], scores = new double[vo];
        for (int e = 0; e < epochs; e++) {
            shuffle(order, random);
            double loss = 0;
            for (int idx : order) {
                double lr = Math.max(learningRate * 1e-4, learningRate * (1 - (double) done++ / total));
                int t = pairs.centre()[idx], p = pairs.context()[idx];
                java.util.Arrays.fill(grad, 0);
                loss += objective == Objective.SOFTMAX
                        ? softmaxStep(in[t], out, p, lr, grad, scores)
                        : negativeStep(in[t], out, p, lr, grad, noise, random);
                for (int k = 0; k < dims; k++) in[t][k] -= lr * grad[k];
            }
            epochLoss[e] = loss / n;
        }
        return result(pairs, in, epochLoss);
    }

    /** One exact-softmax update of the context vectors; accumulates the centre gradient in {@code grad}. */
    private static double softmaxStep(double[] v, double[][] out, int p, double lr, double[] grad, double[] s) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < out.length; c++) {
            s[c] = dot(out[c], v);
            max = Math.max(max, s[c]);
        }
        double z = 0;
        for (int c = 0; c < out.length; c++) z += Math.exp(s[c] - max);
        double loss = Math.log(z) + max - s[p];
        for (int c = 0; c < out.length; c++) {
            double g = Math.exp(s[c] - max) / z - (c == p ? 1 : 0);
            double[] u = out[c];
            for (int k = 0; k < v.length; k++) {
                grad[k] += g * u[k];
                u[k] -= lr * g * v[k];
            }
        }
        return loss;
    }

    /** One negative-sampling update, as in word2vec: the true context against {@code negatives} noise draws. */
    private double negativeStep(double[] v, double[][] out, int p, double lr, double[] grad, double[] noise, Random random) {
        double loss = 0;
        for (int s = 0; s <= negatives; s++) {
            int c = s == 0 ? p : draw(noise, random);
            if (s > 0 && c == p) continue;
            double label = s == 0 ? 1 : 0;
            double sig = 1 / (1 + Math.exp(-dot(out[c], v)));
            loss -= label == 1 ? Math.log(Math.max(sig, 1e-12)) : Math.log(Math.max(1 - sig, 1e-12));
            double g = sig - label;
            double[] u = out[c];
            for (int k = 0; k < v.length; k++) {
                grad[k] += g * u[k];
                u[k] -= lr * g * v[k];
            }
        }
        return loss;
    }

    /** Cumulative unigram^0.75 distribution of the contexts. */
    private static double[] noiseDistribution(int[] context, int vocabulary) {
        double[] count = new double[vocabulary];
        for (int c : context) count[c]++;
        double[] cumulative = new double[vocabulary];
        double sum = 0;
        for (int c = 0; c < vocabulary; c++) {
            sum += Math.pow(count[c], 0.75);
            cumulative[c] = sum;
        }
        for (int c = 0; c < vocabulary; c++) cumulative[c] /= sum;
        return cumulative;
    }

    private static int draw(double[] cumulative, Random random) {
        double u = random.nextDouble();
        int i = java.util.Arrays.binarySearch(cumulative, u);
        return Math.min(cumulative.length - 1, i >= 0 ? i : -i - 1);
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) s += a[k] * b[k];
        return s;
    }

    /** Classes that were never a true class keep their random start, so they are left out. */
    private Result result(ConfusionPairs pairs, double[][] in, double[] epochLoss) {
        boolean[] seen = new boolean[in.length];
        for (int t : pairs.centre()) seen[t] = true;
        List<String> names = new ArrayList<>(), unseen = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        for (int c = 0; c < in.length; c++) {
            if (!seen[c]) {
                unseen.add(pairs.classes().get(c));
                continue;
            }
            names.add(pairs.classes().get(c));
            float[] f = new float[dims];
            for (int k = 0; k < dims; k++) f[k] = (float) in[c][k];
            vectors.add(f);
        }
        String source = "confusion skip-gram of " + pairs.source() + " (top " + pairs.k() + ", dim " + dims + ")";
        return new Result(new ClassVectors(names, vectors.toArray(new float[0][]), source), epochLoss, pairs.size(), unseen);
    }
}
