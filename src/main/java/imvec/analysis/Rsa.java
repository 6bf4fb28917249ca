package imvec.analysis;

import imvec.util.Parallel;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Representational similarity analysis: the Spearman correlation between the upper triangles
 * (off the diagonal) of a word similarity matrix and an image similarity matrix over the same
 * concepts. Both triangles are ranked once; a permutation relabels the image matrix's ranks, which
 * leaves their spread unchanged, so each permutation costs one k²/2 sum of products.
 */
public final class Rsa {
    private final int permutations;
    private final long seed;
    private final int threads;

    private Rsa(Builder b) {
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

        /** Label permutations for the p-value (default 1000); 0 skips it. */
        public Builder optPermutations(int p) {
            Permutations.checkCount(p);
            this.permutations = p;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        public Rsa build() {
            return new Rsa(this);
        }
    }

    /** RSA per group, their mean and sample s.d., and the one-sided permutation p of the mean. */
    public record Result(double[] groupValues, double mean, double sd, int permutations, double p, long seed) {
    }

    /** Spearman correlation of the two matrices' upper triangles. */
    public static double rsa(double[][] words, double[][] images) {
        return builder().optPermutations(0).build().test(words, List.<double[][]>of(images)).mean();
    }

    public Result test(double[][] words, List<double[][]> groups) {
        Permutations.checkSpaces(words, groups, 3, "RSA");
        int k = words.length, g = groups.size();
        double[][] rw = centredRanks(words);
        double rwNorm = norm(rw);
        List<double[][]> ri = groups.stream().map(Rsa::centredRanks).toList();
        double[] riNorm = ri.stream().mapToDouble(Rsa::norm).toArray();
        int[] id = Permutations.identity(k);
        double[] values = new double[g];
        for (int i = 0; i < g; i++) values[i] = correlation(rw, rwNorm, ri.get(i), riNorm[i], id);
        double observed = Permutations.mean(values);
        double[] nulls = Parallel.call(threads, () -> IntStream.range(0, permutations).parallel().mapToDouble(idx -> {
            int[] perm = Permutations.of(seed, idx, k);
            double s = 0;
            for (int i = 0; i < g; i++) s += correlation(rw, rwNorm, ri.get(i), riNorm[i], perm);
            return s / g;
        }).toArray());
        int atLeast = 0;
        for (double v : nulls) if (v >= observed) atLeast++;
        return new Result(values, observed, Permutations.sd(values), permutations,
                permutations == 0 ? Double.NaN : Permutations.pValue(atLeast, permutations), seed);
    }

    /**
     * The ranks of the upper triangle's entries, centred on their mean, written back into a
     * symmetric k × k matrix with a zero diagonal, so a relabelled triangle is read by row lookups.
     */
    private static double[][] centredRanks(double[][] m) {
        int k = m.length;
        double[] tri = new double[k * (k - 1) / 2];
        int t = 0;
        for (int a = 0; a < k; a++) for (int b = a + 1; b < k; b++) tri[t++] = m[a][b];
        double[] r = Similarity.ranks(tri);
        double mean = (tri.length + 1) / 2.0;
        double[][] out = new double[k][k];
        t = 0;
        for (int a = 0; a < k; a++) {
            for (int b = a + 1; b < k; b++) {
                out[a][b] = r[t] - mean;
                out[b][a] = out[a][b];
                t++;
            }
        }
        return out;
    }

    private static double norm(double[][] c) {
        double s = 0;
        for (int a = 0; a < c.length; a++) for (int b = a + 1; b < c.length; b++) s += c[a][b] * c[a][b];
        return Math.sqrt(s);
    }

    /** Pearson correlation of the centred rank triangles, the image one relabelled by {@code p}. */
    private static double correlation(double[][] rw, double nw, double[][] ri, double ni, int[] p) {
        if (nw == 0 || ni == 0) return 0;
        double s = 0;
        int k = p.length;
        for (int a = 0; a < k; a++) {
            double[] wa = rw[a], ia = ri[p[a]];
            for (int b = a + 1; b < k; b++) s += wa[b] * ia[p[b]];
        }
        return s / (nw * ni);
    }
}
