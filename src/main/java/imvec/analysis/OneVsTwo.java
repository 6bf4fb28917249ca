package imvec.analysis;

import imvec.util.UserError;
import org.hipparchus.distribution.discrete.BinomialDistribution;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The 1-vs-2 test for misclassified images (Dharmaretnam and Fyshe 2018): does a layer place a
 * misclassified image nearer, in word meaning, to its true concept or to the concept the model
 * predicted? For each image, i holds its similarities to reference activations (one per concept
 * that has correctly classified images, other than the image's true and predicted concepts);
 * w_true and w_pred hold the word similarities of the true and predicted concepts to the same
 * reference concepts. The image passes when corr(i, w_true) &gt; corr(i, w_pred) (Pearson, strictly).
 * The two concepts themselves are left out of the references, as 2-vs-2 leaves out its pair, so
 * neither side is helped by a concept's similarity of 1 to itself.
 */
public final class OneVsTwo {
    private final PermutationTest permutation;
    private final Similarity similarity;

    private OneVsTwo(Builder b) {
        this.permutation = b.permutationTest();
        this.similarity = b.similarity;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder extends PermutationOptions<Builder> {
        private Similarity similarity = Similarity.PEARSON;

        private Builder() {
        }

        /** How an image is compared with the reference activations (default Pearson). */
        public Builder optSimilarity(Similarity s) {
            this.similarity = s;
            return this;
        }

        public OneVsTwo build() {
            return new OneVsTwo(this);
        }
    }

    /**
     * @param images      the images tested (those whose concepts both have vectors and that had
     *                    at least three references left)
     * @param binomialP   one-sided P(X ≥ passed) for X ~ Binomial(images, 0.5)
     * @param permutationP one-sided permutation p over relabellings of the word space
     */
    public record Result(int images, int passed, double accuracy, double binomialP, int permutations,
                         double permutationP, long seed) {
    }

    /**
     * @param words      k × k word similarity matrix of the concepts
     * @param references one activation per concept (its correctly classified images' mean), or
     *                   null where a concept has none
     * @param images     activations of misclassified images
     * @param trueConcept      each image's true concept (0..k−1)
     * @param predictedConcept each image's predicted concept (0..k−1, not its true one)
     */
    public Result test(double[][] words, float[][] references, float[][] images, int[] trueConcept, int[] predictedConcept) {
        int k = words.length;
        if (k < 3) throw new UserError("the 1-vs-2 test needs at least 3 concepts with vectors; got " + k + ".");
        if (references.length != k) {
            throw new UserError("the 1-vs-2 test has " + k + " concepts in the word space but " + references.length + " reference slots.");
        }
        if (images.length != trueConcept.length || images.length != predictedConcept.length) {
            throw new UserError("the 1-vs-2 test needs a true and a predicted concept for each of the " + images.length + " images.");
        }
        List<Integer> refIdx = new ArrayList<>();
        for (int c = 0; c < k; c++) if (references[c] != null) refIdx.add(c);
        int[] refs = refIdx.stream().mapToInt(Integer::intValue).toArray();
        List<Integer> tested = new ArrayList<>();
        for (int j = 0; j < images.length; j++) {
            int t = trueConcept[j], p = predictedConcept[j];
            if (t < 0 || t >= k || p < 0 || p >= k) throw new UserError("image " + j + " of the 1-vs-2 test names a concept outside 0.." + (k - 1) + ".");
            if (t == p) throw new UserError("image " + j + " of the 1-vs-2 test is not misclassified (true = predicted = " + t + ").");
            if (refs.length - kept(refs, t) - kept(refs, p) >= 3) tested.add(j);
        }
        int n = tested.size();
        if (n == 0) return new Result(0, 0, Double.NaN, Double.NaN, permutation.permutations(), Double.NaN, permutation.seed());
        float[][] x = tested.stream().map(j -> images[j]).toArray(float[][]::new);
        float[][] r = IntStream.of(refs).mapToObj(c -> references[c]).toArray(float[][]::new);
        double[][] sim = permutation.onWorkers(() -> similarity.cross(x, r));
        int[] t = tested.stream().mapToInt(j -> trueConcept[j]).toArray();
        int[] p = tested.stream().mapToInt(j -> predictedConcept[j]).toArray();
        int observed = passes(words, Permutations.identity(k), refs, sim, t, p);
        double[] nulls = permutation.nulls(k, perm -> passes(words, perm, refs, sim, t, p));
        return new Result(n, observed, observed / (double) n, binomialUpperTail(observed, n), permutation.permutations(),
                permutation.pValue(observed, nulls), permutation.seed());
    }

    private static int kept(int[] refs, int c) {
        return java.util.Arrays.binarySearch(refs, c) >= 0 ? 1 : 0;
    }

    /** Passing images with the word space relabelled by {@code perm}. */
    private static int passes(double[][] words, int[] perm, int[] refs, double[][] sim, int[] t, int[] p) {
        int pass = 0;
        int m = refs.length;
        double[] i = new double[m], wt = new double[m], wp = new double[m];
        for (int j = 0; j < t.length; j++) {
            double[] rowT = words[perm[t[j]]], rowP = words[perm[p[j]]];
            int n = 0;
            for (int q = 0; q < m; q++) {
                int c = refs[q];
                if (c == t[j] || c == p[j]) continue;
                i[n] = sim[j][q];
                wt[n] = rowT[perm[c]];
                wp[n] = rowP[perm[c]];
                n++;
            }
            double[] ii = java.util.Arrays.copyOf(i, n);
            if (Similarity.pearson(ii, java.util.Arrays.copyOf(wt, n)) > Similarity.pearson(ii, java.util.Arrays.copyOf(wp, n))) pass++;
        }
        return pass;
    }

    /** P(X ≥ s) for X ~ Binomial(n, ½), summed over the tail so small values keep their precision. */
    static double binomialUpperTail(int s, int n) {
        BinomialDistribution b = new BinomialDistribution(n, 0.5);
        double sum = 0;
        for (int x = n; x >= s; x--) sum += b.probability(x);
        return Math.min(1, sum);
    }
}
