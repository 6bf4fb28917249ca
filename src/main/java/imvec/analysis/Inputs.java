package imvec.analysis;

import imvec.util.Parallel;
import imvec.util.UserError;

/** Checks shared by the analyses, so every one rejects bad matrices with the same sentences. */
final class Inputs {
    private Inputs() {
    }

    /**
     * Checks that {@code x} is a non-empty rectangular matrix of finite values and returns its
     * column count.
     */
    static int checkMatrix(float[][] x, String what, String analysis) {
        if (x == null || x.length == 0) throw new UserError(analysis + " needs at least one row; " + what + " is empty.");
        int d = x[0].length;
        if (d == 0) throw new UserError(analysis + " needs at least one column; " + what + " has rows of length 0.");
        for (int r = 0; r < x.length; r++) {
            float[] row = x[r];
            if (row.length != d) {
                throw new UserError(what + " is not rectangular: row " + r + " has " + row.length
                        + " values but row 0 has " + d + ".");
            }
            for (int c = 0; c < d; c++) {
                if (!Float.isFinite(row[c])) {
                    throw new UserError(what + " has " + row[c] + " at row " + r + ", column " + c
                            + "; " + analysis + " needs finite values.");
                }
            }
        }
        return d;
    }

    /** 1/‖row‖ for each row, or 1 for rows that are all zero (scikit-learn's normalize leaves those alone). */
    static double[] inverseNorms(float[][] x) {
        double[] s = new double[x.length];
        Parallel.forEach(x.length, r -> {
            double ss = 0;
            for (float v : x[r]) ss += (double) v * v;
            s[r] = ss == 0 ? 1 : 1 / Math.sqrt(ss);
        });
        return s;
    }

    /** Column means of the rows scaled by {@code scale} (null means unscaled), in double. */
    static double[] columnMeans(float[][] x, double[] scale) {
        int n = x.length, d = x[0].length;
        double[] mean = new double[d];
        int blocks = (d + 63) / 64;
        // Each task owns a column range, so sums run in row order whatever the thread count.
        Parallel.forEach(blocks, b -> {
            int c0 = b * 64, c1 = Math.min(d, c0 + 64);
            for (int r = 0; r < n; r++) {
                float[] row = x[r];
                double s = scale == null ? 1 : scale[r];
                for (int c = c0; c < c1; c++) mean[c] += s * row[c];
            }
            for (int c = c0; c < c1; c++) mean[c] /= n;
        });
        return mean;
    }
}
