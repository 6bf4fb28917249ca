package imvec.analysis;

import imvec.util.Parallel;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.EigenDecompositionSymmetric;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/** The k largest eigenpairs of a symmetric positive semi-definite matrix or operator. */
final class TopEigen {
    /** Below this size a full decomposition is cheap enough to use directly. */
    static final int SMALL = 64;
    /** Above this size a full decomposition in Hipparchus takes minutes, so it is no fallback. */
    static final int EXACT_LIMIT = 2500;
    private static final double TOLERANCE = 1e-12;
    private static final int QUICK_ITERATIONS = 100;

    /** Eigenvalues in decreasing order and their unit eigenvectors, one per row. */
    record Pairs(double[] values, double[][] vectors, String method) {
    }

    /** A symmetric linear map applied to a block of vectors: {@code out[j] = A q[j]}. */
    interface Operator {
        int size();

        void apply(double[][] q, double[][] out);
    }

    /**
     * Subspace iteration first, since PCA usually wants a few components of a fast-decaying
     * spectrum; when the spectrum is flat it converges slowly, so where a full decomposition is
     * affordable it gets {@value #QUICK_ITERATIONS} iterations before falling back to one.
     * Returns null if a matrix too large for the fallback did not converge.
     */
    static Pairs of(double[][] s, int k, long seed) {
        int n = s.length;
        if (n <= SMALL || k >= n / 8) return exact(s, k);
        Pairs p = iterate(dense(s), k, seed, n <= EXACT_LIMIT ? QUICK_ITERATIONS : 2000);
        if (p != null) return p;
        return n <= EXACT_LIMIT ? exact(s, k) : null;
    }

    /** Full decomposition in Hipparchus, keeping the top k. */
    static Pairs exact(double[][] s, int k) {
        var e = new EigenDecompositionSymmetric(new Array2DRowRealMatrix(symmetrized(s), false));
        double[] all = e.getEigenvalues();
        Integer[] order = IntStream.range(0, all.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> all[i]).reversed());
        double[] values = new double[k];
        double[][] vectors = new double[k][];
        for (int i = 0; i < k; i++) {
            values[i] = all[order[i]];
            vectors[i] = e.getEigenvector(order[i]).toArray();
        }
        return new Pairs(values, vectors, "full symmetric eigendecomposition");
    }

    /** Hipparchus rejects a matrix whose mirror entries differ at all, even by rounding. */
    private static double[][] symmetrized(double[][] s) {
        int n = s.length;
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            out[i][i] = s[i][i];
            for (int j = 0; j < i; j++) {
                double v = 0.5 * (s[i][j] + s[j][i]);
                out[i][j] = v;
                out[j][i] = v;
            }
        }
        return out;
    }

    /**
     * Subspace iteration with Rayleigh–Ritz on a block a little wider than k, stopping when every
     * wanted Ritz pair has a residual below 1e-12 of the top eigenvalue. Returns null if it has not
     * converged after {@code maxIterations}.
     */
    static Pairs iterate(Operator a, int k, long seed, int maxIterations) {
        int n = a.size();
        int b = Math.min(n, Math.max(2 * k, k + 8));
        SplittableRandom random = new SplittableRandom(seed);
        double[][] q = new double[b][n];
        for (double[] v : q) fillGaussian(v, random);
        orthonormalize(q, random);
        double[][] z = new double[b][n];
        for (int it = 1; it <= maxIterations; it++) {
            for (double[] v : z) Arrays.fill(v, 0);
            a.apply(q, z);
            Pairs ritz = exact(projected(q, z), b);
            double[][] v = combine(ritz.vectors(), q);
            double[][] av = combine(ritz.vectors(), z);
            if (converged(v, av, ritz.values(), k)) {
                return new Pairs(Arrays.copyOf(ritz.values(), k), Arrays.copyOf(v, k),
                        "subspace iteration (" + it + " iterations)");
            }
            q = av;
            orthonormalize(q, random);
        }
        return null;
    }

    /** The symmetric b×b matrix {@code Qᵀ A Q}. */
    private static double[][] projected(double[][] q, double[][] z) {
        int b = q.length;
        double[][] h = new double[b][b];
        for (int i = 0; i < b; i++) {
            for (int j = i; j < b; j++) {
                // Averaging both triangles removes the rounding asymmetry before the eigen solve.
                double v = 0.5 * (Kernels.dot(q[i], z[j]) + Kernels.dot(q[j], z[i]));
                h[i][j] = v;
                h[j][i] = v;
            }
        }
        return h;
    }

    /** Rows {@code sum_j coef[i][j] * basis[j]}. */
    private static double[][] combine(double[][] coef, double[][] basis) {
        int n = basis[0].length;
        double[][] out = new double[coef.length][n];
        for (int i = 0; i < coef.length; i++) {
            for (int j = 0; j < basis.length; j++) Kernels.axpy(coef[i][j], basis[j], out[i], 0, n);
        }
        return out;
    }

    private static boolean converged(double[][] v, double[][] av, double[] theta, int k) {
        double scale = Math.max(Math.abs(theta[0]), Double.MIN_NORMAL);
        for (int i = 0; i < k; i++) {
            double ss = 0;
            for (int c = 0; c < v[i].length; c++) {
                double r = av[i][c] - theta[i] * v[i][c];
                ss += r * r;
            }
            if (Math.sqrt(ss) > TOLERANCE * scale) return false;
        }
        return true;
    }

    /**
     * Modified Gram–Schmidt, twice per vector for orthogonality to rounding level. A vector that
     * vanishes (the operator has lower rank than the block) is replaced by a random one.
     */
    static void orthonormalize(double[][] q, SplittableRandom random) {
        for (int i = 0; i < q.length; i++) {
            for (int attempt = 0; ; attempt++) {
                double before = Math.sqrt(Kernels.dot(q[i], q[i]));
                for (int pass = 0; pass < 2; pass++) {
                    for (int j = 0; j < i; j++) Kernels.axpy(-Kernels.dot(q[j], q[i]), q[j], q[i], 0, q[i].length);
                }
                double norm = Math.sqrt(Kernels.dot(q[i], q[i]));
                if (norm > 1e-10 * before && norm > 0) {
                    for (int c = 0; c < q[i].length; c++) q[i][c] /= norm;
                    break;
                }
                if (attempt > 10) throw new IllegalStateException("cannot extend an orthonormal basis");
                fillGaussian(q[i], random);
            }
        }
    }

    private static void fillGaussian(double[] v, SplittableRandom random) {
        for (int i = 0; i < v.length; i++) v[i] = random.nextGaussian();
    }

    /** A dense symmetric matrix as an operator, parallel over column slabs. */
    static Operator dense(double[][] s) {
        int n = s.length;
        return new Operator() {
            public int size() {
                return n;
            }

            public void apply(double[][] q, double[][] out) {
                int slab = 128;
                Parallel.forEach((n + slab - 1) / slab, blk -> {
                    int c0 = blk * slab, c1 = Math.min(n, c0 + slab);
                    // s is symmetric, so row r is also column r: out[j] += q[j][r] * s[r].
                    for (int r = 0; r < n; r++) {
                        for (int j = 0; j < q.length; j++) Kernels.axpy(q[j][r], s[r], out[j], c0, c1);
                    }
                });
            }
        };
    }
}
