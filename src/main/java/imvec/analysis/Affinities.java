package imvec.analysis;

import imvec.util.Parallel;

import java.util.Arrays;

/**
 * The symmetric input similarities P of t-SNE, as a sparse matrix in compressed rows:
 * p_ij = (p_j|i + p_i|j) / Σ, where each conditional row p_·|i is a Gaussian over row i's
 * neighbours whose bandwidth is found by bisection so that its perplexity 2^H equals the target
 * (van der Maaten &amp; Hinton 2008). "Exact" uses every other row as a neighbour; the large-N
 * form uses the 3·perplexity nearest neighbours only (van der Maaten 2014), as scikit-learn does.
 */
final class Affinities {
    /** Bisection stops when the entropy is this close to log(perplexity) (scikit-learn's tolerance). */
    static final double ENTROPY_TOLERANCE = 1e-5;
    static final int BISECTION_STEPS = 100;

    final int n;
    final int[] rowStart;
    final int[] columns;
    final double[] values;

    private Affinities(int n, int[] rowStart, int[] columns, double[] values) {
        this.n = n;
        this.rowStart = rowStart;
        this.columns = columns;
        this.values = values;
    }

    /** Every other row is a neighbour: O(N²) memory, for small N. */
    static Affinities exact(float[][] x, double perplexity) {
        int n = x.length, k = n - 1;
        int[] idx = new int[n * k];
        double[] d2 = new double[n * k];
        Parallel.forEach(n, i -> {
            float[] a = x[i];
            int m = i * k;
            for (int j = 0; j < n; j++) {
                if (j == i) continue;
                float[] b = x[j];
                double s = 0;
                for (int c = 0; c < a.length; c++) {
                    double t = (double) a[c] - b[c];
                    s += t * t;
                }
                idx[m] = j;
                d2[m++] = s;
            }
        });
        return fromNeighbours(new NearestNeighbours.Result(n, k, idx, d2), perplexity);
    }

    /** The k nearest neighbours of each row carry its conditional distribution. */
    static Affinities nearestNeighbours(float[][] x, double perplexity, int k) {
        return fromNeighbours(NearestNeighbours.of(x, k), perplexity);
    }

    static Affinities fromNeighbours(NearestNeighbours.Result nn, double perplexity) {
        int n = nn.n(), k = nn.k();
        double[] conditional = new double[n * k];
        Parallel.forEach(n, i -> calibrate(nn.squaredDistances(), i * k, k, perplexity, conditional));
        return symmetrise(n, k, nn.indices(), conditional);
    }

    /**
     * Writes p_j|i for one row into {@code out[off..off+len)}, bisecting the precision β of
     * exp(−β d²) until the entropy is log(perplexity). Distances are shifted by their minimum
     * first, which leaves the normalised row unchanged and keeps exp from underflowing on raw
     * pixel distances. Returns the β found.
     */
    static double calibrate(double[] d2, int off, int len, double perplexity, double[] out) {
        double min = Double.POSITIVE_INFINITY;
        for (int j = off; j < off + len; j++) min = Math.min(min, d2[j]);
        double target = Math.log(perplexity);
        double beta = 1, lo = Double.NEGATIVE_INFINITY, hi = Double.POSITIVE_INFINITY;
        for (int step = 0; step < BISECTION_STEPS; step++) {
            double sum = 0;
            for (int j = off; j < off + len; j++) {
                double p = Math.exp(-(d2[j] - min) * beta);
                out[j] = p;
                sum += p;
            }
            double spread = 0;
            for (int j = off; j < off + len; j++) {
                out[j] /= sum;
                spread += (d2[j] - min) * out[j];
            }
            double entropy = Math.log(sum) + beta * spread;
            double diff = entropy - target;
            if (Math.abs(diff) <= ENTROPY_TOLERANCE) break;
            if (diff > 0) {
                lo = beta;
                beta = hi == Double.POSITIVE_INFINITY ? beta * 2 : (beta + hi) / 2;
            } else {
                hi = beta;
                beta = lo == Double.NEGATIVE_INFINITY ? beta / 2 : (beta + lo) / 2;
            }
        }
        return beta;
    }

    /** P = (C + Cᵀ) / sum, with C the conditional rows; columns sorted within each row. */
    private static Affinities symmetrise(int n, int k, int[] idx, double[] c) {
        int[] count = new int[n + 1];
        for (int i = 0; i < n; i++) {
            count[i] += k;
            for (int m = i * k; m < i * k + k; m++) count[idx[m]]++;
        }
        int[] start = new int[n + 1];
        for (int i = 0; i < n; i++) start[i + 1] = start[i] + count[i];
        int[] fill = Arrays.copyOf(start, n);
        int[] cols = new int[start[n]];
        double[] vals = new double[start[n]];
        for (int i = 0; i < n; i++) {
            for (int m = i * k; m < i * k + k; m++) {
                int j = idx[m];
                cols[fill[i]] = j;
                vals[fill[i]++] = c[m];
                cols[fill[j]] = i;
                vals[fill[j]++] = c[m];
            }
        }
        // Merge the two entries a pair gets when each is among the other's neighbours.
        int[] outCount = new int[n];
        Parallel.forEach(n, i -> outCount[i] = mergeRow(cols, vals, start[i], start[i + 1]));
        int[] rowStart = new int[n + 1];
        for (int i = 0; i < n; i++) rowStart[i + 1] = rowStart[i] + outCount[i];
        int[] columns = new int[rowStart[n]];
        double[] values = new double[rowStart[n]];
        double total = 0;
        for (int i = 0; i < n; i++) {
            System.arraycopy(cols, start[i], columns, rowStart[i], outCount[i]);
            System.arraycopy(vals, start[i], values, rowStart[i], outCount[i]);
            for (int m = rowStart[i]; m < rowStart[i + 1]; m++) total += values[m];
        }
        double scale = 1 / Math.max(total, Double.MIN_NORMAL);
        for (int m = 0; m < values.length; m++) values[m] *= scale;
        return new Affinities(n, rowStart, columns, values);
    }

    /** Sorts row entries [a, b) by column, sums duplicates in place and returns how many remain. */
    private static int mergeRow(int[] cols, double[] vals, int a, int b) {
        int len = b - a;
        long[] keys = new long[len];
        for (int m = 0; m < len; m++) keys[m] = ((long) cols[a + m] << 32) | m;
        Arrays.sort(keys);
        double[] v = Arrays.copyOfRange(vals, a, b);
        int out = -1, last = -1;
        for (long key : keys) {
            int col = (int) (key >>> 32);
            double value = v[(int) key];
            if (col == last) {
                vals[a + out] += value;
            } else {
                out++;
                cols[a + out] = col;
                vals[a + out] = value;
                last = col;
            }
        }
        return out + 1;
    }

    int nonZeros() {
        return values.length;
    }

    /** Σ p log p over the stored entries: the constant part of the KL divergence. */
    double negativeEntropy() {
        double s = 0;
        for (double p : values) if (p > 0) s += p * Math.log(p);
        return s;
    }

    /** The dense matrix, for tests. */
    double[][] dense() {
        double[][] p = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int m = rowStart[i]; m < rowStart[i + 1]; m++) p[i][columns[m]] = values[m];
        }
        return p;
    }
}
