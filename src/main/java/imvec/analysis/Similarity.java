package imvec.analysis;

import imvec.util.Parallel;
import imvec.util.UserError;

import java.util.Arrays;
import java.util.Locale;

/**
 * How alike two concepts are, given one vector each: the similarity encoding of Dharmaretnam and
 * Fyshe (2018), where each concept is described by its similarities to all concepts. Matrices are
 * built as one Gram matrix (blocked, parallel) and corrected, never pair by pair.
 */
public enum Similarity {
    /** Pearson correlation of the two vectors' values (the paper's choice). */
    PEARSON,
    /** Pearson correlation of the values' ranks within each vector (ties get their mean rank). */
    SPEARMAN,
    /** Cosine of the angle between the vectors. */
    COSINE;

    public static Similarity of(String name) {
        for (Similarity s : values()) if (s.name().equalsIgnoreCase(name.trim())) return s;
        throw new UserError("unknown similarity '" + name + "'; use pearson, spearman or cosine.");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The k × k similarity matrix of k row vectors. A row with no spread (Pearson, Spearman) or all
     * zeros (cosine) has similarity 0 to every other row and 1 to itself.
     */
    public double[][] matrix(float[][] rows) {
        Inputs.checkMatrix(rows, "the concept vectors", "a similarity matrix");
        float[][] x = this == SPEARMAN ? ranks(rows) : rows;
        int k = x.length, d = x[0].length;
        double[][] g = Gram.ofRows(new RowView(x, null, null));
        double[] mean = new double[k];
        if (this != COSINE) {
            Parallel.forEach(k, r -> {
                double s = 0;
                for (float v : x[r]) s += v;
                mean[r] = s / d;
            });
        }
        double[] scale = new double[k];
        for (int i = 0; i < k; i++) {
            double centred = g[i][i] - d * mean[i] * mean[i];
            // Below this the row is constant up to rounding of the raw sum of squares.
            boolean flat = centred <= 1e-12 * Math.max(g[i][i], Double.MIN_NORMAL);
            scale[i] = flat ? 0 : 1 / Math.sqrt(centred);
        }
        // Computed once per pair and mirrored, so the matrix is exactly symmetric.
        for (int i = 0; i < k; i++) {
            for (int j = i + 1; j < k; j++) {
                double c = (g[i][j] - d * mean[i] * mean[j]) * scale[i] * scale[j];
                g[i][j] = Math.max(-1, Math.min(1, c));
                g[j][i] = g[i][j];
            }
            g[i][i] = 1;
        }
        return g;
    }

    /**
     * A k × d matrix Z with Z·Zᵀ equal to {@link #matrix}{@code (rows)} (up to rounding): each
     * row centred (Pearson; Spearman after ranking) and scaled to unit length. A flat row becomes
     * zeros, whose similarity to itself is then 0 rather than 1.
     */
    public double[][] factor(float[][] rows) {
        Inputs.checkMatrix(rows, "the concept vectors", "a similarity matrix");
        float[][] x = this == SPEARMAN ? ranks(rows) : rows;
        int d = x[0].length;
        double[][] z = new double[x.length][d];
        for (int r = 0; r < x.length; r++) {
            double mean = 0;
            if (this != COSINE) {
                for (float v : x[r]) mean += v;
                mean /= d;
            }
            double ss = 0;
            for (int c = 0; c < d; c++) {
                z[r][c] = x[r][c] - mean;
                ss += z[r][c] * z[r][c];
            }
            double inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
            for (int c = 0; c < d; c++) z[r][c] *= inv;
        }
        return z;
    }

    /**
     * The n × m similarities between the rows of {@code a} and the rows of {@code b} (same
     * width): dot products accumulated over column chunks with the vectorised kernel, then
     * centred and scaled from per-row sums as in {@link #matrix}.
     */
    public double[][] cross(float[][] a, float[][] b) {
        Inputs.checkMatrix(a, "the image vectors", "a similarity matrix");
        Inputs.checkMatrix(b, "the reference vectors", "a similarity matrix");
        if (a[0].length != b[0].length) {
            throw new UserError("cannot compare vectors of " + a[0].length + " and " + b[0].length + " values.");
        }
        float[][] x = this == SPEARMAN ? ranks(a) : a, y = this == SPEARMAN ? ranks(b) : b;
        int n = x.length, m = y.length, d = x[0].length;
        double[][] out = new double[n][m];
        int chunk = 128;
        double[][] xt = new double[n][chunk];
        double[][] yt = new double[chunk][m];
        for (int c0 = 0; c0 < d; c0 += chunk) {
            int cols = Math.min(chunk, d - c0), from = c0;
            for (int r = 0; r < n; r++) for (int c = 0; c < cols; c++) xt[r][c] = x[r][from + c];
            for (int r = 0; r < m; r++) for (int c = 0; c < cols; c++) yt[c][r] = y[r][from + c];
            Parallel.forEach((n + 15) / 16, t -> Kernels.multiplyAdd(xt, yt, out, t * 16, Math.min(n, t * 16 + 16), 0, cols, 0, m));
        }
        double[][] sx = rowStats(x), sy = rowStats(y);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double mx = this == COSINE ? 0 : sx[0][i] / d, my = this == COSINE ? 0 : sy[0][j] / d;
                double vx = sx[1][i] - d * mx * mx, vy = sy[1][j] - d * my * my;
                boolean flat = vx <= 1e-12 * Math.max(sx[1][i], Double.MIN_NORMAL) || vy <= 1e-12 * Math.max(sy[1][j], Double.MIN_NORMAL);
                out[i][j] = flat ? 0 : Math.max(-1, Math.min(1, (out[i][j] - d * mx * my) / Math.sqrt(vx * vy)));
            }
        }
        return out;
    }

    /** {sums, sums of squares} of each row, in double. */
    private static double[][] rowStats(float[][] x) {
        double[][] s = new double[2][x.length];
        Parallel.forEach(x.length, r -> {
            double a = 0, q = 0;
            for (float v : x[r]) {
                a += v;
                q += (double) v * v;
            }
            s[0][r] = a;
            s[1][r] = q;
        });
        return s;
    }

    /** Pearson correlation of two vectors (two-pass), used where one pair is all that is needed. */
    public static double pearson(double[] x, double[] y) {
        int n = x.length;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            double a = x[i] - mx, b = y[i] - my;
            sxy += a * b;
            sxx += a * a;
            syy += b * b;
        }
        return sxx == 0 || syy == 0 ? 0 : sxy / Math.sqrt(sxx * syy);
    }

    /** Each row replaced by the ranks of its values, 1-based, ties sharing their mean rank. */
    static float[][] ranks(float[][] rows) {
        float[][] out = new float[rows.length][];
        Parallel.forEach(rows.length, r -> {
            float[] row = rows[r];
            double[] rk = ranks(toDouble(row));
            float[] o = new float[row.length];
            for (int i = 0; i < o.length; i++) o[i] = (float) rk[i];
            out[r] = o;
        });
        return out;
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    /** 1-based ranks of the values, ties sharing their mean rank (by {@link Double#compare}). */
    static double[] ranks(double[] v) {
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            int lo = bound(sorted, v[i], false), hi = bound(sorted, v[i], true) - 1;
            r[i] = (lo + hi) / 2.0 + 1;
        }
        return r;
    }

    /** First index whose value is ≥ x (or > x when {@code after}). */
    private static int bound(double[] sorted, double x, boolean after) {
        int lo = 0, hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int c = Double.compare(sorted[mid], x);
            if (c < 0 || (after && c == 0)) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
