package imvec.analysis;

import imvec.util.Parallel;

/** Inner-product matrices of centred data for PCA, built in blocks and in parallel. */
final class Gram {
    /** Rows of output each parallel task owns; tasks write disjoint rows, so no locks are needed. */
    private static final int TASK_ROWS = 32;
    /** Data rows (or columns) converted to double per pass; sized so a pass stays in L2 cache. */
    private static final int CHUNK = 128;

    private Gram() {
    }

    /** D × D matrix XcᵀXc (the covariance times N−1). */
    static double[][] ofColumns(RowView v) {
        int n = v.n, d = v.d;
        double[][] out = new double[d][d];
        double[][] m = new double[CHUNK][d];
        double[][] mt = new double[d][CHUNK];
        for (int r0 = 0; r0 < n; r0 += CHUNK) {
            int rows = Math.min(CHUNK, n - r0);
            for (int b = 0; b < rows; b++) {
                v.row(r0 + b, m[b]);
                for (int c = 0; c < d; c++) mt[c][b] = m[b][c];
            }
            upperProduct(mt, m, out, rows);
        }
        mirrorUpper(out);
        return out;
    }

    /** N × N matrix XcXcᵀ, accumulated over column chunks so no double copy of X exists. */
    static double[][] ofRows(RowView v) {
        int n = v.n, d = v.d;
        double[][] out = new double[n][n];
        double[][] mt = new double[n][CHUNK];
        double[][] m = new double[CHUNK][n];
        for (int c0 = 0; c0 < d; c0 += CHUNK) {
            int cols = Math.min(CHUNK, d - c0);
            for (int r = 0; r < n; r++) {
                v.row(r, c0, c0 + cols, mt[r], 0);
                for (int k = 0; k < cols; k++) m[k][r] = mt[r][k];
            }
            upperProduct(mt, m, out, cols);
        }
        mirrorUpper(out);
        return out;
    }

    /** out += a·t on and above the diagonal blocks, where a = tᵀ has {@code inner} columns in use. */
    private static void upperProduct(double[][] a, double[][] t, double[][] out, int inner) {
        int size = out.length;
        Parallel.forEach((size + TASK_ROWS - 1) / TASK_ROWS, blk -> {
            int i0 = blk * TASK_ROWS, i1 = Math.min(size, i0 + TASK_ROWS);
            Kernels.multiplyAdd(a, t, out, i0, i1, 0, inner, i0, size);
        });
    }

    private static void mirrorUpper(double[][] s) {
        for (int i = 0; i < s.length; i++) {
            for (int j = 0; j < i; j++) s[i][j] = s[j][i];
        }
    }

    /** k × D rows {@code sum_r coef[c][r] * xc_r}, parallel over column slabs. */
    static double[][] rowCombinations(RowView v, double[][] coef) {
        int k = coef.length, d = v.d;
        double[][] out = new double[k][d];
        int slab = 1024;
        Parallel.forEach((d + slab - 1) / slab, blk -> {
            int c0 = blk * slab, c1 = Math.min(d, c0 + slab);
            double[] part = new double[c1 - c0];
            for (int r = 0; r < v.n; r++) {
                v.row(r, c0, c1, part, 0);
                for (int c = 0; c < k; c++) {
                    double w = coef[c][r];
                    double[] o = out[c];
                    for (int i = c0; i < c1; i++) o[i] += w * part[i - c0];
                }
            }
        });
        return out;
    }

    /** Sum of squares of all centred values (trace of XcᵀXc). */
    static double totalSquares(RowView v) {
        int parts = 16;
        double[] partial = new double[parts];
        Parallel.forEach(parts, p -> {
            double[] row = new double[v.d];
            for (int r = p; r < v.n; r += parts) partial[p] += v.squaredNorm(r, row);
        });
        double t = 0;
        for (double s : partial) t += s;
        return t;
    }

    /**
     * XcᵀXc as an operator, never formed: each pass reads every row once. Rows are split into a
     * fixed number of parts summed in order, so the result does not depend on the thread count.
     */
    static TopEigen.Operator covarianceOperator(RowView v) {
        int parts = Math.max(1, Math.min(8, v.n / 1024));
        return new TopEigen.Operator() {
            public int size() {
                return v.d;
            }

            public void apply(double[][] q, double[][] out) {
                int b = q.length;
                double[][][] partial = new double[parts][b][v.d];
                Parallel.forEach(parts, p -> {
                    double[] row = new double[v.d];
                    int r0 = (int) ((long) v.n * p / parts), r1 = (int) ((long) v.n * (p + 1) / parts);
                    for (int r = r0; r < r1; r++) {
                        v.row(r, row);
                        for (int j = 0; j < b; j++) Kernels.axpy(Kernels.dot(row, q[j]), row, partial[p][j], 0, v.d);
                    }
                });
                for (double[][] part : partial) {
                    for (int j = 0; j < b; j++) Kernels.axpy(1, part[j], out[j], 0, v.d);
                }
            }
        };
    }
}
