package imvec.analysis;

import java.util.List;
import java.util.stream.IntStream;

/**
 * The 2-vs-2 test of Dharmaretnam and Fyshe (2018) between a word similarity matrix W and an image
 * similarity matrix I over the same k concepts. For each pair (a, b), take rows a and b of both
 * matrices without columns a and b; the pair passes when
 * corr(w_a, i_a) + corr(w_b, i_b) &gt; corr(w_a, i_b) + corr(w_b, i_a). Accuracy is the fraction of
 * the k(k−1)/2 pairs that pass; chance is 0.5.
 *
 * <p>Vectorised: every Pearson correlation over the k−2 kept columns is rebuilt from row sums, row
 * sums of squares and one product C = W·I (C[a][c] is the full dot product of W's row a with I's
 * row c), minus the two removed columns' terms. One k×k×k product per matrix pair replaces
 * 2k(k−1) correlation calls; permutations relabel W and repeat the product.
 */
public final class TwoVsTwo {
    /** Column block of the product, so a slab of I stays in cache while W's rows stream past. */
    private static final int COLS = 256;
    private static final int INNER = 128;

    private final int permutations;
    private final long seed;
    private final int threads;

    private TwoVsTwo(Builder b) {
        this.permutations = b.permutations;
        this.seed = b.seed;
        this.threads = b.threads;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int permutations = 1000;
        private long seed = 0;
        private int threads = 0;

        private Builder() {
        }

        /** Label permutations for the p-value (default 1000, as in the paper); 0 skips it. */
        public Builder optPermutations(int p) {
            Permutations.checkCount(p);
            this.permutations = p;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Worker threads; 0 (default) uses all cores. */
        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        public TwoVsTwo build() {
            return new TwoVsTwo(this);
        }
    }

    /**
     * Accuracy per group, their mean and sample s.d., and the permutation p-value of the mean:
     * each permutation relabels the word space once and reruns the test on every group.
     *
     * @param nullMean the mean accuracy over permutations (near 0.5 when all is well)
     */
    public record Result(double[] groupAccuracies, double mean, double sd, long pairs, int permutations,
                         double p, double nullMean, long seed) {
    }

    /** The 2-vs-2 accuracy of one pair of k × k similarity matrices. */
    public static double accuracy(double[][] words, double[][] images) {
        return builder().optPermutations(0).build().test(words, List.<double[][]>of(images)).mean();
    }

    public Result test(double[][] words, List<double[][]> groups) {
        Permutations.checkSpaces(words, groups, 3, "the 2-vs-2 test");
        int k = words.length, g = groups.size();
        long pairs = (long) k * (k - 1) / 2;
        List<Space> spaces = groups.stream().map(Space::new).toList();
        Space w = new Space(words);
        int[] id = Permutations.identity(k);
        double[] acc = new double[g];
        long observed = 0;
        double[][] c = new double[k][k];
        for (int i = 0; i < g; i++) {
            Space sp = spaces.get(i);
            long pass = Parallel.call(threads, () -> passes(words, w, id, sp, c, true));
            acc[i] = pass / (double) pairs;
            observed += pass;
        }
        ThreadLocal<double[][][]> scratch = ThreadLocal.withInitial(() -> new double[][][]{new double[k][k], new double[k][k]});
        long[] nulls = Parallel.call(threads, () -> IntStream.range(0, permutations).parallel().mapToLong(idx -> {
            double[][][] s = scratch.get();
            int[] perm = Permutations.of(seed, idx, k);
            Permutations.relabel(words, perm, s[0]);
            long total = 0;
            for (Space sp : spaces) total += passes(s[0], w, perm, sp, s[1], false);
            return total;
        }).toArray());
        int atLeast = 0;
        double nullSum = 0;
        for (long n : nulls) {
            if (n >= observed) atLeast++;
            nullSum += n / (double) (pairs * g);
        }
        return new Result(acc, Permutations.mean(acc), Permutations.sd(acc), pairs, permutations,
                permutations == 0 ? Double.NaN : Permutations.pValue(atLeast, permutations),
                permutations == 0 ? Double.NaN : nullSum / permutations, seed);
    }

    /**
     * A similarity matrix with, for every ordered pair (a, b), the sum of row a over the columns
     * other than a and b, and 1/√(nΣx² − (Σx)²) over the same columns (0 for a flat row): all
     * that a Pearson correlation with that shortened row needs besides the cross products.
     */
    private static final class Space {
        final double[][] m;
        final double[][] keptSum;
        final double[][] inverseSpread;

        Space(double[][] m) {
            int k = m.length;
            double n = k - 2;
            this.m = m;
            this.keptSum = new double[k][k];
            this.inverseSpread = new double[k][k];
            for (int a = 0; a < k; a++) {
                double[] row = m[a];
                double s = 0, q = 0;
                for (double v : row) {
                    s += v;
                    q += v * v;
                }
                double maa = row[a];
                for (int b = 0; b < k; b++) {
                    double mab = b == a ? 0 : row[b];
                    double ks = s - maa - mab, kq = q - maa * maa - mab * mab;
                    double spread = n * kq - ks * ks;
                    keptSum[a][b] = ks;
                    inverseSpread[a][b] = spread > 0 ? 1 / Math.sqrt(spread) : 0;
                }
            }
        }
    }

    /**
     * Passing pairs when W is relabelled by {@code p}: {@code wm} holds the relabelled matrix
     * (wm[a][b] = W[p[a]][p[b]]) and W's kept sums are looked up through {@code p}.
     */
    private static long passes(double[][] wm, Space w, int[] p, Space is, double[][] c, boolean parallel) {
        int k = wm.length;
        product(wm, is.m, c, parallel);
        double[][] im = is.m;
        double n = k - 2;
        long pass = 0;
        for (int a = 0; a < k; a++) {
            double[] wa = wm[a], ia = im[a], ca = c[a];
            double[] wSumA = w.keptSum[p[a]], wInvA = w.inverseSpread[p[a]];
            double[] iSumA = is.keptSum[a], iInvA = is.inverseSpread[a];
            double waa = wa[a], iaa = ia[a];
            for (int b = a + 1; b < k; b++) {
                double[] wb = wm[b], ib = im[b], cb = c[b];
                int pa = p[a], pb = p[b];
                double wab = wa[b], wba = wb[a], wbb = wb[b];
                double iab = ia[b], iba = ib[a], ibb = ib[b];
                double sxa = wSumA[pb], gxa = wInvA[pb];
                double sxb = w.keptSum[pb][pa], gxb = w.inverseSpread[pb][pa];
                double sya = iSumA[b], gya = iInvA[b];
                double syb = is.keptSum[b][a], gyb = is.inverseSpread[b][a];
                double raa = (n * (ca[a] - waa * iaa - wab * iab) - sxa * sya) * gxa * gya;
                double rbb = (n * (cb[b] - wba * iba - wbb * ibb) - sxb * syb) * gxb * gyb;
                double rab = (n * (ca[b] - waa * iba - wab * ibb) - sxa * syb) * gxa * gyb;
                double rba = (n * (cb[a] - wba * iaa - wbb * iab) - sxb * sya) * gxb * gya;
                if (raa + rbb > rab + rba) pass++;
            }
        }
        return pass;
    }

    /**
     * c = w · i for k × k matrices (i symmetric, so c[a][b] is w's row a dotted with i's row b).
     * Each entry sums its terms in the same order whether rows are split over threads or not.
     */
    static void product(double[][] w, double[][] i, double[][] c, boolean parallel) {
        int k = w.length;
        int tasks = parallel ? (k + 31) / 32 : 1;
        IntStream range = IntStream.range(0, tasks);
        (parallel ? range.parallel() : range).forEach(t -> {
            int r0 = parallel ? t * 32 : 0, r1 = parallel ? Math.min(k, r0 + 32) : k;
            for (int r = r0; r < r1; r++) java.util.Arrays.fill(c[r], 0);
            for (int c0 = 0; c0 < k; c0 += COLS) {
                int c1 = Math.min(k, c0 + COLS);
                for (int j0 = 0; j0 < k; j0 += INNER) {
                    Kernels.multiplyAdd(w, i, c, r0, r1, j0, Math.min(k, j0 + INNER), c0, c1);
                }
            }
        });
    }
}
