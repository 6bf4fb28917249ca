package imvec.classvec;

import imvec.util.UserError;
import org.hipparchus.linear.LUDecomposition;
import org.hipparchus.linear.MatrixUtils;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.linear.SingularValueDecomposition;

/**
 * The inverse of Im2Vec's output weights W2 (n classes × H hidden, PyTorch's out × in layout):
 * column c of W2⁻¹ is the hidden vector that W2 maps to the one-hot e_c, the class vector of c.
 * When H ≠ n there is no inverse; the Moore–Penrose pseudo-inverse (via SVD) gives, for H &gt; n,
 * an exact solution of W2·v = e_c of least norm, and for H &lt; n the least-squares solution.
 */
public final class WeightInverse {
    public enum Mode {
        /** Exact inverse when W2 is square, pseudo-inverse otherwise. */
        AUTO,
        /** Exact inverse; a non-square or singular W2 is an error. */
        EXACT,
        /** Moore–Penrose pseudo-inverse always. */
        PSEUDO;

        public static Mode parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "auto" -> AUTO;
                case "exact", "inverse" -> EXACT;
                case "pinv", "pseudo", "moore-penrose" -> PSEUDO;
                default -> throw new UserError("--inverse must be auto, exact or pinv, not '" + s + "'.");
            };
        }
    }

    /** {@code inverse} is H × n; {@code method} is "inverse" or "moore-penrose pseudo-inverse". */
    public record Result(double[][] inverse, String method, double conditionNumber) {
        /** Class vector of class c: column c of the inverse. */
        public double[] classVector(int c) {
            double[] v = new double[inverse.length];
            for (int h = 0; h < v.length; h++) v[h] = inverse[h][c];
            return v;
        }
    }

    public static final String EXACT_METHOD = "inverse";
    public static final String PSEUDO_METHOD = "moore-penrose pseudo-inverse";

    private WeightInverse() {
    }

    public static Result of(double[][] w2, Mode mode) {
        return of(w2, mode, 0);
    }

    /**
     * With {@code rcond > 0}, singular values below {@code rcond} × the largest are treated as zero
     * (numpy's {@code pinv(rcond=…)}): the pseudo-inverse of W2 truncated to its well-determined
     * directions. Softmax ignores adding a constant to every logit, so nothing in training keeps W2's
     * response to that direction away from zero; its tiny singular value then dominates every
     * class vector of the exact inverse with one shared direction.
     */
    public static Result of(double[][] w2, Mode mode, double rcond) {
        int n = w2.length, h = w2[0].length;
        RealMatrix m = MatrixUtils.createRealMatrix(w2);
        SingularValueDecomposition svd = new SingularValueDecomposition(m);
        double cond = svd.getConditionNumber();
        if (rcond > 0) {
            if (mode == Mode.EXACT) throw new UserError("--rcond drops singular values, so it needs --inverse pinv or auto, not exact.");
            if (!(rcond < 1)) throw new UserError("--rcond must be below 1, not " + rcond + ".");
            return truncated(svd, rcond, cond);
        }
        boolean square = n == h;
        if (mode == Mode.EXACT && !square) {
            throw new UserError("W2 is " + n + " × " + h + " (classes × hidden units), not square, so it has no inverse; "
                    + "use --inverse pinv (or auto) for the Moore–Penrose pseudo-inverse, or --hidden " + n + ".");
        }
        if (mode == Mode.PSEUDO || !square) {
            return new Result(svd.getSolver().getInverse().getData(), PSEUDO_METHOD, cond);
        }
        var lu = new LUDecomposition(m).getSolver();
        if (!lu.isNonSingular() || !(cond < 1e12)) {
            if (mode == Mode.EXACT) {
                throw new UserError("W2 is singular (condition number " + cond + "), so it has no inverse; use --inverse pinv.");
            }
            return new Result(svd.getSolver().getInverse().getData(), PSEUDO_METHOD, cond);
        }
        return new Result(lu.getInverse().getData(), EXACT_METHOD, cond);
    }

    /** V Σ⁺ Uᵀ keeping singular values ≥ rcond · σ_max. */
    private static Result truncated(SingularValueDecomposition svd, double rcond, double cond) {
        double[] s = svd.getSingularValues();
        RealMatrix u = svd.getU(), v = svd.getV();
        int h = v.getRowDimension(), n = u.getRowDimension();
        double[][] inv = new double[h][n];
        int dropped = 0;
        for (int k = 0; k < s.length; k++) {
            if (s[k] < rcond * s[0] || s[k] == 0) {
                dropped++;
                continue;
            }
            for (int i = 0; i < h; i++) {
                double vi = v.getEntry(i, k) / s[k];
                for (int j = 0; j < n; j++) inv[i][j] += vi * u.getEntry(j, k);
            }
        }
        return new Result(inv, PSEUDO_METHOD + " (rcond " + rcond + ", " + dropped + " of " + s.length
                + " singular values dropped)", cond);
    }
}
