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
        int n = w2.length, h = w2[0].length;
        RealMatrix m = MatrixUtils.createRealMatrix(w2);
        SingularValueDecomposition svd = new SingularValueDecomposition(m);
        double cond = svd.getConditionNumber();
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
}
