package imvec.analysis;

import imvec.util.UserError;

import java.util.SplittableRandom;

/**
 * Seeded random relabellings for permutation tests. Permutation {@code index} depends only on the
 * seed and the index, so results do not depend on how many threads share the work.
 */
final class Permutations {
    private Permutations() {
    }

    /** The {@code index}-th random permutation of 0..k−1 for {@code seed} (Fisher–Yates). */
    static int[] of(long seed, int index, int k) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 1);
        int[] p = identity(k);
        for (int i = k - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static int[] identity(int k) {
        int[] p = new int[k];
        for (int i = 0; i < k; i++) p[i] = i;
        return p;
    }

    /** p = (1 + #null ≥ observed) / (1 + P): never 0, and exact for a permutation test. */
    static double pValue(int atLeastObserved, int permutations) {
        return (1.0 + atLeastObserved) / (1.0 + permutations);
    }

    static void checkCount(int permutations) {
        if (permutations < 0) throw new UserError("--permutations must be 0 or more; got " + permutations + ".");
    }

    /** The symmetric matrix with rows and columns relabelled: out[a][b] = m[p[a]][p[b]]. */
    static void relabel(double[][] m, int[] p, double[][] out) {
        int k = p.length;
        for (int a = 0; a < k; a++) {
            double[] src = m[p[a]], dst = out[a];
            for (int b = 0; b < k; b++) dst[b] = src[p[b]];
        }
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    /** Sample standard deviation (n − 1); 0 for a single value. */
    static double sd(double[] v) {
        if (v.length < 2) return 0;
        double m = mean(v), s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return Math.sqrt(s / (v.length - 1));
    }

    /** Checks that every group matrix is k × k for the k concepts of the word space. */
    static void checkSpaces(double[][] words, java.util.List<double[][]> groups, int minConcepts, String test) {
        int k = words.length;
        if (k < minConcepts) {
            throw new UserError(test + " needs at least " + minConcepts + " concepts with vectors; got " + k + ".");
        }
        if (groups.isEmpty()) throw new UserError(test + " needs at least one group of image activations.");
        for (int g = 0; g < groups.size(); g++) {
            double[][] m = groups.get(g);
            if (m.length != k || m[0].length != k || words[0].length != k) {
                throw new UserError(test + ": the word similarity matrix is " + k + "×" + words[0].length + " but group " + (g + 1)
                        + "'s image similarity matrix is " + m.length + "×" + m[0].length + "; both must cover the same concepts.");
            }
            checkSymmetric(m, "group " + (g + 1) + "'s image similarity matrix", test);
        }
        checkSymmetric(words, "the word similarity matrix", test);
    }

    /** Similarity matrices are symmetric; the tests rely on it. */
    private static void checkSymmetric(double[][] m, String what, String test) {
        for (int a = 0; a < m.length; a++) {
            if (m[a].length != m.length) throw new UserError(test + ": " + what + " is not square.");
            for (int b = a + 1; b < m.length; b++) {
                if (!(Math.abs(m[a][b] - m[b][a]) <= 1e-9)) {
                    throw new UserError(test + ": " + what + " is not symmetric (entry " + a + "," + b + " is " + m[a][b]
                            + " but " + b + "," + a + " is " + m[b][a] + ").");
                }
            }
        }
    }
}
