package imvec.analysis;

import imvec.util.UserError;

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
    /** Side of the blocks of pairs visited together. */
    private static final int TILE = 64;

    private final PermutationTest permutation;
    private final double[][] wordFactor;

    private TwoVsTwo(Builder b) {
        this.permutation = b.permutationTest();
        this.wordFactor = b.wordFactor;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder extends PermutationOptions<Builder> {
        private double[][] wordFactor;

        private Builder() {
        }

        /**
         * A k × d matrix Z with W = Z·Zᵀ (see {@link Similarity#factor}). Word similarity matrices
         * have rank at most the vectors' dimension, so when 2d &lt; k each permutation's product
         * W'·I is computed as Z'·(Z'ᵀ·I) in 2k²d instead of k³ steps (5× fewer for 1000
         * concepts and 100-d vectors). The observed test always uses W itself.
         */
        public Builder optWordFactor(double[][] z) {
            this.wordFactor = z;
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
            long pass = permutation.onWorkers(() -> {
                product(words, sp.m, c, true);
                return passes(words, w, id, sp, c);
            });
            acc[i] = pass / (double) pairs;
            observed += pass;
        }
        if (wordFactor != null && wordFactor.length != k) {
            throw new UserError("the word factor has " + wordFactor.length + " rows for " + k + " concepts.");
        }
        int d = wordFactor == null ? 0 : wordFactor[0].length;
        boolean lowRank = wordFactor != null && 2 * d < k;
        ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(() -> new Scratch(k, lowRank ? d : 0));
        double[] nulls = permutation.nulls(k, perm -> {
            Scratch s = scratch.get();
            Permutations.relabel(words, perm, s.w);
            if (lowRank) s.factor(wordFactor, perm);
            long total = 0;
            for (Space sp : spaces) {
                if (lowRank) s.lowRankProduct(sp.m);
                else product(s.w, sp.m, s.c, false);
                total += passes(s.w, w, perm, sp, s.c);
            }
            return total;
        });
        int permutations = permutation.permutations();
        double nullSum = 0;
        for (double n : nulls) nullSum += n / (pairs * g);
        return new Result(acc, Permutations.mean(acc), Permutations.sd(acc), pairs, permutations,
                permutation.pValue(observed, nulls), permutations == 0 ? Double.NaN : nullSum / permutations,
                permutation.seed());
    }

    /**
     * A similarity matrix with, for every ordered pair (a, b), the sum of row a over the columns
     * other than a and b, and 1/√(nΣx² − (Σx)²) over the same columns (0 for a flat row): all
     * that a Pearson correlation with that shortened row needs besides the cross products.
     */
    private static final class Space {
        final double[][] m;
        final double[] diagonal;
        final double[][] keptSum;
        final double[][] inverseSpread;
        /** Transposes of the two above, so the loops over pairs read rows, not columns. */
        final double[][] keptSumT;
        final double[][] inverseSpreadT;

        Space(double[][] m) {
            int k = m.length;
            double n = k - 2;
            this.m = m;
            this.diagonal = new double[k];
            this.keptSum = new double[k][k];
            this.inverseSpread = new double[k][k];
            this.keptSumT = new double[k][k];
            this.inverseSpreadT = new double[k][k];
            for (int a = 0; a < k; a++) {
                double[] row = m[a];
                double s = 0, q = 0;
                for (double v : row) {
                    s += v;
                    q += v * v;
                }
                double maa = row[a];
                diagonal[a] = maa;
                for (int b = 0; b < k; b++) {
                    double mab = b == a ? 0 : row[b];
                    double ks = s - maa - mab, kq = q - maa * maa - mab * mab;
                    double spread = n * kq - ks * ks;
                    keptSum[a][b] = ks;
                    inverseSpread[a][b] = spread > 0 ? 1 / Math.sqrt(spread) : 0;
                    keptSumT[b][a] = keptSum[a][b];
                    inverseSpreadT[b][a] = inverseSpread[a][b];
                }
            }
        }
    }

    /** One worker's buffers: relabelled W, the product C, and for the low-rank path Z', Z'ᵀ and Z'ᵀ·I. */
    private static final class Scratch {
        final double[][] w, c, z, zt, t;

        Scratch(int k, int d) {
            w = new double[k][k];
            c = new double[k][k];
            z = new double[k][d];
            zt = new double[d][k];
            t = new double[d][k];
        }

        /** Z' = Z with rows relabelled, so Z'·Z'ᵀ is the relabelled W. */
        void factor(double[][] factor, int[] p) {
            for (int a = 0; a < p.length; a++) {
                double[] src = factor[p[a]];
                System.arraycopy(src, 0, z[a], 0, src.length);
                for (int q = 0; q < src.length; q++) zt[q][a] = src[q];
            }
        }

        /** c = Z'·(Z'ᵀ·I). */
        void lowRankProduct(double[][] im) {
            int k = c.length, d = t.length;
            for (double[] row : t) java.util.Arrays.fill(row, 0);
            for (double[] row : c) java.util.Arrays.fill(row, 0);
            for (int c0 = 0; c0 < k; c0 += COLS) {
                int c1 = Math.min(k, c0 + COLS);
                for (int j0 = 0; j0 < k; j0 += INNER) Kernels.multiplyAdd(zt, im, t, 0, d, j0, Math.min(k, j0 + INNER), c0, c1);
                Kernels.multiplyAdd(z, t, c, 0, k, 0, d, c0, c1);
            }
        }
    }

    /**
     * Passing pairs when W is relabelled by {@code p}: {@code wm} holds the relabelled matrix
     * (wm[a][b] = W[p[a]][p[b]]) and W's kept sums are looked up through {@code p}.
     */
    private static long passes(double[][] wm, Space w, int[] p, Space is, double[][] c) {
        int k = wm.length;
        double[][] im = is.m;
        double n = k - 2;
        double[] cDiag = new double[k];
        for (int a = 0; a < k; a++) cDiag[a] = c[a][a];
        long pass = 0;
        // Pairs in tiles, so the one column read, c[b][a], comes from a block that stays in cache.
        for (int a0 = 0; a0 < k; a0 += TILE) {
            int a1 = Math.min(k, a0 + TILE);
            for (int b0 = a0; b0 < k; b0 += TILE) {
                int b1 = Math.min(k, b0 + TILE);
                for (int a = a0; a < a1; a++) {
                    int pa = p[a];
                    double[] wa = wm[a], ia = im[a], ca = c[a];
                    double[] wSumA = w.keptSum[pa], wInvA = w.inverseSpread[pa], wSumTA = w.keptSumT[pa], wInvTA = w.inverseSpreadT[pa];
                    double[] iSumA = is.keptSum[a], iInvA = is.inverseSpread[a], iSumTA = is.keptSumT[a], iInvTA = is.inverseSpreadT[a];
                    double waa = w.diagonal[pa], iaa = is.diagonal[a], caa = cDiag[a];
                    for (int b = Math.max(a + 1, b0); b < b1; b++) {
                        int pb = p[b];
                        // Both matrices are symmetric: w[b][a] = w[a][b], i[b][a] = i[a][b].
                        double wab = wa[b], wbb = w.diagonal[pb];
                        double iab = ia[b], ibb = is.diagonal[b];
                        double sxa = wSumA[pb], gxa = wInvA[pb];
                        double sxb = wSumTA[pb], gxb = wInvTA[pb];
                        double sya = iSumA[b], gya = iInvA[b];
                        double syb = iSumTA[b], gyb = iInvTA[b];
                        double raa = (n * (caa - waa * iaa - wab * iab) - sxa * sya) * gxa * gya;
                        double rbb = (n * (cDiag[b] - wab * iab - wbb * ibb) - sxb * syb) * gxb * gyb;
                        double rab = (n * (ca[b] - waa * iab - wab * ibb) - sxa * syb) * gxa * gyb;
                        double rba = (n * (c[b][a] - wab * iaa - wbb * iab) - sxb * sya) * gxb * gya;
                        if (raa + rbb > rab + rba) pass++;
                    }
                }
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
