package imvec.analysis;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * RSA, 2-vs-2 and 1-vs-2 against straightforward implementations written here: loops over
 * pairs, textbook two-pass Pearson on explicitly built vectors.
 */
class SemanticTestsTest {
    // ---- the straightforward reference ----

    static double pearson(double[] x, double[] y) {
        double mx = 0, my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i] / x.length;
            my += y[i] / y.length;
        }
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }

    static double[][] pearsonMatrix(float[][] rows) {
        int k = rows.length;
        double[][] m = new double[k][k];
        for (int a = 0; a < k; a++) for (int b = 0; b < k; b++) m[a][b] = pearson(toDouble(rows[a]), toDouble(rows[b]));
        return m;
    }

    static double[] without(double[] row, int a, int b) {
        double[] out = new double[row.length - 2];
        int n = 0;
        for (int j = 0; j < row.length; j++) if (j != a && j != b) out[n++] = row[j];
        return out;
    }

    static long twoVsTwoPasses(double[][] w, double[][] im) {
        long pass = 0;
        int k = w.length;
        for (int a = 0; a < k; a++) {
            for (int b = a + 1; b < k; b++) {
                double[] wa = without(w[a], a, b), wb = without(w[b], a, b);
                double[] ia = without(im[a], a, b), ib = without(im[b], a, b);
                if (pearson(wa, ia) + pearson(wb, ib) > pearson(wa, ib) + pearson(wb, ia)) pass++;
            }
        }
        return pass;
    }

    static double[] ranks(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            int less = 0, equal = 0;
            for (double u : v) {
                if (u < v[i]) less++;
                else if (u == v[i]) equal++;
            }
            r[i] = less + (equal + 1) / 2.0;
        }
        return r;
    }

    static double[] triangle(double[][] m) {
        int k = m.length;
        double[] t = new double[k * (k - 1) / 2];
        int n = 0;
        for (int a = 0; a < k; a++) for (int b = a + 1; b < k; b++) t[n++] = m[a][b];
        return t;
    }

    static double spearman(double[] x, double[] y) {
        return pearson(ranks(x), ranks(y));
    }

    // ---- data ----

    static float[][] gaussian(Random r, int n, int d) {
        float[][] x = new float[n][d];
        for (float[] row : x) for (int j = 0; j < d; j++) row[j] = (float) r.nextGaussian();
        return x;
    }

    /** Image activations that carry the word vectors' geometry through a random map, plus noise. */
    static float[][] related(Random r, float[][] words, int d, double noise) {
        int wd = words[0].length;
        double[][] map = new double[wd][d];
        for (double[] row : map) for (int j = 0; j < d; j++) row[j] = r.nextGaussian();
        float[][] x = new float[words.length][d];
        for (int i = 0; i < words.length; i++) {
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int q = 0; q < wd; q++) s += words[i][q] * map[q][j];
                // Shift and scale so Pearson's centring matters.
                x[i][j] = (float) (3 + 2 * s + noise * r.nextGaussian());
            }
        }
        return x;
    }

    // ---- tests ----

    @Test
    void similarityMatricesMatchTextbookDefinitions() {
        Random r = new Random(1);
        float[][] x = gaussian(r, 25, 300);
        for (float[] row : x) for (int j = 0; j < row.length; j++) row[j] = 5 + row[j];
        double[][] p = Similarity.PEARSON.matrix(x), ref = pearsonMatrix(x);
        double[][] s = Similarity.SPEARMAN.matrix(x), c = Similarity.COSINE.matrix(x);
        for (int a = 0; a < x.length; a++) {
            for (int b = 0; b < x.length; b++) {
                assertThat(p[a][b]).isCloseTo(ref[a][b], within(1e-9));
                assertThat(s[a][b]).isCloseTo(spearman(toDouble(x[a]), toDouble(x[b])), within(1e-9));
                double dot = 0, na = 0, nb = 0;
                for (int j = 0; j < x[a].length; j++) {
                    dot += (double) x[a][j] * x[b][j];
                    na += (double) x[a][j] * x[a][j];
                    nb += (double) x[b][j] * x[b][j];
                }
                assertThat(c[a][b]).isCloseTo(dot / Math.sqrt(na * nb), within(1e-9));
            }
        }
        double[][] cross = Similarity.PEARSON.cross(java.util.Arrays.copyOf(x, 4), x);
        for (int a = 0; a < 4; a++) for (int b = 0; b < x.length; b++) assertThat(cross[a][b]).isCloseTo(ref[a][b], within(1e-9));
    }

    @Test
    void twoVsTwoAndRsaEqualTheStraightforwardImplementation() {
        for (int seed = 0; seed < 6; seed++) {
            Random r = new Random(100 + seed);
            int k = 20 + 7 * seed;
            float[][] words = gaussian(r, k, 12);
            // Half the cases share structure, half are unrelated (accuracy near chance).
            float[][] images = seed % 2 == 0 ? related(r, words, 40, 6.0) : gaussian(r, k, 40);
            double[][] w = pearsonMatrix(words), im = pearsonMatrix(images);
            long pairs = (long) k * (k - 1) / 2;
            double expected = twoVsTwoPasses(w, im) / (double) pairs;
            assertThat(TwoVsTwo.accuracy(Similarity.PEARSON.matrix(words), Similarity.PEARSON.matrix(images)))
                    .as("seed %d", seed).isEqualTo(expected);
            assertThat(Rsa.rsa(Similarity.PEARSON.matrix(words), Similarity.PEARSON.matrix(images)))
                    .isCloseTo(spearman(triangle(w), triangle(im)), within(1e-9));
        }
    }

    @Test
    void groupsAreTestedSeparatelyAndSummarised() {
        Random r = new Random(7);
        int k = 24;
        float[][] words = gaussian(r, k, 10);
        double[][] w = Similarity.PEARSON.matrix(words);
        List<double[][]> groups = new ArrayList<>();
        double[] expected = new double[3];
        for (int g = 0; g < 3; g++) {
            float[][] im = related(r, words, 30, 4.0 + 4 * g);
            groups.add(Similarity.PEARSON.matrix(im));
            expected[g] = twoVsTwoPasses(pearsonMatrix(words), pearsonMatrix(im)) / (double) (k * (k - 1) / 2);
        }
        TwoVsTwo.Result res = TwoVsTwo.builder().optPermutations(50).optSeed(3).build().test(w, groups);
        assertThat(res.groupAccuracies()).containsExactly(expected);
        double mean = (expected[0] + expected[1] + expected[2]) / 3;
        assertThat(res.mean()).isCloseTo(mean, within(1e-15));
        double var = 0;
        for (double e : expected) var += (e - mean) * (e - mean) / 2;
        assertThat(res.sd()).isCloseTo(Math.sqrt(var), within(1e-12));
    }

    @Test
    void identicalSpacesScoreOneAndAreSignificant() {
        Random r = new Random(11);
        float[][] words = gaussian(r, 40, 16);
        double[][] w = Similarity.PEARSON.matrix(words);
        int perms = 200;
        TwoVsTwo.Result t = TwoVsTwo.builder().optPermutations(perms).optSeed(5).build().test(w, List.<double[][]>of(w));
        assertThat(t.mean()).isEqualTo(1.0);
        assertThat(t.p()).isEqualTo(1.0 / (perms + 1));
        assertThat(t.nullMean()).isCloseTo(0.5, within(0.05));
        Rsa.Result rsa = Rsa.builder().optPermutations(perms).optSeed(5).build().test(w, List.<double[][]>of(w));
        assertThat(rsa.mean()).isCloseTo(1.0, within(1e-12));
        assertThat(rsa.p()).isEqualTo(1.0 / (perms + 1));
    }

    @Test
    void aSpacePermutedAgainstItselfDropsToChance() {
        Random r = new Random(12);
        int k = 80;
        float[][] words = gaussian(r, k, 16);
        int[] perm = Permutations.of(99, 0, k);
        float[][] shuffled = new float[k][];
        for (int i = 0; i < k; i++) shuffled[i] = words[perm[i]];
        double[][] w = Similarity.PEARSON.matrix(words);
        double[][] im = Similarity.PEARSON.matrix(shuffled);
        int perms = 100;
        TwoVsTwo.Result t = TwoVsTwo.builder().optPermutations(perms).optSeed(1).build().test(w, List.<double[][]>of(im));
        assertThat(t.mean()).isCloseTo(0.5, within(0.06));
        assertThat(t.p()).isBetween(1.0 / (perms + 1), 1.0).isGreaterThan(0.01);
        Rsa.Result rsa = Rsa.builder().optPermutations(perms).optSeed(1).build().test(w, List.<double[][]>of(im));
        assertThat(rsa.mean()).isCloseTo(0, within(0.1));
        assertThat(rsa.p()).isBetween(1.0 / (perms + 1), 1.0);
    }

    @Test
    void permutationPValuesAreInRangeSeededAndIndependentOfThreads() {
        Random r = new Random(13);
        int k = 30;
        float[][] words = gaussian(r, k, 8);
        double[][] w = Similarity.PEARSON.matrix(words);
        double[][] im = Similarity.PEARSON.matrix(related(r, words, 20, 25));
        int perms = 99;
        TwoVsTwo.Result one = TwoVsTwo.builder().optPermutations(perms).optSeed(42).optThreads(1).build().test(w, List.<double[][]>of(im));
        TwoVsTwo.Result two = TwoVsTwo.builder().optPermutations(perms).optSeed(42).optThreads(2).build().test(w, List.<double[][]>of(im));
        assertThat(one.p()).isEqualTo(two.p()).isBetween(1.0 / (perms + 1), 1.0);
        assertThat(one.nullMean()).isEqualTo(two.nullMean());
        // p is a count over 99 relabellings: a multiple of 1/100.
        assertThat(Math.abs(one.p() * (perms + 1) - Math.rint(one.p() * (perms + 1)))).isLessThan(1e-9);
        Rsa.Result r1 = Rsa.builder().optPermutations(perms).optSeed(42).optThreads(1).build().test(w, List.<double[][]>of(im));
        Rsa.Result r2 = Rsa.builder().optPermutations(perms).optSeed(42).optThreads(2).build().test(w, List.<double[][]>of(im));
        assertThat(r1.p()).isEqualTo(r2.p()).isBetween(1.0 / (perms + 1), 1.0);
    }

    @Test
    void theLowRankWordFactorGivesTheSameNullDistribution() {
        Random r = new Random(31);
        int k = 60;
        float[][] words = gaussian(r, k, 8);
        double[][] z = Similarity.PEARSON.factor(words);
        double[][] w = Similarity.PEARSON.matrix(words);
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double dot = 0;
                for (int q = 0; q < 8; q++) dot += z[a][q] * z[b][q];
                assertThat(dot).isCloseTo(w[a][b], within(1e-9));
            }
        }
        double[][] im = Similarity.PEARSON.matrix(related(r, words, 30, 10));
        TwoVsTwo.Result full = TwoVsTwo.builder().optPermutations(60).optSeed(8).build().test(w, List.<double[][]>of(im));
        TwoVsTwo.Result low = TwoVsTwo.builder().optPermutations(60).optSeed(8).optWordFactor(z).build().test(w, List.<double[][]>of(im));
        assertThat(low.mean()).isEqualTo(full.mean());
        assertThat(low.p()).isEqualTo(full.p());
        assertThat(low.nullMean()).isCloseTo(full.nullMean(), within(1e-4));
    }

    @Test
    void oneVsTwoEqualsTheStraightforwardImplementation() {
        Random r = new Random(21);
        int k = 30, d = 25;
        float[][] words = gaussian(r, k, 10);
        float[][] protos = related(r, words, d, 3);
        // References: concept prototypes; a few concepts have none (no correctly classified image).
        float[][] refs = new float[k][];
        for (int c = 0; c < k; c++) if (c % 7 != 3) refs[c] = protos[c];
        int n = 40;
        float[][] images = new float[n][d];
        int[] t = new int[n], p = new int[n];
        for (int j = 0; j < n; j++) {
            t[j] = r.nextInt(k);
            do p[j] = r.nextInt(k); while (p[j] == t[j]);
            for (int q = 0; q < d; q++) images[j][q] = (float) (0.7 * protos[t[j]][q] + 0.5 * protos[p[j]][q] + r.nextGaussian());
        }
        double[][] w = pearsonMatrix(words);
        int expected = 0;
        for (int j = 0; j < n; j++) {
            List<Double> i = new ArrayList<>(), wt = new ArrayList<>(), wp = new ArrayList<>();
            for (int c = 0; c < k; c++) {
                if (refs[c] == null || c == t[j] || c == p[j]) continue;
                i.add(pearson(toDouble(images[j]), toDouble(refs[c])));
                wt.add(w[t[j]][c]);
                wp.add(w[p[j]][c]);
            }
            double[] iv = i.stream().mapToDouble(Double::doubleValue).toArray();
            if (pearson(iv, wt.stream().mapToDouble(Double::doubleValue).toArray())
                    > pearson(iv, wp.stream().mapToDouble(Double::doubleValue).toArray())) expected++;
        }
        int perms = 200;
        OneVsTwo.Result res = OneVsTwo.builder().optPermutations(perms).optSeed(2).build()
                .test(Similarity.PEARSON.matrix(words), refs, images, t, p);
        assertThat(res.images()).isEqualTo(n);
        assertThat(res.passed()).isEqualTo(expected);
        assertThat(res.accuracy()).isEqualTo(expected / (double) n);
        assertThat(res.binomialP()).isCloseTo(upperTail(expected, n), within(1e-12));
        assertThat(res.permutationP()).isBetween(1.0 / (perms + 1), 1.0);
    }

    /** P(X ≥ s), X ~ Bin(n, ½), by exact integer binomial coefficients. */
    static double upperTail(int s, int n) {
        java.math.BigInteger sum = java.math.BigInteger.ZERO;
        for (int x = s; x <= n; x++) {
            java.math.BigInteger c = java.math.BigInteger.ONE;
            for (int i = 0; i < x; i++) c = c.multiply(java.math.BigInteger.valueOf(n - i)).divide(java.math.BigInteger.valueOf(i + 1));
            sum = sum.add(c);
        }
        return new java.math.BigDecimal(sum).divide(new java.math.BigDecimal(java.math.BigInteger.TWO.pow(n)), java.math.MathContext.DECIMAL64).doubleValue();
    }

    @Test
    void badInputsGiveClearErrors() {
        double[][] two = {{1, 0.2}, {0.2, 1}};
        assertThatThrownBy(() -> TwoVsTwo.accuracy(two, two)).isInstanceOf(UserError.class).hasMessageContaining("at least 3 concepts");
        assertThatThrownBy(() -> Rsa.rsa(two, two)).isInstanceOf(UserError.class).hasMessageContaining("at least 3 concepts");
        double[][] w = Similarity.PEARSON.matrix(gaussian(new Random(1), 5, 4));
        double[][] im = Similarity.PEARSON.matrix(gaussian(new Random(2), 6, 4));
        assertThatThrownBy(() -> TwoVsTwo.accuracy(w, im)).isInstanceOf(UserError.class).hasMessageContaining("5×5").hasMessageContaining("6×6");
        assertThatThrownBy(() -> Rsa.rsa(w, im)).isInstanceOf(UserError.class).hasMessageContaining("same concepts");
        assertThatThrownBy(() -> Similarity.PEARSON.cross(new float[][]{{1, 2, 3}}, new float[][]{{1, 2}}))
                .isInstanceOf(UserError.class).hasMessageContaining("3 and 2");
        double[][] asym = {{1, 0.2, 0.3}, {0.25, 1, 0.1}, {0.3, 0.1, 1}};
        assertThatThrownBy(() -> TwoVsTwo.accuracy(asym, asym)).isInstanceOf(UserError.class).hasMessageContaining("not symmetric");
        float[][] refs = gaussian(new Random(3), 5, 4);
        assertThatThrownBy(() -> OneVsTwo.builder().build().test(w, refs, new float[][]{refs[0]}, new int[]{1}, new int[]{1}))
                .isInstanceOf(UserError.class).hasMessageContaining("not misclassified");
        assertThatThrownBy(() -> TwoVsTwo.builder().optPermutations(-1)).isInstanceOf(UserError.class);
        assertThatThrownBy(() -> Similarity.of("euclid")).isInstanceOf(UserError.class).hasMessageContaining("pearson");
    }
}
