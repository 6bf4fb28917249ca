package imvec.analysis;

import imvec.util.Parallel;

import java.util.Arrays;

/**
 * Exact k nearest neighbours by brute force: blocks of rows against blocks of rows as dot
 * products (the same blocked kernel as PCA and silhouette), each row keeping its k closest in a
 * bounded max-heap. Candidate distances use the squared-norm trick on centred rows; the chosen
 * neighbours' distances are then recomputed from differences, so they carry no cancellation error.
 */
final class NearestNeighbours {
    private static final int BLOCK = 256;
    private static final int INNER_CHUNK = 256;

    /** Row i's neighbours are {@code indices[i*k .. i*k+k)}, nearest first, with squared distances. */
    record Result(int n, int k, int[] indices, double[] squaredDistances) {
    }

    private NearestNeighbours() {
    }

    /** The k nearest other rows of every row (euclidean); k must be below the row count. */
    static Result of(float[][] x, int k) {
        int n = x.length, d = x[0].length;
        if (k < 1 || k >= n) throw new IllegalArgumentException("k must be in [1, n); got " + k + " for n = " + n);
        RowView view = new RowView(x, null, Inputs.columnMeans(x, null));
        double[] norms = new double[n];
        Parallel.forEach(n, r -> norms[r] = view.squaredNorm(r, new double[d]));
        int[] indices = new int[n * k];
        double[] dist = new double[n * k];
        int blocks = (n + BLOCK - 1) / BLOCK;
        Parallel.forEach(blocks, bi -> searchBlock(view, norms, k, bi, indices, dist));
        Parallel.forEach(n, i -> exactDistances(x, i, k, indices, dist));
        return new Result(n, k, indices, dist);
    }

    private static void searchBlock(RowView view, double[] norms, int k, int bi, int[] indices, double[] dist) {
        int n = view.n, d = view.d;
        int i0 = bi * BLOCK, ni = Math.min(BLOCK, n - i0);
        double[][] rows = new double[ni][d];
        for (int i = 0; i < ni; i++) view.row(i0 + i, rows[i]);
        double[][] colsT = new double[d][BLOCK];
        double[][] g = new double[ni][BLOCK];
        double[] row = new double[d];
        double[] heapD = new double[ni * k];
        int[] heapI = new int[ni * k];
        int[] size = new int[ni];
        for (int j0 = 0; j0 < n; j0 += BLOCK) {
            int nj = Math.min(BLOCK, n - j0);
            for (int j = 0; j < nj; j++) {
                view.row(j0 + j, row);
                for (int c = 0; c < d; c++) colsT[c][j] = row[c];
            }
            for (int i = 0; i < ni; i++) Arrays.fill(g[i], 0, nj, 0);
            for (int c0 = 0; c0 < d; c0 += INNER_CHUNK) {
                Kernels.multiplyAdd(rows, colsT, g, 0, ni, c0, Math.min(d, c0 + INNER_CHUNK), 0, nj);
            }
            for (int i = 0; i < ni; i++) {
                int gi = i0 + i, base = i * k;
                double[] gr = g[i];
                double ni2 = norms[gi];
                for (int j = 0; j < nj; j++) {
                    int gj = j0 + j;
                    if (gj == gi) continue;
                    double d2 = ni2 + norms[gj] - 2 * gr[j];
                    if (size[i] < k) {
                        push(heapD, heapI, base, size[i]++, d2, gj);
                    } else if (d2 < heapD[base]) {
                        replaceTop(heapD, heapI, base, k, d2, gj);
                    }
                }
            }
        }
        for (int i = 0; i < ni; i++) {
            int base = i * k, out = (i0 + i) * k;
            // Pop the max-heap from the back: the result is sorted nearest first.
            for (int m = k; m > 0; m--) {
                indices[out + m - 1] = heapI[base];
                dist[out + m - 1] = heapD[base];
                replaceTop(heapD, heapI, base, m - 1, heapD[base + m - 1], heapI[base + m - 1]);
            }
        }
    }

    /** Sifts a new entry up a max-heap of {@code size} entries at {@code base}. */
    private static void push(double[] hd, int[] hi, int base, int size, double v, int idx) {
        int c = size;
        while (c > 0) {
            int p = (c - 1) >> 1;
            if (!greater(v, idx, hd[base + p], hi[base + p])) break;
            hd[base + c] = hd[base + p];
            hi[base + c] = hi[base + p];
            c = p;
        }
        hd[base + c] = v;
        hi[base + c] = idx;
    }

    /** Replaces the top of a max-heap of {@code size} entries and sifts it down. */
    private static void replaceTop(double[] hd, int[] hi, int base, int size, double v, int idx) {
        int c = 0;
        while (true) {
            int l = 2 * c + 1;
            if (l >= size) break;
            int r = l + 1;
            int m = r < size && greater(hd[base + r], hi[base + r], hd[base + l], hi[base + l]) ? r : l;
            if (!greater(hd[base + m], hi[base + m], v, idx)) break;
            hd[base + c] = hd[base + m];
            hi[base + c] = hi[base + m];
            c = m;
        }
        hd[base + c] = v;
        hi[base + c] = idx;
    }

    /** Order by distance, then by index, so ties resolve the same way every run. */
    private static boolean greater(double d1, int i1, double d2, int i2) {
        return d1 > d2 || (d1 == d2 && i1 > i2);
    }

    private static void exactDistances(float[][] x, int i, int k, int[] indices, double[] dist) {
        float[] a = x[i];
        for (int m = i * k; m < i * k + k; m++) {
            float[] b = x[indices[m]];
            double s = 0;
            for (int c = 0; c < a.length; c++) {
                double t = (double) a[c] - b[c];
                s += t * t;
            }
            dist[m] = s;
        }
    }
}
