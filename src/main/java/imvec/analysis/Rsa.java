package imvec.analysis;


import java.util.List;

/**
 * Representational similarity analysis: the Spearman correlation between the upper triangles
 * (off the diagonal) of a word similarity matrix and an image similarity matrix over the same
 * concepts. Both triangles are ranked once; a permutation relabels the image matrix's ranks, which
 * leaves their spread unchanged, so each permutation costs one k²/2 sum of products.
 */
public final class Rsa {
    private final PermutationTest permutation;

    private Rsa(Builder b) {
        this.permutation = b.permutationTest();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder extends PermutationOptions<Builder> {

        private Builder() {
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
        double[] nulls = permutation.nulls(k, perm -> {
            double s = 0;
            for (int i = 0; i < g; i++) s += correlation(rw, rwNorm, ri.get(i), riNorm[i], perm);
            return s / g;
        });
        return new Result(values, observed, Permutations.sd(values), permutation.permutations(),
                permutation.pValue(observed, nulls), permutation.seed());
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
